//! Writes a storage as OpenMetrics text with timestamps, in the shape `promtool tsdb
//! create-blocks-from openmetrics` accepts: one family at a time (`# HELP`, `# TYPE`, then
//! its series), counters named `<family>_total` under `# TYPE <family> counter`, histograms
//! as `_bucket`/`_sum`/`_count` under one `histogram` family, timestamps in seconds, and a
//! final `# EOF`. Staleness markers are not written (OpenMetrics cannot express them), nor are
//! native histograms (datasets hold none).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::dataset::{Metric, MetricType};
use crate::engine::value::{format_float, is_histogram_placeholder, is_stale};
use crate::engine::{Millis, Storage, METRIC_NAME};

/// One family to write: its name, type, help and the ids of its series.
struct Family<'a> {
    kind: MetricType,
    help: &'a str,
    series: Vec<usize>,
}

/// Writes every series of `storage` whose samples fall in `[from, to]` (all when `None`),
/// typed and documented with `metrics`.
pub fn write_openmetrics(
    storage: &Storage,
    metrics: &[Metric],
    range: Option<(Millis, Millis)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let range = range.unwrap_or((Millis::MIN, Millis::MAX));
    for (name, family) in families(storage, metrics) {
        write_family(storage, &name, &family, &family.series, range, out)?;
    }
    writeln!(out, "{EOF}")
}

/// The end-of-file line, and what it takes with its newline.
const EOF: &str = "# EOF";
const EOF_BYTES: usize = EOF.len() + 1;

/// Writes the series `ids` of one family, under its `# HELP` and `# TYPE` lines.
fn write_family(
    storage: &Storage,
    name: &str,
    family: &Family,
    ids: &[usize],
    range: (Millis, Millis),
    out: &mut dyn Write,
) -> io::Result<()> {
    write_family_lines(name, family, out)?;
    for &id in ids {
        write_series(storage, id, range, out)?;
    }
    Ok(())
}

/// A family's `# HELP` and `# TYPE` lines.
fn write_family_lines(name: &str, family: &Family, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# HELP {name} {}", escape_help(family.help))?;
    writeln!(out, "# TYPE {name} {}", family.kind.as_str())
}

/// One series' samples in `[from, to]`, a line each.
fn write_series(
    storage: &Storage,
    id: usize,
    (from, to): (Millis, Millis),
    out: &mut dyn Write,
) -> io::Result<()> {
    let s = storage.get(id);
    let prefix = series_prefix(s.labels.iter());
    // Native histogram slots are not floats (this export writes floats only).
    let float = |v: f64| !is_stale(v) && !is_histogram_placeholder(v);
    for p in s.points.iter().filter(|p| p.t >= from && p.t <= to && float(p.v)) {
        writeln!(out, "{prefix} {} {}", format_float(p.v), format_seconds(p.t))?;
    }
    Ok(())
}

/// The whole of `storage` as OpenMetrics files of at most `max_bytes` each, every one
/// complete (its families' `# HELP`/`# TYPE`, `# EOF`): families are kept whole in a file
/// when they fit, else split between series (a series is never split). `Err` names a single
/// series too large for a file.
pub fn write_openmetrics_parts(
    storage: &Storage,
    metrics: &[Metric],
    max_bytes: usize,
) -> Result<Vec<String>, String> {
    let everything = (Millis::MIN, Millis::MAX);
    let mut parts = Parts {
        room: max_bytes.saturating_sub(EOF_BYTES),
        done: Vec::new(),
        current: Vec::new(),
        open: None,
    };
    for (name, family) in families(storage, metrics) {
        // Each series is written once; the family's lines go before its first series in a file.
        let mut head = Vec::new();
        write_family_lines(&name, &family, &mut head).map_err(|e| e.to_string())?;
        let bodies = family
            .series
            .iter()
            .map(|&id| {
                let mut body = Vec::new();
                write_series(storage, id, everything, &mut body).map(|()| body)
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()
            .map_err(|e| e.to_string())?;
        let whole = head.len() + bodies.iter().map(Vec::len).sum::<usize>();
        // A family that fits in a file is not split between two.
        if whole <= parts.room && parts.current.len() + whole > parts.room {
            parts.close();
        }
        for (&id, body) in family.series.iter().zip(&bodies) {
            if head.len() + body.len() > parts.room {
                let labels = series_prefix(storage.get(id).labels.iter());
                return Err(format!("the series {labels} alone takes more than {} MiB", max_bytes >> 20));
            }
            parts.add(&name, &head, body);
        }
    }
    Ok(parts.finish())
}

/// OpenMetrics files being filled.
struct Parts {
    /// Bytes a file may hold before its `# EOF`.
    room: usize,
    done: Vec<String>,
    current: Vec<u8>,
    /// The family whose lines the current file ends under.
    open: Option<String>,
}

impl Parts {
    /// Adds one series' lines (`body`) of `family`, after the family's lines (`head`) unless
    /// the current file already ends under them; a new file is started when it would not fit.
    fn add(&mut self, family: &str, head: &[u8], body: &[u8]) {
        let continues = self.open.as_deref() == Some(family);
        if continues && self.current.len() + body.len() <= self.room {
            self.current.extend_from_slice(body);
            return;
        }
        if self.current.len() + head.len() + body.len() > self.room {
            self.close();
        }
        self.current.extend_from_slice(head);
        self.current.extend_from_slice(body);
        self.open = Some(family.to_string());
    }

    fn close(&mut self) {
        if !self.current.is_empty() {
            self.current.extend_from_slice(format!("{EOF}\n").as_bytes());
            // Moved, not copied (a file is up to 64 MiB); the lines were written from strings,
            // so the lossy path is never taken.
            let file = std::mem::take(&mut self.current);
            self.done.push(
                String::from_utf8(file)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            );
        }
        self.open = None;
    }

    fn finish(mut self) -> Vec<String> {
        self.close();
        self.done
    }
}

/// Groups the stored series into families, by family name.
fn families<'a>(storage: &Storage, metrics: &'a [Metric]) -> BTreeMap<String, Family<'a>> {
    let mut out: BTreeMap<String, Family<'a>> = BTreeMap::new();
    for name in storage.metric_names() {
        let (family, kind, help) = family_of(name, metrics);
        let entry = out.entry(family).or_insert(Family { kind, help, series: Vec::new() });
        entry.series.extend_from_slice(storage.postings(METRIC_NAME, name));
    }
    // Series in label order, so the output is the same on every run.
    let ranks = storage.label_ranks();
    for f in out.values_mut() {
        f.series.sort_by_key(|&id| ranks[id]);
    }
    out
}

