//! `promql/impossible` (pint's check of the same name: a part of the query that can never
//! contribute): `a or b` where both sides return series with the same label set, most often
//! none, as in the seed's "multiple percentiles in a single panel": every quantile is one
//! label-less series, so `or` keeps only the first and the others never show.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, LabelModifier};

use super::{code_list, unparen, Run};
use crate::assist::lint::fix::Fix;
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::engine::gofmt::format_f;

pub fn check(run: &mut Run, node: &Spanned, ancestors: &[&Spanned]) {
    if !is_or(node) || ancestors.last().is_some_and(|p| is_or(p)) {
        return;
    }
    let mut operands = Vec::new();
    chain(node, &mut operands);
    let sets: Vec<Option<BTreeSet<String>>> = operands.iter().map(|o| output_labels(o)).collect();
    let Some(Some(first)) = sets.first() else { return };
    if !sets.iter().all(|s| s.as_ref() == Some(first)) {
        return;
    }
    let labels = if first.is_empty() {
        "no labels".to_string()
    } else {
        format!("only the labels {}", code_list(&first.iter().collect::<Vec<_>>()))
    };
    let message = format!(
        "All {} sides of `or` return series with {labels}, so they are the same series to `or`: it keeps the left \
         side's and the others never show. Give each side a label of its own (label_replace) to see them all.",
        operands.len()
    );
    let fix = quantile_labels(run, &operands);
    run.out.push(Raw::new("promql/impossible", Severity::Warning, node.span, message).with_fix(fix));
}

fn is_or(node: &Spanned) -> bool {
    matches!(node.expr, Expr::Binary(b) if b.op.to_string() == "or")
}

/// The operands of a chain `a or b or c`, in order.
fn chain<'t, 'e>(node: &'t Spanned<'e>, out: &mut Vec<&'t Spanned<'e>>) {
    if is_or(node) {
        node.children.iter().for_each(|c| chain(c, out));
    } else {
        out.push(node);
    }
}

/// The label names of every series `node` returns, when the query alone tells them.
fn output_labels(node: &Spanned) -> Option<BTreeSet<String>> {
    let node = unparen(node);
    match node.expr {
        Expr::Aggregate(a) => match &a.modifier {
            None => Some(BTreeSet::new()),
            Some(LabelModifier::Include(ls))
                if !matches!(
                    a.op.to_string().as_str(),
                    "topk" | "bottomk" | "limitk" | "limit_ratio" | "count_values"
                ) =>
            {
                Some(ls.labels.iter().cloned().collect())
            }
            _ => None,
        },
        Expr::Call(c) if c.func.name == "histogram_quantile" => {
            let mut set = output_labels(node.children.get(1)?)?;
            set.remove("le");
            Some(set)
        }
        Expr::Call(c) if c.func.name == "vector" => Some(BTreeSet::new()),
        _ => None,
    }
}

/// When every side is `histogram_quantile(<number>, ...)`: label each with its quantile.
fn quantile_labels(run: &Run, operands: &[&Spanned]) -> Option<Fix> {
    let mut edits = Vec::new();
    for o in operands {
        let q = unparen(o);
        let phi = match (q.expr, q.children.first().map(|c| c.expr)) {
            (Expr::Call(c), Some(Expr::NumberLiteral(n))) if c.func.name == "histogram_quantile" => n.val,
            _ => return None,
        };
        let text =
            format!("label_replace({}, \"quantile\", \"{}\", \"\", \"\")", run.text(o).trim(), format_f(phi));
        edits.push(crate::assist::lint::Edit { start: o.span.0, end: o.span.1, text });
    }
    Some(Fix::new("Label each quantile", edits))
}
