//! Reads OpenMetrics text with timestamps (what `promtool tsdb create-blocks-from openmetrics`
//! reads, and what `export` writes) into a [`Storage`]. Every sample needs a timestamp
//! (seconds), every series' timestamps must increase, and the file ends with `# EOF`.

use std::collections::BTreeMap;

use super::dataset::{Metric, MetricType, MAX_SAMPLES, MAX_SERIES};
use super::error::Problem;
use crate::engine::{Labels, Millis, Storage};
use crate::promqltest::notation::parse_metric;

/// Reads `text` (named `file` in problems) into `storage`. Returns the metric families the
/// `# TYPE` / `# HELP` lines describe, or every problem found (reading goes on after a bad
/// line, so one run reports them all, up to a limit).
pub fn read_into(storage: &mut Storage, file: &str, text: &str) -> Result<Vec<Metric>, Vec<Problem>> {
    const MAX_PROBLEMS: usize = 50;
    let mut problems = Vec::new();
    let mut families: BTreeMap<String, (MetricType, String)> = BTreeMap::new();
    let mut eof_line = None;
    let mut samples: u64 = storage.sample_count() as u64;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if problems.len() >= MAX_PROBLEMS {
            problems.push(Problem::new(file, line_no, "too many problems, stopping here"));
            break;
        }
        let mut bad = |msg: String| problems.push(Problem::new(file, line_no, msg));
        if let Some(eof) = eof_line {
            if !raw.trim().is_empty() {
                bad(format!("content after `# EOF` (line {eof})"));
                break;
            }
            continue;
        }
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            bad("empty line (OpenMetrics allows none)".into());
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            match read_comment(comment, &mut families) {
                Ok(true) => eof_line = Some(line_no),
                Ok(false) => {}
                Err(e) => bad(e),
            }
            continue;
        }
        match parse_sample(line) {
            Ok((labels, t, v)) => {
                let id = storage.series_id(&labels);
                if storage.len() as u64 > MAX_SERIES {
                    bad(format!("more than {MAX_SERIES} series (the limit of one dataset)"));
                    break;
                }
                if let Err(e) = storage.append(id, t, v) {
                    bad(format!("timestamps of a series must increase: {e}"));
                    continue;
                }
                samples += 1;
                if samples > MAX_SAMPLES {
                    bad(format!("more than {MAX_SAMPLES} samples (the limit of one dataset)"));
                    break;
                }
            }
            Err(e) => bad(e),
        }
    }
    if eof_line.is_none() && problems.is_empty() {
        let last = text.lines().count().max(1);
        problems.push(Problem::new(file, last, "missing `# EOF` at the end (OpenMetrics requires it)"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(families
        .into_iter()
        .map(|(name, (kind, help))| {
            // Counter families are named without `_total`; their samples carry it.
            let name = if kind == MetricType::Counter && !name.ends_with("_total") {
                format!("{name}_total")
            } else {
                name
            };
            Metric { name, kind, help }
        })
        .collect())
}

/// Handles a `#` line; returns true on `# EOF`.
fn read_comment(
    comment: &str,
    families: &mut BTreeMap<String, (MetricType, String)>,
) -> Result<bool, String> {
    let comment = comment.strip_prefix(' ').unwrap_or(comment);
    if comment == "EOF" {
        return Ok(true);
    }
    let mut parts = comment.splitn(3, ' ');
    let (keyword, name, rest) =
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    match keyword {
        "TYPE" => {
            let kind = match rest {
                "counter" => MetricType::Counter,
                "gauge" => MetricType::Gauge,
                "histogram" => MetricType::Histogram,
                "summary" => MetricType::Summary,
                "unknown" | "untyped" | "info" | "stateset" | "gaugehistogram" => MetricType::Unknown,
                other => return Err(format!("unknown metric type {other:?}")),
            };
            check_name(name)?;
            let entry = families.entry(name.to_string()).or_insert((kind, String::new()));
            entry.0 = kind;
        }
        "HELP" => {
            check_name(name)?;
            families.entry(name.to_string()).or_insert((MetricType::Unknown, String::new())).1 =
                rest.to_string();
        }
        "UNIT" => check_name(name)?,
        _ => {
            return Err(format!(
                "unexpected comment line (OpenMetrics allows # TYPE, # HELP, # UNIT, # EOF): #{comment}"
            ))
        }
    }
    Ok(false)
}

fn check_name(name: &str) -> Result<(), String> {
    if crate::content::series::valid_metric_name(name) {
        Ok(())
    } else {
        Err(format!("invalid metric name {name:?}"))
    }
}

/// Parses `name{labels} value timestamp [# exemplar]`.
fn parse_sample(line: &str) -> Result<(Labels, Millis, f64), String> {
    if line.starts_with(char::is_whitespace) {
        return Err("a sample line must start with the metric name".into());
    }
    let (labels, rest) = parse_metric(line)?;
    if labels.metric_name().is_none() {
        return Err("a sample needs a metric name".into());
    }
    // An exemplar (` # {...} v`) may follow; it is not stored.
    let rest = rest.split(" # ").next().unwrap_or(rest);
    let mut fields = rest.split_whitespace();
    let value = fields.next().ok_or("a sample needs a value")?;
    let v = parse_value(value).ok_or_else(|| format!("invalid value {value:?}"))?;
    let ts = fields.next().ok_or("a sample needs a timestamp (seconds since the epoch) in a dataset")?;
    if let Some(extra) = fields.next() {
        return Err(format!("unexpected {extra:?} after the timestamp"));
    }
    Ok((labels, parse_timestamp(ts)?, v))
}

/// OpenMetrics numbers: decimals, `NaN`, `+Inf`, `-Inf`.
fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ if s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) => {
            s.parse().ok()
        }
        _ => None,
    }
}

