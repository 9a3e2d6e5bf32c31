//! The cardinality explorer over a Prometheus-compatible API: the server's own
//! `/api/v1/status/tsdb` answer, and for a selector or a grouping, the label sets
//! `/api/v1/series` lists, broken down here exactly as a local dataset's series are (the
//! series API gives no samples, so the breakdown has no chunk count).

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::select::{grouping, name_pattern, parse_by, select, Grouping};
use super::status::{check_limit, MemoryFormula, Postings, TsdbStatus};
use crate::engine::{Millis, METRIC_NAME};
use crate::remote::outcome::LabelMap;
use crate::remote::record::storage_of;

/// Most series a breakdown reads from `/api/v1/series` (about 200 bytes each as JSON): past
/// that, the explorer asks for a narrower selector rather than loading a whole server.
pub const MAX_SERIES: usize = 200_000;

/// The server's `data` of `/api/v1/status/tsdb`, checked and cut at `limit` (Prometheus
/// before 2.45 ignores the `limit` parameter and always answers 10 rows).
pub fn read_status(data: &Json, limit: usize) -> Result<TsdbStatus, String> {
    let mut status: TsdbStatus = serde_json::from_value(data.clone())
        .map_err(|e| format!("the TSDB status is not what Prometheus answers: {e}"))?;
    for list in [
        &mut status.series_count_by_metric_name,
        &mut status.label_value_count_by_label_name,
        &mut status.memory_in_bytes_by_label_name,
        &mut status.series_count_by_label_value_pair,
    ] {
        list.truncate(limit);
    }
    Ok(status)
}

/// Whether a head block holds any sample: an empty head reports its bounds inverted
/// (`minTime` = the largest int64, `maxTime` = the smallest).
pub fn head_has_data(status: &TsdbStatus) -> bool {
    status.head_stats.num_series > 0 && status.head_stats.min_time <= status.head_stats.max_time
}

/// The `match[]` to ask `/api/v1/series` for what the explorer's selector box selects: a
/// series selector as typed, `model_*` as a name pattern, and every series when empty.
/// Anything else is refused with the same message as over a local dataset.
pub fn series_match(selector: &str) -> Result<String, String> {
    let text = selector.trim();
    if text.is_empty() {
        return Ok(format!("{{{METRIC_NAME}=~\".+\"}}"));
    }
    // Checked by the local selection over no series: the same rules and messages.
    select(&crate::engine::Storage::new(), text)?;
    Ok(match name_pattern(text) {
        Some(prefix) => format!("{{{METRIC_NAME}=~\"{prefix}.*\"}}"),
        None => text.to_string(),
    })
}

/// The window to ask the series API about: the head block's, when it has data (what the
/// server's status describes), else the whole store (a server with backfilled blocks only).
pub fn series_window(status: &TsdbStatus) -> Option<(Millis, Millis)> {
    head_has_data(status).then_some((status.head_stats.min_time, status.head_stats.max_time))
}

/// A breakdown of the series `/api/v1/series` listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// What the TSDB status would say of these series (no chunk count: no samples).
    pub status: TsdbStatus,
    /// The `by (...)` grouping of them, or why the grouping text is refused.
    pub grouping: Option<Result<Grouping, String>>,
}

