//! A pack recorded from a remote source: the series fetched over a window, written as the
//! documented pack format (a `pack.yaml` manifest, a dataset file, OpenMetrics series files)
//! that instructors publish and write exercises on.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::content::dataset::{Metric, MetricType, MAX_FILE_BYTES};
use crate::content::export::write_openmetrics_parts;
use crate::content::time::format_instant;
use crate::engine::{Labels, Millis, Storage};

use super::outcome::LabelMap;

/// Most series files a recording writes (each at most the pack format's file limit): what a
/// browser tab holds comfortably as text while the pack loads.
pub const MAX_SERIES_FILES: usize = 4;

/// What to call the recorded pack and dataset.
#[derive(Clone, Debug)]
pub struct PackInfo {
    /// The pack's and the dataset's id.
    pub id: String,
    pub title: String,
    /// Where the data came from (shown as the dataset's description).
    pub source: String,
}

/// The samples of the fetched series, merged: a series several selectors share counts once,
/// with the samples of every fetch of it (they may cover different windows).
pub fn storage_of(series: &[(LabelMap, Vec<(i64, f64)>)]) -> Storage {
    let mut merged: BTreeMap<&LabelMap, BTreeMap<i64, f64>> = BTreeMap::new();
    for (labels, points) in series {
        let samples = merged.entry(labels).or_default();
        for &(t, v) in points {
            samples.entry(t).or_insert(v);
        }
    }
    let mut storage = Storage::new();
    for (labels, samples) in merged {
        let id = storage.series_id(&Labels::from_pairs(labels.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        for (t, v) in samples {
            // In time order and distinct: every append is accepted.
            let _ = storage.append(id, t, v);
        }
    }
    storage
}

/// The metric types and help texts of `/api/v1/metadata`'s body (families it does not
/// describe are typed from their names when the pack loads).
pub fn metadata(body: &Json) -> Vec<Metric> {
    let Some(families) = body.pointer("/data").and_then(Json::as_object) else { return Vec::new() };
    let mut out = Vec::new();
    for (name, entries) in families {
        let Some(first) = entries.as_array().and_then(|a| a.first()) else { continue };
        let kind = match first.get("type").and_then(Json::as_str) {
            Some("counter") => MetricType::Counter,
            Some("gauge") => MetricType::Gauge,
            Some("histogram") => MetricType::Histogram,
            Some("summary") => MetricType::Summary,
            _ => MetricType::Unknown,
        };
        let help = first.get("help").and_then(Json::as_str).unwrap_or("").to_string();
        out.push(Metric { name: name.clone(), kind, help });
    }
    out
}

/// The scrape interval the samples suggest: the median gap between a series' samples, in
/// whole seconds (at least one).
pub fn interval_of(storage: &Storage) -> Millis {
    let mut gaps: Vec<Millis> = storage
        .all()
        .iter()
        .flat_map(|s| s.points.windows(2).map(|w| w[1].t - w[0].t))
        .filter(|g| *g > 0)
        .collect();
    if gaps.is_empty() {
        return 60_000;
    }
    let mid = gaps.len() / 2;
    let (_, median, _) = gaps.select_nth_unstable(mid);
    ((*median + 500) / 1000).max(1) * 1000
}

/// The files of the pack, by path relative to the pack's directory.
pub fn pack_files(
    info: &PackInfo,
    storage: &Storage,
    metrics: &[Metric],
    start: Millis,
) -> Result<Vec<(String, String)>, String> {
    pack_files_within(info, storage, metrics, start, MAX_FILE_BYTES)
}

/// [`pack_files`] with series files of at most `max_file` bytes.
fn pack_files_within(
    info: &PackInfo,
    storage: &Storage,
    metrics: &[Metric],
    start: Millis,
    max_file: usize,
) -> Result<Vec<(String, String)>, String> {
    if storage.is_empty() {
        return Err("no series matched in the window: nothing to record".into());
    }
    let seen: BTreeMap<&str, ()> = storage.metric_names().into_iter().map(|n| (n, ())).collect();
    let family_present = |m: &Metric| {
        seen.contains_key(m.name.as_str())
            || ["_bucket", "_sum", "_count", "_total"]
                .iter()
                .any(|s| seen.contains_key(format!("{}{s}", m.name).as_str()))
    };
    let used: Vec<Metric> = metrics.iter().filter(|m| family_present(m)).cloned().collect();
    // Split into files the pack format accepts, a family kept whole where it fits.
    let parts = write_openmetrics_parts(storage, &used, max_file)?;
    if parts.len() > MAX_SERIES_FILES {
        return Err(format!(
            "the series would take {} files of {} MiB; a recording writes at most {MAX_SERIES_FILES}: narrow the window or the selectors",
            parts.len(),
            max_file >> 20
        ));
    }
    let names: Vec<String> = match parts.len() {
        1 => vec![format!("{}.om", info.id)],
        n => (1..=n).map(|i| format!("{}-{i}.om", info.id)).collect(),
    };
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let manifest = format!(
        "format: promplay-pack/1\nid: {id}\ntitle: {title}\ndescription: {desc}\ndatasets:\n  - {id}.yaml\n",
        id = info.id,
        title = q(&info.title),
        desc = q(&format!("Recorded from {}.", info.source)),
    );
    let mut dataset = format!(
        "id: {id}\ntitle: {title}\ndescription: {desc}\nstart: {start}\ninterval: {interval}s\n",
        id = info.id,
        title = q(&info.title),
        desc = q(&format!(
            "{} series recorded from {} starting {}.",
            storage.len(),
            info.source,
            format_instant(start)
        )),
        start = format_instant(start - start.rem_euclid(1000)),
        interval = interval_of(storage) / 1000,
    );
    if !used.is_empty() {
        dataset.push_str("metrics:\n");
        for m in &used {
            dataset.push_str(&format!("  {}: {{type: {}, help: {}}}\n", m.name, m.kind.as_str(), q(&m.help)));
        }
    }
    dataset.push_str("events: []\nseries:\n");
    for name in &names {
        dataset.push_str(&format!("  - file: {name}\n"));
    }
    let mut files = vec![("pack.yaml".into(), manifest), (format!("{}.yaml", info.id), dataset)];
    files.extend(names.into_iter().zip(parts));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::loader::{load_pack, MemoryFiles};

    fn series() -> Vec<(LabelMap, Vec<(i64, f64)>)> {
        let labels = |job: &str| {
            LabelMap::from([
                ("__name__".to_string(), "req_total".to_string()),
                ("job".to_string(), job.to_string()),
            ])
        };
        let points: Vec<(i64, f64)> = (0..20).map(|i| (1_767_571_200_000 + i * 15_000, i as f64)).collect();
        vec![(labels("a"), points.clone()), (labels("b"), points.clone()), (labels("a"), points)]
    }

    #[test]
    fn a_recorded_pack_loads_with_its_samples_and_types() {
        let storage = storage_of(&series());
        assert_eq!((storage.len(), storage.sample_count()), (2, 40));
        assert_eq!(interval_of(&storage), 15_000);
        let meta = serde_json::json!({"status":"success","data":{"req_total":[{"type":"counter","help":"Requests \"served\".","unit":""}]}});
        let info =
            PackInfo { id: "incident".into(), title: "The: incident".into(), source: "http://p:9090".into() };
        let files = pack_files(&info, &storage, &metadata(&meta), 1_767_571_200_000).unwrap();
        let manifest = files[0].1.clone();
        let mut memory = MemoryFiles(files.into_iter().collect());
        let pack = load_pack("pack.yaml", &manifest, &mut memory).unwrap_or_else(|e| panic!("{e}"));
        let dataset = &pack.datasets[0];
        assert_eq!(dataset.meta.interval, 15_000);
        let loaded = dataset.storage().unwrap();
        assert_eq!(loaded.sample_count(), 40);
        assert!(dataset.meta.metrics.iter().any(|m| m.name == "req_total" && m.kind == MetricType::Counter));
    }

    #[test]
    fn a_series_fetched_over_two_windows_keeps_the_samples_of_both() {
        let mut two = series();
        // The longer fetch comes second: its earlier samples must not be dropped.
        two[0].1.drain(..12);
        two[2].1.truncate(15);
        let storage = storage_of(&two);
        assert_eq!((storage.len(), storage.sample_count()), (2, 40));
    }

    #[test]
    fn a_recording_larger_than_a_file_is_split_into_files_that_load_whole() {
        let mut many = series();
        let other = LabelMap::from([("__name__".to_string(), "temp_celsius".to_string())]);
        many.push((other, (0..20).map(|i| (1_767_571_200_000 + i * 15_000, 20.5)).collect()));
        let storage = storage_of(&many);
        let info = PackInfo { id: "big".into(), title: "big".into(), source: "s".into() };
        // Room for one req_total series (with its family's lines) a file, not the family.
        let files = pack_files_within(&info, &storage, &[], 0, 1_000).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["pack.yaml", "big.yaml", "big-1.om", "big-2.om", "big-3.om"], "{files:?}");
        for (name, text) in &files[2..] {
            assert!(text.len() <= 1_000 && text.ends_with("# EOF\n"), "{name}: {text}");
            assert!(text.starts_with("# HELP "), "{name}: every file has its families' lines");
        }
        let manifest = files[0].1.clone();
        let mut memory = MemoryFiles(files.into_iter().collect());
        let pack = load_pack("pack.yaml", &manifest, &mut memory).unwrap_or_else(|e| panic!("{e}"));
        let loaded = pack.datasets[0].storage().unwrap();
        assert_eq!((loaded.len(), loaded.sample_count()), (3, 60));
        // Too many files, and a series larger than a file.
        let refused = pack_files_within(&info, &storage, &[], 0, 600).unwrap_err();
        assert!(refused.contains("alone takes"), "{refused}");
        let labels =
            |i: usize| LabelMap::from([("__name__".into(), "t".into()), ("i".into(), i.to_string())]);
        let ten: Vec<_> = (0..10).map(|i| (labels(i), many[0].1.clone())).collect();
        let refused = pack_files_within(&info, &storage_of(&ten), &[], 0, 1_000).unwrap_err();
        assert!(refused.contains("at most 4"), "{refused}");
    }

    #[test]
    fn nothing_matched_is_an_error() {
        let info = PackInfo { id: "x".into(), title: "x".into(), source: "s".into() };
        assert!(pack_files(&info, &Storage::new(), &[], 0).is_err());
    }
}
