//! Go's `regexp` package as templates use it (`match`, `reReplaceAll`): RE2 syntax with
//! Go's ASCII `\d \w \s \b`, unanchored matching, `$1`/`${name}` replacement, and the
//! errors Go's parser gives (`error parsing regexp: missing closing ): `(a``) for the
//! mistakes people make.

use regex::Regex;

use crate::engine::go_regex::go_classes;

/// `regexp.Compile`: the compiled pattern, or Go's error text.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    if let Some(err) = go_syntax_error(pattern) {
        return Err(err);
    }
    Regex::new(&go_classes(&literal_braces(pattern))).map_err(|e| {
        let first =
            e.to_string().lines().last().unwrap_or_default().trim().trim_start_matches("error: ").to_string();
        format!("error parsing regexp: {first}: `{pattern}`")
    })
}

/// Go reads a `{` that does not start a repetition (`a{,3}`, `{x}`) as a literal; the regex
/// crate wants it escaped.
fn literal_braces(p: &str) -> std::borrow::Cow<'_, str> {
    if !p.contains(['{', '}']) {
        return p.into();
    }
    let mut out = String::with_capacity(p.len() + 4);
    let mut in_class = false;
    let mut open_repeat = false;
    let mut chars = p.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, e)) = chars.next() {
                    out.push(e);
                }
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '{' if !in_class => {
                if repeat_len(&p[at..]).is_some() {
                    open_repeat = true;
                } else {
                    out.push('\\');
                }
            }
            '}' if !in_class => {
                if open_repeat {
                    open_repeat = false;
                } else {
                    out.push('\\');
                }
            }
            _ => {}
        }
        out.push(c);
    }
    out.into()
}

/// `regexp.MustCompile`'s panic text: `regexp: Compile(`x`): error parsing regexp: …`.
pub fn must_compile_message(pattern: &str, err: &str) -> String {
    let quoted = if super::quote::can_backquote(pattern) {
        format!("`{pattern}`")
    } else {
        super::quote::quote(pattern)
    };
    format!("regexp: Compile({quoted}): {err}")
}

fn error(code: &str, expr: &str) -> Option<String> {
    Some(format!("error parsing regexp: {code}: `{expr}`"))
}

