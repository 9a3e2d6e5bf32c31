//! Notification timing conformance: the timelines of `tests/alertmanager/corpus/notifications.yaml`
//! (group_wait, group_interval, repeat_interval, resolve_timeout, send_resolved, merging,
//! reloads: Alertmanager's acceptance tests and own cases) and the two inhibition timelines of
//! `inhibition.yaml`, simulated and compared with what a live Alertmanager 0.25 sent to its
//! webhooks: the same notifications in the same order, the same alerts in each (labels, start,
//! end, status), at the same times within the upstream tests' 150 ms tolerance, and every
//! expected window of the upstream test met.

use std::collections::BTreeMap;

use promql_playground::alertmanager::alert::{Post, PostedAlert};
use promql_playground::alertmanager::load;
use promql_playground::alertmanager::outcome::{Notification, Outcome};
use promql_playground::alertmanager::simulate::{Options, Simulation};
use promql_playground::content::yaml;
use promql_playground::engine::{Labels, Millis};
use serde::Deserialize;

const NOTIFICATIONS: &str = include_str!("alertmanager/corpus/notifications.yaml");
const INHIBITION: &str = include_str!("alertmanager/corpus/inhibition.yaml");

/// The upstream acceptance tests' tolerance, in milliseconds.
const TOLERANCE: Millis = 150;

#[derive(Deserialize)]
struct NotificationCorpus {
    timelines: Vec<Timeline>,
}

#[derive(Deserialize)]
struct Timeline {
    id: String,
    config: String,
    #[serde(default)]
    webhooks: BTreeMap<String, WebhookSpec>,
    pushes: Vec<Push>,
    #[serde(default)]
    actions: Vec<Action>,
    expected: BTreeMap<String, Vec<Window>>,
    alertmanager_0_25: Live,
}

#[derive(Deserialize, Default)]
struct WebhookSpec {
    drop_before: Option<f64>,
}

#[derive(Deserialize)]
struct Push {
    at: f64,
    alerts: Vec<PushAlert>,
}

#[derive(Deserialize)]
struct PushAlert {
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    active: Option<Vec<f64>>,
}

#[derive(Deserialize)]
struct Action {
    at: f64,
    #[serde(rename = "do")]
    action: String,
}

#[derive(Deserialize, Clone)]
struct Window {
    between: Vec<f64>,
    alerts: Vec<WindowAlert>,
}

#[derive(Deserialize, Clone)]
struct WindowAlert {
    labels: BTreeMap<String, String>,
    active: Vec<f64>,
}

#[derive(Deserialize)]
struct Live {
    runnable: Option<bool>,
    agrees: Option<bool>,
    received: Option<BTreeMap<String, Vec<Received>>>,
}

#[derive(Deserialize)]
struct Received {
    at: f64,
    alerts: Vec<ReceivedAlert>,
}

#[derive(Deserialize)]
struct ReceivedAlert {
    labels: BTreeMap<String, String>,
    #[serde(rename = "startsAt")]
    starts_at: f64,
    #[serde(rename = "endsAt")]
    ends_at: Option<f64>,
    status: String,
}

fn ms(seconds: f64) -> Millis {
    (seconds * 1000.0).round() as Millis
}

