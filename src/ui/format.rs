//! Text formatting shared by the table, the chart and the controls: sample values the way
//! Prometheus prints them, compact axis numbers, axis times, label sets and run times, and
//! the code spans of a dataset's plain-text descriptions.

use crate::engine::{Labels, Millis};

/// A sample value as Prometheus's API writes it: shortest exact decimal, `+Inf`, `-Inf`,
/// `NaN`.
pub fn sample_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        // Rust's Display is the shortest representation that reads back exactly, without
        // an exponent, like Go's strconv.FormatFloat(v, 'f', -1, 64).
        format!("{v}")
    }
}

/// A compact axis number: `0`, `0.25`, `1.5k`, `2M`, `3e-5`.
pub fn axis_number(v: f64) -> String {
    if !v.is_finite() {
        return sample_value(v);
    }
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    for (div, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= div {
            return format!("{}{suffix}", trim_float(v / div, 2));
        }
    }
    if a < 1e-3 {
        return format!("{v:.1e}");
    }
    trim_float(v, 4)
}

/// `v` with at most `digits` decimals and no trailing zeros.
fn trim_float(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A time-axis label in UTC: `HH:MM` when the chart spans at most a day, otherwise
/// `MM-DD HH:MM`; seconds appear when the span is under ten minutes.
pub fn axis_time(t: Millis, span: Millis) -> String {
    let full = crate::content::time::format_instant(t); // YYYY-MM-DDTHH:MM:SSZ
    let date = full.get(5..10).unwrap_or_default();
    let time = full.get(11..19).unwrap_or_default();
    let minutes = time.get(..5).unwrap_or_default();
    if span <= 10 * 60_000 {
        time.to_string()
    } else if span <= 86_400_000 {
        minutes.to_string()
    } else {
        format!("{date} {minutes}")
    }
}

/// A label set the way Prometheus's UI lists it: `name{a="b", c="d"}`; `{}` when empty.
pub fn labels(l: &Labels) -> String {
    let s = l.to_string();
    if s.is_empty() {
        "{}".into()
    } else {
        s
    }
}

/// An integer with thousands separators: `2,540,559`.
pub use crate::engine::range::thousands;

/// A duration in milliseconds for the run-time readout: `0.4 ms`, `12 ms`, `1.25 s`.
pub fn elapsed(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// `text` split into plain parts and Markdown code spans (`` `up == 0` ``), in order, as
/// `(is_code, part)`: descriptions written in dataset files quote queries that way. An
/// unmatched backtick is kept as text.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else { break };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + 2 + len..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_of_descriptions() {
        let cases: &[(&str, &[(bool, &str)])] = &[
            ("so `offset 24h` compares", &[(false, "so "), (true, "offset 24h"), (false, " compares")]),
            ("`up` is 0", &[(true, "up"), (false, " is 0")]),
            ("plain", &[(false, "plain")]),
            ("a ` alone", &[(false, "a ` alone")]),
            ("`a``b`", &[(true, "a"), (true, "b")]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(code_spans(text), *want, "{text}");
        }
    }

    #[test]
    fn sample_values() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e21, "1000000000000000000000"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(sample_value(*v), *want, "{v}");
        }
    }

    #[test]
    fn axis_numbers() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (0.25, "0.25"),
            (1500.0, "1.5k"),
            (2_000_000.0, "2M"),
            (-3_250.0, "-3.25k"),
            (0.00003, "3.0e-5"),
            (12.0, "12"),
        ];
        for (v, want) in cases {
            assert_eq!(axis_number(*v), *want, "{v}");
        }
    }

    #[test]
    fn axis_times() {
        let t = crate::content::time::DEFAULT_START + 3_723_000; // 2026-01-05T01:02:03Z
        assert_eq!(axis_time(t, 60_000), "01:02:03");
        assert_eq!(axis_time(t, 3_600_000), "01:02");
        assert_eq!(axis_time(t, 2 * 86_400_000), "01-05 01:02");
    }

    #[test]
    fn label_sets() {
        assert_eq!(labels(&Labels::empty()), "{}");
        let l = Labels::from_pairs([("__name__", "up"), ("job", "a")]);
        assert_eq!(labels(&l), r#"up{job="a"}"#);
    }

    #[test]
    fn thousands_separators() {
        for (n, want) in [(0, "0"), (999, "999"), (1_000, "1,000"), (2_540_559, "2,540,559")] {
            assert_eq!(thousands(n), want);
        }
    }

    #[test]
    fn elapsed_times() {
        assert_eq!(elapsed(0.42), "0.4 ms");
        assert_eq!(elapsed(12.3), "12 ms");
        assert_eq!(elapsed(1250.0), "1.25 s");
    }
}
