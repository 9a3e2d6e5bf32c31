//! The notifier against a recording of what Prometheus 2.42 really POSTed to Alertmanager
//! for one alert over 17.5 minutes (tests/alerting/prometheus_notifier_probe.json): the same
//! rule evaluated at the same instants must send the same alerts at the same evaluations
//! (65 sends: 4 firing every 15 s with `endsAt` 40 s ahead, then the resolved alert at once
//! and every 15 s for 15 minutes), with the same labels, annotations, `startsAt`, `endsAt`
//! and `generatorURL`; and `ALERTS`/`ALERTS_FOR_STATE` must read as the server's API showed
//! them (absent for the first two evaluations, `activeAt` truncated to seconds).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use promql_playground::engine::{instant_query, EngineOptions, Labels, Storage, Value};
use promql_playground::rules::notifier::sends;
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions};
use serde::Deserialize;

#[derive(Deserialize)]
struct Probe {
    start_epoch: i64,
    t0_minus_start_epoch: f64,
    config: Config,
    rules_yml: String,
    sends: Vec<ProbeSend>,
    queries: Vec<ProbeQuery>,
}

#[derive(Deserialize)]
struct Config {
    run_s: f64,
}

#[derive(Deserialize)]
struct ProbeSend {
    /// Seconds after t0 (the POST, a few milliseconds after the evaluation).
    at: f64,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt_rel")]
    starts_at: f64,
    #[serde(rename = "endsAt_rel")]
    ends_at: f64,
    #[serde(rename = "generatorURL")]
    generator_url: String,
}

#[derive(Deserialize)]
struct ProbeQuery {
    /// Seconds after t0 (when the API was asked).
    at: f64,
    #[serde(rename = "ALERTS")]
    alerts: Vec<ApiSample>,
    #[serde(rename = "ALERTS_FOR_STATE")]
    for_state: Vec<ApiSample>,
}

#[derive(Deserialize)]
struct ApiSample {
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

const INTERVAL: i64 = 5_000;
const RESEND_DELAY: i64 = 10_000;
/// The first evaluation, in milliseconds after the rule's reference epoch (its `activeAt`).
const FIRST_EVAL: i64 = 3_996;

fn probe() -> Probe {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alerting/prometheus_notifier_probe.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("probe")).expect("probe JSON")
}

#[test]
fn sends_what_prometheus_sent() {
    let p = probe();
    let epoch = p.start_epoch * 1000;
    let file = check(&p.rules_yml, &CheckOptions::default()).file.expect("the probe's rules");
    let opts = EvalOptions {
        start: Some(epoch + FIRST_EVAL),
        end: Some(epoch + (p.config.run_s * 1000.0) as i64),
        external_labels: Labels::from_pairs([("replica", "a")]),
        external_url: "http://vm:48521".into(),
        tick_phase: (epoch + FIRST_EVAL).rem_euclid(INTERVAL),
        ..EvalOptions::default()
    };
    let evaluation = evaluate(&Storage::new(), &file, &opts);
    let ours = sends(&evaluation, &file, &opts, RESEND_DELAY);
    let theirs = &p.sends;
    let ours_flat: Vec<_> = ours.iter().flat_map(|s| s.alerts.iter().map(move |a| (s.at, a))).collect();
    assert_eq!(ours_flat.len(), theirs.len(), "number of alerts sent");
    let firing = ours_flat.iter().filter(|(at, a)| a.ends_at > *at).count();
    assert_eq!((firing, ours_flat.len() - firing), (4, 61), "firing and resolved sends");
    let rel = |ms: i64| (ms - epoch) as f64 / 1000.0;
    for (i, ((at, a), t)) in ours_flat.iter().zip(theirs).enumerate() {
        let posted = t.at + p.t0_minus_start_epoch;
        assert!(
            posted - rel(*at) >= 0.0 && posted - rel(*at) < 0.1,
            "send {i}: evaluated at {} but posted at {posted}",
            rel(*at)
        );
        let labels: BTreeMap<String, String> =
            a.labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(labels, t.labels, "send {i} labels");
        assert_eq!(a.annotations, t.annotations, "send {i} annotations");
        assert_eq!((rel(a.starts_at), rel(a.ends_at)), (t.starts_at, t.ends_at), "send {i} startsAt/endsAt");
        assert_eq!(a.generator_url, t.generator_url, "send {i} generatorURL");
    }
}

#[test]
fn alerts_series_read_as_the_server_showed_them() {
    let p = probe();
    let epoch = p.start_epoch * 1000;
    let file = check(&p.rules_yml, &CheckOptions::default()).file.expect("the probe's rules");
    let opts = EvalOptions {
        start: Some(epoch + FIRST_EVAL),
        end: Some(epoch + (p.config.run_s * 1000.0) as i64),
        tick_phase: (epoch + FIRST_EVAL).rem_euclid(INTERVAL),
        ..EvalOptions::default()
    };
    let evaluation = evaluate(&Storage::new(), &file, &opts);
    let mut checked = 0;
    for (i, q) in p.queries.iter().enumerate() {
        // A sample carries the query's exact time; an empty answer only the probe's `at`.
        let Some(t) = q.alerts.first().map(|s| (s.value.0 * 1000.0).round() as i64) else {
            let at = epoch + ((p.t0_minus_start_epoch + q.at) * 1000.0) as i64;
            for name in ["ALERTS", "ALERTS_FOR_STATE"] {
                let got = series(&evaluation.storage, name, at);
                assert!(got.is_empty(), "query {i}: {name} should be empty at {at}, got {got:?}");
            }
            continue;
        };
        for (name, want) in [("ALERTS", &q.alerts), ("ALERTS_FOR_STATE", &q.for_state)] {
            let got = series(&evaluation.storage, name, t);
            let want: Vec<(BTreeMap<String, String>, String)> =
                want.iter().map(|s| (s.metric.clone(), s.value.1.clone())).collect();
            assert_eq!(got, want, "query {i} of {name} at {t}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} non-empty snapshots compared");
}

/// `name` at `t` as the API returns it: (labels, value as written).
fn series(storage: &Storage, name: &str, t: i64) -> Vec<(BTreeMap<String, String>, String)> {
    let out = instant_query(storage, name, t, &EngineOptions::default()).expect("query");
    match out.value {
        Value::Vector(v) => v
            .into_iter()
            .map(|s| {
                let labels = s.labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                (labels, promql_playground::engine::value::format_float(s.v))
            })
            .collect(),
        _ => Vec::new(),
    }
}