/// The first error Go's `regexp/syntax` parser reports for the common mistakes, with Go's
/// wording and offending fragment.
fn go_syntax_error(p: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut depth = 0usize;
    // Whether the previous item can take a repetition operator, and whether it is one.
    let mut operand = false;
    let mut after_repeat = false;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            '\\' => {
                let Some(&(_, e)) = chars.get(i + 1) else {
                    return error("trailing backslash at end of expression", "");
                };
                if e.is_ascii_alphanumeric() && !"dDwWsSbBAzpPQEnrtfvax0123456789".contains(e) {
                    return error("invalid escape sequence", &p[at..at + 1 + e.len_utf8()]);
                }
                i += 2;
                operand = true;
                after_repeat = false;
                continue;
            }
            '(' => {
                operand = false;
                after_repeat = false;
                if let Some(rest) = p[at..].strip_prefix("(?") {
                    // `(?P<name>`, `(?:`, flags `(?i)` / `(?i:`; lookarounds and `(?<name>`
                    // are not Go 1.19 syntax.
                    let skip = if rest.starts_with("P<") {
                        rest.find('>').map(|e| e + 1)
                    } else {
                        let end = rest.find([')', ':']).unwrap_or(rest.len());
                        let flags_ok = rest[..end].chars().all(|f| "imsU-".contains(f));
                        match rest[end..].chars().next() {
                            Some(':') if flags_ok => Some(end + 1),
                            Some(')') if flags_ok && end > 0 => {
                                // A flag group on its own opens nothing.
                                i = p[..at + 2 + end + 1].chars().count();
                                continue;
                            }
                            _ => None,
                        }
                    };
                    let Some(skip) = skip else {
                        let frag_len = rest.chars().next().map_or(0, char::len_utf8);
                        return error("invalid or unsupported Perl syntax", &p[at..at + 2 + frag_len]);
                    };
                    depth += 1;
                    i = p[..at + 2 + skip].chars().count();
                    continue;
                }
                depth += 1;
            }
            ')' => {
                if depth == 0 {
                    return error("unexpected )", p);
                }
                depth -= 1;
                operand = true;
                after_repeat = false;
            }
            '[' => {
                let start = at;
                let mut j = i + 1;
                if chars.get(j).is_some_and(|&(_, c)| c == '^') {
                    j += 1;
                }
                // A `]` first in the class is a literal.
                if chars.get(j).is_some_and(|&(_, c)| c == ']') {
                    j += 1;
                }
                loop {
                    match chars.get(j) {
                        None => return error("missing closing ]", &p[start..]),
                        Some(&(_, '\\')) => j += 2,
                        Some(&(_, '[')) if chars.get(j + 1).is_some_and(|&(_, c)| c == ':') => {
                            j += 2;
                            while chars.get(j).is_some_and(|&(_, c)| c != ']') {
                                j += 1;
                            }
                            j += 1;
                        }
                        Some(&(_, ']')) => break,
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                operand = true;
                after_repeat = false;
                continue;
            }
            '*' | '+' | '?' | '{' => {
                let is_repeat = c != '{' || repeat_len(&p[at..]).is_some();
                if is_repeat {
                    let len = if c == '{' { repeat_len(&p[at..]).unwrap_or(1) } else { 1 };
                    let lazy = p[at + len..].starts_with('?');
                    let op_end = at + len + usize::from(lazy);
                    if after_repeat {
                        let prev = previous_repeat_start(p, at);
                        return error("invalid nested repetition operator", &p[prev..op_end]);
                    }
                    if !operand {
                        return error("missing argument to repetition operator", &p[at..op_end]);
                    }
                    if c == '{' {
                        let body = &p[at + 1..at + len - 1];
                        let too_big = body.split(',').any(|n| n.parse::<u32>().is_ok_and(|n| n > 1000));
                        if too_big {
                            return error("invalid repeat count", &p[at..at + len]);
                        }
                    }
                    after_repeat = true;
                    i = p[..op_end].chars().count();
                    continue;
                }
                operand = true;
                after_repeat = false;
            }
            '|' => {
                operand = false;
                after_repeat = false;
            }
            '^' | '$' => {
                operand = true;
                after_repeat = false;
            }
            _ => {
                operand = true;
                after_repeat = false;
            }
        }
        i += 1;
    }
    if depth > 0 {
        return error("missing closing )", p);
    }
    None
}

/// The length of a `{n}`, `{n,}` or `{n,m}` repetition at the start of `s`.
fn repeat_len(s: &str) -> Option<usize> {
    let end = s.find('}')?;
    let body = &s[1..end];
    let (lo, hi) = match body.split_once(',') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(lo) || hi.is_some_and(|h| !h.is_empty() && !digits(h)) {
        return None;
    }
    Some(end + 1)
}

/// Where the repetition operator that ends just before `at` starts (for the nested
/// repetition message, which quotes both operators).
fn previous_repeat_start(p: &str, at: usize) -> usize {
    let before = &p[..at];
    let trimmed = before.strip_suffix('?').unwrap_or(before);
    if trimmed.ends_with('}') {
        return trimmed.rfind('{').unwrap_or(at);
    }
    if before.ends_with('?') && trimmed.ends_with(['*', '+', '?']) {
        return at - 2;
    }
    at.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_like_go() {
        let err = |p: &str| compile(p).err().unwrap_or_default();
        assert_eq!(err("(a"), "error parsing regexp: missing closing ): `(a`");
        assert_eq!(err("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(err("[a"), "error parsing regexp: missing closing ]: `[a`");
        assert_eq!(err("*a"), "error parsing regexp: missing argument to repetition operator: `*`");
        assert_eq!(err("a**"), "error parsing regexp: invalid nested repetition operator: `**`");
        assert_eq!(err("a\\"), "error parsing regexp: trailing backslash at end of expression: ``");
        assert_eq!(err("\\q"), "error parsing regexp: invalid escape sequence: `\\q`");
        assert_eq!(err("(?=a)"), "error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
        assert_eq!(err("a{1001}"), "error parsing regexp: invalid repeat count: `{1001}`");
        assert!(compile("(?i)a+(?P<x>b)[]a]{2,3}").is_ok());
        assert!(compile("a{,3}").is_ok(), "a literal brace");
        assert_eq!(
            must_compile_message("(", "error parsing regexp: missing closing ): `(`"),
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
    }
}
