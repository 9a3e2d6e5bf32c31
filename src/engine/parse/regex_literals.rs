//! Matcher regexes in Go's meaning. promql-parser compiles the regex of every `=~` and `!~`
//! matcher as it parses, and the site's regex engine reads `\d \w \s \b` only in the ASCII
//! form Go gives them ([`go_classes`]). So those literals are handed to the parser rewritten,
//! and the tree gets the patterns back as the user wrote them (for display; the engine
//! rewrites again when it compiles them).

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;

use super::lex::{Kind, Token};
use super::strings::parser_value;
use crate::engine::go_regex::go_classes;

/// One rewritten matcher pattern.
#[derive(Debug, PartialEq)]
pub struct Rewrite {
    /// What the parser was given.
    pub given: String,
    /// What the user wrote.
    pub written: String,
}

/// Rewrites, in `text` (which has `src`'s byte offsets), the string literal after every
/// regex matcher operator whose pattern uses a Perl class; returns what was rewritten.
pub fn rewrite(text: &mut String, src: &str, tokens: &[Token]) -> Vec<Rewrite> {
    let mut out = Vec::new();
    // From the end, so that the offsets of earlier tokens still hold.
    for pair in tokens.windows(2).rev() {
        let (op, lit) = (pair[0], pair[1]);
        if op.kind != Kind::MatchOp || !matches!(op.text(src), "=~" | "!~") || lit.kind != Kind::Str {
            continue;
        }
        let Some(written) = parser_value(lit.text(src)) else { continue };
        let given = go_classes(&written);
        if given != written {
            let given = given.into_owned();
            text.replace_range(lit.start..lit.end, &quote(&given));
            out.push(Rewrite { given, written });
        }
    }
    out
}

/// Puts the written patterns back into the matchers of `expr`.
pub fn restore(expr: &mut Expr, rewrites: &[Rewrite]) {
    let fix = |m: &mut Matcher| {
        if matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_)) {
            if let Some(r) = rewrites.iter().find(|r| r.given == m.value) {
                m.value = r.written.clone();
            }
        }
    };
    match expr {
        Expr::VectorSelector(vs) => {
            vs.matchers.matchers.iter_mut().for_each(fix);
            vs.matchers.or_matchers.iter_mut().flatten().for_each(fix);
        }
        Expr::MatrixSelector(ms) => {
            ms.vs.matchers.matchers.iter_mut().for_each(fix);
            ms.vs.matchers.or_matchers.iter_mut().flatten().for_each(fix);
        }
        Expr::Aggregate(a) => {
            if let Some(p) = a.param.as_deref_mut() {
                restore(p, rewrites);
            }
            restore(&mut a.expr, rewrites);
        }
        Expr::Unary(u) => restore(&mut u.expr, rewrites),
        Expr::Binary(b) => {
            restore(&mut b.lhs, rewrites);
            restore(&mut b.rhs, rewrites);
        }
        Expr::Paren(p) => restore(&mut p.expr, rewrites),
        Expr::Subquery(s) => restore(&mut s.expr, rewrites),
        Expr::Call(c) => c.args.args.iter_mut().for_each(|a| restore(a, rewrites)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// A double-quoted PromQL literal holding `value`.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use crate::engine::parse::parse;

    /// The parser accepts Go's classes, and the tree keeps the pattern as written.
    #[test]
    fn perl_classes_parse_and_keep_their_spelling() {
        for (query, written) in [
            (r#"up{job=~"\\d+"}"#, r"\d+"),
            (r#"up{job!~'\\w\\s'}"#, r"\w\s"),
            (r#"rate(x{a=~`[\d.]+"`}[5m])"#, r#"[\d.]+""#),
            (r#"up{job=~"a\\b", job=~"\\d"} or up{x="\\d"}"#, r"a\b"),
        ] {
            let expr = parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
            let text = expr.to_string();
            assert!(text.contains(&written.replace('\\', "\\\\").replace('"', "\\\"")), "{query}: {text}");
        }
    }
}
