//! The promqltest series notation: `metric{label="value"} 0+10x100 _ stale 1x5 _x3 Inf`.
//!
//! Used by `load` blocks, by expected-result lines and by data packs. `a+bxN` and `axN` expand
//! to N+1 values (the extra one is the sample at time 0), `_xN` to N omitted values, `stale`
//! to the staleness marker. Native histograms are written `{{...}}` (see `histogram_desc.rs`)
//! and expand the same way: `{{a}}xN`, `{{a}}+{{b}}xN`, `{{a}}-{{b}}xN`.

use std::sync::Arc;

use crate::engine::histogram::FloatHistogram;
use crate::engine::value::stale_nan;
use crate::engine::Labels;
use crate::engine::METRIC_NAME;

use super::histogram_desc::{parse_histogram, HistogramDesc};
use super::quote::{quoted_len, unquote};

/// One position of a series description.
#[derive(Clone, Debug, PartialEq)]
pub enum SeqValue {
    /// No sample at this step (`_`).
    Omitted,
    /// A float sample (staleness markers are the stale NaN).
    Float(f64),
    /// A native histogram sample; `hint_set` when the literal named its counter reset hint.
    Histogram { h: Arc<FloatHistogram>, hint_set: bool },
}

/// A parsed series line: labels plus one value per step.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesDesc {
    pub labels: Labels,
    pub values: Vec<SeqValue>,
}

impl SeriesDesc {
    /// True when any value is a native histogram.
    pub fn has_histograms(&self) -> bool {
        self.values.iter().any(|v| matches!(v, SeqValue::Histogram { .. }))
    }
}

/// Most values one series line may expand to: keeps a typo like `0+1x1e9` from exhausting
/// memory.
pub const MAX_EXPANDED_VALUES: u64 = 10_000_000;

/// Parses `metric{labels} values...`.
pub fn parse_series_line(line: &str) -> Result<SeriesDesc, String> {
    let (labels, rest) = parse_metric(line)?;
    Ok(SeriesDesc { labels, values: parse_values(rest)? })
}

/// Parses the series identifier at the start of `s` (`name`, `name{...}`, `{...}`, with
/// quoted names allowed inside the braces) and returns it with the rest of the input.
pub fn parse_metric(s: &str) -> Result<(Labels, &str), String> {
    let s = s.trim_start();
    let name_len = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let mut pairs: Vec<(String, String)> = Vec::new();
    if name_len > 0 {
        if s.as_bytes()[0].is_ascii_digit() {
            return Err(format!("invalid metric name in {s:?}"));
        }
        pairs.push((METRIC_NAME.to_string(), s[..name_len].to_string()));
    }
    let mut rest = &s[name_len..];
    if let Some(inner) = rest.strip_prefix('{') {
        rest = parse_label_list(inner, &mut pairs)?;
    } else if name_len == 0 {
        return Err(format!("expected a metric name or '{{' in {s:?}"));
    }
    Ok((Labels::from_pairs(pairs), rest))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

/// Parses `a="b", "quoted name", c='d'}` (the opening brace already consumed) into `pairs`;
/// returns what follows the closing brace.
fn parse_label_list<'a>(mut s: &'a str, pairs: &mut Vec<(String, String)>) -> Result<&'a str, String> {
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix('}') {
            return Ok(rest);
        }
        let (name, quoted, rest) = take_name(s)?;
        s = rest.trim_start();
        if quoted && (s.starts_with(',') || s.starts_with('}')) {
            // A lone quoted string is the metric name (`{"my.metric", a="b"}`).
            pairs.push((METRIC_NAME.to_string(), name));
        } else {
            s = s.strip_prefix('=').ok_or_else(|| format!("expected '=' after label {name:?}"))?.trim_start();
            let len = quoted_len(s).ok_or_else(|| format!("expected a quoted value for label {name:?}"))?;
            pairs.push((name, unquote(&s[..len])?));
            s = s[len..].trim_start();
        }
        if let Some(rest) = s.strip_prefix(',') {
            s = rest;
        } else if !s.starts_with('}') {
            return Err(format!("expected ',' or '}}' in label list at {s:?}"));
        }
    }
}

/// A label name, bare or quoted; returns (name, was_quoted, rest).
fn take_name(s: &str) -> Result<(String, bool, &str), String> {
    if s.starts_with(['"', '\'', '`']) {
        let len = quoted_len(s).ok_or_else(|| format!("unterminated string in {s:?}"))?;
        return Ok((unquote(&s[..len])?, true, &s[len..]));
    }
    let len = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    if len == 0 || s.as_bytes()[0].is_ascii_digit() {
        return Err(format!("expected a label name at {s:?}"));
    }
    Ok((s[..len].to_string(), false, &s[len..]))
}

/// Parses the whitespace-separated value items of a series line.
pub fn parse_values(s: &str) -> Result<Vec<SeqValue>, String> {
    let mut out = Vec::new();
    for item in split_items(s)? {
        expand_item(item, &mut out)?;
        if out.len() as u64 > MAX_EXPANDED_VALUES {
            return Err(format!("series expands to more than {MAX_EXPANDED_VALUES} values"));
        }
    }
    Ok(out)
}

