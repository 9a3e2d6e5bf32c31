//! Input series for the promtool files: windows of the built-in `ml-platform` dataset around
//! its documented events, every series of the models concerned, shifted to start at 0 and
//! written in series notation (`_` for a missed scrape).

use promql_playground::engine::value::{format_float, is_stale};
use promql_playground::engine::{Labels, Millis, Storage};

/// The dataset's scrape interval (and the input series' `interval`).
pub const STEP: Millis = 30_000;

/// One window of the dataset, one test group.
pub struct Window {
    pub name: &'static str,
    /// Offset from the dataset's start, and length.
    pub start: Millis,
    pub length: Millis,
    /// The models whose series are taken.
    pub models: &'static [&'static str],
}

const H: Millis = 3_600_000;
const M: Millis = 60_000;

/// The windows: the fraud-detector error incident, the search-ranker traffic drop, the
/// churn-predictor stop and the recommender memory leak (with its daily peak around it).
pub const WINDOWS: &[Window] = &[
    Window {
        name: "fraud-incident",
        start: 32 * H + 30 * M,
        length: 2 * H + 30 * M,
        models: &["fraud-detector"],
    },
    Window {
        name: "traffic-drop",
        start: 39 * H + 30 * M,
        length: 2 * H + 15 * M,
        models: &["search-ranker"],
    },
    Window { name: "predictions-stop", start: 43 * H + 30 * M, length: 2 * H, models: &["churn-predictor"] },
    Window { name: "memory-leak", start: 19 * H + 45 * M, length: 2 * H, models: &["recommender"] },
];

/// The window's series: (labels, values in series notation).
pub fn series(storage: &Storage, data_start: Millis, w: &Window) -> Vec<(Labels, String)> {
    let from = data_start + w.start;
    let count = (w.length / STEP) as usize + 1;
    let mut out = Vec::new();
    for s in storage.all() {
        if !w.models.iter().any(|m| s.labels.get("model") == Some(*m)) {
            continue;
        }
        let mut values = Vec::with_capacity(count);
        for i in 0..count {
            let t = from + i as Millis * STEP;
            let at = s.points.binary_search_by_key(&t, |p| p.t);
            values.push(match at {
                Ok(j) if is_stale(s.points[j].v) => "stale".to_string(),
                Ok(j) => format_float(s.points[j].v),
                Err(_) => "_".to_string(),
            });
        }
        if values.iter().any(|v| v != "_") {
            out.push((s.labels.clone(), values.join(" ")));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
