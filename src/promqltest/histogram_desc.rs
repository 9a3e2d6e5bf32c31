//! Native histogram literals of the promqltest series notation:
//! `{{schema:0 sum:5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 1] offset:1
//! n_buckets:[1] n_offset:0 custom_values:[1 5] counter_reset_hint:gauge}}`, every key
//! optional, each at most once (Prometheus's `buildHistogramFromMap`). Buckets are absolute
//! counts in one span starting at `offset`.

use crate::engine::histogram::{CounterResetHint, FloatHistogram, Span};

use super::notation::parse_number;

/// A parsed literal: the histogram, and whether it named its counter reset hint (only then
/// does an expected result's hint have to match).
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramDesc {
    pub h: FloatHistogram,
    pub hint_set: bool,
}

/// Parses the inside of `{{...}}` (without the braces).
pub fn parse_histogram(inner: &str) -> Result<HistogramDesc, String> {
    let mut h = FloatHistogram::default();
    let mut hint_set = false;
    let mut seen: Vec<&str> = Vec::new();
    let (mut buckets, mut offset, mut n_buckets, mut n_offset) = (Vec::new(), 0i32, Vec::new(), 0i32);
    for item in items(inner)? {
        let (key, value) =
            item.split_once(':').ok_or_else(|| format!("expected key:value in histogram, got {item:?}"))?;
        if seen.contains(&key) {
            return Err(format!("duplicate key \"{key}\" in histogram"));
        }
        seen.push(key);
        match key {
            "schema" => h.schema = int(value)?,
            "sum" => h.sum = number(value)?,
            "count" => h.count = number(value)?,
            "z_bucket" => h.zero_count = number(value)?,
            "z_bucket_w" => h.zero_threshold = number(value)?,
            "custom_values" => h.custom_values = list(value)?,
            "buckets" => buckets = list(value)?,
            "offset" => offset = int(value)?,
            "n_buckets" => n_buckets = list(value)?,
            "n_offset" => n_offset = int(value)?,
            "counter_reset_hint" => {
                hint_set = true;
                h.counter_reset_hint = match value {
                    "unknown" => CounterResetHint::Unknown,
                    "reset" => CounterResetHint::CounterReset,
                    "not_reset" => CounterResetHint::NotCounterReset,
                    "gauge" => CounterResetHint::Gauge,
                    other => return Err(format!("unknown counter_reset_hint {other:?}")),
                }
            }
            other => return Err(format!("unknown histogram key {other:?}")),
        }
    }
    (h.positive_spans, h.positive_buckets) = one_span(buckets, offset)?;
    (h.negative_spans, h.negative_buckets) = one_span(n_buckets, n_offset)?;
    Ok(HistogramDesc { h, hint_set })
}

/// Splits on whitespace, keeping `[...]` lists (which contain spaces) inside their item.
fn items(s: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => return Err(format!("unbalanced ']' in histogram {s:?}")),
            ']' => depth -= 1,
            c if c.is_whitespace() && depth == 0 => {
                if let Some(st) = start.take() {
                    out.push(&s[st..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if depth != 0 {
        return Err(format!("unclosed '[' in histogram {s:?}"));
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    Ok(out)
}

fn number(s: &str) -> Result<f64, String> {
    parse_number(s).ok_or_else(|| format!("invalid number {s:?} in histogram"))
}

fn int(s: &str) -> Result<i32, String> {
    s.parse().map_err(|_| format!("invalid integer {s:?} in histogram"))
}

fn list(s: &str) -> Result<Vec<f64>, String> {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| format!("expected a [list] in histogram, got {s:?}"))?;
    inner.split_whitespace().map(number).collect()
}

/// Buckets written as a list start at `offset` in one span.
fn one_span(buckets: Vec<f64>, offset: i32) -> Result<(Vec<Span>, Vec<f64>), String> {
    if buckets.is_empty() {
        return Ok((Vec::new(), buckets));
    }
    let length = u32::try_from(buckets.len()).map_err(|_| "too many buckets".to_string())?;
    Ok((vec![Span { offset, length }], buckets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let d = parse_histogram(
            "schema:1 sum:-2.5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 2] offset:-1 \
             n_buckets:[3] n_offset:2 counter_reset_hint:gauge",
        )
        .unwrap();
        let h = d.h;
        assert!(d.hint_set);
        assert_eq!((h.schema, h.sum, h.count, h.zero_count, h.zero_threshold), (1, -2.5, 4.0, 1.0, 0.001));
        assert_eq!(h.positive(), vec![(-1, 1.0), (0, 2.0)]);
        assert_eq!(h.negative(), vec![(2, 3.0)]);
        assert_eq!(h.counter_reset_hint, CounterResetHint::Gauge);
        let custom = parse_histogram("schema:-53 custom_values:[1 5] buckets:[1 0 2]").unwrap().h;
        assert_eq!(custom.custom_values, vec![1.0, 5.0]);
        assert_eq!(parse_histogram("").unwrap().h, FloatHistogram::default());
    }

    #[test]
    fn rejects_malformed_literals() {
        for bad in
            ["sum:1 sum:2", "schema:x", "buckets:[1 2", "colour:red", "counter_reset_hint:maybe", "sum"]
        {
            assert!(parse_histogram(bad).is_err(), "{bad}");
        }
    }
}
