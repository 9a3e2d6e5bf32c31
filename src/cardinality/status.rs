//! What Prometheus's `/api/v1/status/tsdb` reports, computed over any set of series: head
//! stats and the four top-`limit` lists, with the memory formula of Prometheus 3.1+ (or of
//! 2.42, which `promtool tsdb analyze` still prints as "cumulative label value length").
//!
//! Prometheus computes the lists from its postings index (`MemPostings.Stats`): every label
//! name except the empty all-postings key, every value's series count. Lists are sorted by
//! value, descending; Prometheus breaks ties at random (map order, unstable sort), this
//! module by name so the answer is the same on every call.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::storage::{SeriesId, StoredSeries};
use crate::engine::{Millis, Storage, METRIC_NAME};

/// Samples per head chunk before Prometheus cuts a new one.
const SAMPLES_PER_CHUNK: usize = 120;

/// The API's default `limit`, and its largest (Prometheus 3.9+).
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 10_000;

/// `data.headStats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeadStats {
    pub num_series: u64,
    pub num_label_pairs: u64,
    /// Head chunks: a new one every 120 samples of a series.
    pub chunk_count: u64,
    pub min_time: Millis,
    pub max_time: Millis,
}

/// One `{name, value}` entry of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub name: String,
    pub value: u64,
}

/// The body's `data`: what `/api/v1/status/tsdb` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TsdbStatus {
    pub head_stats: HeadStats,
    pub series_count_by_metric_name: Vec<Stat>,
    pub label_value_count_by_label_name: Vec<Stat>,
    pub memory_in_bytes_by_label_name: Vec<Stat>,
    pub series_count_by_label_value_pair: Vec<Stat>,
}

/// Which Prometheus's `memoryInBytesByLabelName` to compute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemoryFormula {
    /// 3.1+ (stringlabels): Σ over values `(len(n)+e(len(n)) + len(v)+e(len(v))) × series`.
    #[default]
    Prometheus3,
    /// 2.42 to 3.0: Σ `len(v)` over the distinct values.
    Prometheus2,
}

/// The postings of a set of series: label name → value → series count.
#[derive(Clone, Debug, Default)]
pub struct Postings {
    pub by_name: HashMap<String, HashMap<String, u64>>,
    pub series: u64,
    pub samples: u64,
    pub chunks: u64,
    pub min_time: Option<Millis>,
    pub max_time: Option<Millis>,
}

impl Postings {
    /// The postings of every series of `storage`, read from its own index.
    pub fn of_storage(storage: &Storage) -> Postings {
        let mut p = Postings::default();
        for s in storage.all() {
            p.add_samples(s);
        }
        for name in storage.label_names() {
            let Some(values) = storage.label_postings(name).filter(|_| !name.is_empty()) else { continue };
            let counts = values.iter().map(|(v, ids)| (v.clone(), ids.len() as u64)).collect();
            p.by_name.insert(name.to_string(), counts);
        }
        p
    }

    /// Counts one series' samples, chunks and time bounds.
    fn add_samples(&mut self, s: &StoredSeries) {
        self.series += 1;
        self.samples += s.points.len() as u64;
        self.chunks += s.points.len().div_ceil(SAMPLES_PER_CHUNK) as u64;
        if let (Some(first), Some(last)) = (s.points.first(), s.points.last()) {
            self.min_time = Some(self.min_time.map_or(first.t, |m| m.min(first.t)));
            self.max_time = Some(self.max_time.map_or(last.t, |m| m.max(last.t)));
        }
    }

    /// The postings of the series `ids` of `storage`.
    pub fn of_series(storage: &Storage, ids: impl IntoIterator<Item = SeriesId>) -> Postings {
        let mut p = Postings::default();
        for id in ids {
            let s = storage.get(id);
            p.add_samples(s);
            for (n, v) in s.labels.iter() {
                if n.is_empty() {
                    continue;
                }
                let values = match p.by_name.get_mut(n) {
                    Some(values) => values,
                    None => p.by_name.entry(n.to_string()).or_default(),
                };
                match values.get_mut(v) {
                    Some(count) => *count += 1,
                    None => {
                        values.insert(v.to_string(), 1);
                    }
                }
            }
        }
        p
    }

    /// Distinct `name=value` pairs.
    pub fn label_pairs(&self) -> u64 {
        self.by_name.values().map(|v| v.len() as u64).sum()
    }

    /// The status Prometheus would report for these series, lists cut at `limit`.
    pub fn status(&self, limit: usize, formula: MemoryFormula) -> TsdbStatus {
        let empty = HashMap::new();
        let names = self.by_name.get(METRIC_NAME).unwrap_or(&empty);
        let by_metric = names.iter().map(|(v, n)| (v.clone(), *n)).collect();
        let value_counts = self.by_name.iter().map(|(n, vs)| (n.clone(), vs.len() as u64)).collect();
        let memory = self.by_name.iter().map(|(n, vs)| (n.clone(), memory(n, vs, formula))).collect();
        let pairs = self
            .by_name
            .iter()
            .flat_map(|(n, vs)| vs.iter().map(move |(v, c)| (format!("{n}={v}"), *c)))
            .collect();
        TsdbStatus {
            head_stats: HeadStats {
                num_series: self.series,
                num_label_pairs: self.label_pairs(),
                chunk_count: self.chunks,
                min_time: self.min_time.unwrap_or(0),
                max_time: self.max_time.unwrap_or(0),
            },
            series_count_by_metric_name: top(by_metric, limit),
            label_value_count_by_label_name: top(value_counts, limit),
            memory_in_bytes_by_label_name: top(memory, limit),
            series_count_by_label_value_pair: top(pairs, limit),
        }
    }
}

/// Bytes a label name uses over its values.
fn memory(name: &str, values: &HashMap<String, u64>, formula: MemoryFormula) -> u64 {
    // stringlabels stores a length prefix of 1 byte below 255 and 4 bytes from there.
    let sized = |len: usize| (len + if len < 255 { 1 } else { 4 }) as u64;
    match formula {
        MemoryFormula::Prometheus3 => {
            values.iter().map(|(v, series)| (sized(name.len()) + sized(v.len())) * series).sum()
        }
        MemoryFormula::Prometheus2 => values.keys().map(|v| v.len() as u64).sum(),
    }
}

/// The `limit` largest entries, by value descending then name.
pub fn top(mut entries: Vec<(String, u64)>, limit: usize) -> Vec<Stat> {
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    entries.truncate(limit);
    entries.into_iter().map(|(name, value)| Stat { name, value }).collect()
}

/// Checks the API's `limit` parameter as Prometheus does.
pub fn check_limit(limit: i64) -> Result<usize, String> {
    if limit < 1 {
        return Err("limit must be a positive number".into());
    }
    if limit as u64 > MAX_LIMIT as u64 {
        return Err(format!("limit must not exceed {MAX_LIMIT}"));
    }
    Ok(limit as usize)
}
