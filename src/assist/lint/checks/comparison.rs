//! `rule/comparison` (no pint equivalent; pint's `alerts/comparison` is its alerting-rule
//! counterpart): a recording rule whose expression ends in a filtering comparison records
//! only the series for which it holds, so the recorded series come and go with the condition.

use promql_parser::parser::Expr;

use super::{unparen, Run};
use crate::assist::lint::fix::{operator_after, Fix};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;

pub fn check(run: &mut Run, tree: &Spanned) {
    let Some(record) = run.ctx.recording.clone() else { return };
    let node = unparen(tree);
    let Expr::Binary(b) = node.expr else { return };
    if !b.op.is_comparison_operator() || b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return;
    }
    let op = b.op.to_string();
    let message = format!(
        "`{record}` records only the series for which `{op}` holds, so its series appear and disappear with the \
         condition. Record the value and compare where it is used, or use `{op} bool` to record 1 and 0."
    );
    let fix = (|| {
        let (l, r) = (node.children.first()?, node.children.get(1)?);
        let (token, _) = operator_after(run.src, l.span.1, r.span.0)?;
        Some(Fix::replace(format!("Use {op} bool"), (token.start, token.end), format!("{op} bool")))
    })();
    run.out.push(Raw::new("rule/comparison", Severity::Warning, node.span, message).with_fix(fix));
}
