//! The library assembled and measured on ml-platform: every seed query present in order,
//! exact series and sample counts, recorded alternatives cheaper than their raw queries.

use std::sync::OnceLock;

use super::*;
use crate::content::builtin_dataset;

/// The library on ml-platform, measured once for all tests (one run per query, no clock:
/// counts are what these tests read, and they do not depend on timing).
fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let dataset = builtin_dataset("ml-platform").expect("ml-platform");
        let storage = dataset.storage().expect("storage");
        let opts = CostOptions { runs: 1, min_batch_ms: 0.0, ..cost_options(1) };
        build("ml-platform", &storage, Some(&dataset.meta), &opts, &mut || 0.0).expect("library")
    })
}

fn entry(title: &str) -> &'static Entry {
    library().entries().find(|e| e.title == title).unwrap_or_else(|| panic!("no entry {title:?}"))
}

#[test]
fn every_seed_query_is_in_the_library_in_order() {
    let seed = seed_queries().unwrap();
    let lib = library();
    let entries: Vec<&Entry> = lib.entries().collect();
    assert_eq!(entries.len(), seed.len());
    for (i, (e, q)) in entries.iter().zip(&seed).enumerate() {
        assert_eq!((e.id, e.query.as_str(), e.title.as_str()), (i, q.query.as_str(), q.title.as_str()));
    }
    let todos: Vec<&str> = lib.sections.iter().map(|s| s.todo.as_str()).collect();
    assert_eq!(todos.len(), 13, "{todos:?}");
    assert!(lib.sections.iter().all(|s| !s.entries.is_empty()));
}

#[test]
fn every_query_is_explained_and_measured_without_error() {
    for e in library().entries() {
        assert!(!e.explanation.is_empty(), "{}", e.query);
        assert!(e.explanation.iter().all(|n| !n.sentence.is_empty() && n.kind != "parentheses"));
        let c = e.cost.as_ref().unwrap_or_else(|| panic!("{} not measured", e.query));
        assert_eq!(c.instant.error, None, "{}", e.query);
        // A range vector cannot be a range query (Prometheus refuses it too); anything else can.
        let range_vector = matches!(e.explanation[0].kind.as_str(), "range selector" | "subquery");
        assert_eq!(c.range.error.is_some(), range_vector, "{}: {:?}", e.query, c.range.error);
    }
}

#[test]
fn counts_are_exact_on_ml_platform() {
    let lib = library();
    assert_eq!(lib.rules.recording_rules, 16);
    assert_eq!(steps_of(lib), 361);
    // (title, instant series, instant samples, range series, range samples). The first is
    // the 210 samples `promplay explain` reports for the same query (docs/explain.md), by the
    // traced evaluator rather than the cost code; the range reads 361 times as many.
    let counts =
        |c: &QueryCost| (c.instant.result_series, c.instant.samples, c.range.result_series, c.range.samples);
    let want: &[(&str, Counts)] = &[
        ("Sum by model name (group by model label)", (5, 210, 5, 75_810)),
        ("95th percentile latency", (5, 2310, 5, 833_910)),
        ("Error rate", (21, 420, 21, 151_620)),
        (
            "Anti-pattern 5 - large time ranges without recording rules (wrong: 30 days of raw data)",
            (21, 120_949, 21, 40_933_429),
        ),
        ("Anti-pattern 5 - correct (use recording rule: model:predictions:daily)", (5, 14_400, 5, 4_873_500)),
        // Counted with the recorded series, as a server running the rules would.
        ("Total number of time series", (1, 681, 1, 245_841)),
        ("Min by model", (0, 0, 0, 0)),
    ];
    for (title, counted) in want {
        assert_eq!(counts(entry(title).cost.as_ref().unwrap()), *counted, "{title}");
    }
    let recorded = |title: &str| counts(entry(title).recorded_cost.as_ref().unwrap());
    // model:predictions:rate5m keeps `version`: 7 series where the raw query has 5.
    assert_eq!(recorded("Sum by model name (group by model label)"), (7, 7, 7, 2527));
    assert_eq!(recorded("95th percentile latency"), (5, 5, 5, 1805));
    let range = entry("Range vector - time series over last 5 minutes").cost.as_ref().unwrap();
    assert_eq!((range.instant.result_series, range.instant.samples), (21, 210));
    assert!(range.range.error.as_ref().is_some_and(|e| e.contains("range vector")), "{range:?}");
}