/// Splits on whitespace, keeping `{{ ... }}` histogram literals (which contain spaces) whole.
fn split_items(s: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            // Byte test: `i` may be inside a multi-byte character (only `{{` starts are sliced).
            if bytes[i..].starts_with(b"{{") {
                let close = s[i..].find("}}").ok_or_else(|| format!("unclosed histogram in {s:?}"))?;
                i += close + 2;
            } else {
                i += 1;
            }
        }
        items.push(&s[start..i]);
    }
    Ok(items)
}

fn expand_item(item: &str, out: &mut Vec<SeqValue>) -> Result<(), String> {
    let bad = || format!("invalid series value {item:?}");
    if item == "_" {
        out.push(SeqValue::Omitted);
        return Ok(());
    }
    if let Some(n) = item.strip_prefix("_x") {
        let n = parse_count(n).ok_or_else(bad)?;
        out.extend(std::iter::repeat_n(SeqValue::Omitted, n));
        return Ok(());
    }
    if item == "stale" {
        out.push(SeqValue::Float(stale_nan()));
        return Ok(());
    }
    if item.starts_with("{{") {
        expand_histograms(item, out)?;
        return Ok(());
    }
    let (start, rest) = split_number(item).ok_or_else(bad)?;
    if rest.is_empty() {
        out.push(SeqValue::Float(start));
        return Ok(());
    }
    let (delta, rest) = match rest.as_bytes()[0] {
        b'+' | b'-' => split_number(rest).ok_or_else(bad)?,
        _ => (0.0, rest),
    };
    let n = rest.strip_prefix('x').and_then(parse_count).ok_or_else(bad)?;
    // Repeated addition, as Prometheus does, so values match its float rounding.
    let mut v = start;
    for _ in 0..=n {
        out.push(SeqValue::Float(v));
        v += delta;
    }
    Ok(())
}

/// `{{...}}`, `{{...}}xN`, `{{...}}+{{...}}xN`, `{{...}}-{{...}}xN`: one or N+1 histograms,
/// the increment added (or subtracted) step by step as Prometheus's parser does.
fn expand_histograms(item: &str, out: &mut Vec<SeqValue>) -> Result<(), String> {
    let bad = || format!("invalid series value {item:?}");
    let (base, rest) = take_histogram(item)?;
    let (step, tail) = match rest.as_bytes().first() {
        Some(&op @ (b'+' | b'-')) => {
            let (inc, tail) = take_histogram(&rest[1..])?;
            (Some((op == b'+', inc)), tail)
        }
        _ => (None, rest),
    };
    let n = match tail.strip_prefix('x') {
        Some(n) => parse_count(n).ok_or_else(bad)?,
        None if tail.is_empty() && step.is_none() => {
            out.push(SeqValue::Histogram { h: Arc::new(base.h), hint_set: base.hint_set });
            return Ok(());
        }
        None => return Err(bad()),
    };
    let Some((add, inc)) = step else {
        let value = SeqValue::Histogram { h: Arc::new(base.h), hint_set: base.hint_set };
        out.extend(std::iter::repeat_n(value, n + 1));
        return Ok(());
    };
    // Every value carries the increment's "hint written" flag, as upstream's do.
    let hint_set = inc.hint_set;
    let mut cur = base.h;
    out.push(SeqValue::Histogram { h: Arc::new(cur.clone()), hint_set });
    for _ in 0..n {
        if cur.schema > inc.h.schema {
            return Err(format!(
                "error combining histograms: cannot merge from schema {} to {}",
                inc.h.schema, cur.schema
            ));
        }
        let combined = if add { cur.add(&inc.h) } else { cur.sub(&inc.h) };
        combined.map_err(|e| format!("error combining histograms: {e}"))?;
        out.push(SeqValue::Histogram { h: Arc::new(cur.clone()), hint_set });
    }
    Ok(())
}

/// Parses the `{{...}}` literal at the start of `s`; returns it and what follows.
fn take_histogram(s: &str) -> Result<(HistogramDesc, &str), String> {
    let inner = s.strip_prefix("{{").ok_or_else(|| format!("expected a histogram at {s:?}"))?;
    let close = inner.find("}}").ok_or_else(|| format!("unclosed histogram in {s:?}"))?;
    Ok((parse_histogram(&inner[..close])?, &inner[close + 2..]))
}

fn parse_count(s: &str) -> Option<usize> {
    let n: u64 = s.parse().ok()?;
    (n <= MAX_EXPANDED_VALUES).then_some(n as usize)
}

/// Splits a leading number (`-1.5e3`, `Inf`, `+Inf`, `NaN`, case-insensitive words) off `s`.
fn split_number(s: &str) -> Option<(f64, &str)> {
    let sign_len = usize::from(s.starts_with(['+', '-']));
    let body = &s[sign_len..];
    let lower = body.get(..3).map(str::to_ascii_lowercase);
    let len =
        if matches!(lower.as_deref(), Some("inf") | Some("nan")) { 3 } else { numeric_prefix_len(body) };
    if len == 0 {
        return None;
    }
    let v = parse_number(&s[..sign_len + len])?;
    Some((v, &s[sign_len + len..]))
}