/// A timestamp in seconds (with up to millisecond precision kept) as milliseconds.
fn parse_timestamp(s: &str) -> Result<Millis, String> {
    let secs = parse_value(s).filter(|v| v.is_finite()).ok_or_else(|| format!("invalid timestamp {s:?}"))?;
    // Year 1970 ± ~300,000: beyond that it is surely a unit mistake (milliseconds written
    // where seconds belong are caught by the upper bound only when absurd).
    if secs.abs() > 1e13 {
        return Err(format!("timestamp {s} is out of range (OpenMetrics timestamps are seconds)"));
    }
    Ok((secs * 1000.0).round() as Millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_samples_and_metadata() {
        let text = "# TYPE up gauge\n# HELP up Target is up.\nup{job=\"a\"} 1 1767571200\nup{job=\"a\"} 0 1767571230.5\n# TYPE req counter\nreq_total 3 1767571200 # {trace_id=\"x\"} 1\n# EOF\n";
        let mut st = Storage::new();
        let metrics = read_into(&mut st, "x.om", text).unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(st.get(0).points[1].t, 1_767_571_230_500);
        let names: Vec<_> = metrics.iter().map(|m| (m.name.as_str(), m.kind)).collect();
        assert_eq!(names, vec![("req_total", MetricType::Counter), ("up", MetricType::Gauge)]);
    }

    #[test]
    fn reports_problems_with_lines() {
        for (text, line, want) in [
            ("up 1 10\nup 2 5\n# EOF\n", 2, "timestamps of a series must increase"),
            ("up 1 10\nup 2 10\n# EOF\n", 2, "timestamps of a series must increase"),
            ("up 1\n# EOF\n", 1, "needs a timestamp"),
            ("up one 1\n# EOF\n", 1, "invalid value"),
            ("up 1 1\n", 1, "missing `# EOF`"),
            ("up 1 1\n# EOF\nup 2 2\n", 3, "content after `# EOF`"),
            ("# TYPE up sometimes\n# EOF\n", 1, "unknown metric type"),
            ("up{a=\"b\" 1 1\n# EOF\n", 1, "expected ',' or '}'"),
            ("up 1 1e20\n# EOF\n", 1, "out of range"),
            ("\n# EOF\n", 1, "empty line"),
        ] {
            let e = read_into(&mut Storage::new(), "x.om", text).unwrap_err();
            assert_eq!(e[0].line, line, "{text:?}: {e:?}");
            assert!(e[0].message.contains(want), "{text:?}: {}", e[0].message);
        }
    }
}
