//! Relabel regexes as Prometheus compiles them: Go RE2 syntax, always fully anchored
//! (`^(?s:…)$` in Prometheus 3, `^(?:…)$` in 2.x), with Go's wording when they do not compile.
//!
//! The regex crate reads most of Go's syntax the same way; [`go_to_rust`] rewrites what it
//! reads differently (`\Q…\E`, `\<`, a literal `{`, `[` or `&&` inside a class) and refuses
//! what Go refuses (`\u`, flags other than `imsU`, repeat counts over 1000, `(?<n>` in 2.42),
//! then [`go_classes`] gives `\d \w \s \b` their ASCII meaning.

use regex::Regex;

use super::model::Semantics;
use crate::engine::go_regex::{go_classes, regex_hint};

/// Go's limit on `{n,m}` counts.
const MAX_REPEAT: u32 = 1000;

/// A compiled relabel regex and the text it was written as.
#[derive(Clone, Debug)]
pub struct GoRegex {
    source: String,
    re: Regex,
}

impl GoRegex {
    /// Compiles `source` the way Prometheus's `relabel.NewRegexp` does.
    pub fn new(source: &str, semantics: Semantics) -> Result<GoRegex, String> {
        let anchored = match semantics {
            Semantics::Prometheus3 => format!("^(?s:{source})$"),
            Semantics::Prometheus2_42 => format!("^(?:{source})$"),
        };
        let go_error = |code: &str, expr: &str| format!("error parsing regexp: {code}: `{expr}`");
        let translated = go_to_rust(source, semantics)
            .map_err(|(code, expr)| go_error(code, if expr.is_empty() { &anchored } else { &expr }))?;
        let wrapped = match semantics {
            Semantics::Prometheus3 => format!("^(?s:{})$", go_classes(&translated)),
            Semantics::Prometheus2_42 => format!("^(?:{})$", go_classes(&translated)),
        };
        let re = Regex::new(&wrapped).map_err(|e| {
            let (code, whole) = go_code(&e.to_string());
            let hint = regex_hint(source);
            if whole {
                format!("{}{hint}", go_error(code, &anchored))
            } else {
                format!("error parsing regexp: {code}{hint}")
            }
        })?;
        Ok(GoRegex { source: source.to_string(), re })
    }

    /// The text as written in the config.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        self.re.is_match(text)
    }

    /// The match of the whole of `text`, with its groups.
    pub fn captures<'t>(&self, text: &'t str) -> Option<regex::Captures<'t>> {
        self.re.captures(text)
    }

    /// Group names by index (index 0, the whole match, has none).
    pub fn group_names(&self) -> regex::CaptureNames<'_> {
        self.re.capture_names()
    }
}

/// Go's error code for a regex crate error, and whether Go quotes the whole expression.
fn go_code(message: &str) -> (&'static str, bool) {
    const CODES: &[(&str, &str, bool)] = &[
        ("unclosed group", "missing closing )", true),
        ("unopened group", "unexpected )", true),
        ("unclosed character class", "missing closing ]", true),
        ("invalid character class range", "invalid character class range", true),
        ("repetition operator missing expression", "missing argument to repetition operator", true),
        ("unrecognized escape sequence", "invalid escape sequence", true),
        ("incomplete escape sequence", "trailing backslash at end of expression", false),
        ("duplicate capture group name", "duplicate capture group name", true),
        ("empty capture group name", "invalid named capture", true),
        ("invalid capture group", "invalid named capture", true),
        ("Unicode not allowed", "invalid character class", true),
        ("Unicode-aware", "invalid character class", true),
        ("exceeds size limit", "expression too large", true),
    ];
    CODES
        .iter()
        .find(|(rust, _, _)| message.contains(rust))
        .map_or(("invalid or unsupported Perl syntax", true), |(_, go, whole)| (go, *whole))
}

