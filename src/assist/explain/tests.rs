//! The explain tree on the default dataset: node kinds and sentences, results, matching,
//! groups and why-empty notes, with exact values.

use std::sync::OnceLock;

use super::*;
use crate::content::builtin_dataset;

fn storage() -> &'static (Storage, Millis) {
    static DATA: OnceLock<(Storage, Millis)> = OnceLock::new();
    DATA.get_or_init(|| {
        let s = builtin_dataset("ml-platform").and_then(|d| d.storage()).expect("the default dataset");
        let end = s.time_bounds().map(|(_, e)| e).unwrap_or(0);
        (s, end)
    })
}

fn explained(query: &str) -> Explanation {
    let (s, end) = storage();
    explain_at(query, s, *end, None).expect(query)
}

#[test]
fn every_node_with_kind_sentence_and_result() {
    let e = explained("sum by (model) (rate(model_predictions_total[5m]))");
    let rows: Vec<(&str, &str, usize)> = e
        .nodes
        .iter()
        .map(|n| (n.kind.as_str(), n.text.as_str(), n.result.as_ref().map_or(0, |r| r.series)))
        .collect();
    assert_eq!(
        rows,
        [
            ("aggregation", "sum by (model) (rate(model_predictions_total[5m]))", 5),
            ("function", "rate(model_predictions_total[5m])", 21),
            ("range selector", "model_predictions_total[5m]", 21),
        ]
    );
    assert_eq!(e.nodes[1].sentence, "Per-second rate of increase over the last 5m, counter resets handled (extrapolated to the window's edges).");
    assert_eq!(e.nodes[2].samples, 210);
    assert_eq!(e.samples, 210);
    let g = e.nodes[0].groups.as_ref().expect("groups");
    assert_eq!((g.inputs, g.groups), (21, 5));
    let labels: Vec<(&str, usize)> =
        e.nodes[1].result.as_ref().unwrap().labels.iter().map(|l| (l.name.as_str(), l.values)).collect();
    assert!(labels.contains(&("pod", 21)) && labels.contains(&("model", 5)), "{labels:?}");
    assert!(!labels.iter().any(|l| l.0 == "__name__"), "rate drops the name: {labels:?}");
    assert_eq!((e.nodes[2].start, e.nodes[2].end), (21, 48));
}

#[test]
fn binary_operators_explain_their_matching() {
    let e = explained("sum by (model, version) (rate(model_predictions_total[5m])) / sum by (model) (rate(container_cpu_usage_seconds_total[5m]))");
    let m = e.nodes[0].matching.as_ref().expect("matching");
    assert_eq!((m.left, m.right, m.matched_left, m.matched_right), (7, 5, 0, 0));
    assert_eq!(m.cardinality, "one-to-one");
    assert_eq!(m.fix.as_deref(), Some("/ on(model) group_left"));
    assert_eq!(m.unmatched[0].series, "{model=\"fraud-detector\", version=\"v2\"}");
    assert_eq!(m.unmatched[0].why, "it has `version=\"v2\"`, which the right side's series lack");
    assert_eq!(m.unmatched[3].why, "the left side's series have `version` (\"v1\"), this one does not");
    let fixed = explained("sum by (model, version) (rate(model_predictions_total[5m])) / on(model) group_left sum by (model) (rate(container_cpu_usage_seconds_total[5m]))");
    let m = fixed.nodes[0].matching.as_ref().expect("matching");
    assert_eq!((m.matched_left, m.matched_right, m.fix.is_none()), (7, 5, true));
    assert_eq!(m.cardinality, "many-to-one (group_left)");
    assert_eq!(fixed.nodes[0].result.as_ref().unwrap().series, 7);
}

#[test]
fn empty_selectors_say_why_with_the_closest_names() {
    let e = explained("rate(model_prediction_total[5m])");
    let leaf = e.nodes.last().unwrap();
    assert_eq!(leaf.result.as_ref().unwrap().series, 0);
    assert!(leaf.notes.iter().any(|n| n.contains("`model_predictions_total`")), "{:?}", leaf.notes);
    let e = explained("rate(model_predictions_total{model=\"fraud-detecter\"}[5m])");
    assert!(
        e.nodes.last().unwrap().notes.iter().any(|n| n.contains("Did you mean \"fraud-detector\"")),
        "{:?}",
        e.nodes
    );
}

#[test]
fn subqueries_and_scalars() {
    let e = explained("avg_over_time(rate(model_predictions_total[5m])[1h:5m]) * 60");
    let kinds: Vec<&str> = e.nodes.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["arithmetic", "function", "subquery", "function", "range selector", "number"]);
    let inner = &e.nodes[3];
    assert_eq!(inner.evals, 12);
    assert_eq!(e.nodes[2].result.as_ref().unwrap().series, 21);
    assert_eq!(e.nodes[5].result.as_ref().unwrap().example.as_deref(), Some("60"));
    assert!(e.nodes[2].sentence.contains("every 5m over the last 1h"), "{}", e.nodes[2].sentence);
}

#[test]
fn text_rendering() {
    let text = render_text(&explained("sum(rate(model_predictions_total[5m]))"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "sum(rate(model_predictions_total[5m]))");
    assert!(lines.contains(&"● aggregation: sum(rate(model_predictions_total[5m]))"), "{text}");
    assert!(lines.contains(&"  └ function: rate(model_predictions_total[5m])"), "{text}");
    assert!(text.contains("→ 1 series instant vector · e.g. {} = "), "{text}");
}
