//! The rules under test: the seed's recording and alert rules (their ConfigMaps unwrapped,
//! since promtool reads plain rule files) and generated alerting rules over the same inputs
//! with varied `for`, `keep_firing_for`, thresholds, directions, label and annotation
//! templates. Thresholds sit between two observed values (never on one), so an alert's fate
//! does not hang on the last bit of a float.

use std::fmt::Write as _;

use promql_playground::engine::{eval, parse, EngineOptions, Storage, Value};
use promql_playground::rules::configmap;
use promql_playground::rules::unittest::RunOptions;

/// The base expressions of generated rules: (name, expression).
const BASES: &[(&str, &str)] = &[
    (
        "ErrorRatio",
        "sum by (model, version) (rate(model_prediction_errors_total[5m])) / sum by (model, version) (rate(model_predictions_total[5m]))",
    ),
    ("Traffic", "sum by (model) (rate(model_predictions_total[2m]))"),
    ("PodTraffic", "rate(model_predictions_total[5m])"),
    ("P90", "histogram_quantile(0.9, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))"),
    ("Memory", "model_memory_usage_bytes"),
    ("Growth", "deriv(container_memory_usage_bytes[30m]) * 3600"),
    (
        "CacheMiss",
        "sum by (model) (rate(model_cache_misses_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
    ),
    ("Errors10m", "sum by (model, version) (increase(model_prediction_errors_total[10m]))"),
    (
        "TrafficVsHalfHourAgo",
        "sum by (model) (rate(model_predictions_total[5m])) / sum by (model) (rate(model_predictions_total[5m] offset 30m))",
    ),
    (
        "CpuPerPrediction",
        "sum by (model) (rate(container_cpu_usage_seconds_total[5m])) / sum by (model) (rate(model_predictions_total[5m]))",
    ),
    (
        "MeanLatency",
        "sum by (model) (rate(model_prediction_duration_seconds_sum[5m])) / sum by (model) (rate(model_prediction_duration_seconds_count[5m]))",
    ),
    ("AvgMemory15m", "avg_over_time(model_memory_usage_bytes[15m])"),
];

/// Quantiles of the observed values the thresholds sit at, and the comparison used there.
const CUTS: &[(f64, &str)] = &[(0.1, "<"), (0.3, "<"), (0.6, ">"), (0.85, ">"), (0.97, ">=")];
const FORS: &[&str] = &["0s", "30s", "1m", "2m30s", "5m", "10m", "0s", "1m", "3m"];
const KEEPS: &[&str] = &["0s", "0s", "1m", "0s", "3m", "0s", "30s"];

/// The seed's recording and alert rule files as plain rule files: (file name, text).
pub fn seed_files(root: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, path) in [
        ("seed_recording.yml", "tests/rules/seed_recording_rules.configmap.yaml"),
        ("seed_alerts.yml", "tests/rules/seed_alert_rules.configmap.yaml"),
    ] {
        let text = std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let embedded = configmap::unwrap(&text).unwrap_or_else(|| panic!("{path}: not a ConfigMap"));
        out.push((name.to_string(), embedded.into_iter().map(|e| e.text).collect::<Vec<_>>().join("\n")));
    }
    out
}

/// Every value `expr` takes over `storages` (evaluated every 30 s, Prometheus 2.x windows).
fn observed(expr: &str, storages: &[(&Storage, i64)]) -> Vec<f64> {
    let parsed = parse::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let opts = EngineOptions { max_range_steps: usize::MAX, ..RunOptions::promtool_2().engine(30_000) };
    let mut values = Vec::new();
    for (storage, end) in storages {
        let out = eval::eval_range(storage, &parsed, 0, *end, 30_000, &opts)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        if let Value::Matrix(m) = out.value {
            values.extend(m.iter().flat_map(|s| s.points.iter().map(|p| p.v)).filter(|v| v.is_finite()));
        }
    }
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

/// A threshold between two observed values near quantile `q`, clear of both.
fn threshold(values: &[f64], q: f64) -> Option<f64> {
    let start = ((values.len().saturating_sub(2)) as f64 * q) as usize;
    values.windows(2).skip(start).find_map(|w| {
        let (a, b) = (w[0], w[1]);
        let gap = (b - a).abs();
        (gap > 1e-9 * a.abs().max(b.abs()).max(1e-12)).then_some(a + (b - a) / 2.0)
    })
}

/// The generated rule file (≥ 50 alerting rules in a few groups) and the number of rules.
/// `templates`: whether labels and annotations use templates.
pub fn generated_file(storages: &[(&Storage, i64)], templates: bool) -> (String, usize) {
    let mut rules = Vec::new();
    let mut n = 0usize;
    for (base, expr) in BASES {
        let values = observed(expr, storages);
        for (k, (q, op)) in CUTS.iter().enumerate() {
            let Some(thr) = threshold(&values, *q) else { continue };
            let name = format!("Gen{base}{k}");
            let for_ = FORS[n % FORS.len()];
            let keep = KEEPS[n % KEEPS.len()];
            let mut rule =
                format!("      - alert: {name}\n        expr: {}\n", json(&format!("{expr} {op} {thr:e}")));
            let _ = writeln!(rule, "        for: {for_}");
            if keep != "0s" {
                let _ = writeln!(rule, "        keep_firing_for: {keep}");
            }
            rule.push_str("        labels:\n");
            let _ = writeln!(rule, "          severity: {}", ["page", "warning", "info"][n % 3]);
            if templates {
                // A label from $value changes the alert's identity (and restarts `for`).
                let mid = thr * if op.starts_with('<') { 0.5 } else { 1.5 };
                let level = format!("{{{{ if gt $value {mid:e} }}}}high{{{{ else }}}}normal{{{{ end }}}}");
                if n.is_multiple_of(4) {
                    let _ = writeln!(rule, "          level: {}", json(&level));
                }
                if n % 5 == 1 {
                    let _ = writeln!(rule, "          dropped: {}", json("{{ $labels.missing }}"));
                }
                rule.push_str("        annotations:\n");
                let _ = writeln!(
                    rule,
                    "          summary: {}",
                    json("{{ $labels.model }} is at {{ $value | humanize }}")
                );
                let _ = writeln!(rule, "          share: {}", json("{{ humanizePercentage $value }}"));
                let _ = writeln!(
                    rule,
                    "          where: {}",
                    json("{{ $externalLabels.region }} {{ $externalURL }}")
                );
                if n.is_multiple_of(3) {
                    let _ = writeln!(rule, "          fixed: {}", json("{{ printf \"%.3f\" $value }}"));
                }
            } else {
                rule.push_str("        annotations:\n");
                let _ = writeln!(rule, "          summary: {}", json(&format!("{base} crossed {thr:e}")));
            }
            rules.push(rule);
            n += 1;
        }
    }
    let mut text = String::from("groups:\n");
    for (g, chunk) in rules.chunks(12).enumerate() {
        let _ = writeln!(
            text,
            "  - name: generated_{g}\n    interval: {}\n    rules:",
            ["30s", "1m", "15s"][g % 3]
        );
        for r in chunk {
            text.push_str(r);
        }
    }
    (text, n)
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
pub fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
