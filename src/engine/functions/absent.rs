//! `absent` and `absent_over_time`: a single 1 when the argument has nothing, labelled from
//! the equality matchers of the selector written as the argument.

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorSelector};

use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::labels::{Labels, METRIC_NAME};
use crate::engine::value::Value;

type R = Result<Value, QueryError>;

pub(super) fn absent(call: &mut FnCall) -> R {
    let present = !call.take_vector(0)?.is_empty();
    one_if_absent(call, present)
}

pub(super) fn absent_over_time(call: &mut FnCall) -> R {
    let present = call.take_matrix(0)?.iter().any(|s| !s.is_empty());
    one_if_absent(call, present)
}

fn one_if_absent(call: &FnCall, present: bool) -> R {
    if present {
        return Ok(Value::Vector(Vec::new()));
    }
    let labels = call.exprs.first().map_or_else(Labels::empty, |e| labels_for_absent(e));
    Ok(call.vector(vec![(labels, 1.0)]))
}

/// Upstream's `createLabelsForAbsentFunction`: only a selector written directly as the
/// argument (instant or range, not a subquery), parentheses aside, contributes; each
/// label with exactly one matcher, an equality, is kept; the name never is.
fn labels_for_absent(expr: &Expr) -> Labels {
    let vs: &VectorSelector = match expr {
        // Upstream removes parentheses around function arguments before evaluation.
        Expr::Paren(p) => return labels_for_absent(&p.expr),
        Expr::VectorSelector(vs) => vs,
        Expr::MatrixSelector(ms) => &ms.vs,
        _ => return Labels::empty(),
    };
    let mut labels = Labels::empty();
    let mut seen: Vec<&str> = Vec::new();
    for m in &vs.matchers.matchers {
        if m.name == METRIC_NAME {
            continue;
        }
        if matches!(m.op, MatchOp::Equal) && !seen.contains(&m.name.as_str()) {
            labels.set(m.name.as_str(), m.value.as_str());
            seen.push(&m.name);
        } else {
            // A second matcher on the same label, or a non-equality one, leaves it open.
            labels.remove(&m.name);
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_matchers() {
        let cases: &[(&str, &str)] = &[
            ("nonexistent", "{}"),
            (
                r#"nonexistent{job="testjob", instance="testinstance", method=~".x"}"#,
                r#"{instance="testinstance", job="testjob"}"#,
            ),
            (r#"nonexistent{job="testjob",job="testjob2",foo="bar"}"#, r#"{foo="bar"}"#),
            (r#"nonexistent{job="testjob",job="testjob2",job="three",foo="bar"}"#, r#"{foo="bar"}"#),
            (r#"nonexistent{job="testjob",job=~"testjob2",foo="bar"}"#, r#"{foo="bar"}"#),
            (r#"x{handler!="/foo"}[5m]"#, "{}"),
            (r#"{__name__="x", instance="127.0.0.1"}[5m]"#, r#"{instance="127.0.0.1"}"#),
            (r#"{instance="127.0.0.1"}[5m:5s]"#, "{}"),
            (r#"sum(nonexistent{job="testjob"})"#, "{}"),
            (r#"((nonexistent{job="testjob"}))"#, r#"{job="testjob"}"#),
        ];
        for &(query, want) in cases {
            let expr = promql_parser::parser::parse(query);
            assert!(expr.is_ok(), "{query}");
            if let Ok(expr) = expr {
                assert_eq!(labels_for_absent(&expr).to_string(), want, "{query}");
            }
        }
    }
}
