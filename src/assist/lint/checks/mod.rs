//! The checks, one file per concern, run over every node of the positioned tree with the
//! node's ancestors (innermost last).

mod aggregate;
mod comparison;
mod counter;
mod deprecated;
mod histogram;
mod impossible;
mod matching;
mod range;
mod rate;
mod recorded;

pub(crate) use deprecated::deprecated;

use promql_parser::parser::Expr;

use super::context::LintContext;
use super::Raw;
use crate::assist::spans::Spanned;

/// What every check gets: the query text, the context, and where findings go.
pub(crate) struct Run<'q, 'c> {
    pub src: &'q str,
    pub ctx: &'q LintContext<'c>,
    pub out: Vec<Raw>,
}

impl Run<'_, '_> {
    /// The text of a node.
    pub fn text(&self, node: &Spanned) -> &str {
        self.src.get(node.span.0..node.span.1).unwrap_or("")
    }
}

/// Runs every check on `tree` (parsed from `src`).
pub(crate) fn run(src: &str, tree: &Spanned, ctx: &LintContext) -> Vec<Raw> {
    let mut run = Run { src, ctx, out: Vec::new() };
    let mut ancestors = Vec::new();
    visit(tree, &mut ancestors, &mut |node, ancestors| {
        counter::check(&mut run, node, ancestors);
        rate::check(&mut run, node);
        aggregate::check(&mut run, node);
        histogram::check(&mut run, node);
        impossible::check(&mut run, node, ancestors);
        matching::check(&mut run, node);
        range::check(&mut run, node, ancestors);
    });
    recorded::check(&mut run, tree);
    comparison::check(&mut run, tree);
    run.out
}

fn visit<'t, 'e>(
    node: &'t Spanned<'e>,
    ancestors: &mut Vec<&'t Spanned<'e>>,
    f: &mut impl FnMut(&'t Spanned<'e>, &[&'t Spanned<'e>]),
) {
    f(node, ancestors);
    ancestors.push(node);
    for c in &node.children {
        visit(c, ancestors, f);
    }
    ancestors.pop();
}

/// The node inside any parentheses.
pub(crate) fn unparen<'t, 'e>(mut node: &'t Spanned<'e>) -> &'t Spanned<'e> {
    while let (Expr::Paren(_), Some(inner)) = (node.expr, node.children.first()) {
        node = inner;
    }
    node
}

/// The name of the function a node calls, if it is a call.
pub(crate) fn call_name(node: &Spanned) -> Option<&'static str> {
    match node.expr {
        Expr::Call(c) => Some(c.func.name),
        _ => None,
    }
}

/// A list of names as `` `a`, `b` ``.
pub(crate) fn code_list(names: &[impl AsRef<str>]) -> String {
    names.iter().map(|n| format!("`{}`", n.as_ref())).collect::<Vec<_>>().join(", ")
}
