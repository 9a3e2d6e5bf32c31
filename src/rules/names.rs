//! Metric and label name rules: the legacy character sets of Prometheus 2, and the UTF-8
//! names Prometheus 3 accepts.

use super::load::Dialect;

/// `[a-zA-Z_:][a-zA-Z0-9_:]*` in Prometheus 2; any non-empty text in Prometheus 3.
pub fn valid_metric_name(name: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Prometheus3 => !name.is_empty(),
        Dialect::Prometheus2 => legacy(name, |c| c == ':'),
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*` in Prometheus 2; any non-empty text in Prometheus 3.
pub fn valid_label_name(name: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Prometheus3 => !name.is_empty(),
        Dialect::Prometheus2 => legacy(name, |_| false),
    }
}

/// True when `name` is non-empty, starts with a letter, `_` or an `extra` character, and
/// continues with those or digits.
fn legacy(name: &str, extra: impl Fn(char) -> bool) -> bool {
    let ok = |c: char| c.is_ascii_alphabetic() || c == '_' || extra(c);
    let mut chars = name.chars();
    chars.next().is_some_and(ok) && chars.all(|c| ok(c) || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        use Dialect::{Prometheus2 as P2, Prometheus3 as P3};
        let metric = [
            ("model:latency:p95", true, true),
            ("a-b", false, true),
            ("1x", false, true),
            ("", false, false),
        ];
        for (name, v2, v3) in metric {
            assert_eq!((valid_metric_name(name, P2), valid_metric_name(name, P3)), (v2, v3), "{name}");
        }
        let label = [("model", true, true), ("a:b", false, true), ("_x9", true, true), ("", false, false)];
        for (name, v2, v3) in label {
            assert_eq!((valid_label_name(name, P2), valid_label_name(name, P3)), (v2, v3), "{name}");
        }
    }
}
