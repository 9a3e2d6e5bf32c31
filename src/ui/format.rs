//! Text formatting shared by the table, the chart and the controls: sample values the way
//! Prometheus prints them, compact axis numbers, values in their unit (binary multiples of
//! bytes, durations, percentages), axis times, label sets, run times and the code spans of a
//! dataset's plain-text descriptions.

use crate::assist::units::Unit;
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

/// `v` in `unit` with at most `decimals` decimals: `1.5 GiB`, `12 MiB/s`, `250ms`, `1m30s`,
/// `62.5%`; plain numbers compact (`1.5k`, `2M`, `3.0e-5`).
pub fn in_unit(v: f64, unit: Unit, decimals: usize) -> String {
    if !v.is_finite() {
        return sample_value(v);
    }
    match unit {
        Unit::None => compact(v, decimals),
        Unit::Bytes => binary_bytes(v, decimals),
        Unit::BytesPerSecond => format!("{}/s", binary_bytes(v, decimals)),
        Unit::Seconds => duration(v, decimals),
        Unit::Ratio => format!("{}%", trim_float(v * 100.0, decimals)),
    }
}

/// Bytes in binary multiples: `512 B`, `1.5 KiB`, `3 GiB`.
fn binary_bytes(v: f64, decimals: usize) -> String {
    const PREFIXES: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut scaled = v;
    let mut i = 0;
    while scaled.abs() >= 1024.0 && i + 1 < PREFIXES.len() {
        scaled /= 1024.0;
        i += 1;
    }
    format!("{} {}", trim_float(scaled, decimals), PREFIXES[i])
}

/// Seconds as a duration: `250µs`, `12.5ms`, `1.5s`, `2m`, `1h30m`, `2d3h`.
fn duration(v: f64, decimals: usize) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a == 0.0 {
        return "0s".into();
    }
    if a < 1e-3 {
        return format!("{sign}{}\u{b5}s", trim_float(a * 1e6, decimals));
    }
    if a < 1.0 {
        return format!("{sign}{}ms", trim_float(a * 1e3, decimals));
    }
    if a < 60.0 {
        return format!("{sign}{}s", trim_float(a, decimals));
    }
    // Whole units from days down; the seconds keep their decimals.
    let mut out = String::from(sign);
    let mut rest = a;
    for (size, suffix) in [(86_400.0, "d"), (3_600.0, "h"), (60.0, "m")] {
        let n = (rest / size).floor();
        if n >= 1.0 {
            out.push_str(&format!("{n}{suffix}"));
            rest -= n * size;
        }
    }
    let secs = trim_float(rest, decimals);
    if secs != "0" {
        out.push_str(&format!("{secs}s"));
    }
    out
}

/// A compact number with at most `decimals` decimals: `0.25`, `1.5k`, `2M`, `3e-5`.
fn compact(v: f64, decimals: usize) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    for (div, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= div {
            return format!("{}{suffix}", trim_float(v / div, decimals));
        }
    }
    if a < 1e-3 {
        return format!("{v:.1e}");
    }
    trim_float(v, decimals)
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
    fn plain_numbers() {
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
            assert_eq!(in_unit(*v, Unit::None, 4), *want, "{v}");
        }
    }

    #[test]
    fn values_in_their_unit() {
        let cases: &[(f64, Unit, usize, &str)] = &[
            (0.0, Unit::Bytes, 2, "0 B"),
            (512.0, Unit::Bytes, 2, "512 B"),
            (1536.0, Unit::Bytes, 2, "1.5 KiB"),
            (1_610_612_736.0, Unit::Bytes, 2, "1.5 GiB"),
            (2_000_000_000.0, Unit::Bytes, 2, "1.86 GiB"),
            (-268_435_456.0, Unit::Bytes, 2, "-256 MiB"),
            (188_743_680.0, Unit::BytesPerSecond, 1, "180 MiB/s"),
            (0.0, Unit::Seconds, 2, "0s"),
            (0.00025, Unit::Seconds, 2, "250\u{b5}s"),
            (0.2384, Unit::Seconds, 2, "238.4ms"),
            (0.05, Unit::Seconds, 0, "50ms"),
            (1.5, Unit::Seconds, 2, "1.5s"),
            (90.0, Unit::Seconds, 2, "1m30s"),
            (3600.0, Unit::Seconds, 2, "1h"),
            (93_784.5, Unit::Seconds, 1, "1d2h3m4.5s"),
            (-120.0, Unit::Seconds, 0, "-2m"),
            (0.62, Unit::Ratio, 2, "62%"),
            (0.0825, Unit::Ratio, 2, "8.25%"),
            (1.0, Unit::Ratio, 0, "100%"),
            (1500.0, Unit::None, 2, "1.5k"),
            (0.1234, Unit::None, 2, "0.12"),
            (f64::NAN, Unit::Bytes, 2, "NaN"),
            (f64::INFINITY, Unit::Seconds, 2, "+Inf"),
        ];
        for (v, unit, decimals, want) in cases {
            assert_eq!(in_unit(*v, *unit, *decimals), *want, "{v} {unit:?}");
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
