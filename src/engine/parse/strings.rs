//! Go's meaning of byte escapes in string literals. In Go (and so in Prometheus) `\xHH` and
//! `\OOO` stand for one byte, which may leave the string invalid UTF-8 (`"\xff"`); promql-parser
//! reads them as the character U+00HH instead. Literals whose bytes differ are re-decoded
//! the Go way, with each invalid UTF-8 sequence as U+FFFD (the encoding of "invalid byte"
//! that label validation rejects, as Go rejects invalid UTF-8).

use promql_parser::parser::Expr;

use super::lex::{Kind, Token};

/// One string literal whose value promql-parser reads differently from Go.
#[derive(Debug, PartialEq)]
pub struct Fix {
    /// The value promql-parser gives the literal.
    pub parser: String,
    /// Go's value, invalid UTF-8 sequences replaced by U+FFFD.
    pub go: String,
}

/// The fixes for the string tokens of `src` that hold a byte escape of 0x80 or more.
pub fn byte_escape_fixes(src: &str, tokens: &[Token]) -> Vec<Fix> {
    tokens
        .iter()
        .filter(|t| t.kind == Kind::Str)
        .filter_map(|t| decode(t.text(src)))
        .filter(|f| f.parser != f.go)
        .collect()
}

/// Rewrites every string literal of `expr` whose value is a fix's parser value to Go's value.
pub fn apply(expr: &mut Expr, fixes: &[Fix]) {
    match expr {
        Expr::StringLiteral(s) => {
            if let Some(f) = fixes.iter().find(|f| f.parser == s.val) {
                s.val = f.go.clone();
            }
        }
        Expr::Aggregate(a) => {
            if let Some(p) = a.param.as_deref_mut() {
                apply(p, fixes);
            }
            apply(&mut a.expr, fixes);
        }
        Expr::Unary(u) => apply(&mut u.expr, fixes),
        Expr::Binary(b) => {
            apply(&mut b.lhs, fixes);
            apply(&mut b.rhs, fixes);
        }
        Expr::Paren(p) => apply(&mut p.expr, fixes),
        Expr::Subquery(s) => apply(&mut s.expr, fixes),
        Expr::Call(c) => c.args.args.iter_mut().for_each(|a| apply(a, fixes)),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::NumberLiteral(_) | Expr::Extension(_) => {}
    }
}

/// The value promql-parser gives a string literal (None when it does not decode: the parser
/// reports that).
pub fn parser_value(lit: &str) -> Option<String> {
    let quote = lit.chars().next()?;
    let inner = lit.strip_prefix(quote)?.strip_suffix(quote)?;
    if quote == '`' || !inner.contains('\\') {
        return Some(inner.to_string());
    }
    decode(lit).map(|f| f.parser)
}

/// Decodes a quoted literal both ways (None when it does not decode: the parser reports that).
/// Only `\x` and octal escapes differ: Go's `\u`/`\U` are characters, as here.
fn decode(lit: &str) -> Option<Fix> {
    let quote = lit.chars().next()?;
    let inner = lit.strip_prefix(quote)?.strip_suffix(quote)?;
    if quote == '`' || !inner.contains('\\') {
        return None;
    }
    let (mut parser, mut bytes) = (String::new(), Vec::new());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            parser.push(c);
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            continue;
        }
        let e = chars.next()?;
        let byte = match e {
            'x' => Some(digits(&mut chars, 2, 16)?),
            '0'..='7' => Some(e.to_digit(8)? << 6 | digits(&mut chars, 2, 8)?),
            _ => None,
        };
        let c = match byte {
            Some(b) => {
                let b = u8::try_from(b).ok()?;
                bytes.push(b);
                parser.push(char::from(b));
                continue;
            }
            None => match e {
                'a' => '\x07',
                'b' => '\x08',
                'f' => '\x0c',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\x0b',
                'u' => char::from_u32(digits(&mut chars, 4, 16)?)?,
                'U' => char::from_u32(digits(&mut chars, 8, 16)?)?,
                other => other,
            },
        };
        parser.push(c);
        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    Some(Fix { parser, go: String::from_utf8_lossy(&bytes).into_owned() })
}

/// `n` digits in base `radix` as a number.
fn digits(chars: &mut std::str::Chars, n: usize, radix: u32) -> Option<u32> {
    (0..n).try_fold(0u32, |v, _| Some(v * radix + chars.next()?.to_digit(radix)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_escapes_decode_as_go_does() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (r#""\xff""#, Some(("\u{ff}", "\u{fffd}"))),
            (r#""a\377b""#, Some(("a\u{ff}b", "a\u{fffd}b"))),
            // Two escapes forming valid UTF-8 are that character in Go.
            (r#""\xc3\xa9""#, Some(("\u{c3}\u{a9}", "é"))),
            (r#"'\x80\n'"#, Some(("\u{80}\n", "\u{fffd}\n"))),
            // Escapes below 0x80, `\u`, raw strings and plain text read the same either way.
            (r#""\x41\101\u00ff\t""#, None),
            (r#"`\xff`"#, None),
            (r#""ÿ""#, None),
        ];
        for (lit, want) in cases {
            let got = decode(lit).filter(|f| f.parser != f.go);
            let want = want.map(|(p, g)| Fix { parser: p.to_string(), go: g.to_string() });
            assert_eq!(got, want, "{lit}");
        }
    }

    #[test]
    fn undecodable_literals_are_left_to_the_parser() {
        for lit in [r#""\x""#, r#""\xzz""#, r#""\400""#, r#""\u{d800}""#, r#""\"#] {
            assert_eq!(decode(lit).filter(|f| f.parser != f.go), None, "{lit}");
        }
    }
}
