//! Inhibition conformance: the 30 cases of `tests/alertmanager/corpus/inhibition.yaml`
//! (Alertmanager's `inhibit_test.go` and documentation examples, every verdict checked against a
//! live Alertmanager 0.25): each firing alert is muted exactly when Alertmanager muted it.

use std::collections::BTreeMap;

use promql_playground::alertmanager::alert::Alert;
use promql_playground::alertmanager::inhibit::Inhibitor;
use promql_playground::alertmanager::load;
use promql_playground::content::yaml;
use promql_playground::engine::{Labels, Millis};
use serde::Deserialize;

const CORPUS: &str = include_str!("alertmanager/corpus/inhibition.yaml");

#[derive(Deserialize)]
struct Corpus {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    inhibit_rules: serde_json::Value,
    alerts: Vec<CaseAlert>,
    alertmanager_0_25: Live,
}

#[derive(Deserialize)]
struct CaseAlert {
    labels: BTreeMap<String, String>,
    state: String,
    expect_inhibited: Option<bool>,
    asserted_upstream: Option<bool>,
}

#[derive(Deserialize)]
struct Live {
    agrees: bool,
}

const NOW: Millis = 1_000_000;

fn alert(labels: &BTreeMap<String, String>, ends_at: Millis, updated_at: Millis) -> Alert {
    Alert {
        labels: Labels::from_pairs(labels.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        annotations: BTreeMap::new(),
        starts_at: 0,
        ends_at,
        timeout: false,
        updated_at,
        generator_url: String::new(),
    }
}

/// The case's rules, loaded through the config loader (JSON is YAML flow syntax).
fn inhibitor(rules: &serde_json::Value) -> Inhibitor {
    let text = format!("route:\n  receiver: r\nreceivers:\n- name: r\ninhibit_rules: {rules}\n");
    let config = load(&text).1.unwrap_or_else(|e| panic!("{}: {}", e.message(), text));
    Inhibitor::new(&config.inhibit_rules)
}

#[test]
fn every_inhibition_verdict_agrees_with_alertmanager() {
    let corpus: Corpus = yaml::parse("inhibition.yaml", CORPUS).unwrap_or_else(|e| panic!("{e:?}"));
    let (mut verdicts, mut upstream) = (0, 0);
    for case in &corpus.cases {
        assert!(case.alertmanager_0_25.agrees, "{}: recorded against a live Alertmanager", case.id);
        let mut inhibitor = inhibitor(&case.inhibit_rules);
        for a in &case.alerts {
            match a.state.as_str() {
                "firing" => inhibitor.observe(&alert(&a.labels, NOW + 3_600_000, NOW - 10)),
                "resolved" => inhibitor.observe(&alert(&a.labels, NOW - 1, NOW - 10)),
                "firing_then_resolved" => {
                    inhibitor.observe(&alert(&a.labels, NOW + 3_600_000, NOW - 20));
                    inhibitor.observe(&alert(&a.labels, NOW - 1, NOW - 10));
                }
                other => panic!("{}: unknown state {other}", case.id),
            }
        }
        for a in &case.alerts {
            let Some(want) = a.expect_inhibited else { continue };
            let labels = Labels::from_pairs(a.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let got = inhibitor.mutes(&labels, NOW).is_some();
            assert_eq!(got, want, "{}: {:?}", case.id, a.labels);
            verdicts += 1;
            upstream += usize::from(a.asserted_upstream == Some(true));
        }
    }
    println!(
        "inhibition corpus: {} cases, {verdicts} verdicts ({upstream} asserted upstream)",
        corpus.cases.len()
    );
    assert_eq!((corpus.cases.len(), verdicts, upstream), (30, 72, 25));
}
