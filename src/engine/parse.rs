//! Wraps promql-parser: guards the inputs it would panic on, makes negative `@` timestamps
//! work the same natively and on wasm, reads byte escapes in strings as Go does, and gives
//! every error a position (`1:5: parse error: unexpected ...`, as Prometheus words them).
//!
//! promql-parser reports syntax errors as a bare "invalid promql query" and other errors
//! without a position; [`locate`] re-reads the tokens to find where the query goes wrong.

mod guard;
pub mod lex;
mod locate;
mod regex_literals;
mod strings;

use std::time::{Duration, SystemTime};

use promql_parser::parser::{AtModifier, Expr};

use super::error::ParseError;
use super::value::Millis;

/// Longest query accepted, in bytes: keeps pathological inputs from tying up the page.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// Negative `@` timestamps are stored as `UNIX_EPOCH + NEGATIVE_AT_BASE_MS + |t|`: a
/// `SystemTime` on wasm cannot go before the epoch, and real timestamps (at most
/// `i64::MAX` ms) never reach this base. Read them back with [`at_time_ms`].
pub const NEGATIVE_AT_BASE_MS: u64 = 1 << 63;

/// Parses a PromQL expression.
pub fn parse(query: &str) -> Result<Expr, ParseError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(error_at(query, format!("query is longer than {MAX_QUERY_BYTES} bytes"), 0, 0));
    }
    let (tokens, lex_error) = lex::lex(query);
    if lex_error.is_none() {
        if let Err(e) = guard::check_durations(query, &tokens) {
            return Err(error_at(query, e.message, e.start, e.end));
        }
    }
    // Parse with the minus signs of negative `@` timestamps blanked out (same length, so
    // positions hold), then mark those timestamps as negative in the tree.
    let negatives = if lex_error.is_none() { guard::negative_ats(query, &tokens) } else { Vec::new() };
    let mut text = query.to_string();
    for &(sign, _) in &negatives {
        text.replace_range(sign..sign + 1, " ");
    }
    let regexes = regex_literals::rewrite(&mut text, query, &tokens);
    match parse_unguarded(&text) {
        Ok(mut expr) => {
            regex_literals::restore(&mut expr, &regexes);
            if !negatives.is_empty() {
                let ordinals: Vec<usize> = negatives.iter().map(|&(_, n)| n).collect();
                negate_ats(&mut expr, &ordinals, &mut 0);
            }
            let fixes = strings::byte_escape_fixes(query, &tokens);
            if !fixes.is_empty() {
                strings::apply(&mut expr, &fixes);
            }
            Ok(expr)
        }
        Err(message) => Err(locate_error(query, &tokens, lex_error, &message)),
    }
}

/// Milliseconds since the epoch of an `@` timestamp from [`parse`] (negative ones included).
pub fn at_time_ms(time: SystemTime) -> Millis {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => {
            let ms = d.as_millis();
            let base = u128::from(NEGATIVE_AT_BASE_MS);
            if ms >= base {
                -(i64::try_from(ms - base).unwrap_or(i64::MAX))
            } else {
                i64::try_from(ms).unwrap_or(i64::MAX)
            }
        }
        // Only a tree not built by `parse` holds times before the epoch.
        Err(e) => -(i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX)),
    }
}

/// promql-parser itself, with panics turned into errors natively (a last line of defence:
/// the guards above are what keep wasm, where a panic aborts, safe).
fn parse_unguarded(text: &str) -> Result<Expr, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(|| promql_parser::parser::parse(text))
            .unwrap_or_else(|_| Err("invalid promql query (the parser failed)".to_string()))
    }
    #[cfg(target_arch = "wasm32")]
    {
        promql_parser::parser::parse(text)
    }
}

fn locate_error(
    query: &str,
    tokens: &[lex::Token],
    lex_error: Option<lex::LexError>,
    message: &str,
) -> ParseError {
    if let Some(e) = lex_error {
        return error_at(query, e.message, e.start, e.end);
    }
    // A syntax error comes first in the text and is what Prometheus reports; promql-parser
    // words many of them as bare "invalid promql query".
    if let Some(l) = locate::syntax_error(query, tokens) {
        return error_at(query, l.message, l.start, l.end);
    }
    let l = locate::semantic_error(query, tokens, message);
    error_at(query, l.message, l.start, l.end)
}