/// Length of the decimal literal at the start of `s`: digits, optional fraction, optional
/// exponent.
fn numeric_prefix_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    if i < b.len() && b[i] == b'.' {
        i = digits(i + 1);
    }
    if i == 0 || (i == 1 && b[0] == b'.') {
        return 0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let end = digits(j);
        if end > j {
            i = end;
        }
    }
    i
}

/// Parses a number the way the promqltest files write them: decimal or `Inf`/`NaN` in any
/// case, with an optional sign; hexadecimal and octal integers as Go's `ParseInt(s, 0, 64)`
/// reads them.
pub fn parse_number(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ if lower.starts_with("0x") => i64::from_str_radix(&lower[2..], 16).ok()? as f64,
        _ if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) => {
            i64::from_str_radix(&lower[1..], 8).ok()? as f64
        }
        _ if lower.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-')) => {
            lower.parse().ok()?
        }
        _ => return None,
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::is_stale;

    fn floats(s: &str) -> Vec<Option<f64>> {
        parse_values(s)
            .unwrap()
            .into_iter()
            .map(|v| match v {
                SeqValue::Float(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn expands_values() {
        for (input, want) in [
            ("0+10x3", vec![Some(0.0), Some(10.0), Some(20.0), Some(30.0)]),
            ("1-2x2", vec![Some(1.0), Some(-1.0), Some(-3.0)]),
            ("-1+1x1", vec![Some(-1.0), Some(0.0)]),
            ("5x2 _ 7", vec![Some(5.0), Some(5.0), Some(5.0), None, Some(7.0)]),
            ("_x3", vec![None, None, None]),
            ("1e3 .5 -Inf", vec![Some(1000.0), Some(0.5), Some(f64::NEG_INFINITY)]),
            ("1e-3+1e-3x1", vec![Some(0.001), Some(0.002)]),
            ("0x2", vec![Some(0.0), Some(0.0), Some(0.0)]),
        ] {
            assert_eq!(floats(input), want, "{input}");
        }
    }

    #[test]
    fn stale_nan_and_histograms() {
        let v =
            parse_values("stale NaN {{schema:0 sum:1 buckets:[1 2]}}x2 {{count:1}}+{{count:2}}x1").unwrap();
        assert!(matches!(v[0], SeqValue::Float(f) if is_stale(f)));
        assert!(matches!(v[1], SeqValue::Float(f) if f.is_nan() && !is_stale(f)));
        let counts: Vec<f64> = v[2..]
            .iter()
            .filter_map(|v| match v {
                SeqValue::Histogram { h, .. } => Some(h.count),
                _ => None,
            })
            .collect();
        assert_eq!(counts, vec![0.0, 0.0, 0.0, 1.0, 3.0]);
    }

    #[test]
    fn histogram_increments_reconcile_schemas() {
        let v = parse_values(
            "{{schema:0 sum:4 count:4 buckets:[1 2 1]}}-{{schema:0 sum:1 count:1 buckets:[1]}}x2",
        )
        .unwrap();
        let SeqValue::Histogram { h, hint_set } = &v[2] else { panic!("a histogram") };
        assert_eq!((h.count, h.positive(), *hint_set), (2.0, vec![(0, -1.0), (1, 2.0), (2, 1.0)], false));
        // The increment's schema is reduced to the running value's, never the other way.
        let v =
            parse_values("{{schema:-1 buckets:[1] offset:1}}+{{schema:0 buckets:[2 2] offset:1}}x1").unwrap();
        let SeqValue::Histogram { h, .. } = &v[1] else { panic!("a histogram") };
        assert_eq!((h.schema, h.positive()), (-1, vec![(1, 5.0)]));
        assert!(parse_values("{{schema:1}}+{{schema:0}}x1").is_err());
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["1+", "abc", "1x", "1+2", "_x", "{{count:1}}y", "{{a:1}}", "{{count:1}}+{{count:1}}"] {
            assert!(parse_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_metrics() {
        for (input, want) in [
            (r#"up{job="a", instance="b"} 1"#, r#"up{instance="b", job="a"}"#),
            (r#"{__name__="x", a='y'} 1"#, r#"x{a="y"}"#),
            (r#"{"my.metric", "odd label"="v"} 1"#, r#"my.metric{odd label="v"}"#),
            ("plain 1", "plain"),
            (r#"{} 1"#, "{}"),
            (r#"x{a="",b="c",} 1"#, r#"x{b="c"}"#),
        ] {
            let (labels, rest) = parse_metric(input).unwrap();
            assert_eq!(labels.to_string(), want, "{input}");
            assert_eq!(rest.trim(), "1");
        }
        assert!(parse_metric(r#"x{a="b" c="d"}"#).is_err());
        assert!(parse_metric(r#"x{a=b}"#).is_err());
    }
}
