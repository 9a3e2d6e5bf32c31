//! Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}` and `$$` in a replacement (or a
//! `target_label`), exactly as Go reads them — `$1x` is the group named `1x`, `$01` a name,
//! a `$` not followed by a name is copied as it is.

use super::regex::GoRegex;

/// Expands `template` with the groups of `caps`, a match of `re`.
pub fn expand(re: &GoRegex, caps: &regex::Captures<'_>, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = extract(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        if let Some(text) = group(re, caps, name) {
            out.push_str(text);
        }
    }
    out.push_str(rest);
    out
}

/// True when `template` holds a `$` (Prometheus's `varInRegexTemplate`).
pub fn has_reference(template: &str) -> bool {
    template.contains('$')
}

/// The text of the group `name` refers to (a number or a group name), if it took part.
fn group<'t>(re: &GoRegex, caps: &regex::Captures<'t>, name: &str) -> Option<&'t str> {
    match number(name) {
        Some(n) => caps.get(n).map(|m| m.as_str()),
        None => re
            .group_names()
            .enumerate()
            .filter(|(_, n)| *n == Some(name))
            .find_map(|(i, _)| caps.get(i))
            .map(|m| m.as_str()),
    }
}

/// A name made only of ASCII digits, without a leading zero, below 10^8 (Go's rule).
fn number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    name.parse::<usize>().ok().filter(|n| *n < 100_000_000)
}

/// Go's `extract`: the name after a `$` (braced or not) and what follows it.
fn extract(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body.find(|c: char| !(is_letter(c) || c.is_numeric() || c == '_')).unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    if braced {
        let after = body[end..].strip_prefix('}')?;
        return Some((name, after));
    }
    Some((name, &body[end..]))
}

/// Go's `unicode.IsLetter` (category L), near enough: alphabetic and not a number. (Go's
/// `unicode.IsDigit` is read as `char::is_numeric`, which also takes `²` and `½`.)
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relabel::model::Semantics;

    fn exp(regex: &str, value: &str, template: &str) -> String {
        let re = GoRegex::new(regex, Semantics::Prometheus3).unwrap();
        let caps = re.captures(value).unwrap();
        expand(&re, &caps, template)
    }

    #[test]
    fn go_template_rules() {
        for (regex, value, template, want) in [
            ("(.*)", "foo", "$1x", ""),
            ("(.*)", "foo", "${1}x", "foox"),
            ("(.*)", "foo", "cost$$1", "cost$1"),
            ("(.*);(.*)", "foo;bar", "[$0]", "[foo;bar]"),
            ("(f)(o)", "fo", "x$10y", "x"),
            ("(.*)", "foo", "v$01", "v"),
            ("(?P<host>[^:]+):(?P<port>\\d+)", "a.org:9100", "${port}/$host", "9100/a.org"),
            ("(?P<host>[^:]+):(\\d+)", "a.org:9100", "x$host_suffix", "x"),
            ("(.*)", "foo", "${1-$-$", "${1-$-$"),
            ("(a)|(b)", "b", "[$1][$2]", "[][b]"),
            ("f(.*)", "foo", "ch${1}-ch${1}", "choo-choo"),
        ] {
            assert_eq!(exp(regex, value, template), want, "{regex} {value} {template}");
        }
    }
}
