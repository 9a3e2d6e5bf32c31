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
use promql_playground::rules::templating::{AlertTemplate, AlertTemplateData, NoQueries};
use promql_playground::rules::Dialect;

const SEED: &str = include_str!("rules/seed_alert_rules.yml");

#[test]
#[ignore]
fn seed_alert_templates() {
    let file = decode_text(SEED, Dialect::Prometheus3, Shift::default()).expect("seed rules");
    let texts: Vec<(String, String)> = file
        .rules()
        .filter(|(_, r)| !r.alert.is_empty())
        .flat_map(|(_, r)| {
            r.labels.iter().chain(&r.annotations).map(|kv| (r.alert.clone(), kv.value.clone()))
        })
        .collect();
    let started = Instant::now();
    let rounds = 200;
    let mut templates = Vec::new();
    for _ in 0..rounds {
        templates =
            texts.iter().map(|(alert, text)| AlertTemplate::parse(alert, text).expect("parses")).collect();
    }
    let parse_each = started.elapsed().as_secs_f64() / (rounds * texts.len()) as f64;
    let labels = Labels::from_pairs([
        ("instance", "ml-serving-0:8080"),
        ("job", "model-serving"),
        ("model", "fraud-detector"),
        ("namespace", "ml-prod"),
    ]);
    let external = Labels::from_pairs([("cluster", "prod-eu")]);
    let data =
        AlertTemplateData { labels: &labels, value: 0.0734, external_labels: &external, external_url: "" };
    let executions = 200_000;
    let started = Instant::now();
    let mut bytes = 0;
    for i in 0..executions {
        let t = &templates[i % templates.len()];
        bytes += t.execute(&data, &NoQueries).expect("expands").len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{} seed templates: parse {:.1} µs each; execute {:.2} µs each ({:.0} expansions/s, {} bytes out)",
        texts.len(),
        parse_each * 1e6,
        elapsed / executions as f64 * 1e6,
        executions as f64 / elapsed,
        bytes
    );
    let per_alert = elapsed / executions as f64
        * (texts.len() as f64 / file.rules().filter(|(_, r)| !r.alert.is_empty()).count() as f64);
    println!(
        "one alert's labels and annotations: {:.2} µs; 48 h at 1 m evaluations with 10 firing alerts: {:.0} ms",
        per_alert * 1e6,
        per_alert * 2880.0 * 10.0 * 1e3
    );
}
