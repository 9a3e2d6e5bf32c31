//! Alertmanager's label matchers (`pkg/labels` of Alertmanager 0.25): the `matchers:` syntax
//! parsed exactly as `ParseMatchers` parses it (pitfalls included: every list entry is split on
//! unquoted commas, a `|` block keeps its newline so `}` is not trimmed), anchored regular
//! expressions, the sort order and the `{a="b",c=~"d"}` form that route keys are made of.

use std::cmp::Ordering;
use std::fmt;

use regex::Regex;

use crate::engine::go_regex::go_classes;
use crate::engine::Labels;

/// The four match operators, in Go's declaration order (the sort order's last key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchType {
    Equal,
    NotEqual,
    Regexp,
    NotRegexp,
}

impl MatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Equal => "=",
            MatchType::NotEqual => "!=",
            MatchType::Regexp => "=~",
            MatchType::NotRegexp => "!~",
        }
    }
}

/// One matcher: a label name, an operator and a value (a regex is compiled anchored,
/// `^(?:value)$`, as Alertmanager does).
#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub kind: MatchType,
    pub value: String,
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.kind == other.kind && self.value == other.value
    }
}

impl Matcher {
    /// `labels.NewMatcher`: compiles regex values; the error is Go's `regexp.Compile` message.
    pub fn new(kind: MatchType, name: &str, value: &str) -> Result<Matcher, String> {
        let regex = match kind {
            MatchType::Regexp | MatchType::NotRegexp => Some(compile_anchored(value)?),
            MatchType::Equal | MatchType::NotEqual => None,
        };
        Ok(Matcher { name: name.to_string(), kind, value: value.to_string(), regex })
    }

    /// Whether `value` (the label's value, "" when absent) satisfies the matcher.
    pub fn matches_value(&self, value: &str) -> bool {
        match (self.kind, &self.regex) {
            (MatchType::Equal, _) => value == self.value,
            (MatchType::NotEqual, _) => value != self.value,
            (MatchType::Regexp, Some(re)) => re.is_match(value),
            (MatchType::NotRegexp, Some(re)) => !re.is_match(value),
            // A regex matcher is only ever built with its compiled regex.
            (MatchType::Regexp | MatchType::NotRegexp, None) => false,
        }
    }

    /// Whether the label set satisfies the matcher (a missing label reads as "").
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get_or_empty(&self.name))
    }
}

/// `name="value"` with OpenMetrics escaping (`\\`, `\n`, `\"`), as `Matcher.String()`.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = self.value.replace('\\', "\\\\").replace('\n', "\\n").replace('"', "\\\"");
        write!(f, "{}{}\"{}\"", self.name, self.kind.as_str(), escaped)
    }
}

/// Compiles `^(?:pattern)$` with Go's meaning of `\d \w \s \b`; errors read like Go's.
pub fn compile_anchored(pattern: &str) -> Result<Regex, String> {
    let full = format!("^(?:{pattern})$");
    Regex::new(&format!("^(?:{})$", go_classes(pattern))).map_err(|e| go_regex_error(&e, &full))
}

/// Go's `error parsing regexp: <code>: `expr`` for the common mistakes (Go quotes the
/// offending fragment; the whole expression is quoted here).
fn go_regex_error(e: &regex::Error, full: &str) -> String {
    let text = e.to_string();
    let detail = text.lines().rev().find_map(|l| l.trim().strip_prefix("error: ")).unwrap_or(&text);
    let code = [
        ("unclosed group", "missing closing )"),
        ("unopened group", "unexpected )"),
        ("unclosed character class", "missing closing ]"),
        ("invalid character class range", "invalid character class range"),
        ("repetition operator missing expression", "missing argument to repetition operator"),
        ("unrecognized escape sequence", "invalid escape sequence"),
        ("incomplete escape sequence", "trailing backslash at end of expression"),
        ("repetition quantifier expects a valid decimal", "invalid repeat count"),
        ("invalid repetition count range", "invalid repeat count"),
        ("unrecognized flag", "invalid or unsupported Perl syntax"),
    ]
    .iter()
    .find(|(rust, _)| detail.contains(rust))
    .map_or(detail, |(_, go)| go);
    format!("error parsing regexp: {code}: `{full}`")
}

