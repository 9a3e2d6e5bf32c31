//! The PromQL formatter: exactly the text Prometheus's `/api/v1/format_query` returns
//! (`parser.ParseExpr(q).Pretty(0)`), Prometheus 3 flavour. A node whose one-line text fits
//! in 100 bytes stays on one line; a longer one is split: its children go on their own lines,
//! indented two spaces per level (promql/parser/prettier.go, quirks included: a subquery
//! that fits is not indented).
//!
//! Where Prometheus 2.42 prints differently (numbers such as `1e+06`, `ignoring ()` before
//! `group_left`, durations written as numbers) this follows Prometheus 3; docs/format.md
//! lists the differences and tests/format_differential.rs checks them against 2.42.

mod print;

use promql_parser::parser::Expr;

use super::spans::{self, Spanned};
use crate::engine::parse::parse;
use crate::engine::ParseError;

pub use print::{aggregate_head, binary_modifiers, string, subquery_suffix};

/// Longest one-line text a node keeps (Prometheus's `maxCharactersPerLine`).
pub const MAX_LINE: usize = 100;

/// Formats `query` as Prometheus's `format_query` does, or says why it does not parse.
pub fn format_query(query: &str) -> Result<String, ParseError> {
    let expr = parse(query)?;
    Ok(format_expr(query, &expr))
}

/// Formats an expression parsed from `query` (the text is read for what the parser drops:
/// unary `+`, numbers written as durations).
pub fn format_expr(query: &str, expr: &Expr) -> String {
    match spans::align(query, expr) {
        Some(tree) => pretty(&tree, 0),
        None => pretty(&bare(expr), 0),
    }
}

/// The one-line text of an expression (Prometheus's `String()`), for messages and fixes.
pub fn one_line(query: &str, expr: &Expr) -> String {
    match spans::align(query, expr) {
        Some(tree) => string(&tree),
        None => string(&bare(expr)),
    }
}

/// A positionless tree, for expressions built in code rather than parsed from text.
pub fn bare(expr: &Expr) -> Spanned<'_> {
    let children = match expr {
        Expr::Aggregate(a) => a.param.iter().map(|p| bare(p)).chain([bare(&a.expr)]).collect(),
        Expr::Unary(u) => vec![bare(&u.expr)],
        Expr::Binary(b) => vec![bare(&b.lhs), bare(&b.rhs)],
        Expr::Paren(p) => vec![bare(&p.expr)],
        Expr::Subquery(s) => vec![bare(&s.expr)],
        Expr::Call(c) => c.args.args.iter().map(|a| bare(a)).collect(),
        _ => Vec::new(),
    };
    Spanned { expr, span: (0, 0), unary_plus: false, duration_literal: false, children }
}

fn indent(level: usize) -> String {
    "  ".repeat(level)
}

/// Prometheus's `Pretty(level)`: the node's text, split over lines when too long.
fn pretty(node: &Spanned, level: usize) -> String {
    let one = string(node);
    let fits = one.len() <= MAX_LINE;
    // A unary `+` Prometheus keeps is a unary node of its own: indent, `+`, then the child
    // with its indentation trimmed.
    if node.unary_plus {
        let inner = Spanned { unary_plus: false, ..shallow(node) };
        return format!("{}+{}", indent(level), pretty(&inner, level).trim());
    }
    let kids = &node.children;
    match node.expr {
        Expr::Unary(_) => {
            let child = kids.first().map(|c| pretty(c, level)).unwrap_or_default();
            format!("{}-{}", indent(level), child.trim())
        }
        // A subquery that fits is printed without its indentation (as Prometheus does).
        Expr::Subquery(_) if fits => one,
        Expr::Subquery(sq) => {
            let inner = kids.first().map(|c| pretty(c, level)).unwrap_or_default();
            format!("{inner}{}", print::subquery_suffix(sq))
        }
        _ if fits => format!("{}{one}", indent(level)),
        Expr::Aggregate(a) => {
            let mut s = format!("{}{}(\n", indent(level), print::aggregate_head(a));
            let parts: Vec<String> = kids.iter().map(|c| pretty(c, level + 1)).collect();
            s.push_str(&parts.join(",\n"));
            s.push_str(&format!("\n{})", indent(level)));
            s
        }
        Expr::Binary(b) => format!(
            "{}\n{}{}{}\n{}",
            kids.first().map(|c| pretty(c, level + 1)).unwrap_or_default(),
            indent(level),
            b.op,
            print::binary_modifiers(b),
            kids.get(1).map(|c| pretty(c, level + 1)).unwrap_or_default()
        ),
        Expr::Call(c) => {
            let args: Vec<String> = kids.iter().map(|k| pretty(k, level + 1)).collect();
            format!("{}{}(\n{}\n{})", indent(level), c.func.name, args.join(",\n"), indent(level))
        }
        Expr::Paren(_) => format!(
            "{}(\n{}\n{})",
            indent(level),
            kids.first().map(|c| pretty(c, level + 1)).unwrap_or_default(),
            indent(level)
        ),
        _ => format!("{}{one}", indent(level)),
    }
}

/// A copy of a node's fields that borrows its children's expressions (for re-printing a
/// node without its unary `+`).
fn shallow<'e>(node: &Spanned<'e>) -> Spanned<'e> {
    Spanned {
        expr: node.expr,
        span: node.span,
        unary_plus: node.unary_plus,
        duration_literal: node.duration_literal,
        children: node.children.iter().map(shallow).collect(),
    }
}

#[cfg(test)]
mod tests;
