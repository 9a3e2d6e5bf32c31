//! Reading promtool unit-test files (`promtool test rules` format) far enough to check
//! alert templates: the input series, external labels and URL, and the expected alerts with
//! their labels and annotations; and expanding a rule's templates the way Prometheus's rule
//! manager does for every sample of its expression.

// Each test binary uses part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use promql_playground::content::yaml_de::from_node;
use promql_playground::engine::{instant_query, EngineOptions, Labels, Storage, Value};
use promql_playground::promqltest::run::load_storage;
use promql_playground::rules::load::{decode_text, Shift};
use promql_playground::rules::templating::{
    expand_or_error, AlertTemplate, AlertTemplateData, EngineQuerier,
};
use promql_playground::rules::{duration, Dialect, Rule, RuleFile};

#[derive(Deserialize)]
pub struct TestFile {
    pub rule_files: Vec<String>,
    pub tests: Vec<TestGroup>,
}

#[derive(Deserialize)]
pub struct TestGroup {
    pub interval: Option<String>,
    #[serde(default)]
    pub input_series: Vec<InputSeries>,
    #[serde(default)]
    pub external_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub alert_rule_test: Vec<AlertTest>,
    #[serde(default)]
    pub promql_expr_test: Vec<ExprTest>,
}

#[derive(Deserialize)]
pub struct InputSeries {
    pub series: String,
    pub values: String,
}

#[derive(Deserialize)]
pub struct AlertTest {
    pub eval_time: String,
    pub alertname: String,
    #[serde(default)]
    pub exp_alerts: Vec<ExpAlert>,
}

#[derive(Deserialize)]
pub struct ExpAlert {
    #[serde(default)]
    pub exp_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub exp_annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
pub struct ExprTest {
    pub expr: String,
    pub eval_time: String,
    #[serde(default)]
    pub exp_samples: Vec<ExpSample>,
}

#[derive(Deserialize)]
pub struct ExpSample {
    pub labels: String,
}

/// Reads a test file and the rule files it names (relative to it).
pub fn read(path: &Path, dialect: Dialect) -> (TestFile, Vec<RuleFile>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = promql_playground::rules::yaml::parse(&text).expect("yaml").expect("a document");
    let file: TestFile = from_node(&node).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    let rules = file
        .rule_files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            decode_text(&text, dialect, Shift::default()).unwrap_or_else(|e| panic!("{f}: {e:?}"))
        })
        .collect();
    (file, rules)
}

pub fn millis(d: &str) -> i64 {
    duration::parse(d).unwrap_or_else(|e| panic!("duration {d}: {e}"))
}

/// The storage a test group's input series make.
pub fn storage(group: &TestGroup) -> Storage {
    let mut text = format!("load {}\n", group.interval.as_deref().unwrap_or("1m"));
    for s in &group.input_series {
        text.push_str(&format!("  {} {}\n", s.series, s.values));
    }
    load_storage(&text).unwrap_or_else(|e| panic!("input series: {e}"))
}

/// One alert as the rule manager builds it: final labels, labels before templating (for
/// ALERTS), and annotations.
pub struct Alert {
    pub labels: BTreeMap<String, String>,
    pub alerts_series_labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// The alerts `rule` produces at `t` (every sample of its expression), templates expanded.
pub fn alerts(rule: &Rule, storage: &Storage, t: i64, group: &TestGroup, dialect: Dialect) -> Vec<Alert> {
    let opts = EngineOptions::default();
    let out = instant_query(storage, &rule.expr, t, &opts).unwrap_or_else(|e| panic!("{}: {e}", rule.expr));
    let samples: Vec<(Labels, f64)> = match out.value {
        Value::Vector(s) => s.into_iter().map(|s| (s.labels, s.v)).collect(),
        Value::Scalar { v, .. } => vec![(Labels::empty(), v)],
        _ => Vec::new(),
    };
    let external = Labels::from_pairs(group.external_labels.iter().map(|(k, v)| (k.clone(), v.clone())));
    let parse = |text: &str| {
        AlertTemplate::parse_dialect(&rule.alert, text, dialect).unwrap_or_else(|e| panic!("{text}: {e}"))
    };
    let mut label_templates: Vec<(&str, &str, AlertTemplate)> =
        rule.labels.iter().map(|kv| (kv.name.as_str(), kv.value.as_str(), parse(&kv.value))).collect();
    label_templates.sort_by(|a, b| a.0.cmp(b.0));
    let annotation_templates: Vec<(&str, AlertTemplate)> =
        rule.annotations.iter().map(|kv| (kv.name.as_str(), parse(&kv.value))).collect();
    samples
        .iter()
        .map(|(labels, value)| {
            let data = AlertTemplateData {
                labels,
                value: *value,
                external_labels: &external,
                external_url: &group.external_url,
            };
            let querier = EngineQuerier { storage, time: t, options: &opts, external_url: None };
            let mut final_labels: BTreeMap<String, String> = labels
                .iter()
                .filter(|(n, _)| *n != "__name__")
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            for (name, _, tmpl) in &label_templates {
                let v = expand_or_error(tmpl, &data, &querier);
                if v.is_empty() {
                    final_labels.remove(*name);
                } else {
                    final_labels.insert(name.to_string(), v);
                }
            }
            final_labels.insert("alertname".into(), rule.alert.clone());
            let mut alerts_series_labels: BTreeMap<String, String> =
                label_templates.iter().map(|(n, raw, _)| (n.to_string(), raw.to_string())).collect();
            alerts_series_labels.extend(final_labels.clone());
            alerts_series_labels.retain(|_, v| !v.is_empty());
            let annotations = annotation_templates
                .iter()
                .map(|(name, tmpl)| (name.to_string(), expand_or_error(tmpl, &data, &querier)))
                .collect();
            Alert { labels: final_labels, alerts_series_labels, annotations }
        })
        .collect()
}
