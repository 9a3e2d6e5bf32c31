//! Go's meaning of the Perl classes in regular expressions. In Go's RE2 (and so in
//! Prometheus) `\d`, `\w`, `\s` and `\b` are ASCII-only; the regex crate reads them as
//! Unicode classes, which need tables the site leaves out of its download. Every pattern a
//! query compiles goes through [`go_classes`] first, which spells them out in ASCII: the
//! result matches what Prometheus matches, with or without the tables.

use std::borrow::Cow;

/// `pattern` with `\d \D \w \W \s \S \b \B` written as the ASCII classes Go means
/// (`\s` is `[\t\n\f\r ]`: no vertical tab, as in Go). Other escapes are kept as written.
pub fn go_classes(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains('\\') {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut changed = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // An escape is always two characters, so `\\d` stays a backslash and a `d`.
        match chars.next() {
            Some(e) => match ascii_class(e) {
                Some(class) => {
                    out.push_str(class);
                    changed = true;
                }
                None => {
                    out.push('\\');
                    out.push(e);
                }
            },
            None => out.push('\\'),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(pattern)
    }
}

/// The ASCII form of a Perl class or word boundary escape. Classes are bracketed so that they
/// also work inside a class (`[\d.]` becomes `[[0-9].]`, a nested class).
fn ascii_class(escape: char) -> Option<&'static str> {
    Some(match escape {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        's' => r"[\t\n\f\r ]",
        'S' => r"[^\t\n\f\r ]",
        'b' => r"(?-u:\b)",
        'B' => r"(?-u:\B)",
        _ => return None,
    })
}

/// A hint for a regex that did not compile: the site's regex engine leaves out the Unicode
/// class tables (`\p{L}`, `\pN`) to keep the download small, so such a class fails here
/// though Prometheus accepts it.
pub fn regex_hint(pattern: &str) -> &'static str {
    if pattern.contains("\\p") || pattern.contains("\\P") {
        " (Unicode classes such as \\p{L} are not supported here: list the characters, e.g. [a-zA-Z])"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    #[test]
    fn perl_classes_become_ascii() {
        for (pattern, want) in [
            (r"a\d+", "a[0-9]+"),
            (r"[\d.]+", "[[0-9].]+"),
            (r"\W\S", r"[^0-9A-Za-z_][^\t\n\f\r ]"),
            (r"\\d", r"\\d"),
            (r"\.\pL\", r"\.\pL\"),
            ("plain", "plain"),
        ] {
            assert_eq!(go_classes(pattern), want, "{pattern}");
        }
    }

    /// What Go's regexp matches, checked with the compiled patterns.
    #[test]
    fn matches_as_go_does() {
        let full = |p: &str, s: &str| Regex::new(&format!("^(?:{})$", go_classes(p))).unwrap().is_match(s);
        assert!(full(r"\d+", "042"));
        assert!(!full(r"\d", "٣"), "Arabic-Indic digit");
        assert!(full(r"\D", "٣"));
        assert!(full(r"\w+", "a_Z9"));
        assert!(!full(r"\w", "é"));
        assert!(full(r"\W", "é"));
        assert!(full(r"\s", "\t"));
        assert!(!full(r"\s", "\u{0b}"), "Go's \\s has no vertical tab");
        assert!(!full(r"\s", "\u{a0}"));
        assert!(full(r".*\bcat\b.*", "a cat!"));
        assert!(!full(r".*\bcat\b.*", "cats"));
        assert!(full(r".*\Bat\b.*", "cat"));
        assert!(full(r"[^\d]+", "ab"));
        assert!(full(r"(?i)ÄB", "äb"), "Unicode case folding");
    }
}