/// Go's `\s`: what the matcher grammar skips around names, operators and values.
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// `labels.ParseMatcher`: `name op value`, the value optionally double-quoted with `\"`,
/// `\n` and `\\` escapes.
pub fn parse_matcher(s: &str) -> Result<Matcher, String> {
    let (name, kind, raw) = split_matcher(s).ok_or_else(|| format!("bad matcher format: {s}"))?;
    let (rest, mut expect_trailing_quote) = match raw.strip_prefix('"') {
        Some(r) => (r, true),
        None => (raw, false),
    };
    let mut value = String::new();
    let mut escaped = false;
    let last = rest.len().saturating_sub(1);
    for (i, c) in rest.char_indices() {
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                _ => {
                    value.push('\\');
                    value.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if i < last => escaped = true,
            '\\' => value.push('\\'),
            '"' => {
                if !expect_trailing_quote || i < last {
                    return Err(format!("matcher value contains unescaped double quote: {raw}"));
                }
                expect_trailing_quote = false;
            }
            _ => value.push(c),
        }
    }
    if expect_trailing_quote {
        return Err(format!("matcher value contains unescaped double quote: {raw}"));
    }
    Matcher::new(kind, name, &value)
}

/// The three parts of `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$`.
fn split_matcher(s: &str) -> Option<(&str, MatchType, &str)> {
    let s = s.trim_start_matches(is_go_space);
    let name_len = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())))
        .map_or(s.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = s.split_at(name_len);
    let rest = rest.trim_start_matches(is_go_space);
    let (kind, rest) = [
        ("=~", MatchType::Regexp),
        ("=", MatchType::Equal),
        ("!=", MatchType::NotEqual),
        ("!~", MatchType::NotRegexp),
    ]
    .iter()
    .find_map(|(op, kind)| rest.strip_prefix(op).map(|r| (*kind, r)))?;
    let value = rest.trim_start_matches(is_go_space).trim_end_matches(is_go_space);
    Some((name, kind, value))
}

/// `labels.ParseMatchers`: one optional `{`/`}` trimmed, split on commas outside double
/// quotes, each part parsed by [`parse_matcher`].
pub fn parse_matchers(s: &str) -> Result<Vec<Matcher>, String> {
    let s = s.strip_prefix('{').unwrap_or(s);
    let s = s.strip_suffix('}').unwrap_or(s);
    let mut tokens = Vec::new();
    let (mut inside_quotes, mut escaped) = (false, false);
    let mut token = String::new();
    for c in s.chars() {
        match c {
            ',' if !inside_quotes => {
                tokens.push(std::mem::take(&mut token));
                continue;
            }
            ',' => {}
            '"' if !escaped => inside_quotes = !inside_quotes,
            '"' => escaped = false,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
        token.push(c);
    }
    let last = token.trim_matches(is_go_space);
    if !last.is_empty() {
        tokens.push(last.to_string());
    }
    tokens.iter().map(|t| parse_matcher(t)).collect()
}

/// amtool's `parseLabels`: each argument a matcher, only `=` allowed (a later value of the same
/// name wins).
pub fn parse_labels(args: &[String]) -> Result<Labels, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for a in args {
        let m = parse_matcher(a)?;
        if m.kind != MatchType::Equal {
            return Err("labels must be specified as key=value pairs".into());
        }
        pairs.retain(|(n, _)| *n != m.name);
        pairs.push((m.name, m.value));
    }
    Ok(Labels::from_pairs(pairs))
}

/// Alertmanager's matcher order: name, then value, then operator.
pub fn compare(a: &Matcher, b: &Matcher) -> Ordering {
    a.name.cmp(&b.name).then_with(|| a.value.cmp(&b.value)).then_with(|| a.kind.cmp(&b.kind))
}

