//! The seed's recording rules on the default dataset: both forms of the file (plain and
//! ConfigMap) load to the same rules, and every rule either records series or says why not.

use std::path::Path;

use promql_playground::content::builtin_dataset;
use promql_playground::engine::{instant_query, EngineOptions, Value};
use promql_playground::rules::explain::explain_empty_rules;
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions, RuleFile};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules");

fn load(name: &str) -> RuleFile {
    let text = std::fs::read_to_string(Path::new(DIR).join(name)).expect(name);
    let report = check(&text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
    assert!(report.diagnostics.is_empty(), "{}", report.render(name));
    report.file.expect("decoded rules")
}

/// The rules without their positions (which differ between the two forms).
fn rules_of(file: &RuleFile) -> Vec<(String, Option<i64>, String, String)> {
    file.rules().map(|(g, r)| (g.name.clone(), g.interval, r.record.clone(), r.expr.clone())).collect()
}

#[test]
fn both_forms_hold_the_same_rules() {
    let plain = load("seed_recording_rules.yml");
    let wrapped = load("seed_recording_rules.configmap.yaml");
    assert_eq!(rules_of(&plain), rules_of(&wrapped));
    assert_eq!(plain.groups.len(), 3);
    assert_eq!(plain.rules().count(), 16);
    // Positions in the ConfigMap point at its own lines: the first rule's record is on line 15.
    let first = &wrapped.groups[0].rules[0];
    assert_eq!((first.pos.record.line, first.pos.record.col), (15, 17));
}

/// Rules the dataset cannot feed, by design of the seed: each must carry an explanation
/// naming the label that breaks the match.
const EXPECTED_EMPTY: &[&str] = &[
    "model:efficiency:predictions_per_cpu",
    "model:efficiency:predictions_per_gb_memory",
    "model:cost:per_1k_predictions",
];

#[test]
fn every_seed_rule_records_series_or_explains_why_not() {
    let dataset = builtin_dataset("ml-platform").expect("the default dataset");
    let storage = dataset.storage().expect("its samples");
    let file = load("seed_recording_rules.configmap.yaml");
    // The last 6 hours keep the test quick; rules still read older data (increase[24h]).
    let (_, end) = storage.time_bounds().expect("samples");
    let opts = EvalOptions { start: Some(end - 6 * 3_600_000), end: Some(end), ..EvalOptions::default() };
    let mut evaluation = evaluate(&storage, &file, &opts);
    explain_empty_rules(&mut evaluation, &opts.engine);
    assert_eq!(evaluation.rules.len(), 16);
    for rule in &evaluation.rules {
        if EXPECTED_EMPTY.contains(&rule.record.as_str()) {
            assert!(rule.is_empty(), "{} recorded {} samples", rule.record, rule.samples);
            let why = rule.explanation.join(" ");
            assert!(why.contains("`version`") && why.contains("on(model)"), "{}: {why}", rule.record);
        } else {
            assert!(
                !rule.is_empty(),
                "{} recorded nothing: {:?} {:?}",
                rule.record,
                rule.explanation,
                rule.errors
            );
            assert_eq!(rule.error_count, 0, "{}: {:?}", rule.record, rule.errors);
            assert_eq!(rule.ticks_with_output, rule.ticks, "{} has gaps", rule.record);
        }
    }
    // Recorded series are queryable like any other, and agree with the raw query.
    let opts = EngineOptions::default();
    let recorded = instant_query(&evaluation.storage, "model:latency:p95", end, &opts).expect("query");
    let raw = instant_query(
        &evaluation.storage,
        "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
        end,
        &opts,
    )
    .expect("query");
    let (Value::Vector(mut rec), Value::Vector(mut raw)) = (recorded.value, raw.value) else {
        panic!("vectors expected")
    };
    // Instant vectors come in no particular order.
    rec.sort_by_key(|a| a.labels.without_metric_name());
    raw.sort_by(|a, b| a.labels.cmp(&b.labels));
    assert!(!rec.is_empty());
    assert_eq!(rec.len(), raw.len());
    for (a, b) in rec.iter().zip(&raw) {
        assert_eq!(a.labels.without_metric_name(), b.labels.without_metric_name());
        assert!(a.v == b.v || (a.v.is_nan() && b.v.is_nan()), "{}: {} vs {}", a.labels, a.v, b.v);
    }
}

#[test]
fn fixing_the_match_records_the_efficiency_rules() {
    let dataset = builtin_dataset("ml-platform").expect("the default dataset");
    let storage = dataset.storage().expect("its samples");
    let text =
        std::fs::read_to_string(Path::new(DIR).join("seed_recording_rules_fixed.yml")).expect("fixed rules");
    let report = check(&text, &CheckOptions::default());
    let file = report.file.clone().unwrap_or_else(|| panic!("{}", report.render("fixed")));
    let (_, end) = storage.time_bounds().expect("samples");
    let opts = EvalOptions { start: Some(end - 3_600_000), end: Some(end), ..EvalOptions::default() };
    let evaluation = evaluate(&storage, &file, &opts);
    for name in EXPECTED_EMPTY {
        let rule = evaluation.rules.iter().find(|r| r.record == *name).expect(name);
        assert!(!rule.is_empty(), "{name} still records nothing");
    }
}

/// Every series `name` names in `storage`, with its points as bits (NaN-safe equality).
fn series_named(storage: &promql_playground::engine::Storage, name: &str) -> Vec<(String, Vec<(i64, u64)>)> {
    let mut out: Vec<(String, Vec<(i64, u64)>)> = storage
        .postings(promql_playground::engine::METRIC_NAME, name)
        .iter()
        .map(|&id| {
            let s = storage.get(id);
            (format!("{:?}", s.labels), s.points.iter().map(|p| (p.t, p.v.to_bits())).collect())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn sharing_subexpressions_between_rules_changes_nothing_but_time() {
    let storage = builtin_dataset("ml-platform").unwrap().storage().unwrap();
    let file = promql_playground::bench_rules::seed_rule_file().unwrap();
    let shared = evaluate(&storage, &file, &EvalOptions::default());
    let alone = evaluate(&storage, &file, &EvalOptions { unshared: true, ..EvalOptions::default() });
    // The three latency quantiles share their inner sum, the cache ratio its repeated rate.
    assert!(shared.shared_reuses > 10_000, "{} reuses", shared.shared_reuses);
    assert_eq!(alone.shared_reuses, 0);
    assert_eq!(shared.rules.len(), alone.rules.len());
    for (a, b) in shared.rules.iter().zip(&alone.rules) {
        let (mut a, mut b) = (a.clone(), b.clone());
        (a.eval_ms, b.eval_ms) = (0.0, 0.0);
        assert_eq!(a, b, "rule {}", a.record);
        assert_eq!(series_named(&shared.storage, &a.record), series_named(&alone.storage, &b.record));
    }
    for (a, b) in shared.alerts.iter().zip(&alone.alerts) {
        let (mut a, mut b) = (a.clone(), b.clone());
        (a.eval_ms, b.eval_ms) = (0.0, 0.0);
        assert_eq!(a, b, "alert {}", a.name);
    }
    for name in ["ALERTS", "ALERTS_FOR_STATE"] {
        assert_eq!(series_named(&shared.storage, name), series_named(&alone.storage, name), "{name}");
    }
}
