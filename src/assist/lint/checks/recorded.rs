//! `query/cost` (pint's check of the same name, "query could use a recording rule"): a part
//! of the query that a loaded recording rule already computes (seed Task 5.1 anti-pattern 4),
//! including `sum by (model)` over a rule that sums by more labels, and a subquery over such
//! a part.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, LabelModifier};

use super::Run;
use crate::assist::format::{aggregate_head, string};
use crate::assist::lint::context::RecordedRule;
use crate::assist::lint::fix::Fix;
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::engine::parse::parse;
use crate::rules::duration;

const CHECK: &str = "query/cost";

/// Aggregations whose result over a finer aggregate equals their result over the raw series.
const REAGGREGATABLE: &[&str] = &["sum", "min", "max", "group"];

/// Checks the outermost nodes first; a node that can be replaced is not searched further.
pub fn check(run: &mut Run, node: &Spanned) {
    if !matches!(
        node.expr,
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_)
    ) {
        if let Some((replacement, rule, how)) = replacement(run, node) {
            let message = format!(
                "Use `{replacement}` here instead to speed up the query: the recording rule `{}` records `{}`{how}.",
                rule.record, rule.normalized
            );
            let fix = Fix::replace(format!("Use {}", rule.record), node.span, replacement);
            run.out.push(Raw::new(CHECK, Severity::Information, node.span, message).with_fix(Some(fix)));
            return;
        }
    }
    node.children.iter().for_each(|c| check(run, c));
}

/// What can replace `node`, the rule it reads and a note on why it is the same.
fn replacement(run: &Run, node: &Spanned) -> Option<(String, RecordedRule, String)> {
    let text = string(node);
    if let Some(r) = run.ctx.alternatives().find(|r| r.normalized == text) {
        return Some((r.record.clone(), r.clone(), String::new()));
    }
    match node.expr {
        Expr::Subquery(sq) => {
            let inner = string(node.children.first()?);
            let r = run.ctx.alternatives().find(|r| r.normalized == inner)?;
            let range = duration::format(crate::engine::selector::duration_ms(&sq.range));
            let rest = crate::assist::format::subquery_suffix(sq);
            let modifiers = rest.split_once(']').map_or("", |(_, m)| m);
            let how = ", so the subquery need not evaluate it at every step".to_string();
            Some((format!("{}[{range}]{modifiers}", r.record), r.clone(), how))
        }
        Expr::Aggregate(agg) => {
            let op = agg.op.to_string();
            let Some(LabelModifier::Include(by)) = &agg.modifier else { return None };
            if !REAGGREGATABLE.contains(&op.as_str()) || agg.param.is_some() {
                return None;
            }
            let inner = string(node.children.last()?);
            let wanted: BTreeSet<&String> = by.labels.iter().collect();
            run.ctx.alternatives().find_map(|r| {
                let e = parse(&r.expr).ok()?;
                let Expr::Aggregate(ra) = &e else { return None };
                let Some(LabelModifier::Include(rby)) = &ra.modifier else { return None };
                let finer: BTreeSet<&String> = rby.labels.iter().collect();
                let same_input = string(&crate::assist::format::bare(&ra.expr)) == inner;
                (ra.op.to_string() == op && same_input && wanted.is_subset(&finer) && wanted != finer).then(
                    || {
                        let how = format!(" by more labels, and `{op}` of those partial results is the same");
                        (format!("{}({})", aggregate_head(agg), r.record), r.clone(), how)
                    },
                )
            })
        }
        _ => None,
    }
}