/// A [`ParseError`] at byte range `[start, end)` of `query`, with its 1-based line and
/// column (counted in characters).
fn error_at(query: &str, message: String, start: usize, end: usize) -> ParseError {
    let start = floor_char_boundary(query, start.min(query.len()));
    let end = floor_char_boundary(query, end.clamp(start, query.len()));
    let before = &query[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = query[line_start..start].chars().count() + 1;
    ParseError { message, line, col, span: (start, end) }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Marks the `@` timestamps whose ordinals (among `At` nodes in source order) are listed as
/// negative. Children come before a node's own `@`, as in the source text.
fn negate_ats(expr: &mut Expr, ordinals: &[usize], seen: &mut usize) {
    let own = |at: &mut Option<AtModifier>, seen: &mut usize| {
        if let Some(AtModifier::At(t)) = at {
            if ordinals.contains(seen) {
                let ms = at_time_ms(*t).unsigned_abs();
                let encoded = NEGATIVE_AT_BASE_MS.saturating_add(ms);
                if let Some(neg) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(encoded)) {
                    *t = neg;
                }
            }
            *seen += 1;
        }
    };
    match expr {
        Expr::Aggregate(a) => {
            if let Some(p) = a.param.as_deref_mut() {
                negate_ats(p, ordinals, seen);
            }
            negate_ats(&mut a.expr, ordinals, seen);
        }
        Expr::Unary(u) => negate_ats(&mut u.expr, ordinals, seen),
        Expr::Binary(b) => {
            negate_ats(&mut b.lhs, ordinals, seen);
            negate_ats(&mut b.rhs, ordinals, seen);
        }
        Expr::Paren(p) => negate_ats(&mut p.expr, ordinals, seen),
        Expr::Subquery(s) => {
            negate_ats(&mut s.expr, ordinals, seen);
            own(&mut s.at, seen);
        }
        Expr::VectorSelector(vs) => own(&mut vs.at, seen),
        Expr::MatrixSelector(ms) => own(&mut ms.vs.at, seen),
        Expr::Call(c) => c.args.args.iter_mut().for_each(|a| negate_ats(a, ordinals, seen)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> ParseError {
        parse(q).expect_err(q)
    }

    #[test]
    fn errors_read_like_prometheus() {
        for (q, want) in [
            ("sum(rate(x[5m])", "1:4: parse error: unclosed left parenthesis"),
            ("rate(x[5m]) +", "1:14: parse error: unexpected end of input"),
            (r#"x{a="b" c="d"}"#, "1:9: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""),
            ("foo(x)", "1:1: parse error: unknown function with name \"foo\""),
            ("x[5x]", "1:3: parse error: bad number or duration syntax: \"5x\""),
            ("sum(x) by (a) +", "1:16: parse error: unexpected end of input"),
            ("x[1e30]", "1:3: parse error: duration out of range"),
            ("x offset 1e30", "1:10: parse error: duration out of range"),
            ("rate(x)", "1:1: parse error: expected type range vector in call to function \"rate\", got instant vector"),
            ("x offset 1m [5m]", "1:13: parse error: no offset modifiers allowed before range"),
            ("up\n  + \n", "3:1: parse error: unexpected end of input"),
            ("", "1:1: parse error: no expression found in input"),
        ] {
            let e = err(q);
            let got = e.to_string();
            assert_eq!(got, want, "{q}");
            assert!(e.span.0 <= e.span.1 && e.span.1 <= q.len(), "{q}: {:?}", e.span);
        }
    }

    #[test]
    fn panicking_inputs_are_errors() {
        for q in [
            "x[1e30]",
            "x offset 1e30",
            "x offset -1e30",
            "x offset Inf",
            "x offset NaN",
            "x[5m:1e400]",
            "x[1e308]",
            "9.5e10 offset NaN",
            "rate(x[11e308])",
            "x offset -Inf-5m",
            "x[99999999999y]",
        ] {
            assert!(parse(q).is_err(), "{q}");
        }
    }

    #[test]
    fn negative_at_timestamps() {
        let at_of = |q: &str| -> Vec<Millis> {
            let mut out = Vec::new();
            collect_ats(&parse(q).unwrap(), &mut out);
            out
        };
        assert_eq!(at_of("x @ -100"), vec![-100_000]);
        assert_eq!(at_of("x @ 5 + y @ -2.5 + sum_over_time(z[1m] @ - 1)"), vec![5_000, -2_500, -1_000]);
        assert_eq!(at_of("sum_over_time(x[5m:1m] @ -60)"), vec![-60_000]);
        assert_eq!(at_of("(x @ 1)[5m:] @ -2"), vec![1_000, -2_000]);
        assert_eq!(at_of("topk(1, x @ -3)"), vec![-3_000]);
    }

    fn collect_ats(e: &Expr, out: &mut Vec<Millis>) {
        let mut own = |at: &Option<AtModifier>| {
            if let Some(AtModifier::At(t)) = at {
                out.push(at_time_ms(*t));
            }
        };
        match e {
            Expr::VectorSelector(vs) => own(&vs.at),
            Expr::MatrixSelector(ms) => own(&ms.vs.at),
            Expr::Subquery(s) => {
                let mut inner = Vec::new();
                collect_ats(&s.expr, &mut inner);
                own(&s.at);
                let mine = out.pop();
                out.extend(inner);
                out.extend(mine);
            }
            Expr::Binary(b) => {
                collect_ats(&b.lhs, out);
                collect_ats(&b.rhs, out);
            }
            Expr::Paren(p) => collect_ats(&p.expr, out),
            Expr::Call(c) => c.args.args.iter().for_each(|a| collect_ats(a, out)),
            Expr::Aggregate(a) => {
                a.param.iter().for_each(|p| collect_ats(p, out));
                collect_ats(&a.expr, out);
            }
            Expr::Unary(u) => collect_ats(&u.expr, out),
            _ => {}
        }
    }
}
