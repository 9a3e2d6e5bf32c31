//! Label-name rules: the UTF-8 and legacy schemes, and the legacy pattern Prometheus accepts
//! for templated targets (`relabelTarget`).

use std::sync::OnceLock;

use regex::Regex;

use super::model::NameScheme;

/// A label name valid under `scheme` (`""` never is).
pub fn is_valid(name: &str, scheme: NameScheme) -> bool {
    match scheme {
        NameScheme::Utf8 => !name.is_empty(),
        NameScheme::Legacy => is_legacy(name),
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_legacy(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A templated target (or `labelmap` replacement) Prometheus accepts under legacy names:
/// `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`.
pub fn is_legacy_template(text: &str) -> bool {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| {
            Regex::new(r"^(?:(?:[a-zA-Z_]|\$(?:\{[0-9A-Za-z_]+\}|[0-9A-Za-z_]+))+[0-9A-Za-z_]*)+$").ok()
        })
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}

/// A templated target valid under `scheme`: any non-empty text in UTF-8, the pattern above
/// in legacy.
pub fn is_valid_template(text: &str, scheme: NameScheme) -> bool {
    match scheme {
        NameScheme::Utf8 => !text.is_empty(),
        NameScheme::Legacy => is_legacy_template(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_and_templates() {
        assert!(is_legacy("_a1") && !is_legacy("1a") && !is_legacy("a.b") && !is_legacy(""));
        for ok in ["label", "label${1}", "${1}label", "$1", "asd$2asd", "_${1}_", "foo${bar}foo"] {
            assert!(is_legacy_template(ok), "{ok}");
        }
        for bad in ["-label", "${", "$", "${}", "foo${", "-foo${1}bar-", "bar.foo${1}bar", "0${3}"] {
            assert!(!is_legacy_template(bad), "{bad}");
        }
    }
}
