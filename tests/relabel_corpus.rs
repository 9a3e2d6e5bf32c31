//! Every case of the relabel corpus (`shared/relabel/corpus/relabel.yaml`: Prometheus's own
//! relabel and config tests as data, plus derived edge cases) through the relabel module, in
//! the shape the CLI checker feeds it (a scrape config with one job): Prometheus 3 semantics
//! for every case, and Prometheus 2.42 semantics where the corpus records what 2.42 does.

#[path = "relabel/shared.rs"]
mod shared;

use std::collections::BTreeMap;

use promql_playground::relabel::{load, process, LoadOptions, Outcome, Semantics};
use serde_json::Value;

/// What a case expects.
#[derive(Debug, PartialEq)]
enum Expect {
    Output(BTreeMap<String, String>),
    Dropped,
    /// The config fails to load; the message must hold this text (None: any message).
    Fails(Option<String>),
    Loads,
}

fn corpus() -> Vec<Value> {
    let path = shared::relabel_dir().join("corpus/relabel.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The corpus is plain YAML; read it through the JSON data model.
    let doc: Value = yaml_to_json(&text);
    assert_eq!(doc["format"], "promplay-relabel-corpus/v1");
    doc["cases"].as_array().unwrap().clone()
}

/// The corpus as JSON values, via the project's YAML reader.
fn yaml_to_json(text: &str) -> Value {
    use promql_playground::rules::yaml::{parse, Node, NodeKind, ScalarType};
    fn conv(n: &Node) -> Value {
        match &n.kind {
            NodeKind::Scalar { value, .. } => match n.scalar_type() {
                Some(ScalarType::Null) => Value::Null,
                Some(ScalarType::Bool) => Value::Bool(value.eq_ignore_ascii_case("true")),
                _ => Value::String(value.clone()),
            },
            NodeKind::Seq(items) => Value::Array(items.iter().map(conv).collect()),
            NodeKind::Map(pairs) => Value::Object(
                pairs.iter().map(|(k, v)| (k.as_scalar().unwrap_or_default().to_string(), conv(v))).collect(),
            ),
        }
    }
    conv(&parse(text).unwrap().unwrap())
}

fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

/// The checker's default wrapping: a Prometheus config with one job `corpus`.
fn render(case: &Value, legacy: bool) -> String {
    let body = case["config_yaml"].as_str().unwrap();
    let section = case["section"].as_str().unwrap_or("relabel_configs");
    let indented: String = body
        .lines()
        .map(|l| if l.trim().is_empty() { format!("{l}\n") } else { format!("      {l}\n") })
        .collect();
    let extra = if legacy { "    metric_name_validation_scheme: legacy\n" } else { "" };
    format!(
        "scrape_configs:\n  - job_name: corpus\n{extra}    static_configs:\n      - targets: [\"localhost:9090\"]\n    {section}:\n{indented}"
    )
}

fn expectation(case: &Value, semantics: Semantics) -> Option<Expect> {
    let kind = case["kind"].as_str().unwrap();
    if semantics == Semantics::Prometheus2_42 {
        let ann = &case["v2_42"];
        if ann["config_loads"] == Value::Bool(false) {
            return Some(Expect::Fails(None));
        }
        if kind == "validate" {
            return Some(if ann["same"] == Value::Bool(true) && !case["error"].is_null() {
                Expect::Fails(None)
            } else {
                Expect::Loads
            });
        }
        if ann["same"] != Value::Bool(true) {
            if !ann["output"].is_null() {
                return Some(Expect::Output(labels(&ann["output"])));
            }
            if ann["dropped"] == Value::Bool(true) {
                return Some(Expect::Dropped);
            }
            return None;
        }
    }
    Some(match kind {
        "validate" => match case["error"].as_str() {
            Some(e) => {
                Expect::Fails((case["error_is_go_specific"] != Value::Bool(true)).then(|| e.to_string()))
            }
            None => Expect::Loads,
        },
        _ if case["dropped"] == Value::Bool(true) => Expect::Dropped,
        _ => Expect::Output(labels(&case["output"])),
    })
}

fn run(case: &Value, semantics: Semantics) -> Result<(), String> {
    let Some(want) = expectation(case, semantics) else {
        return Err("the corpus records no 2.42 expectation".into());
    };
    let legacy = case["scheme"] == "legacy" && semantics == Semantics::Prometheus3;
    let text = render(case, legacy);
    let metric = case["section"] == "metric_relabel_configs";
    let opts = LoadOptions { job: Some("corpus".into()), metric, semantics };
    let got = match load(&text, &opts) {
        Err(e) => Expect::Fails(Some(e.message)),
        Ok(_) if case["kind"] == "validate" => Expect::Loads,
        Ok(loaded) => match process(&loaded.set, labels(&case["input"])) {
            Outcome::Kept(l) => Expect::Output(l.into_iter().collect()),
            Outcome::Dropped { .. } => Expect::Dropped,
        },
    };
    match (&want, &got) {
        (Expect::Fails(None), Expect::Fails(_)) => Ok(()),
        (Expect::Fails(Some(w)), Expect::Fails(Some(g))) if g.contains(w.as_str()) => Ok(()),
        _ if want == got => Ok(()),
        _ => Err(format!("expected {want:?}, got {got:?}")),
    }
}

fn run_all(semantics: Semantics) -> (usize, Vec<String>) {
    let cases = corpus();
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run(case, semantics) {
            failures.push(format!("{}: {e}", case["id"].as_str().unwrap_or("?")));
        }
    }
    (cases.len(), failures)
}

#[test]
fn every_corpus_case_passes_with_prometheus_3_semantics() {
    let (total, failures) = run_all(Semantics::Prometheus3);
    assert_eq!(total, 167, "the corpus has 167 cases");
    println!("relabel corpus (3.x): {} passed, {} failed", total - failures.len(), failures.len());
    assert!(failures.is_empty(), "{} of {total} cases fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_corpus_case_passes_with_prometheus_2_42_semantics() {
    let (total, failures) = run_all(Semantics::Prometheus2_42);
    println!("relabel corpus (2.42): {} passed, {} failed", total - failures.len(), failures.len());
    assert!(failures.is_empty(), "{} of {total} cases fail:\n{}", failures.len(), failures.join("\n"));
}