/// A list of matchers, all of which must match (an empty list matches everything).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matchers(pub Vec<Matcher>);

impl Matchers {
    /// True when every matcher matches `labels`.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.0.iter().all(|m| m.matches(labels))
    }

    /// Sorts in Alertmanager's order (stable, like `sort.Sort` on already distinct items).
    pub fn sort(&mut self) {
        self.0.sort_by(compare);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// `{a="b",c=~"d"}`, as `Matchers.String()` (no space after commas).
impl fmt::Display for Matchers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{m}")?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> String {
        match parse_matcher(s) {
            Ok(m) => m.to_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn single_matchers_parse_like_alertmanager() {
        for (input, want) in [
            ("foo=bar", r#"foo="bar""#),
            ("  foo = bar  ", r#"foo="bar""#),
            (r#"foo="bar""#, r#"foo="bar""#),
            ("foo=~ba.*", r#"foo=~"ba.*""#),
            ("foo!=bar", r#"foo!="bar""#),
            ("foo!~bar", r#"foo!~"bar""#),
            ("foo=", r#"foo="""#),
            (r#"foo="a\"b""#, r#"foo="a\"b""#),
            (r#"foo="a\nb""#, r#"foo="a\nb""#),
            (r#"foo=a\qb"#, r#"foo="a\\qb""#),
            ("foo:bar=x", r#"foo:bar="x""#),
            ("{foo=bar}", "ERR bad matcher format: {foo=bar}"),
            ("1foo=bar", "ERR bad matcher format: 1foo=bar"),
            ("foo", "ERR bad matcher format: foo"),
            (r#"foo="bar"#, r#"ERR matcher value contains unescaped double quote: "bar"#),
            (r#"foo=ba"r"#, r#"ERR matcher value contains unescaped double quote: ba"r"#),
        ] {
            assert_eq!(one(input), want, "{input}");
        }
    }

    #[test]
    fn lists_split_on_unquoted_commas() {
        let got: Vec<String> =
            parse_matchers(r#"{foo="bar",dings!="bums"}"#).unwrap().iter().map(|m| m.to_string()).collect();
        assert_eq!(got, [r#"foo="bar""#, r#"dings!="bums""#]);
        let quoted = parse_matchers(r#"foo="a,b""#).unwrap();
        assert_eq!(quoted[0].value, "a,b");
        assert_eq!(parse_matchers("foo = bar,baz").unwrap_err(), "bad matcher format: baz");
        assert!(parse_matchers("").unwrap().is_empty());
        assert!(parse_matchers("a=b,").unwrap().len() == 1);
        // A `|` block scalar keeps its newline: the `}` is not trimmed and the value ends in `"}`.
        let block = "{quote=~\"She said: \\\"Hi\\\"\"}\n";
        assert!(parse_matchers(block)
            .unwrap_err()
            .starts_with("matcher value contains unescaped double quote"));
    }

    #[test]
    fn regexes_are_anchored_and_missing_labels_are_empty() {
        let m = parse_matcher("env=~produ.*").unwrap();
        assert!(m.matches_value("production"));
        assert!(!m.matches_value("preproduction"));
        let any = parse_matcher("job=~.*").unwrap();
        assert!(any.matches(&Labels::empty()));
        let not = parse_matcher("level!=critical").unwrap();
        assert!(not.matches(&Labels::empty()));
        assert!(parse_matcher(r"x=~\d").unwrap().matches_value("7"));
        assert!(!parse_matcher(r"x=~\d").unwrap().matches_value("٣"));
    }

    #[test]
    fn bad_regexes_read_like_go() {
        assert_eq!(
            parse_matcher("a=~(b").unwrap_err(),
            "error parsing regexp: missing closing ): `^(?:(b)$`"
        );
    }

    #[test]
    fn sorted_by_name_value_then_operator() {
        let mut ms = Matchers(parse_matchers(r#"b="1",a!="2",a="2",a="1""#).unwrap());
        ms.sort();
        assert_eq!(ms.to_string(), r#"{a="1",a="2",a!="2",b="1"}"#);
    }
}