/// The family a sample name belongs to, with the type and help OpenMetrics will see.
fn family_of<'a>(name: &str, metrics: &'a [Metric]) -> (String, MetricType, &'a str) {
    let found = |n: &str| metrics.iter().find(|m| m.name == n);
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if let Some(m) =
                found(base).filter(|m| matches!(m.kind, MetricType::Histogram | MetricType::Summary))
            {
                if suffix != "_bucket" || m.kind == MetricType::Histogram {
                    return (base.to_string(), m.kind, &m.help);
                }
            }
        }
    }
    match found(name) {
        // OpenMetrics names a counter family without `_total`; a counter whose samples lack
        // the suffix cannot be expressed as one, so it is written untyped.
        Some(m) if m.kind == MetricType::Counter => match name.strip_suffix("_total") {
            Some(base) => (base.to_string(), MetricType::Counter, &m.help),
            None => (name.to_string(), MetricType::Unknown, &m.help),
        },
        Some(m) if m.kind == MetricType::Gauge => (name.to_string(), MetricType::Gauge, &m.help),
        Some(m) => (name.to_string(), MetricType::Unknown, &m.help),
        None => (name.to_string(), MetricType::Unknown, ""),
    }
}

/// `name{a="b",c="d"}` with OpenMetrics escaping.
fn series_prefix<'a>(labels: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut name = "";
    let mut rest = Vec::new();
    for (k, v) in labels {
        if k == METRIC_NAME {
            name = v;
        } else {
            rest.push(format!("{k}=\"{}\"", escape_label(v)));
        }
    }
    if rest.is_empty() {
        name.to_string()
    } else {
        format!("{name}{{{}}}", rest.join(","))
    }
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Milliseconds as seconds: `1767571200` or `1767571200.5`.
pub fn format_seconds(t: Millis) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let (secs, ms) = (t.unsigned_abs() / 1000, t.unsigned_abs() % 1000);
    if ms == 0 {
        format!("{sign}{secs}")
    } else {
        format!("{sign}{secs}.{ms:03}").trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Labels;

    #[test]
    fn writes_families() {
        let mut st = Storage::new();
        let l = |pairs: &[(&str, &str)]| Labels::from_pairs(pairs.iter().copied());
        st.add(&l(&[("__name__", "req_total"), ("a", "x\"y")]), 1000, 3.0).unwrap();
        st.add(&l(&[("__name__", "lat_bucket"), ("le", "+Inf")]), 1500, 2.0).unwrap();
        st.add(&l(&[("__name__", "lat_count")]), 1500, 2.0).unwrap();
        st.add(&l(&[("__name__", "free")]), -1500, f64::NAN).unwrap();
        let metrics = vec![
            Metric { name: "req_total".into(), kind: MetricType::Counter, help: "Requests.".into() },
            Metric { name: "lat".into(), kind: MetricType::Histogram, help: "Latency.\nIn s.".into() },
        ];
        let mut out = Vec::new();
        write_openmetrics(&st, &metrics, None, &mut out).unwrap();
        let want = "# HELP free \n# TYPE free unknown\nfree NaN -1.5\n\
            # HELP lat Latency.\\nIn s.\n# TYPE lat histogram\nlat_bucket{le=\"+Inf\"} 2 1.5\nlat_count 2 1.5\n\
            # HELP req Requests.\n# TYPE req counter\nreq_total{a=\"x\\\"y\"} 3 1\n# EOF\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