fn labels(map: &BTreeMap<String, String>) -> Labels {
    Labels::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn posted(
    labels_: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
    active: Option<&[f64]>,
) -> PostedAlert {
    PostedAlert {
        labels: labels(labels_),
        annotations: annotations.clone(),
        starts_at: active.and_then(|a| a.first()).map(|s| ms(*s)),
        ends_at: active.and_then(|a| a.get(1)).map(|e| ms(*e)),
        generator_url: String::new(),
    }
}

/// Replaces `{{WEBHOOK:name}}` placeholders; returns the config and the webhook names in the
/// order they appear (a receiver's webhook integrations are indexed in that order).
fn with_webhooks(config: &str) -> (String, Vec<String>) {
    let mut names = Vec::new();
    let mut out = String::new();
    let mut rest = config;
    while let Some(i) = rest.find("{{WEBHOOK:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "{{WEBHOOK:".len()..];
        let end = after.find("}}").expect("closed placeholder");
        names.push(after[..end].to_string());
        out.push_str(&format!("http://127.0.0.1:9/{}", &after[..end]));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    (out, names)
}

/// Runs a timeline; the notifications each webhook receives.
fn simulate(config: &str, posts: Vec<Post>, reloads: Vec<Millis>, end: Millis) -> (Outcome, Vec<String>) {
    let (config, names) = with_webhooks(config);
    let config = load(&config).1.unwrap_or_else(|e| panic!("{}", e.message()));
    let options = Options { start: 0, end, inhibition: true, reloads };
    (Simulation::run(&config, posts, options), names)
}

fn received_by<'o>(outcome: &'o Outcome, names: &[String], webhook: &str) -> Vec<&'o Notification> {
    let index = names.iter().position(|n| n == webhook).expect("known webhook");
    outcome.notifications.iter().filter(|n| n.integration_index == index).collect()
}

/// The simulation's notifications against what Alertmanager sent, one by one.
fn compare_received(id: &str, got: &[&Notification], want: &[Received]) -> usize {
    let show: Vec<String> = got.iter().map(|n| format!("{} ms: {} alerts", n.at, n.alerts.len())).collect();
    assert_eq!(got.len(), want.len(), "{id}: notification count; simulated {show:?}");
    for (n, r) in got.iter().zip(want) {
        assert!((n.at - ms(r.at)).abs() <= TOLERANCE, "{id}: sent at {} ms, Alertmanager at {}", n.at, r.at);
        assert_eq!(n.alerts.len(), r.alerts.len(), "{id} at {}: alerts", r.at);
        for (a, b) in n.alerts.iter().zip(&r.alerts) {
            assert_eq!(a.labels, labels(&b.labels), "{id} at {}: order and labels", r.at);
            assert!((a.starts_at - ms(b.starts_at)).abs() <= TOLERANCE, "{id} at {}: startsAt", r.at);
            match (a.ends_at, b.ends_at) {
                (None, None) => {}
                (Some(x), Some(y)) => assert!((x - ms(y)).abs() <= TOLERANCE, "{id} at {}: endsAt", r.at),
                other => panic!("{id} at {}: endsAt {other:?}", r.at),
            }
            assert_eq!(if a.firing() { "firing" } else { "resolved" }, b.status, "{id} at {}", r.at);
        }
    }
    got.len()
}

/// The upstream test's windows: each one holds a notification with exactly these alerts (an
/// empty window: no notification in it), and no alert arrives beyond those expected.
fn check_windows(id: &str, got: &[&Notification], windows: &[Window]) {
    for w in windows {
        let (lo, hi) = (ms(w.between[0]), ms(w.between[1]));
        let inside: Vec<&&Notification> = got.iter().filter(|n| n.at >= lo && n.at <= hi).collect();
        if w.alerts.is_empty() {
            assert!(inside.is_empty(), "{id}: nothing expected in {:?}", w.between);
            continue;
        }
        let mut want: Vec<(Labels, Millis, Option<Millis>)> = w
            .alerts
            .iter()
            .map(|a| (labels(&a.labels), ms(a.active[0]), a.active.get(1).map(|e| ms(*e))))
            .collect();
        want.sort();
        let matched = inside.iter().any(|n| {
            let mut have: Vec<(Labels, Millis, Option<Millis>)> =
                n.alerts.iter().map(|a| (a.labels.clone(), a.starts_at, a.ends_at)).collect();
            have.sort();
            have.len() == want.len()
                && have.iter().zip(&want).all(|(h, w)| {
                    h.0 == w.0
                        && (h.1 - w.1).abs() <= TOLERANCE
                        && match (h.2, w.2) {
                            (None, None) => true,
                            (Some(x), Some(y)) => (x - y).abs() <= TOLERANCE,
                            _ => false,
                        }
                })
        });
        assert!(matched, "{id}: window {:?} not met", w.between);
    }
    let expected_alerts: usize = windows.iter().map(|w| w.alerts.len()).sum();
    let got_alerts: usize = got.iter().map(|n| n.alerts.len()).sum();
    assert_eq!(got_alerts, expected_alerts, "{id}: total alerts received");
}

#[test]
fn notification_timelines_agree_with_alertmanager() {
    let corpus: NotificationCorpus =
        yaml::parse("notifications.yaml", NOTIFICATIONS).unwrap_or_else(|e| panic!("{e:?}"));
    let (mut run, mut not_runnable, mut notifications) = (0, Vec::new(), 0);
    for t in &corpus.timelines {
        if t.alertmanager_0_25.runnable == Some(false) {
            not_runnable.push(t.id.clone());
            continue;
        }
        assert_eq!(t.alertmanager_0_25.agrees, Some(true), "{}", t.id);
        let posts = t
            .pushes
            .iter()
            .map(|p| Post {
                at: ms(p.at),
                alerts: p
                    .alerts
                    .iter()
                    .map(|a| posted(&a.labels, &a.annotations, a.active.as_deref()))
                    .collect(),
            })
            .collect();
        let reloads = t.actions.iter().filter(|a| a.action == "reload").map(|a| ms(a.at)).collect();
        // The live run ended with the last window, as the upstream harness does.
        let last = t.expected.values().flatten().map(|w| ms(w.between[1])).max().unwrap_or(0);
        let (outcome, names) = simulate(&t.config, posts, reloads, last);
        let received = t.alertmanager_0_25.received.as_ref().expect("recorded notifications");
        for webhook in t.webhooks.keys() {
            // A webhook that answers without recording before a time (TestRetry) sees only
            // what comes after it.
            let from = t.webhooks[webhook].drop_before.map_or(Millis::MIN, ms);
            let got: Vec<&Notification> =
                received_by(&outcome, &names, webhook).into_iter().filter(|n| n.at >= from).collect();
            let want = received.get(webhook).map(Vec::as_slice).unwrap_or_default();
            notifications += compare_received(&t.id, &got, want);
            check_windows(&t.id, &got, t.expected.get(webhook).map(Vec::as_slice).unwrap_or_default());
        }
        run += 1;
    }
    println!(
        "notification timelines: {run} run and agree ({notifications} notifications); not runnable on 0.25: {not_runnable:?}"
    );
    assert_eq!((run, not_runnable.len()), (11, 2));
}

#[derive(Deserialize)]
struct InhibitionCorpus {
    timelines: Vec<InhibitionTimeline>,
}

#[derive(Deserialize)]
struct InhibitionTimeline {
    id: String,
    route: serde_json::Value,
    inhibit_rules: serde_json::Value,
    pushes: Vec<InhibitionPush>,
    expected_notifications: Vec<Window>,
    alertmanager_0_25: Live,
}

#[derive(Deserialize)]
struct InhibitionPush {
    at: f64,
    alert: BTreeMap<String, String>,
    active: Option<Vec<f64>>,
}

#[test]
fn inhibition_timelines_agree_with_alertmanager() {
    let corpus: InhibitionCorpus =
        yaml::parse("inhibition.yaml", INHIBITION).unwrap_or_else(|e| panic!("{e:?}"));
    for t in &corpus.timelines {
        let config = format!(
            "route: {}\ninhibit_rules: {}\nreceivers:\n- name: default\n  webhook_configs:\n  - url: '{{{{WEBHOOK:webhook}}}}'\n",
            t.route, t.inhibit_rules
        );
        let posts = t
            .pushes
            .iter()
            .map(|p| Post {
                at: ms(p.at),
                alerts: vec![posted(&p.alert, &BTreeMap::new(), p.active.as_deref())],
            })
            .collect();
        let last = t.expected_notifications.iter().map(|w| ms(w.between[1])).max().unwrap_or(0);
        let (outcome, names) = simulate(&config, posts, Vec::new(), last);
        let got = received_by(&outcome, &names, "webhook");
        let received =
            t.alertmanager_0_25.received.as_ref().and_then(|r| r.get("webhook")).expect("recorded");
        compare_received(&t.id, &got, received);
        check_windows(&t.id, &got, &t.expected_notifications);
    }
    assert_eq!(corpus.timelines.len(), 2);
}
