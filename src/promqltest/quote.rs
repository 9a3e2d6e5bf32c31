//! Go-style string literals (`strconv.Unquote`): the quoting used by label values in series
//! lines, `expect string` lines and PromQL itself.

/// Removes the quotes of a `"..."`, `'...'` or `` `...` `` literal and decodes its escapes.
pub fn unquote(s: &str) -> Result<String, String> {
    let quote = s.chars().next().ok_or("empty string literal")?;
    if !matches!(quote, '"' | '\'' | '`') || s.len() < 2 || !s.ends_with(quote) {
        return Err(format!("not a quoted string: {s}"));
    }
    let body = &s[1..s.len() - 1];
    if quote == '`' {
        // Raw strings take no escapes and cannot hold a backquote.
        return if body.contains('`') { Err(format!("bad raw string: {s}")) } else { Ok(body.to_string()) };
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return Err(format!("unescaped quote in {s}"));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or_else(|| format!("unterminated escape in {s}"))?;
        match e {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' | '"' | '\'' => out.push(e),
            'x' => out.push(hex_escape(&mut chars, 2, s)?),
            'u' => out.push(hex_escape(&mut chars, 4, s)?),
            'U' => out.push(hex_escape(&mut chars, 8, s)?),
            '0'..='7' => {
                let digits: String = std::iter::once(e).chain(chars.by_ref().take(2)).collect();
                let n = u32::from_str_radix(&digits, 8).map_err(|_| format!("bad octal escape in {s}"))?;
                out.push(char::from_u32(n).ok_or_else(|| format!("bad octal escape in {s}"))?);
            }
            _ => return Err(format!("unknown escape \\{e} in {s}")),
        }
    }
    Ok(out)
}

fn hex_escape(chars: &mut std::str::Chars, n: usize, s: &str) -> Result<char, String> {
    let digits: String = chars.by_ref().take(n).collect();
    if digits.len() != n {
        return Err(format!("short escape in {s}"));
    }
    u32::from_str_radix(&digits, 16)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| format!("bad escape \\{digits} in {s}"))
}

/// Byte length of the quoted literal starting at `s[0]` (a quote), escapes included.
pub fn quoted_len(s: &str) -> Option<usize> {
    let quote = s.chars().next()?;
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != '`' {
            escaped = true;
        } else if c == quote {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_like_go() {
        for (input, want) in [
            (r#""a\"b""#, Some("a\"b")),
            (r"'x\ny'", Some("x\ny")),
            ("`raw\\n`", Some("raw\\n")),
            (r#""\u00e9\x41\101""#, Some("éAA")),
            (r#""bad\q""#, None),
            (r#""open"#, None),
        ] {
            assert_eq!(unquote(input).ok().as_deref(), want, "{input}");
        }
    }

    #[test]
    fn finds_end_of_literal() {
        assert_eq!(quoted_len(r#""a\"b" rest"#), Some(6));
        assert_eq!(quoted_len(r#""open"#), None);
    }
}
