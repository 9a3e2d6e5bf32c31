//! The promtool corpus (tests/alerting/promtool, from ../shared/alerting): every unit-test
//! file must get the verdict promtool 2.42 gave it, and every `promtool check rules` case
//! its exit code. Files that need a newer Prometheus must be rejected the way 2.42 rejects
//! them; they are counted as skipped, never as passed.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use promql_playground::rules::unittest::{render, run_file, RuleSource, RunOptions};
use promql_playground::rules::{check, CheckOptions};
use serde::Deserialize;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alerting/promtool");

#[derive(Deserialize)]
struct Manifest {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    file: String,
    command: String,
    expected_on_2_42: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    expected_output_contains: Vec<String>,
}

/// Rule files next to the test file.
struct Dir(PathBuf);

impl RuleSource for Dir {
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String> {
        let path = self.0.join(pattern);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(vec![(pattern.to_string(), text)]),
            Err(_) => Ok(Vec::new()),
        }
    }
}

#[test]
fn every_promtool_verdict_matches() {
    let text = std::fs::read_to_string(Path::new(DIR).join("MANIFEST.yaml")).expect("manifest");
    let manifest: Manifest =
        promql_playground::content::yaml::parse("MANIFEST.yaml", &text).expect("manifest");
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for e in &manifest.entries {
        let path = Path::new(DIR).join(&e.file);
        let body = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let (ok, output) = match e.command.as_str() {
            "test" => {
                let dir = Dir(path.parent().expect("a folder").to_path_buf());
                let outcome = run_file(&e.file, &body, &dir, RunOptions::promtool_2());
                let output = render(std::slice::from_ref(&outcome));
                (outcome.ok(), output)
            }
            _ => {
                let report = check(&body, &CheckOptions::promtool_2());
                let lint_fatal = e.args.iter().any(|a| a == "--lint-fatal");
                let code = report.verdict().exit_code(lint_fatal);
                let mut output = report.render(&e.file);
                if code == 3 {
                    output.push_str("duplicate rule(s) found\n");
                }
                (code == 0, format!("exit {code}\n{output}"))
            }
        };
        let verdict_ok = match e.expected_on_2_42.as_str() {
            "pass" => ok,
            "fail" => !ok && (e.command == "test" || output.starts_with("exit 1")),
            "exit3" => output.starts_with("exit 3"),
            // Rejected by 2.42, as by our 2.42 mode; counted as skipped.
            "needs_newer" => !ok,
            other => panic!("{}: unknown expectation {other}", e.file),
        };
        let must_mention = e.expected_on_2_42 != "pass";
        let missing: Vec<&String> = e
            .expected_output_contains
            .iter()
            .filter(|s| must_mention && !output.contains(s.as_str()))
            .collect();
        if !verdict_ok || !missing.is_empty() {
            failures.push(format!("{} (want {}): lacks {missing:?}\n{output}", e.file, e.expected_on_2_42));
        } else if e.expected_on_2_42 == "needs_newer" {
            skipped += 1;
        } else {
            passed += 1;
        }
    }
    println!(
        "promtool corpus: {passed} passed, {} failed, {skipped} skipped (need a newer Prometheus)",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!((passed, skipped), (25, 3), "every case of the manifest is accounted for");
}

/// The corpus's Prometheus 3 file (group labels, `query_offset`) passes in Prometheus 3
/// mode: with a 1 m offset the evaluation at 2 m still queries the 0 at 1 m, the one at 3 m
/// fires (alert state kept at the evaluation time), and its `ALERTS` sample is written at
/// 2 m. Moving the alert state to the queried instant fails it.
#[test]
fn prometheus_3_query_offset_keeps_alert_state_at_the_evaluation() {
    let file = "own/v3_features_test.yml";
    let path = Path::new(DIR).join(file);
    let body = std::fs::read_to_string(&path).expect("v3 features test");
    let dir = Dir(path.parent().expect("a folder").to_path_buf());
    let outcome = run_file(file, &body, &dir, RunOptions::prometheus_3());
    assert!(outcome.ok(), "{}", render(std::slice::from_ref(&outcome)));
    let shifted = body.replace("eval_time: 2m\n        alertname: QueryOffset\n        exp_alerts: []", "eval_time: 2m\n        alertname: QueryOffset\n        exp_alerts:\n          - exp_labels: {job: j}");
    assert_ne!(shifted, body, "the 2 m expectation is in the file");
    let wrong = run_file(file, &shifted, &dir, RunOptions::prometheus_3());
    assert!(!wrong.ok(), "an alert at the queried instant must be rejected");
}
