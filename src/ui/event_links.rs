//! Links from a dataset's documented events to the playground: the time window that frames
//! the event, and a query that shows it (the error ratio of an error incident, the traffic of
//! a drop, the memory of a leak, the counters of a restart, `up` of a target that cannot be
//! scraped) when the dataset has the metrics the query needs.

use crate::content::{Event, EventKind, Metric};
use crate::engine::Millis;

use super::paths::{encode_component, PLAYGROUND};
use super::request::{Mode, TimeInputs};
use super::time_window::{framing, Span};

/// When an event starts and, unless it happens at an instant, ends: an event without an end
/// lasts until the data ends, except a restart, which is an instant.
pub fn event_span(e: &Event, data: Span) -> (Millis, Option<Millis>) {
    match (e.kind, e.end) {
        (EventKind::Restart, _) => (e.start, None),
        (_, Some(end)) => (e.start, Some(end)),
        (_, None) => (e.start, Some(data.end)),
    }
}

/// A query that shows `e` on a dataset with `metrics`, if it has what the query reads.
pub fn event_query(e: &Event, metrics: &[Metric]) -> Option<String> {
    let has = |name: &str| metrics.iter().any(|m| m.name == name);
    let sel = e.selector();
    let sel = if sel == "{}" { String::new() } else { sel };
    let query = match e.kind {
        EventKind::Errors if has("model_prediction_errors_total") && has("model_predictions_total") => format!(
            "sum by (model, version) (rate(model_prediction_errors_total{sel}[5m]))\n/\n\
             sum by (model, version) (rate(model_predictions_total{sel}[5m]))"
        ),
        EventKind::Traffic | EventKind::Stop if has("model_predictions_total") => {
            format!("sum by (model) (rate(model_predictions_total{sel}[5m]))")
        }
        EventKind::MemoryLeak if has("model_memory_usage_bytes") => format!("model_memory_usage_bytes{sel}"),
        EventKind::Restart if has("model_predictions_total") => format!("model_predictions_total{sel}"),
        EventKind::Unreachable if has("up") => format!("up{sel}"),
        EventKind::Latency if has("model_prediction_duration_seconds") => format!(
            "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket{sel}[5m])))"
        ),
        _ => return None,
    };
    Some(query)
}

/// The playground link that frames `e` in a range query on `dataset` (relative to `base`).
pub fn event_link(base: &str, dataset: &str, e: &Event, data: Span, metrics: &[Metric]) -> String {
    let (start, end) = event_span(e, data);
    let blank = TimeInputs { time: String::new(), range: String::new(), step: String::new() };
    let window = framing(&blank, Mode::Range, start, end, data);
    let mut url = format!("{base}{PLAYGROUND}?dataset={}", encode_component(dataset));
    if let Some(q) = event_query(e, metrics) {
        url.push_str(&format!("&q={}", encode_component(&q)));
    }
    url.push_str(&format!(
        "&mode=range&time={}&range={}",
        encode_component(&window.time),
        encode_component(&window.range)
    ));
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::builtin_dataset;

    #[test]
    fn every_event_of_the_default_dataset_links_to_a_window_that_frames_it() {
        let d = builtin_dataset("ml-platform").expect("built-in");
        let m = &d.meta;
        let data = Span { start: m.start, end: m.end };
        for e in &m.events {
            let link = event_link("/repo", &m.id, e, data, &m.metrics);
            assert!(link.starts_with("/repo/play?dataset=ml-platform&"), "{link}");
            assert!(link.contains("&mode=range&time=2026-01-0"), "{link}");
            let query = event_query(e, &m.metrics);
            assert_eq!(query.is_some(), e.kind != EventKind::Note, "{}: {query:?}", e.id);
        }
        let incident = m.events.iter().find(|e| e.kind == EventKind::Errors).expect("an error incident");
        let query = event_query(incident, &m.metrics).expect("a query");
        assert!(query.starts_with("sum by (model, version) (rate(model_prediction_errors_total{"), "{query}");
        assert!(query.contains(r#"model="fraud-detector""#), "{query}");
        // A query must parse as PromQL.
        for e in &m.events {
            if let Some(q) = event_query(e, &m.metrics) {
                assert!(crate::engine::parse::parse(&q).is_ok(), "{q}");
            }
        }
    }

    #[test]
    fn open_ended_events_last_until_the_data_ends_and_restarts_are_instants() {
        let data = Span { start: 0, end: 100_000 };
        let event = |kind, end| Event {
            id: "e".into(),
            title: "t".into(),
            description: String::new(),
            kind,
            start: 10_000,
            end,
            target: Vec::new(),
            pod_index: None,
            value: None,
            alerts: Vec::new(),
        };
        assert_eq!(event_span(&event(EventKind::Stop, None), data), (10_000, Some(100_000)));
        assert_eq!(event_span(&event(EventKind::Restart, Some(20_000)), data), (10_000, None));
        assert_eq!(event_span(&event(EventKind::Errors, Some(20_000)), data), (10_000, Some(20_000)));
        // No metrics to show it with: the link keeps the playground's own query.
        assert_eq!(event_query(&event(EventKind::MemoryLeak, None), &[]), None);
        let link = event_link("", "d", &event(EventKind::MemoryLeak, None), data, &[]);
        assert!(!link.contains("&q="), "{link}");
    }
}
