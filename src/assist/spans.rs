//! Where each node of a parsed query sits in its text. promql-parser builds the expression
//! tree without positions; this module walks the tree and the query's tokens side by side
//! and gives every node its byte range, so lint findings can say `LINE:COL` and the explain
//! tree can highlight the text of the node a learner clicks.
//!
//! It also recovers two things the parser drops and the formatter must print as Prometheus
//! does: a unary `+` in front of a non-literal (Prometheus keeps `+x`), and a number written
//! as a duration (`predict_linear(x, 1h)`, which Prometheus 3 prints as `1h`).

use promql_parser::parser::Expr;

use crate::engine::parse::lex::{lex, Kind, Token};

/// A node of the expression with its place in the text.
#[derive(Debug)]
pub struct Spanned<'e> {
    pub expr: &'e Expr,
    /// Byte range `[start, end)` of the node's text, modifiers included.
    pub span: (usize, usize),
    /// Written with a leading unary `+` (which promql-parser drops).
    pub unary_plus: bool,
    /// A number literal written as a duration (`1h`).
    pub duration_literal: bool,
    /// The children in evaluation order (an aggregation's parameter before its operand).
    pub children: Vec<Spanned<'e>>,
}

impl<'e> Spanned<'e> {
    /// Every node, parents before children (the order of `rules::ast::walk`).
    pub fn preorder(&self) -> Vec<&Spanned<'e>> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.preorder());
        }
        out
    }
}

/// The positioned tree of `expr`, parsed from `src`; `None` when the tokens and the tree do
/// not line up (never expected for a tree parsed from `src`: callers fall back to the whole
/// query's range).
pub fn align<'e>(src: &str, expr: &'e Expr) -> Option<Spanned<'e>> {
    let (tokens, err) = lex(src);
    if err.is_some() {
        return None;
    }
    let mut a = Aligner { src, tokens: &tokens, pos: 0 };
    let node = a.node(expr)?;
    (a.peek().kind == Kind::Eof).then_some(node)
}

/// A whole-query range for `src`, when no finer position is known.
pub fn whole(src: &str) -> (usize, usize) {
    let start = src.len() - src.trim_start().len();
    (start, src.trim_end().len().max(start))
}

/// 1-based line and column (in characters) of byte offset `at` in `src`.
pub fn line_col(src: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, src[line_start..at].chars().count() + 1)
}

struct Aligner<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
}

impl<'a> Aligner<'a> {
    fn peek(&self) -> Token {
        self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn text(&self, t: Token) -> &'a str {
        t.text(self.src)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.kind != Kind::Eof {
            self.pos += 1;
        }
        t
    }

    fn is_op(&self, ops: &[&str]) -> bool {
        let t = self.peek();
        t.kind == Kind::Op && ops.contains(&self.text(t))
    }

    fn is_keyword(&self, word: &str) -> bool {
        let t = self.peek();
        t.kind == Kind::Keyword && self.text(t).eq_ignore_ascii_case(word)
    }

    fn expect(&mut self, kind: Kind) -> Option<Token> {
        (self.peek().kind == kind).then(|| self.bump())
    }

