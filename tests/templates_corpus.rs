//! Every template scenario of the alerting corpus (promtool unit-test files converted from
//! Prometheus's `template/template_test.go` and `rules/alerting_test.go`, and files written
//! against promtool 2.42) executed by our engine over the same data, compared byte for byte
//! with the labels and annotations Prometheus produced. The rule expression is evaluated
//! with the engine at each test's eval time; `$labels`/`$value` come from its samples.

#[path = "templates/promtool_file.rs"]
mod promtool_file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use promql_playground::rules::Dialect;
use promtool_file::{alerts, millis, read, storage};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/templates/corpus");

/// The files, and the Prometheus each one's expectations come from.
const FILES: &[(&str, Dialect)] = &[
    ("converted/templates_test.yml", Dialect::Prometheus2),
    ("converted/templates_v3_test.yml", Dialect::Prometheus3),
    ("converted/external_labels_url_test.yml", Dialect::Prometheus2),
    ("converted/empty_label_and_query_template_test.yml", Dialect::Prometheus2),
    ("converted/alerting_rule_labels_update_test.yml", Dialect::Prometheus2),
    ("own/template_data_test.yml", Dialect::Prometheus2),
    ("own/template_errors_test.yml", Dialect::Prometheus2),
    ("own/value_formatting_test.yml", Dialect::Prometheus2),
];

#[derive(Default)]
struct Tally {
    annotations: usize,
    labels: usize,
    alerts_series: usize,
    failures: Vec<String>,
}

#[test]
fn corpus_templates_render_as_prometheus_rendered_them() {
    let mut tally = Tally::default();
    for (file, dialect) in FILES {
        check_file(&Path::new(CORPUS).join(file), *dialect, &mut tally);
    }
    println!(
        "{} annotations, {} alert label sets, {} ALERTS label sets compared; {} differ",
        tally.annotations,
        tally.labels,
        tally.alerts_series,
        tally.failures.len()
    );
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    // templates_test.yml alone has 54 scenarios (one annotation each).
    assert!(
        tally.annotations >= 54 + 3 + 15 * 7 + 7 + 3,
        "too few annotations compared: {}",
        tally.annotations
    );
}

fn check_file(path: &Path, dialect: Dialect, tally: &mut Tally) {
    let name = path.strip_prefix(CORPUS).unwrap_or(path).display().to_string();
    let (file, rule_files) = read(path, dialect);
    let rules: Vec<_> = rule_files.iter().flat_map(|f| f.rules().map(|(_, r)| r.clone())).collect();
    for group in &file.tests {
        let storage = storage(group);
        for test in &group.alert_rule_test {
            let t = millis(&test.eval_time);
            let produced: Vec<_> = rules
                .iter()
                .filter(|r| r.alert == test.alertname)
                .flat_map(|r| alerts(r, &storage, t, group, dialect))
                .collect();
            for exp in &test.exp_alerts {
                let mut want = exp.exp_labels.clone();
                want.insert("alertname".into(), test.alertname.clone());
                let Some(got) = produced.iter().find(|a| a.labels == want) else {
                    let seen: Vec<_> = produced.iter().map(|a| format!("{:?}", a.labels)).collect();
                    tally
                        .failures
                        .push(format!("{name} @{}: no alert {want:?}; got {seen:?}", test.eval_time));
                    continue;
                };
                tally.labels += 1;
                if !exp.exp_annotations.is_empty() || !got.annotations.is_empty() {
                    compare(&name, &test.eval_time, &exp.exp_annotations, &got.annotations, tally);
                }
            }
        }
        for test in group.promql_expr_test.iter().filter(|e| e.expr.starts_with("ALERTS{")) {
            let t = millis(&test.eval_time);
            let Some(alertname) = alertname_matcher(&test.expr) else { continue };
            let mut got: Vec<BTreeMap<String, String>> = rules
                .iter()
                .filter(|r| !r.alert.is_empty() && alertname(&r.alert))
                .flat_map(|r| alerts(r, &storage, t, group, dialect))
                .map(|a| a.alerts_series_labels)
                .collect();
            let mut want: Vec<BTreeMap<String, String>> =
                test.exp_samples.iter().map(|s| series_labels(&s.labels)).collect();
            got.sort();
            want.sort();
            tally.alerts_series += want.len();
            if got != want {
                tally.failures.push(format!(
                    "{name} {} @{}:\n  want {want:?}\n  got  {got:?}",
                    test.expr, test.eval_time
                ));
            }
        }
    }
}

fn compare(
    file: &str,
    at: &str,
    want: &BTreeMap<String, String>,
    got: &BTreeMap<String, String>,
    tally: &mut Tally,
) {
    for (key, w) in want {
        tally.annotations += 1;
        match got.get(key) {
            Some(g) if g == w => {}
            g => tally.failures.push(format!("{file} @{at} {key}:\n  want {w:?}\n  got  {g:?}")),
        }
    }
    for key in got.keys().filter(|k| !want.contains_key(*k)) {
        tally.failures.push(format!("{file} @{at}: unexpected annotation {key}={:?}", got[key]));
    }
}

/// A predicate on alert names.
type NameMatcher = Box<dyn Fn(&str) -> bool>;

/// `ALERTS{alertname="X"}` or `ALERTS{alertname=~"re"}`.
fn alertname_matcher(expr: &str) -> Option<NameMatcher> {
    let inner = expr.strip_prefix("ALERTS{")?.strip_suffix('}')?;
    if let Some(v) = inner.strip_prefix("alertname=\"").and_then(|r| r.strip_suffix('"')) {
        let v = v.to_string();
        return Some(Box::new(move |n| n == v));
    }
    let re = inner.strip_prefix("alertname=~\"").and_then(|r| r.strip_suffix('"'))?;
    let re = regex::Regex::new(&format!("^(?:{re})$")).ok()?;
    Some(Box::new(move |n| re.is_match(n)))
}

/// The labels of `ALERTS{a="b",…}` without the metric name and `alertstate` (pending or
/// firing is the alert evaluation's business, not the templates').
fn series_labels(text: &str) -> BTreeMap<String, String> {
    let (labels, _) = promql_playground::promqltest::notation::parse_metric(text).expect("series labels");
    labels
        .iter()
        .filter(|(n, _)| *n != "__name__" && *n != "alertstate")
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The copies under tests/templates/corpus must stay equal to the shared corpus they were
/// taken from (checked where that corpus is present: ALERTING_CORPUS or a `shared` folder
/// next to the repository or its parent).
#[test]
fn copies_match_the_shared_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates: Vec<PathBuf> = std::env::var("ALERTING_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain(["../shared", "../../shared"].iter().map(|p| root.join(p).join("alerting/corpus/alert_rules")))
        .collect();
    let Some(shared) = candidates.iter().find(|p| p.is_dir()) else {
        println!("shared alerting corpus not found; the copies are what the other test checks");
        return;
    };
    let mut compared = 0;
    for dir in ["converted", "own", "check_rules"] {
        for entry in std::fs::read_dir(Path::new(CORPUS).join(dir)).expect("corpus dir").flatten() {
            let rel = Path::new(dir).join(entry.file_name());
            let ours = std::fs::read(entry.path()).expect("copy");
            let theirs = std::fs::read(shared.join(&rel)).unwrap_or_default();
            assert!(ours == theirs, "{} differs from {}", rel.display(), shared.join(&rel).display());
            compared += 1;
        }
    }
    assert!(compared >= 14, "{compared}");
}