/// Instant series, instant samples, range series, range samples.
type Counts = (usize, u64, usize, u64);

fn steps_of(l: &Library) -> i64 {
    render::steps(l)
}

#[test]
fn recorded_alternatives_read_fewer_samples_than_their_raw_queries() {
    let with_recorded: Vec<&Entry> = library().entries().filter(|e| e.recorded.is_some()).collect();
    assert!(with_recorded.len() >= 6, "{}", with_recorded.len());
    for e in with_recorded {
        let (raw, rec) = (e.cost.as_ref().unwrap(), e.recorded_cost.as_ref().unwrap());
        assert!(rec.instant.result_series > 0, "{}: nothing recorded", e.query);
        assert!(rec.instant.samples < raw.instant.samples, "{}: instant {rec:?} vs {raw:?}", e.query);
        assert!(rec.range.samples < raw.range.samples, "{}: range {rec:?} vs {raw:?}", e.query);
        assert!(e.samples_ratio().is_some_and(|r| r > 1.0));
    }
}

#[test]
fn anti_patterns_show_a_finding_and_the_seeds_correction() {
    let anti: Vec<&Entry> = library().entries().filter(|e| e.anti_pattern).collect();
    assert_eq!(anti.len(), 5);
    for e in anti {
        assert!(!e.lint.is_empty(), "{}: no lint finding", e.query);
        let correct = e.correct.as_deref().unwrap_or_else(|| panic!("{}: no correction", e.query));
        assert_ne!(correct, e.query);
    }
}

#[test]
fn the_documents_carry_every_query_and_count() {
    let lib = library();
    let md = render::markdown(lib);
    let text = render::text(lib);
    for e in lib.entries() {
        assert!(md.contains(&format!("```promql\n{}\n```", e.query)), "{}", e.query);
        assert!(text.contains(&format!("{}. {}", e.id + 1, e.title)), "{}", e.title);
    }
    assert_eq!(md.matches("\n## ").count(), 5);
    let json = serde_json::to_string(lib).unwrap();
    assert_eq!(serde_json::from_str::<Library>(&json).unwrap(), *lib);
}

#[test]
fn json_has_the_documented_fields_for_tools() {
    // What `promplay library --format json` prints (docs/library.md lists the fields).
    let json = serde_json::to_value(library()).expect("JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        ["at", "dataset", "range_end", "range_start", "rules", "runs", "sections", "step"]
    );
    assert_eq!(keys(&json["rules"]), ["file", "recording_rules", "samples", "series"]);
    assert_eq!(keys(&json["sections"][0]), ["entries", "task", "todo"]);
    let entry = &json["sections"][2]["entries"][1];
    assert_eq!(entry["query"], "sum by (model) (rate(model_predictions_total[5m]))");
    assert_eq!(
        keys(entry),
        [
            "anti_pattern",
            "correct",
            "cost",
            "explanation",
            "id",
            "lint",
            "note",
            "query",
            "recorded",
            "recorded_cost",
            "title"
        ]
    );
    assert_eq!(keys(&entry["explanation"][0]), ["depth", "kind", "sentence", "text"]);
    assert_eq!(keys(&entry["lint"][0]), ["check", "fix_title", "fixed", "message", "severity"]);
    assert_eq!(keys(&entry["cost"]), ["instant", "range"]);
    assert_eq!(keys(&entry["cost"]["range"]), ["error", "median_ms", "result_series", "samples", "series"]);
    assert_eq!(entry["cost"]["range"]["samples"], 75_810);
    assert_eq!(entry["recorded_cost"]["range"]["samples"], 2527);
}
