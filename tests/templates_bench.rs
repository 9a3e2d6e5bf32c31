//! How fast alert templates expand (a benchmark: it prints figures and asserts nothing).
//! Run it optimised:
//!
//!     cargo test --release --test templates_bench -- --ignored --nocapture
//!
//! It expands the label and annotation templates of the seed's alert rules for one alert,
//! many times, the work the rule evaluation repeats at every evaluation of a firing alert.

use std::time::Instant;

use promql_playground::engine::Labels;
use promql_playground::rules::load::{decode_text, Shift};
use promql_playground::rules::templating::{AlertContext, AlertTemplate, AlertTemplateData, NoQueries};
use promql_playground::rules::Dialect;

const SEED: &str = include_str!("rules/seed_alert_rules.yml");

#[test]
#[ignore]
fn seed_alert_templates() {
    let file = decode_text(SEED, Dialect::Prometheus3, Shift::default()).expect("seed rules");
    let rules: Vec<(String, Vec<String>)> = file
        .rules()
        .filter(|(_, r)| !r.alert.is_empty())
        .map(|(_, r)| {
            (r.alert.clone(), r.labels.iter().chain(&r.annotations).map(|kv| kv.value.clone()).collect())
        })
        .collect();
    let count: usize = rules.iter().map(|(_, t)| t.len()).sum();
    let parse_all = || -> Vec<Vec<AlertTemplate>> {
        rules
            .iter()
            .map(|(alert, texts)| {
                texts.iter().map(|t| AlertTemplate::parse(alert, t).expect("parses")).collect()
            })
            .collect()
    };
    let started = Instant::now();
    let rounds = 200;
    for _ in 0..rounds {
        parse_all();
    }
    let parse_each = started.elapsed().as_secs_f64() / (rounds * count) as f64;
    let templates = parse_all();
    let labels = Labels::from_pairs([
        ("instance", "ml-serving-0:8080"),
        ("job", "model-serving"),
        ("model", "fraud-detector"),
        ("namespace", "ml-prod"),
    ]);
    let external = Labels::from_pairs([("cluster", "prod-eu")]);
    let data =
        AlertTemplateData { labels: &labels, value: 0.0734, external_labels: &external, external_url: "" };
    let alerts = 50_000;
    let started = Instant::now();
    let mut bytes = 0;
    for i in 0..alerts {
        // One alert: its data converted once, then each of its labels and annotations.
        let context = AlertContext::new(&data);
        for t in &templates[i % templates.len()] {
            bytes += t.execute_with(&context, &NoQueries).expect("expands").len();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_alert = elapsed / alerts as f64;
    println!(
        "{count} templates of {} seed alert rules: parse {:.1} µs each; one alert's labels and annotations {:.2} µs \
         ({:.0} alerts/s, {bytes} bytes out)",
        rules.len(),
        parse_each * 1e6,
        per_alert * 1e6,
        1.0 / per_alert,
    );
    println!(
        "48 h of 1 m evaluations with 10 pending or firing alerts each: {:.0} ms of templates",
        per_alert * 2880.0 * 10.0 * 1e3
    );
}
