//! Go's case mappings as templates use them: `strings.ToUpper`/`ToLower` (the simple
//! one-to-one mappings, so `ß` stays `ß`), `strings.Title` (Prometheus 2) and
//! `cases.Title` from golang.org/x/text (Prometheus 3 without lowering, Alertmanager with).

/// Go's `unicode.ToUpper` of one rune.
pub fn upper_char(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower` of one rune.
pub fn lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// `strings.ToUpper`.
pub fn to_upper(s: &str) -> String {
    s.chars().map(upper_char).collect()
}

/// `strings.ToLower`.
pub fn to_lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// `strings.Title`: the first letter after a separator upper-cased (an apostrophe is a
/// separator: `it's` becomes `It'S`).
pub fn strings_title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { upper_char(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

/// `cases.Title(language.AmericanEnglish)`: words split by Unicode word boundaries (an
/// apostrophe or dot between letters joins), the first letter of each word upper-cased and,
/// when `lower_rest`, the rest lower-cased (`cases.NoLower` keeps it).
pub fn cases_title(s: &str, lower_rest: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for (i, &c) in chars.iter().enumerate() {
        let wordish = c.is_alphanumeric() || c == '_';
        let joiner = matches!(c, '\'' | '.' | '’' | ':')
            && in_word
            && i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if wordish && !in_word {
            out.push(upper_char(c));
        } else if lower_rest {
            out.push(lower_char(c));
        } else {
            out.push(c);
        }
        in_word = wordish || joiner;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_go() {
        assert_eq!(to_upper("héllo ß ǆ"), "HÉLLO ß Ǆ");
        assert_eq!(to_lower("HÉLLO İ Ǆ"), "héllo i ǆ");
        assert_eq!(strings_title("aa bb CC it's"), "Aa Bb CC It'S");
        assert_eq!(cases_title("aa bb CC it's", false), "Aa Bb CC It's");
        assert_eq!(cases_title("aa bb CC it's", true), "Aa Bb Cc It's");
    }
}
