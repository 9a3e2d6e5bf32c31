//! Explicit series files of a dataset: OpenMetrics text with timestamps, or promqltest
//! `load` blocks (whose time 0 is the dataset's start). Both are read into one [`Storage`].

use serde::Deserialize;

use super::dataset::{Metric, MetricType, MAX_SAMPLES};
use super::error::Problem;
use super::openmetrics;
use crate::engine::{Millis, Storage};
use crate::promqltest::notation::SeqValue;
use crate::promqltest::script::{parse_script, past_time_range, Command};

/// The formats a series file may be in.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SeriesFormat {
    /// OpenMetrics text, every sample with a timestamp in seconds, ending with `# EOF`.
    Openmetrics,
    /// promqltest `load <step>` blocks.
    Load,
}

impl SeriesFormat {
    /// The format a file name's extension implies.
    pub fn from_extension(path: &str) -> Option<SeriesFormat> {
        let ext = path.rsplit_once('.')?.1;
        match ext {
            "om" | "txt" | "openmetrics" => Some(SeriesFormat::Openmetrics),
            "load" | "test" | "promql" => Some(SeriesFormat::Load),
            _ => None,
        }
    }
}

/// True for a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub fn valid_metric_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// Reads one series file into `storage`; returns the metric families it describes (only
/// OpenMetrics files describe any).
pub fn load_into(
    storage: &mut Storage,
    file: &str,
    text: &str,
    format: SeriesFormat,
    start: Millis,
    _interval: Millis,
) -> Result<Vec<Metric>, Vec<Problem>> {
    match format {
        SeriesFormat::Openmetrics => openmetrics::read_into(storage, file, text),
        SeriesFormat::Load => read_load(storage, file, text, start).map(|()| Vec::new()),
    }
}

/// Reads promqltest `load` blocks; anything else in the file is a problem.
fn read_load(storage: &mut Storage, file: &str, text: &str, start: Millis) -> Result<(), Vec<Problem>> {
    check_expansion(file, text)?;
    let script = parse_script(text);
    let mut problems: Vec<Problem> =
        script.errors.iter().map(|e| Problem::new(file, e.line, e.message.clone())).collect();
    let mut samples = storage.sample_count() as u64;
    for cmd in &script.commands {
        let load = match cmd {
            Command::Load(load) => load,
            Command::Clear => {
                problems.push(Problem::new(file, 0, "`clear` is not allowed in a series file"));
                continue;
            }
            Command::Eval(e) => {
                problems.push(Problem::new(file, e.line, "only `load` blocks are allowed in a series file"));
                continue;
            }
        };
        for desc in &load.series {
            if desc.has_histograms() {
                problems.push(Problem::new(
                    file,
                    load.line,
                    format!("{}: native histograms are not supported yet", desc.labels),
                ));
                continue;
            }
            let id = storage.series_id(&desc.labels);
            for (i, v) in desc.values.iter().enumerate() {
                let SeqValue::Float(f) = v else { continue };
                let Some(t) = load.sample_time(i).and_then(|t| t.checked_add(start)) else {
                    problems.push(Problem::new(file, load.line, past_time_range(&desc.labels, i)));
                    break;
                };
                if let Err(e) = storage.append(id, t, *f) {
                    problems.push(Problem::new(
                        file,
                        load.line,
                        format!("timestamps of a series must increase: {e}"),
                    ));
                    break;
                }
                samples += 1;
            }
        }
        if samples > MAX_SAMPLES {
            problems.push(Problem::new(
                file,
                load.line,
                format!("more than {MAX_SAMPLES} samples (the limit of one dataset)"),
            ));
            break;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Rejects a file whose `xN` repetitions add up to more than the sample cap before
/// anything is expanded in memory.
fn check_expansion(file: &str, text: &str) -> Result<(), Vec<Problem>> {
    let mut total: u64 = 0;
    for (i, line) in text.lines().enumerate() {
        for token in line.split_whitespace().skip(1) {
            let n = token
                .rsplit_once('x')
                .and_then(|(_, n)| n.parse::<u64>().ok())
                .map_or(1, |n| n.saturating_add(1));
            total = total.saturating_add(n);
        }
        if total > MAX_SAMPLES {
            return Err(vec![Problem::new(
                file,
                i + 1,
                format!("expands to more than {MAX_SAMPLES} samples (the limit of one dataset)"),
            )]);
        }
    }
    Ok(())
}

/// Metric families guessed from names when no metadata says otherwise: `_total` counters,
/// `_bucket` series with `le` make a histogram, everything else is `unknown`.
pub fn infer_metrics(storage: &Storage, known: &[Metric]) -> Vec<Metric> {
    let mut out: Vec<Metric> = known.to_vec();
    for name in storage.metric_names() {
        let histogram = name.strip_suffix("_bucket").filter(|_| {
            storage.postings("__name__", name).iter().any(|&id| storage.get(id).labels.get("le").is_some())
        });
        let (family, kind) = match histogram {
            Some(base) => (base.to_string(), MetricType::Histogram),
            None if name.ends_with("_total") => (name.to_string(), MetricType::Counter),
            None => (name.to_string(), MetricType::Unknown),
        };
        let covered = |m: &Metric| {
            m.name == family
                || (matches!(m.kind, MetricType::Histogram | MetricType::Summary)
                    && ["_sum", "_count", "_bucket"].iter().any(|s| format!("{}{s}", m.name) == name))
        };
        if !out.iter().any(covered) {
            out.push(Metric { name: family, kind, help: String::new() });
        }
    }
    out
}