/// Rewrites Go regex syntax for the regex crate; Err is Go's error code and the piece of the
/// pattern Go quotes (empty: the whole anchored expression).
pub fn go_to_rust(p: &str, semantics: Semantics) -> Result<String, (&'static str, String)> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    // Whether the last thing written was a repetition operator (Go refuses `a**`), and
    // whether there is something to repeat (Go refuses `(*a)`).
    let mut after_repeat = false;
    let mut operand = false;
    while i < chars.len() {
        let c = chars[i];
        let was_repeat = after_repeat;
        after_repeat = false;
        let had_operand = std::mem::replace(&mut operand, true);
        match c {
            '\\' => i = escape(&chars, i, &mut out)?,
            '[' => i = class(&chars, i, &mut out)?,
            '(' | '|' => {
                if c == '(' && chars.get(i + 1) == Some(&'?') {
                    i = group_flags(&chars, i, semantics, &mut out)?;
                } else {
                    out.push(c);
                    i += 1;
                }
                operand = false;
            }
            '*' | '+' | '?' if !had_operand && !was_repeat => {
                return Err(("missing argument to repetition operator", c.to_string()));
            }
            '*' | '+' | '?' => {
                if was_repeat && !(c == '?' && lazy_marker(&chars, i)) {
                    let op: String = chars[i.saturating_sub(1)..=i].iter().collect();
                    return Err(("invalid nested repetition operator", op));
                }
                out.push(c);
                after_repeat = !(c == '?' && lazy_marker(&chars, i));
                i += 1;
            }
            '{' => match repeat(&chars, i) {
                Some((end, counts)) => {
                    if counts.iter().any(|n| *n > MAX_REPEAT) {
                        return Err(("invalid repeat count", chars[i..end].iter().collect()));
                    }
                    if was_repeat {
                        return Err(("invalid nested repetition operator", chars[i..end].iter().collect()));
                    }
                    out.extend(&chars[i..end]);
                    after_repeat = true;
                    i = end;
                }
                None => {
                    out.push_str("\\{");
                    i += 1;
                }
            },
            '}' => {
                out.push_str("\\}");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// True when the `?` at `i` makes the repetition before it lazy (`*?`, `+?`, `??`, `{2}?`).
fn lazy_marker(chars: &[char], i: usize) -> bool {
    i > 0 && matches!(chars[i - 1], '*' | '+' | '?' | '}') && !(i > 1 && chars[i - 2] == '\\')
}

/// A Go repeat `{n}`, `{n,}` or `{n,m}` at `i`: its end and counts.
fn repeat(chars: &[char], i: usize) -> Option<(usize, Vec<u32>)> {
    let close = chars[i..].iter().position(|&c| c == '}')? + i;
    let body: String = chars[i + 1..close].iter().collect();
    let (lo, hi) = match body.split_once(',') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (body.as_str(), None),
    };
    let num = |s: &str| {
        (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse::<u32>().unwrap_or(u32::MAX))
    };
    let mut counts = vec![num(lo)?];
    match hi {
        Some("") => {}
        Some(h) => counts.push(num(h)?),
        None => {}
    }
    if counts.len() == 2 && counts[1] < counts[0] {
        return None.or(Some((close + 1, vec![MAX_REPEAT + 1])));
    }
    Some((close + 1, counts))
}

/// Copies the escape at `i`; returns the index after it.
fn escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, (&'static str, String)> {
    let Some(&e) = chars.get(i + 1) else {
        return Err(("trailing backslash at end of expression", String::new()));
    };
    match e {
        'Q' => {
            let body = &chars[i + 2..];
            let end = body.windows(2).position(|w| w == ['\\', 'E']);
            let literal: String = body[..end.unwrap_or(body.len())].iter().collect();
            out.push_str(&regex::escape(&literal));
            Ok(end.map_or(chars.len(), |e| i + 2 + e + 2))
        }
        // The regex crate reads `\<` and `\>` as word boundaries; Go as the characters.
        '<' | '>' => {
            out.push(e);
            Ok(i + 2)
        }
        'u' | 'U' | 'e' | 'h' | 'H' | 'K' | 'R' | 'X' | 'Z' | 'G' | 'N' | 'g' | 'k' | 'o' => {
            Err(("invalid escape sequence", format!("\\{e}")))
        }
        '1'..='7' if !chars.get(i + 2).is_some_and(|c| c.is_ascii_digit()) => {
            Err(("invalid escape sequence", format!("\\{e}")))
        }
        '0'..='7' => {
            // Go's octal escape: up to three digits.
            let digits: String =
                chars[i + 1..].iter().copied().take(3).take_while(|c| ('0'..='7').contains(c)).collect();
            let code = u32::from_str_radix(&digits, 8).unwrap_or(0);
            out.push_str(&format!("\\x{{{code:x}}}"));
            Ok(i + 1 + digits.chars().count())
        }
        c if c.is_ascii_punctuation() || c.is_ascii_alphanumeric() => {
            out.push('\\');
            out.push(c);
            Ok(i + 2)
        }
        _ => Err(("invalid escape sequence", format!("\\{e}"))),
    }
}

/// Copies the character class at `i` (`[` … `]`); returns the index after it.
fn class(chars: &[char], i: usize, out: &mut String) -> Result<usize, (&'static str, String)> {
    let mut j = i + 1;
    out.push('[');
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    // A `]` right after the opening is a literal in Go.
    if chars.get(j) == Some(&']') {
        out.push_str("\\]");
        j += 1;
    }
    let mut prev_dash = false;
    while j < chars.len() {
        let c = chars[j];
        match c {
            ']' => {
                out.push(']');
                return Ok(j + 1);
            }
            '[' if chars.get(j + 1) == Some(&':') => {
                // `[:alpha:]`: both engines read it the same way.
                let end = chars[j..].windows(2).position(|w| w == [':', ']']).map(|e| j + e + 2);
                let end = end.unwrap_or(j + 1);
                out.extend(&chars[j..end]);
                j = end;
            }
            '\\' => {
                let before = out.len();
                j = escape(chars, j, out)?;
                // `\Q…\E` inside a class is not Go syntax either; anything escaped stays one item.
                if out.len() == before {
                    out.push_str("\\\\");
                }
            }
            // Class set operators of the regex crate, plain characters in Go.
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
                j += 1;
            }
            '-' if prev_dash => {
                out.push_str("\\-");
                j += 1;
                prev_dash = false;
                continue;
            }
            _ => {
                out.push(c);
                j += 1;
            }
        }
        prev_dash = c == '-';
    }
    let rest: String = chars[i..].iter().collect();
    Err(("missing closing ]", rest))
}

/// Copies a `(?` group opening at `i`, checking its flags as Go does.
fn group_flags(
    chars: &[char],
    i: usize,
    semantics: Semantics,
    out: &mut String,
) -> Result<usize, (&'static str, String)> {
    let rest: String = chars[i..].iter().collect();
    if rest.starts_with("(?P<")
        || (rest.starts_with("(?<") && !rest.starts_with("(?<=") && !rest.starts_with("(?<!"))
    {
        if rest.starts_with("(?<") && semantics == Semantics::Prometheus2_42 {
            return Err(("invalid or unsupported Perl syntax", "(?<".into()));
        }
        let open = if rest.starts_with("(?P<") { 4 } else { 3 };
        let Some(close) = chars[i + open..].iter().position(|&c| c == '>') else {
            return Err(("invalid named capture", rest));
        };
        let name: String = chars[i + open..i + open + close].iter().collect();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(("invalid named capture", chars[i..=i + open + close].iter().collect()));
        }
        out.push_str(&format!("(?P<{name}>"));
        return Ok(i + open + close + 1);
    }
    // Flags: `(?flags)` or `(?flags:`; Go knows i, m, s, U and `-`.
    let mut j = i + 2;
    while let Some(&c) = chars.get(j) {
        match c {
            'i' | 'm' | 's' | 'U' | '-' => j += 1,
            ':' | ')' => {
                out.extend(&chars[i..=j]);
                return Ok(j + 1);
            }
            _ => break,
        }
    }
    let end = (j + 1).min(chars.len());
    Err(("invalid or unsupported Perl syntax", chars[i..end].iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str, s: &str) -> bool {
        GoRegex::new(p, Semantics::Prometheus3).unwrap().is_match(s)
    }

    #[test]
    fn anchored_and_dot_matches_newline_in_3x_only() {
        assert!(full("a|b", "a") && !full("a|b", "ab"));
        assert!(full(".*", "a\nb"));
        assert!(!GoRegex::new(".*", Semantics::Prometheus2_42).unwrap().is_match("a\nb"));
    }

    #[test]
    fn go_syntax_the_regex_crate_reads_differently() {
        assert!(full(r"\Qa.b\E", "a.b") && !full(r"\Qa.b\E", "axb"));
        assert!(full(r"a\<b\>", "a<b>"));
        assert!(full("a{,2}", "a{,2}"), "not a repeat in Go: literal");
        assert!(full("x{2}", "xx"));
        assert!(full("[[]", "["));
        assert!(full("[a&&b]", "&"));
        assert!(full("[]a]", "]"));
        assert!(full(r"\d+\.\d+", "1.22"));
        assert!(full(r"\101", "A"), "octal");
    }

    #[test]
    fn go_refuses_what_go_refuses() {
        for (p, want) in [
            ("a(b", "error parsing regexp: missing closing ): `^(?s:a(b)$`"),
            ("a)", "error parsing regexp: unexpected ): `^(?s:a))$`"),
            ("[a", "error parsing regexp: missing closing ]: `[a`"),
            ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
            ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
            (r"\u0041", "error parsing regexp: invalid escape sequence: `\\u`"),
            ("(?x)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
            ("*", "error parsing regexp: missing argument to repetition operator: `*`"),
            ("a|+", "error parsing regexp: missing argument to repetition operator: `+`"),
        ] {
            assert_eq!(GoRegex::new(p, Semantics::Prometheus3).unwrap_err(), want, "{p}");
        }
        assert!(GoRegex::new("(?<n>a)", Semantics::Prometheus3).is_ok());
        assert!(GoRegex::new("(?<n>a)", Semantics::Prometheus2_42).is_err());
        assert!(full("a*?", "aa") && full("a??", "a"));
    }
}
