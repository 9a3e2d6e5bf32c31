//! The seed's Alertmanager configuration (TODO 4.2) in numbers: how Alertmanager 0.25 loads it
//! (it refuses the placeholder Slack URL), where its alerts go, and what it sends for the seed's
//! alert rules over the dataset's 48 hours and for the two drills, with and without its
//! inhibit rules. The lab, its e2e test and the docs show these figures.

use promql_playground::alertmanager::config::{load, load_with_placeholders};
use promql_playground::alertmanager::simulate::{Options, Simulation};
use promql_playground::alertmanager::timeline::{parse, sends};
use promql_playground::alertmanager::RouteTree;
use promql_playground::content::am_exercise::{SEED_CONFIG, TIMELINES};
use promql_playground::content::time::DEFAULT_START;
use promql_playground::engine::Labels;

const END: i64 = DEFAULT_START + 48 * 3_600_000;

/// Notifications per receiver (default, pagerduty, slack-warnings, email) with and without
/// inhibition for timeline `name`.
fn counts(name: &str) -> ([usize; 4], [usize; 4]) {
    let config = load_with_placeholders(SEED_CONFIG).1.expect("loads with the placeholder");
    let (_, _, text) = TIMELINES.iter().find(|(n, _, _)| *n == name).expect("timeline");
    let posts = sends(&parse(name, text).expect("parses"), DEFAULT_START, END);
    let run = |inhibition| {
        let o = Simulation::run(
            &config,
            posts.clone(),
            Options { start: DEFAULT_START, end: END, inhibition, reloads: vec![] },
        );
        let per = o.per_receiver(["default", "pagerduty", "slack-warnings", "email"]);
        [per["default"], per["pagerduty"], per["slack-warnings"], per["email"]]
    };
    (run(true), run(false))
}

#[test]
fn alertmanager_refuses_the_seed_as_written() {
    let err = load(SEED_CONFIG).1.expect_err("the placeholder Slack URL");
    assert_eq!(err.message(), "unsupported scheme \"\" for URL");
    let at = &err.located()[0];
    assert_eq!((at.line, at.col), (67, 18), "api_url: '<slack-webhook-url>' in the ConfigMap");
    let lenient = load_with_placeholders(SEED_CONFIG).1.expect("the lab loads it");
    assert_eq!(lenient.warnings.len(), 1);
}

#[test]
fn where_the_seeds_alerts_go() {
    let config = load_with_placeholders(SEED_CONFIG).1.expect("loads");
    let tree = RouteTree::new(&config.route);
    for (labels, want) in [
        (
            &[("alertname", "ModelCriticalErrorRate"), ("severity", "critical"), ("page", "true")][..],
            "pagerduty",
        ),
        (&[("alertname", "ModelHighErrorRate"), ("severity", "warning")][..], "slack-warnings"),
        (&[("alertname", "ModelLowCacheHitRate"), ("severity", "info")][..], "email"),
        (&[("alertname", "Watchdog")][..], "default"),
    ] {
        assert_eq!(tree.receivers(&Labels::from_pairs(labels.iter().copied())).join(","), want, "{labels:?}");
    }
}

#[test]
fn notifications_with_and_without_inhibition() {
    // The seed's alerts on the dataset: its inhibit rules prevent nothing (the one inhibited
    // alert, fraud-detector's warning under its critical spike, had been notified already).
    assert_eq!(counts("sample"), ([0, 3, 13, 4], [0, 3, 13, 4]));
    // The drills, where inhibition matters.
    let (with, without) = counts("model-down-drill");
    println!("model-down drill: with {with:?}, without {without:?}");
    assert_eq!((with, without), ([0, 2, 3, 0], [0, 2, 4, 0]));
    let (with, without) = counts("feature-store-drill");
    println!("feature-store drill: with {with:?}, without {without:?}");
    assert_eq!((with, without), ([0, 0, 6, 0], [0, 0, 6, 0]));
}

#[test]
fn promplay_am_simulate_prints_the_counts() {
    let argv: Vec<String> =
        ["am", "simulate", "tests/alertmanager/seed_alertmanager.configmap.yaml", "--alerts", "sample"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = promql_playground::cli::main_with(&argv, &mut out, &mut err);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let table: Vec<&str> = text.lines().skip(1).take(6).collect();
    assert_eq!(
        table,
        [
            "receiver                  with inhibition    without",
            "default                                 0          0",
            "pagerduty                               3          3",
            "slack-warnings                         13         13",
            "email                                   4          4",
            "total                                  20         20",
        ]
    );
    assert!(text.starts_with("4336 POSTs (5159 alerts) from 2026-01-05T00:00:00Z for 48h\n"), "{text}");
}
