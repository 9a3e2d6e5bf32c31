//! Aggregations: `promql/aggregate` (pint's check of the same name, which keeps or strips
//! labels by configuration; here the labels to strip are read from the data) flags grouping
//! by a label that tells nearly every input series apart, such as `pod` (seed Task 5.1
//! anti-pattern 2), and by labels no input series has. `promql/aggregate_ratio` flags a sum
//! or average of a ratio where the ratio of the aggregates was meant.

use std::collections::{BTreeMap, BTreeSet};

use promql_parser::parser::value::ValueType;
use promql_parser::parser::{Expr, LabelModifier};

use super::{code_list, unparen, Run};
use crate::assist::lint::fix::{tokens_in, Edit, Fix};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::engine::parse::lex::Kind;
use crate::engine::{eval, Value};

/// Fewest values a label needs before it counts as telling series apart.
const MIN_VALUES: usize = 5;

pub fn check(run: &mut Run, node: &Spanned) {
    let Expr::Aggregate(agg) = node.expr else { return };
    ratio(run, node);
    let Some(LabelModifier::Include(by)) = &agg.modifier else { return };
    if by.labels.is_empty() {
        return;
    }
    let Some(storage) = run.ctx.storage else { return };
    let Some(input) = node.children.last() else { return };
    let Ok(Value::Vector(series)) =
        eval::eval_instant(storage, &run.ctx.evaluable(input.expr), run.ctx.time, &run.ctx.opts)
            .map(|o| o.value)
    else {
        return;
    };
    if series.is_empty() {
        return;
    }
    let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in &series {
        for l in &by.labels {
            if let Some(v) = s.labels.get(l) {
                values.entry(l.as_str()).or_default().insert(v);
            }
        }
    }
    let n = series.len();
    let wide: Vec<&String> = by
        .labels
        .iter()
        .filter(|l| *l != "le")
        .filter(|l| values.get(l.as_str()).is_some_and(|v| v.len() >= MIN_VALUES && 2 * v.len() >= n))
        .collect();
    let absent: Vec<&String> = by.labels.iter().filter(|l| !values.contains_key(l.as_str())).collect();
    if wide.is_empty() && absent.is_empty() {
        return;
    }
    let op = agg.op.to_string();
    let mut parts = Vec::new();
    for l in &wide {
        let count = values.get(l.as_str()).map_or(0, BTreeSet::len);
        parts.push(format!(
            "`{l}` label should be removed when aggregating: it has {count} values among the {n} input series, \
             so `{op} by (...)` keeps about one series per {l} instead of aggregating them."
        ));
    }
    if !absent.is_empty() {
        parts.push(format!(
            "{} {} not a label of any input series: grouping by {} does nothing.",
            code_list(&absent),
            if absent.len() == 1 { "is" } else { "are" },
            if absent.len() == 1 { "it" } else { "them" }
        ));
    }
    let severity = if wide.is_empty() { Severity::Information } else { Severity::Warning };
    let keep: Vec<&String> = by.labels.iter().filter(|l| !wide.contains(l) && !absent.contains(l)).collect();
    let fix = regroup(run.src, node.span, &keep);
    run.out.push(Raw::new("promql/aggregate", severity, node.span, parts.join(" ")).with_fix(fix));
}

/// Rewrites the `by (...)` list of the aggregation in `span` to `keep` (removing the clause
/// when nothing is kept).
fn regroup(src: &str, span: (usize, usize), keep: &[&String]) -> Option<Fix> {
    let tokens = tokens_in(src, span);
    let by = tokens.iter().position(|t| t.kind == Kind::Keyword && t.text(src).eq_ignore_ascii_case("by"))?;
    let open = tokens.get(by + 1).filter(|t| t.kind == Kind::LParen)?;
    let close = tokens[by..].iter().find(|t| t.kind == Kind::RParen)?;
    let list = keep.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ");
    if keep.is_empty() {
        // `sum by (pod) (x)` → `sum (x)`, `sum(x) by (pod)` → `sum(x)`.
        let (mut start, end) = (tokens[by].start, close.end);
        if src[..start].ends_with(' ') && (src[end..].starts_with(' ') || end == span.1) {
            start -= 1;
        }
        return Some(Fix::new("Aggregate over every series", vec![Edit { start, end, text: String::new() }]));
    }
    Some(Fix::new(
        format!("Group by ({list}) only"),
        vec![Edit { start: open.end, end: close.start, text: list }],
    ))
}

/// `sum(a / b)` and `avg(a / b)`: the aggregate of per-series ratios, where the ratio of the
/// aggregates, `sum(a) / sum(b)`, is the group's true ratio (a weighted mean).
fn ratio(run: &mut Run, node: &Spanned) {
    let Expr::Aggregate(agg) = node.expr else { return };
    let op = agg.op.to_string();
    if op != "sum" && op != "avg" {
        return;
    }
    let Some(inner) = node.children.last().map(unparen) else { return };
    let Expr::Binary(b) = inner.expr else { return };
    let vectors = b.lhs.value_type() == ValueType::Vector && b.rhs.value_type() == ValueType::Vector;
    if b.op.to_string() != "/" || !vectors || b.modifier.as_ref().is_some_and(|m| m.matching.is_some()) {
        return;
    }
    let (Some(l), Some(r)) = (inner.children.first(), inner.children.get(1)) else { return };
    let head = crate::assist::format::aggregate_head(agg).replacen(&op, "sum", 1);
    let replacement = format!("{head}({}) / {head}({})", run.text(l).trim(), run.text(r).trim());
    let message = format!(
        "`{op}()` of a ratio {} every series' own ratio; the ratio of the whole group divides the aggregates: `{replacement}`.",
        if op == "avg" { "averages with the same weight" } else { "adds up" }
    );
    let fix = Fix::replace("Divide the sums", node.span, replacement);
    run.out
        .push(Raw::new("promql/aggregate_ratio", Severity::Warning, node.span, message).with_fix(Some(fix)));
}
