//! What rule evaluation needs to know about a rule's expression: which series names it
//! reads, whether it depends on the query's start/end, and the expression with recorded
//! series replaced by the expressions that record them (the "raw" query of a cost pair).

use std::collections::HashMap;

use promql_parser::label::MatchOp;
use promql_parser::parser::{AtModifier, Expr, ParenExpr, VectorSelector};

use crate::engine::METRIC_NAME;

pub use crate::engine::walk::{selectors, walk};

/// True when `vs` could select series named `name` (its name and `__name__` matchers allow
/// it; other matchers are not considered).
pub fn may_read(vs: &VectorSelector, name: &str) -> bool {
    if let Some(n) = &vs.name {
        return n == name;
    }
    let allows = |set: &[promql_parser::label::Matcher]| {
        set.iter().filter(|m| m.name == METRIC_NAME).all(|m| m.is_match(name))
    };
    allows(&vs.matchers.matchers) || vs.matchers.or_matchers.iter().any(|set| allows(set))
}

/// The exact metric name `vs` selects, if it names one.
pub fn exact_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.as_str())
    })
}

/// True when `expr` uses `@ start()` or `@ end()`, whose meaning differs between one
/// instant query per tick and one range query over all ticks.
pub fn uses_start_or_end(expr: &Expr) -> bool {
    let mut found = false;
    let is_rel = |at: &Option<AtModifier>| matches!(at, Some(AtModifier::Start | AtModifier::End));
    walk(expr, &mut |e| match e {
        Expr::VectorSelector(vs) => found |= is_rel(&vs.at),
        Expr::MatrixSelector(ms) => found |= is_rel(&ms.vs.at),
        Expr::Subquery(s) => found |= is_rel(&s.at),
        _ => {}
    });
    found
}

/// `expr` with every plain reference to a recorded series (a bare name, no other matchers,
/// no offset or `@`) replaced by the expression recording it, recursively: the query one
/// would have to run without recording rules. Rule labels are not re-applied, so a rule
/// that adds labels inlines to a query without them.
pub fn inline(expr: &Expr, defs: &HashMap<String, Expr>) -> Expr {
    inline_depth(expr, defs, 0)
}

/// Recursion guard: rules referring to each other in a cycle stop expanding here.
const MAX_INLINE_DEPTH: usize = 16;

fn inline_depth(expr: &Expr, defs: &HashMap<String, Expr>, depth: usize) -> Expr {
    let mut out = expr.clone();
    if depth < MAX_INLINE_DEPTH {
        rewrite(&mut out, &mut |e| {
            let Expr::VectorSelector(vs) = e else { return None };
            let plain = vs.offset.is_none()
                && vs.at.is_none()
                && vs.matchers.or_matchers.is_empty()
                && vs.matchers.matchers.iter().all(|m| m.name == METRIC_NAME);
            let def = defs.get(exact_name(vs)?).filter(|_| plain)?;
            let inner = inline_depth(def, defs, depth + 1);
            Some(Expr::Paren(ParenExpr { expr: Box::new(inner) }))
        });
    }
    out
}

/// Replaces, bottom-up, each node for which `f` returns a replacement.
fn rewrite(expr: &mut Expr, f: &mut impl FnMut(&Expr) -> Option<Expr>) {
    if let Some(new) = f(expr) {
        *expr = new;
        return;
    }
    match expr {
        Expr::Aggregate(a) => {
            if let Some(p) = &mut a.param {
                rewrite(p, f);
            }
            rewrite(&mut a.expr, f);
        }
        Expr::Unary(u) => rewrite(&mut u.expr, f),
        Expr::Binary(b) => {
            rewrite(&mut b.lhs, f);
            rewrite(&mut b.rhs, f);
        }
        Expr::Paren(p) => rewrite(&mut p.expr, f),
        Expr::Subquery(s) => rewrite(&mut s.expr, f),
        Expr::Call(c) => c.args.args.iter_mut().for_each(|a| rewrite(a, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;

    #[test]
    fn reads_and_inlines() {
        let e = parse("platform:errors:rate5m / platform:predictions:rate5m").unwrap();
        let names: Vec<_> = selectors(&e).iter().filter_map(|vs| exact_name(vs)).collect();
        assert_eq!(names, ["platform:errors:rate5m", "platform:predictions:rate5m"]);
        let defs: HashMap<String, Expr> = [
            ("platform:errors:rate5m", "sum(model:errors:rate5m)"),
            ("model:errors:rate5m", "sum by (model) (rate(errs[5m]))"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), parse(v).unwrap()))
        .collect();
        let inlined = inline(&e, &defs).to_string();
        assert!(inlined.contains("rate(errs[5m])"), "{inlined}");
        assert!(inlined.contains("platform:predictions:rate5m"), "{inlined}");
        assert!(parse(&inlined).is_ok(), "{inlined}");
    }

    #[test]
    fn name_matchers() {
        let e = parse(r#"{__name__=~"model:.*"}"#).unwrap();
        let vs = selectors(&e)[0];
        assert!(may_read(vs, "model:latency:p95"));
        assert!(!may_read(vs, "platform:x"));
        assert!(uses_start_or_end(&parse("up @ start()").unwrap()));
        assert!(!uses_start_or_end(&parse("up offset 5m").unwrap()));
    }
}