/// Breaks the series API's `data` (a list of label sets) down as the explorer does a
/// dataset's, cut at `limit`, grouped `by` unless it is blank.
pub fn breakdown(data: &Json, limit: usize, by: &str) -> Result<Breakdown, String> {
    let limit = check_limit(limit as i64)?;
    let list = data.as_array().ok_or("the series list is not a list")?;
    if list.len() > MAX_SERIES {
        return Err(format!(
            "the server lists {} series, more than the {} the explorer reads: narrow the selector",
            list.len(),
            MAX_SERIES
        ));
    }
    let mut sets = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let labels: LabelMap = serde_json::from_value(entry.clone())
            .map_err(|e| format!("series {} of the list is not a label set: {e}", i + 1))?;
        sets.push((labels, Vec::new()));
    }
    let storage = storage_of(&sets);
    let ids: Vec<_> = (0..storage.len()).collect();
    let status = Postings::of_series(&storage, ids.iter().copied()).status(limit, MemoryFormula::Prometheus3);
    let grouping = (!by.trim().is_empty())
        .then(|| parse_by(by).map(|names| grouping(&storage, &ids, &names, super::GROUP_ROWS)));
    Ok(Breakdown { status, grouping })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn the_servers_status_reads_and_is_cut_at_the_limit() {
        // As Prometheus 2.42 answers (its own metrics scraped for a few seconds).
        let data = json(
            r#"{"headStats":{"numSeries":3,"numLabelPairs":5,"chunkCount":3,"minTime":1000,"maxTime":9000},
            "seriesCountByMetricName":[{"name":"a","value":2},{"name":"b","value":1}],
            "labelValueCountByLabelName":[{"name":"__name__","value":2}],
            "memoryInBytesByLabelName":[{"name":"__name__","value":3}],
            "seriesCountByLabelValuePair":[{"name":"job=x","value":3}]}"#,
        );
        let s = read_status(&data, 1).unwrap();
        assert_eq!(s.head_stats.num_series, 3);
        assert_eq!(s.series_count_by_metric_name.len(), 1);
        assert_eq!(series_window(&s), Some((1000, 9000)));
        assert!(read_status(&json(r#"{"headStats":"no"}"#), 10).unwrap_err().contains("not what Prometheus"));
    }

    #[test]
    fn an_empty_head_asks_the_whole_store() {
        let data = json(
            r#"{"headStats":{"numSeries":0,"numLabelPairs":0,"chunkCount":0,"minTime":9223372036854775807,"maxTime":-9223372036854775808},
            "seriesCountByMetricName":[],"labelValueCountByLabelName":[],"memoryInBytesByLabelName":[],"seriesCountByLabelValuePair":[]}"#,
        );
        let s = read_status(&data, 10).unwrap();
        assert!(!head_has_data(&s));
        assert_eq!(series_window(&s), None);
    }

    #[test]
    fn the_selector_box_becomes_a_series_match() {
        assert_eq!(series_match("").unwrap(), r#"{__name__=~".+"}"#);
        assert_eq!(series_match("model_*").unwrap(), r#"{__name__=~"model_.*"}"#);
        assert_eq!(series_match(r#"up{job="a"}"#).unwrap(), r#"up{job="a"}"#);
        assert!(series_match("rate(x[5m])").unwrap_err().contains("not a series selector"));
        assert!(series_match("up offset 5m").unwrap_err().contains("offset"));
    }

    #[test]
    fn listed_series_break_down_as_a_datasets_do() {
        let data = json(
            r#"[{"__name__":"up","job":"a","instance":"1"},{"__name__":"up","job":"a","instance":"2"},
                {"__name__":"up","job":"b","instance":"1"},{"__name__":"x","job":"b"}]"#,
        );
        let b = breakdown(&data, 10, "job").unwrap();
        assert_eq!(b.status.head_stats.num_series, 4);
        assert_eq!(b.status.head_stats.chunk_count, 0);
        assert_eq!(b.status.series_count_by_metric_name[0].name, "up");
        assert_eq!(b.status.series_count_by_metric_name[0].value, 3);
        let g = b.grouping.unwrap().unwrap();
        assert_eq!(g.groups, 2);
        assert_eq!((g.largest[0].name.as_str(), g.largest[0].value), ("job=\"a\"", 2));
        assert!(breakdown(&data, 10, "").unwrap().grouping.is_none());
        assert!(breakdown(&data, 10, "1x").unwrap().grouping.unwrap().is_err());
        assert!(breakdown(&json(r#"[{"job":3}]"#), 10, "").unwrap_err().contains("series 1"));
        assert!(breakdown(&json(r#"{}"#), 10, "").unwrap_err().contains("not a list"));
    }
}