    /// End of the last consumed token.
    fn last_end(&self) -> usize {
        self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].end)
    }

    fn node<'e>(&mut self, expr: &'e Expr) -> Option<Spanned<'e>> {
        let start = self.peek().start;
        // Prometheus folds every sign in front of a number into the literal, and keeps a
        // unary `+` elsewhere; `+a ^ b` applies the `+` to the whole power (`^` binds
        // tighter than a unary operator), `+a * b` only to `a`.
        let mut unary_plus = false;
        let takes_plus = match expr {
            Expr::NumberLiteral(_) => false,
            Expr::Binary(b) => b.op.to_string() == "^",
            _ => true,
        };
        if takes_plus {
            while self.is_op(&["+"]) {
                self.bump();
                unary_plus = true;
            }
        }
        let mut duration_literal = false;
        let mut children = Vec::new();
        match expr {
            Expr::NumberLiteral(_) => {
                while self.is_op(&["+", "-"]) {
                    self.bump();
                }
                let t = self.bump();
                match t.kind {
                    Kind::Number => {}
                    Kind::Duration => duration_literal = true,
                    _ => return None,
                }
            }
            Expr::StringLiteral(_) => {
                self.expect(Kind::Str)?;
            }
            Expr::Paren(p) => {
                self.expect(Kind::LParen)?;
                children.push(self.node(&p.expr)?);
                self.expect(Kind::RParen)?;
            }
            Expr::Unary(u) => {
                if !self.is_op(&["-"]) {
                    return None;
                }
                self.bump();
                children.push(self.node(&u.expr)?);
            }
            Expr::Binary(b) => {
                children.push(self.node(&b.lhs)?);
                if self.peek().kind != Kind::Op {
                    return None;
                }
                self.bump();
                self.binary_modifiers()?;
                children.push(self.node(&b.rhs)?);
            }
            Expr::Aggregate(a) => {
                self.expect(Kind::Aggregator)?;
                self.grouping()?;
                self.expect(Kind::LParen)?;
                if let Some(p) = &a.param {
                    children.push(self.node(p)?);
                    self.expect(Kind::Comma)?;
                }
                children.push(self.node(&a.expr)?);
                self.expect(Kind::Comma);
                self.expect(Kind::RParen)?;
                self.grouping()?;
            }
            Expr::Call(c) => {
                self.bump();
                self.expect(Kind::LParen)?;
                for (i, arg) in c.args.args.iter().enumerate() {
                    if i > 0 {
                        self.expect(Kind::Comma)?;
                    }
                    children.push(self.node(arg)?);
                }
                self.expect(Kind::RParen)?;
            }
            Expr::VectorSelector(vs) => {
                self.selector(vs.name.is_some())?;
                self.modifiers()?;
            }
            Expr::MatrixSelector(ms) => {
                self.selector(ms.vs.name.is_some())?;
                self.modifiers()?;
                self.brackets()?;
                self.modifiers()?;
            }
            Expr::Subquery(s) => {
                children.push(self.node(&s.expr)?);
                self.brackets()?;
                self.modifiers()?;
            }
            Expr::Extension(_) => return None,
        }
        Some(Spanned { expr, span: (start, self.last_end()), unary_plus, duration_literal, children })
    }

    /// A metric name and/or `{...}`.
    fn selector(&mut self, named: bool) -> Option<()> {
        if named && self.peek().kind != Kind::LBrace {
            self.bump();
        }
        if self.peek().kind == Kind::LBrace {
            while self.peek().kind != Kind::RBrace {
                if self.bump().kind == Kind::Eof {
                    return None;
                }
            }
            self.bump();
        }
        Some(())
    }

    /// `[range]` or `[range:step]`.
    fn brackets(&mut self) -> Option<()> {
        self.expect(Kind::LBracket)?;
        while self.peek().kind != Kind::RBracket {
            if self.bump().kind == Kind::Eof {
                return None;
            }
        }
        self.bump();
        Some(())
    }

    /// Any `offset` and `@` modifiers, in any order.
    fn modifiers(&mut self) -> Option<()> {
        loop {
            if self.is_keyword("offset") {
                self.bump();
                if self.is_op(&["+", "-"]) {
                    self.bump();
                }
                if !matches!(self.bump().kind, Kind::Number | Kind::Duration) {
                    return None;
                }
            } else if self.peek().kind == Kind::At {
                self.bump();
                if self.is_op(&["+", "-"]) {
                    self.bump();
                }
                if self.is_keyword("start") || self.is_keyword("end") {
                    self.bump();
                    self.expect(Kind::LParen)?;
                    self.expect(Kind::RParen)?;
                } else if !matches!(self.bump().kind, Kind::Number | Kind::Duration) {
                    return None;
                }
            } else {
                return Some(());
            }
        }
    }

    /// An aggregation's optional `by (...)` / `without (...)`.
    fn grouping(&mut self) -> Option<()> {
        if self.is_keyword("by") || self.is_keyword("without") {
            self.bump();
            self.label_list()?;
        }
        Some(())
    }

    /// `bool`, `on (...)`/`ignoring (...)`, `group_left/right [(...)]`, `fill...(...)`.
    fn binary_modifiers(&mut self) -> Option<()> {
        if self.is_keyword("bool") {
            self.bump();
        }
        if self.is_keyword("on") || self.is_keyword("ignoring") {
            self.bump();
            self.label_list()?;
        }
        if self.is_keyword("group_left") || self.is_keyword("group_right") {
            self.bump();
            if self.peek().kind == Kind::LParen {
                self.label_list()?;
            }
        }
        while self.peek().kind == Kind::Keyword
            && self.text(self.peek()).to_ascii_lowercase().starts_with("fill")
        {
            self.bump();
            self.label_list()?;
        }
        Some(())
    }

    /// `( ... )` holding labels (or a fill value).
    fn label_list(&mut self) -> Option<()> {
        self.expect(Kind::LParen)?;
        while self.peek().kind != Kind::RParen {
            if self.bump().kind == Kind::Eof {
                return None;
            }
        }
        self.bump();
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;

    /// The text of every node, in preorder.
    fn texts(src: &str) -> Vec<String> {
        let expr = parse(src).expect(src);
        let tree = align(src, &expr).expect(src);
        tree.preorder().iter().map(|n| src[n.span.0..n.span.1].to_string()).collect()
    }

    #[test]
    fn every_node_gets_its_text() {
        assert_eq!(
            texts("sum by (model) (rate(x{a=\"b\"}[5m] offset 1h)) / on(model) group_left count(y)"),
            [
                "sum by (model) (rate(x{a=\"b\"}[5m] offset 1h)) / on(model) group_left count(y)",
                "sum by (model) (rate(x{a=\"b\"}[5m] offset 1h))",
                "rate(x{a=\"b\"}[5m] offset 1h)",
                "x{a=\"b\"}[5m] offset 1h",
                "count(y)",
                "y",
            ]
        );
        assert_eq!(
            texts("topk(3, -x @ 5) or (avg_over_time(rate(y[5m])[1h:5m]))"),
            [
                "topk(3, -x @ 5) or (avg_over_time(rate(y[5m])[1h:5m]))",
                "topk(3, -x @ 5)",
                "3",
                "-x @ 5",
                "x @ 5",
                "(avg_over_time(rate(y[5m])[1h:5m]))",
                "avg_over_time(rate(y[5m])[1h:5m])",
                "rate(y[5m])[1h:5m]",
                "rate(y[5m])",
                "y[5m]",
            ]
        );
        assert_eq!(
            texts("sum(x) without (a) # comment\n + -1"),
            ["sum(x) without (a) # comment\n + -1", "sum(x) without (a)", "x", "-1"]
        );
    }

    #[test]
    fn recovers_what_the_parser_drops() {
        let src = "+x + predict_linear(y[1h], 1h) + +1";
        let expr = parse(src).unwrap();
        let tree = align(src, &expr).unwrap();
        let nodes = tree.preorder();
        let plus: Vec<&str> =
            nodes.iter().filter(|n| n.unary_plus).map(|n| &src[n.span.0..n.span.1]).collect();
        assert_eq!(plus, ["+x"]);
        let durations: Vec<&str> =
            nodes.iter().filter(|n| n.duration_literal).map(|n| &src[n.span.0..n.span.1]).collect();
        assert_eq!(durations, ["1h"]);
    }

    #[test]
    fn positions() {
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("é x", 3), (1, 3));
        assert_eq!(whole("  up \n"), (2, 4));
    }
}
