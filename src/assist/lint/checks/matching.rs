//! `promql/vector_matching` (pint's check of the same name): a binary operator between two
//! vectors whose label sets never match on the dataset, so it returns nothing; the fix
//! matches on the labels both sides share (`on(model) group_left`, as the seed's
//! predictions-per-CPU rule needs).

use promql_parser::parser::value::ValueType;
use promql_parser::parser::Expr;

use super::{code_list, Run};
use crate::assist::lint::fix::{operator_after, Fix};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::content::explain_empty::label_mismatch;

pub fn check(run: &mut Run, node: &Spanned) {
    let Expr::Binary(b) = node.expr else { return };
    if b.lhs.value_type() != ValueType::Vector || b.rhs.value_type() != ValueType::Vector {
        return;
    }
    let Some(storage) = run.ctx.storage else { return };
    let Expr::Binary(evaluable) = run.ctx.evaluable(node.expr) else { return };
    let Some(m) = label_mismatch(storage, &evaluable, run.ctx.time, &run.ctx.opts) else { return };
    let op = b.op.to_string();
    let labels = |names: &[String]| {
        if names.is_empty() {
            "no labels".to_string()
        } else {
            format!("the labels {}", code_list(names))
        }
    };
    let fix_modifier = m.fix(b.op.is_set_operator());
    let advice = if let Some(matching) = &fix_modifier {
        format!(" Match on the labels both sides have: `{op} {matching}`.")
    } else if m.shared.is_empty() {
        " The two sides share no label: aggregate one of them first.".to_string()
    } else {
        format!(" They share {} but with different values.", code_list(&m.shared))
    };
    let message = format!(
        "The left hand side returns series with {}, which don't match the right hand side's series with {}: \
         no pair of series has the same labels, so `{op}` returns nothing on this dataset.{advice}",
        labels(&m.left),
        labels(&m.right),
    );
    let fix = fix_modifier.and_then(|matching| {
        let (l, r) = (node.children.first()?, node.children.get(1)?);
        let (_, region) = operator_after(run.src, l.span.1, r.span.0)?;
        let bool_ = if b.modifier.as_ref().is_some_and(|m| m.return_bool) { " bool" } else { "" };
        Some(Fix::replace("Match on the shared labels", region, format!("{bool_} {matching} ")))
    });
    run.out.push(Raw::new("promql/vector_matching", Severity::Bug, node.span, message).with_fix(fix));
}
