//! The live differential: a real Alertmanager 0.25 on 127.0.0.1 (its own storage directory, no
//! clustering, 1–3 s timers) gets a scripted sequence of alerts through `/api/v2/alerts`; a
//! local webhook receiver records what it sends. The simulation of the same script must send
//! the same notifications: per receiver, the same sequence of (group key, status, alerts with
//! labels, annotations, start, end and status, in order), at the same times within 250 ms.
//!
//! The script exercises group_wait, group_interval, repeat_interval, `continue`, grouping by
//! two label sets, inhibition starting and ending, explicit resolutions, `resolve_timeout`,
//! re-posts of firing alerts and `send_resolved: false`. Alerts are posted at even seconds or
//! half seconds and groups only created at even seconds, so every flush (at odd seconds) is half
//! a second away from any post: no outcome depends on a race. About 20 s in all.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use promql_playground::alertmanager::alert::{Post, PostedAlert};
use promql_playground::alertmanager::load;
use promql_playground::alertmanager::outcome::Outcome;
use promql_playground::alertmanager::simulate::{Options, Simulation};
use promql_playground::alertmanager::template::webhook_json;
use promql_playground::content::time::{format_instant, parse_instant};
use promql_playground::engine::{Labels, Millis};

use super::http::{request, Receiver};
use super::{binary, Scratch};

/// How far a notification's arrival may be from the simulated flush.
const TOLERANCE: Millis = 250;
/// The script's length.
const END: Millis = 14_000;

const CONFIG: &str = "global:
  resolve_timeout: 2500ms
