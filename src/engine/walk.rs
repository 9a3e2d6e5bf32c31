//! Walking a parsed expression: every node, and every selector.

use promql_parser::parser::{Expr, VectorSelector};

/// Calls `f` on every node of `expr`, parents before children.
pub fn walk<'a>(expr: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    walk_pruned(expr, &mut |e| {
        f(e);
        true
    });
}

/// Calls `f` on the nodes of `expr`, parents before children, skipping the children of a
/// node for which `f` returns false.
pub fn walk_pruned<'a>(expr: &'a Expr, f: &mut impl FnMut(&'a Expr) -> bool) {
    if !f(expr) {
        return;
    }
    match expr {
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk_pruned(p, f);
            }
            walk_pruned(&a.expr, f);
        }
        Expr::Unary(u) => walk_pruned(&u.expr, f),
        Expr::Binary(b) => {
            walk_pruned(&b.lhs, f);
            walk_pruned(&b.rhs, f);
        }
        Expr::Paren(p) => walk_pruned(&p.expr, f),
        Expr::Subquery(s) => walk_pruned(&s.expr, f),
        Expr::Call(c) => c.args.args.iter().for_each(|a| walk_pruned(a, f)),
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::Extension(_) => {}
    }
}

/// Every selector in `expr` (a range selector's inner selector included), in order.
pub fn selectors(expr: &Expr) -> Vec<&VectorSelector> {
    let mut out = Vec::new();
    walk(expr, &mut |e| match e {
        Expr::VectorSelector(vs) => out.push(vs),
        Expr::MatrixSelector(ms) => out.push(&ms.vs),
        _ => {}
    });
    out
}
