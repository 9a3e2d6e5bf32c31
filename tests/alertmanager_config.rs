//! Config-loading conformance: every case of `tests/alertmanager/corpus/config_validation.yaml`
//! (Alertmanager's config tests and the `<matcher>` documentation examples) must give exactly
//! the output `amtool check-config` 0.25 gave: the verdict and the message, including the two
//! documentation examples that 0.25 rejects.

use promql_playground::alertmanager::check::check_config;
use promql_playground::content::yaml;
use serde::Deserialize;

const CORPUS: &str = include_str!("alertmanager/corpus/config_validation.yaml");

#[derive(Deserialize)]
struct Corpus {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    yaml: String,
    amtool_0_25: Recorded,
}

#[derive(Deserialize)]
struct Recorded {
    exit_code: i32,
    output: String,
}

#[test]
fn every_config_case_gives_amtools_output() {
    let corpus: Corpus = yaml::parse("config_validation.yaml", CORPUS).unwrap_or_else(|e| panic!("{e:?}"));
    let mut failures = Vec::new();
    for case in &corpus.cases {
        let out = check_config("<file>", &case.yaml, &|_| Ok(()), false);
        let got = format!("{}{}", out.stdout, out.stderr);
        if got != case.amtool_0_25.output || out.passed != (case.amtool_0_25.exit_code == 0) {
            failures.push(format!("{}:\n  want {:?}\n  got  {:?}", case.id, case.amtool_0_25.output, got));
        }
    }
    println!(
        "config corpus: {} of {} cases agree with amtool 0.25",
        corpus.cases.len() - failures.len(),
        corpus.cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(corpus.cases.len(), 33);
}

/// Every error names the line and column where the problem is written.
#[test]
fn errors_are_placed() {
    let text = "route:\n  receiver: x\n  routes:\n  - matchers: ['foo = bar,baz']\nreceivers:\n- name: x\n";
    let out = check_config("am.yml", text, &|_| Ok(()), true);
    assert_eq!(out.stdout, "Checking 'am.yml'  FAILED: bad matcher format: baz\n  at am.yml:4:16\n\n");
}