route:
  receiver: default
  group_by: [alertname, model]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
  routes:
  - matchers: [severity=\"critical\"]
    receiver: pager
    continue: true
  - matchers: ['severity=~\"critical|warning\"']
    receiver: chat
    group_by: [model]
  - matchers: [severity=\"info\"]
    receiver: mail
inhibit_rules:
- source_matchers: [alertname=\"ModelNoPredictions\"]
  target_matchers: [severity=\"warning\"]
  equal: [model]
receivers:
- name: default
  webhook_configs: [{url: 'URL/default'}]
- name: pager
  webhook_configs: [{url: 'URL/pager'}]
- name: chat
  webhook_configs: [{url: 'URL/chat', send_resolved: false}]
- name: mail
  webhook_configs: [{url: 'URL/mail'}]
";

/// One alert of the script: labels, start and end (offsets in ms; no end: resolve_timeout).
struct Scripted {
    labels: &'static [(&'static str, &'static str)],
    start: Millis,
    end: Option<Millis>,
}

const HIGH_ERRORS: &[(&str, &str)] =
    &[("alertname", "ModelHighErrorRate"), ("model", "fraud-detector"), ("severity", "warning")];
const HIGH_LATENCY: &[(&str, &str)] =
    &[("alertname", "ModelHighLatency"), ("model", "fraud-detector"), ("severity", "warning")];
const DOWN: &[(&str, &str)] =
    &[("alertname", "ModelNoPredictions"), ("model", "fraud-detector"), ("severity", "critical")];
const LOW_CACHE: &[(&str, &str)] =
    &[("alertname", "ModelLowCacheHitRate"), ("model", "recommender"), ("severity", "info")];
const ANOMALY: &[(&str, &str)] = &[("alertname", "PlatformTrafficAnomaly"), ("component", "platform")];

fn firing(labels: &'static [(&'static str, &'static str)], start: Millis, at: Millis) -> Scripted {
    Scripted { labels, start, end: Some(at + 60_000) }
}

fn resolved(labels: &'static [(&'static str, &'static str)], start: Millis, at: Millis) -> Scripted {
    Scripted { labels, start, end: Some(at) }
}

/// The POSTs: (offset in ms, alerts).
fn script() -> Vec<(Millis, Vec<Scripted>)> {
    vec![
        (0, vec![firing(HIGH_ERRORS, 0, 0), firing(LOW_CACHE, 0, 0)]),
        (1500, vec![firing(HIGH_LATENCY, 1500, 1500)]),
        (2000, vec![firing(DOWN, 2000, 2000)]),
        (3500, vec![resolved(LOW_CACHE, 0, 3500)]),
        (4500, vec![firing(HIGH_ERRORS, 0, 4500), firing(HIGH_LATENCY, 1500, 4500)]),
        (5500, vec![resolved(DOWN, 2000, 5500)]),
        (8000, vec![Scripted { labels: ANOMALY, start: 8000, end: None }]),
        (11_500, vec![resolved(HIGH_ERRORS, 0, 11_500), resolved(HIGH_LATENCY, 1500, 11_500)]),
    ]
}

fn posted(s: &Scripted, t0: Millis) -> PostedAlert {
    let labels = Labels::from_pairs(s.labels.iter().copied());
    let name = labels.get_or_empty("alertname").to_string();
    PostedAlert {
        labels,
        annotations: [("description".to_string(), format!("{name} from the script"))].into(),
        starts_at: Some(t0 + s.start),
        ends_at: s.end.map(|e| t0 + e),
        generator_url: "http://prometheus.local/graph".into(),
    }
}

/// RFC 3339 with milliseconds, as a client sends it.
fn rfc3339(t: Millis) -> String {
    let base = format_instant(t.div_euclid(1000) * 1000);
    format!("{}.{:03}Z", base.trim_end_matches('Z'), t.rem_euclid(1000))
}

/// Reads Alertmanager's RFC 3339 (nanoseconds, UTC) to milliseconds; None for the zero time.
fn parse_time(s: &str) -> Option<Millis> {
    if s.starts_with("0001-01-01") {
        return None;
    }
    let (base, frac) = s.trim_end_matches('Z').split_once('.').unwrap_or((s.trim_end_matches('Z'), "0"));
    let whole = parse_instant(&format!("{base}Z")).unwrap_or_else(|e| panic!("{s}: {e}"));
    let ms: Millis = format!("{frac:0<3}")[..3].parse().unwrap_or(0);
    Some(whole + ms)
}

fn body(alerts: &[PostedAlert]) -> String {
    let items: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| {
            let labels: serde_json::Map<String, serde_json::Value> =
                a.labels.iter().map(|(k, v)| (k.to_string(), v.into())).collect();
            let mut item = serde_json::json!({
                "labels": labels,
                "annotations": a.annotations,
                "startsAt": rfc3339(a.starts_at.unwrap_or_default()),
                "generatorURL": a.generator_url,
            });
            if let Some(e) = a.ends_at {
                item["endsAt"] = rfc3339(e).into();
            }
            item
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// The running Alertmanager; dropping it stops the process.
struct Alertmanager(Child);

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wall_ms() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as Millis)
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    l.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

/// An alert as compared: labels, its description, status, start and end.
type SeenAlert = (Labels, String, String, Option<Millis>, Option<Millis>);

/// A notification as compared: (receiver, group key, status, alerts), and its time.
#[derive(Debug, PartialEq)]
struct Seen {
    receiver: String,
    group_key: String,
    status: String,
    alerts: Vec<SeenAlert>,
}

fn seen_from_webhook(receiver: &str, body: &str) -> Seen {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let alerts = v["alerts"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    let labels = Labels::from_pairs(
                        a["labels"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), text(v))),
                    );
                    (
                        labels,
                        text(&a["annotations"]["description"]),
                        text(&a["status"]),
                        parse_time(a["startsAt"].as_str().unwrap_or_default()),
                        parse_time(a["endsAt"].as_str().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(text(&v["receiver"]), receiver, "{body}");
    Seen { receiver: receiver.into(), group_key: text(&v["groupKey"]), status: text(&v["status"]), alerts }
}

fn seen_from_simulation(
    outcome: &Outcome,
    n: &promql_playground::alertmanager::outcome::Notification,
) -> Seen {
    Seen {
        receiver: n.receiver.clone(),
        group_key: outcome.groups[n.group].key.clone(),
        status: n.status().into(),
        alerts: n
            .alerts
            .iter()
            .map(|a| {
                let status = if a.firing() { "firing" } else { "resolved" };
                let description = a.annotations.get("description").cloned().unwrap_or_default();
                (a.labels.clone(), description, status.to_string(), Some(a.starts_at), a.ends_at)
            })
            .collect(),
    }
}

/// Alerts compared with the end time within the tolerance (a `resolve_timeout` end is set from
/// Alertmanager's own clock).
fn same(a: &Seen, b: &Seen) -> bool {
    a.receiver == b.receiver
        && a.group_key == b.group_key
        && a.status == b.status
        && a.alerts.len() == b.alerts.len()
        && a.alerts.iter().zip(&b.alerts).all(|(x, y)| {
            x.0 == y.0
                && x.1 == y.1
                && x.2 == y.2
                && x.3 == y.3
                && match (x.4, y.4) {
                    (None, None) => true,
                    (Some(p), Some(q)) => (p - q).abs() <= TOLERANCE,
                    _ => false,
                }
        })
}

/// A webhook body without what depends on the host or on Alertmanager's clock: the external
/// URL and the alerts' ends (compared apart, within the tolerance).
fn comparable_body(mut body: serde_json::Value) -> serde_json::Value {
    if let Some(o) = body.as_object_mut() {
        o.remove("externalURL");
    }
    if let Some(alerts) = body["alerts"].as_array_mut() {
        for a in alerts {
            if let Some(o) = a.as_object_mut() {
                o.remove("endsAt");
            }
        }
    }
    body
}

#[test]
fn real_alertmanager_live_notifications_agree() {
    let am_binary = binary("prometheus-alertmanager");
    let scratch = Scratch::new("live");
    let webhooks = Receiver::start();
    let config_text = CONFIG.replace("URL/", &webhooks.url(""));
    let config_path = scratch.write("alertmanager.yml", &config_text);
    let port = free_port();
    let spawned_wall = wall_ms();
    let log = std::fs::File::create(scratch.0.join("alertmanager.log")).unwrap_or_else(|e| panic!("{e}"));
    let child = Command::new(am_binary)
        .arg(format!("--config.file={}", config_path.display()))
        .arg(format!("--storage.path={}", scratch.0.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Alertmanager: {e}"));
    let _guard = Alertmanager(child);
    let deadline = Instant::now() + Duration::from_secs(15);
    while request(port, "GET", "/-/ready", "") != Ok(200) {
        assert!(Instant::now() < deadline, "Alertmanager did not become ready within 15 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    let t0 = Instant::now() + Duration::from_millis(300);
    let t0_wall = wall_ms() + 300;
    let mut posts = Vec::new();
    for (offset, alerts) in script() {
        let alerts: Vec<PostedAlert> = alerts.iter().map(|s| posted(s, t0_wall)).collect();
        std::thread::sleep(
            (t0 + Duration::from_millis(offset as u64)).saturating_duration_since(Instant::now()),
        );
        assert_eq!(request(port, "POST", "/api/v2/alerts", &body(&alerts)), Ok(200), "POST at {offset} ms");
        posts.push(Post { at: t0_wall + offset, alerts });
    }
    std::thread::sleep((t0 + Duration::from_millis(END as u64)).saturating_duration_since(Instant::now()));
    let requests = webhooks.requests();
    drop(_guard);

    let config = load(&config_text).1.unwrap_or_else(|e| panic!("{}", e.message()));
    let options = Options { start: spawned_wall, end: t0_wall + END, inhibition: true, reloads: Vec::new() };
    let outcome = Simulation::run(&config, posts, options);
    // The script's own rule: groups start at even seconds (so flushes fall on odd ones).
    for g in &outcome.groups {
        assert_eq!((g.created_at - t0_wall) % 2000, 0, "group {} created off the even seconds", g.key);
    }
    let mut compared = 0;
    for receiver in ["default", "pager", "chat", "mail"] {
        let bodies: Vec<&str> =
            requests.iter().filter(|r| r.path == receiver).map(|r| r.body.as_str()).collect();
        let ours: Vec<serde_json::Value> = outcome
            .notifications
            .iter()
            .filter(|n| n.receiver == receiver)
            .map(|n| {
                let g = &outcome.groups[n.group];
                webhook_json(&n.receiver, &g.key, &g.labels, &n.alerts, "")
            })
            .collect();
        for (body, mine) in bodies.iter().zip(&ours) {
            let theirs: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(comparable_body(mine.clone()), comparable_body(theirs), "{receiver}: webhook body");
        }
        let live: Vec<(Millis, Seen)> = requests
            .iter()
            .filter(|r| r.path == receiver)
            .map(|r| {
                (
                    r.at.saturating_duration_since(t0).as_millis() as Millis,
                    seen_from_webhook(receiver, &r.body),
                )
            })
            .collect();
        let simulated: Vec<(Millis, Seen)> = outcome
            .notifications
            .iter()
            .filter(|n| n.receiver == receiver)
            .map(|n| (n.at - t0_wall, seen_from_simulation(&outcome, n)))
            .collect();
        let show = |list: &[(Millis, Seen)]| -> Vec<String> {
            list.iter().map(|(t, s)| format!("{t} ms {} {} alerts", s.status, s.alerts.len())).collect()
        };
        assert_eq!(
            live.len(),
            simulated.len(),
            "{receiver}: live {:?}, simulated {:?}",
            show(&live),
            show(&simulated)
        );
        for ((lt, l), (st, s)) in live.iter().zip(&simulated) {
            assert!((lt - st).abs() <= TOLERANCE, "{receiver}: live at {lt} ms, simulated at {st} ms");
            assert!(same(l, s), "{receiver} at {st} ms:\n  live      {l:?}\n  simulated {s:?}");
            compared += 1;
        }
    }
    println!("live Alertmanager 0.25: {compared} notifications agree with the simulation");
    assert_eq!(compared, 10, "the script produces ten notifications");
}
