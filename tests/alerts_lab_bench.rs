//! Benchmark (prints numbers, asserts none): the alerting lab's evaluation of the seed's
//! rules over the default dataset's 48 hours, natively, through the engine module's messages
//! as the page sends them: the whole run, the number of calls, and the longest call with
//! what it was doing (each call is one main-thread task in the browser). Also one
//! `rules::evaluate` of the same files without slicing. Run with
//! `cargo test --release --test alerts_lab_bench -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;
use std::time::Instant;

use promql_playground::content::builtin_dataset;
use promql_playground::host::Host;
use promql_playground::link::alerts::{AlertsReport, AlertsStep, RuleTexts, StartAlerts};
use promql_playground::link::rules::{Progress, Step};
use promql_playground::link::{decode, encode, Answer, Call};
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions};
use promql_playground::ui::alerts_lab::SEED_ALERT_RULES;
use promql_playground::ui::rules_lab::SEED_RULES;

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn call<C: Call>(host: &mut Host, c: C) -> Result<C::Reply, String> {
    decode::<Answer<C::Reply>>(&host.handle(&encode(&c.into_request())))?
}

#[test]
fn seed_alerting_rules_over_48_hours() {
    let mut host = Host::new();
    host.clock = Some(now_ms);
    let rules = RuleTexts { recording: SEED_RULES.into(), alerting: SEED_ALERT_RULES.into() };
    let start = StartAlerts { dataset: "ml-platform".into(), rules, options: EvalOptions::default() };
    // Loading the dataset is the page's earlier work; keep it out of the evaluation's time.
    let t0 = now_ms();
    let _ = host.datasets.storage("ml-platform");
    let load_ms = now_ms() - t0;

    let began = now_ms();
    let mut progress: Progress = call(&mut host, start).expect("answers").expect("starts");
    let (mut calls, mut longest, mut longest_at) = (1usize, now_ms() - began, "start".to_string());
    let report: AlertsReport = loop {
        let before = now_ms();
        let step = call(&mut host, AlertsStep).expect("answers").expect("steps");
        let took = now_ms() - before;
        calls += 1;
        if took > longest {
            longest = took;
            longest_at = progress.label.clone();
        }
        match step {
            Step::Running(p) => progress = p,
            Step::Finished(r) => break r,
        }
    };
    let total = now_ms() - began;
    let fired = report.rules.iter().filter(|r| !r.firings.is_empty()).count();
    println!(
        "\n=== Alerting lab, seed rules over 48 h: {total:.0} ms in {calls} calls; longest call {longest:.0} ms \
         ({longest_at}); {fired} of {} alerting rules fired; dataset load {load_ms:.0} ms ===",
        report.rules.len()
    );

    let dataset = builtin_dataset("ml-platform").expect("dataset");
    let storage = dataset.storage().expect("storage");
    let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
    let mut file = check(SEED_RULES, &opts).file.expect("recording rules");
    file.groups.extend(check(SEED_ALERT_RULES, &opts).file.expect("alert rules").groups);
    let t = Instant::now();
    let evaluation = evaluate(&storage, &file, &EvalOptions::default());
    println!(
        "=== rules::evaluate in one go: {:.0} ms ({} recording, {} alerting rules) ===",
        t.elapsed().as_secs_f64() * 1000.0,
        evaluation.rules.len(),
        evaluation.alerts.len()
    );
}
