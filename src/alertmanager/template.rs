//! Notification texts as Alertmanager 0.25 renders them: the template data of a notification
//! (`.Receiver`, `.Status`, `.Alerts` with `.Firing`/`.Resolved`, `.GroupLabels`,
//! `.CommonLabels`, `.CommonAnnotations`, `.ExternalURL`; `KV.SortedPairs`, `.Names`,
//! `.Values`, `.Remove`), its template functions (`toUpper toLower title join match safeHtml
//! reReplaceAll stringSlice` and Go's builtins) and its built-in `default.tmpl`, on the
//! project's Go `text/template` engine. Texts run with `missingkey=zero`, named "" as
//! Alertmanager names them.

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use super::outcome::NotifiedAlert;
use super::receivers::{Integration, Kind};
use crate::engine::{Labels, Millis};
use crate::gotemplate::registry::{Param, Registry, STRING};
use crate::gotemplate::time::from_unix_nanos;
use crate::gotemplate::value::{GoTime, Kind as ValueKind, List, Map, Struct};
use crate::gotemplate::{MissingKey, NoHost, Options, Template, Value};
use crate::rules::load::Dialect;
use crate::rules::templating::functions::{title_v3, to_lower_char};

/// Alertmanager 0.25's `template/default.tmpl` (Apache-2.0, The Prometheus Authors).
const DEFAULT_TMPL: &str = include_str!("default.tmpl");

/// The external URL templates see when none is configured.
pub const DEFAULT_EXTERNAL_URL: &str = "http://alertmanager.local:9093";

const STRING_SLICE: Param = Param::Type("[]string", ValueKind::Slice);

/// Prometheus's functions that Alertmanager does not have.
const PROMETHEUS_ONLY: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "sortByLabel",
    "args",
    "graphLink",
    "tableLink",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "toDuration",
    "now",
    "urlQueryEscape",
];

/// Alertmanager's functions and methods: Prometheus's text functions (the same Go code) without
/// its query and formatting ones, `title` lower-casing the rest of each word, `join` and
/// `stringSlice`, and the methods of the notification data types.
fn registry() -> Arc<Registry> {
    static REGISTRY: OnceLock<Arc<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let mut r = (*crate::rules::templating::registry(Dialect::Prometheus3)).clone();
            for name in PROMETHEUS_ONLY {
                r.remove(name);
            }
            r.func("title", &[STRING], None, |a, _| {
                let lower: String = text(a, 0).chars().map(to_lower_char).collect();
                Ok(Value::str(&title_v3(&lower)))
            });
            r.func("join", &[STRING, STRING_SLICE], None, |a, _| {
                Ok(Value::str(&strings(&a[1]).join(text(a, 0))))
            });
            r.func("stringSlice", &[], Some(STRING), |a, _| {
                Ok(string_list(a.iter().map(|v| v.as_str().unwrap_or(""))))
            });
            r.method("template.KV", "SortedPairs", &[], |a, _| Ok(sorted_pairs(&a[0])));
            r.method("template.KV", "Names", &[], |a, _| Ok(pair_column(&sorted_pairs(&a[0]), "Name")));
            r.method("template.KV", "Values", &[], |a, _| Ok(pair_column(&sorted_pairs(&a[0]), "Value")));
            r.method("template.KV", "Remove", &[STRING_SLICE], |a, _| {
                let drop = strings(&a[1]);
                Ok(kv(map_entries(&a[0]).into_iter().filter(|(k, _)| !drop.iter().any(|d| d == k))))
            });
            r.method("template.Pairs", "Names", &[], |a, _| Ok(pair_column(&a[0], "Name")));
            r.method("template.Pairs", "Values", &[], |a, _| Ok(pair_column(&a[0], "Value")));
            r.method("template.Alerts", "Firing", &[], |a, _| Ok(alerts_with_status(&a[0], "firing")));
            r.method("template.Alerts", "Resolved", &[], |a, _| Ok(alerts_with_status(&a[0], "resolved")));
            Arc::new(r)
        })
        .clone()
}

fn text(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.items.iter().map(|i| i.as_str().unwrap_or("").to_string()).collect(),
        _ => Vec::new(),
    }
}

fn string_list<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::List(Rc::new(List { type_name: "[]string", items: items.map(Value::str).collect() }))
}

fn map_entries(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Map(m) => {
            m.entries.iter().map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string())).collect()
        }
        _ => Vec::new(),
    }
}

/// A `template.KV`.
fn kv(pairs: impl Iterator<Item = (String, String)>) -> Value {
    let entries = pairs.map(|(k, v)| (Rc::from(k.as_str()), Value::str(&v))).collect();
    Value::Map(Rc::new(Map::new("template.KV", Value::str(""), entries)))
}

fn labels_kv(labels: &Labels) -> Value {
    kv(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

/// `KV.SortedPairs`: by name, but `alertname` first.
fn sorted_pairs(v: &Value) -> Value {
    let mut entries = map_entries(v);
    entries.sort_by(|a, b| (a.0 != "alertname", &a.0).cmp(&(b.0 != "alertname", &b.0)));
    let items = entries
        .into_iter()
        .map(|(k, v)| {
            Value::Struct(Rc::new(Struct {
                type_name: "template.Pair",
                pointer: false,
                fields: vec![("Name", Value::str(&k)), ("Value", Value::str(&v))],
            }))
        })
        .collect();
    Value::List(Rc::new(List { type_name: "template.Pairs", items }))
}

fn pair_column(pairs: &Value, field: &str) -> Value {
    let items: Vec<String> = match pairs {
        Value::List(l) => l
            .items
            .iter()
            .map(|p| match p {
                Value::Struct(s) => s.field(field).and_then(Value::as_str).unwrap_or("").to_string(),
                _ => String::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    string_list(items.iter().map(String::as_str))
}

fn alerts_with_status(alerts: &Value, status: &str) -> Value {
    let items = match alerts {
        Value::List(l) => l
            .items
            .iter()
            .filter(|a| matches!(a, Value::Struct(s) if s.field("Status").and_then(Value::as_str) == Some(status)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Value::List(Rc::new(List { type_name: "[]template.Alert", items }))
}

/// `model.LabelSet.Fingerprint()` as `%016x`: FNV-1a over sorted name, 0xff, value, 0xff.
pub fn fingerprint(labels: &Labels) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (n, v) in labels.iter() {
        for b in n.bytes().chain([0xff]).chain(v.bytes()).chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn time(ms: Millis) -> Value {
    Value::Time(from_unix_nanos(ms.saturating_mul(1_000_000)), false)
}

/// Go's zero `time.Time` (what a firing alert's `EndsAt` is).
fn zero_time() -> Value {
    Value::Time(GoTime { secs: -62_135_596_800, nanos: 0 }, false)
}

/// Go's `regexp.QuoteMeta`, which Alertmanager applies to the receiver name.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The labels all `sets` share with the same value.
fn common(sets: &[Labels]) -> Labels {
    let Some(first) = sets.first() else { return Labels::empty() };
    Labels::from_pairs(first.iter().filter(|(k, v)| sets.iter().all(|s| s.get(k) == Some(v))))
}

/// `Template.Data`: the notification's template data.
pub fn data(receiver: &str, group_labels: &Labels, alerts: &[NotifiedAlert], external_url: &str) -> Value {
    let items: Vec<Value> = alerts
        .iter()
        .map(|a| {
            let status = if a.firing() { "firing" } else { "resolved" };
            Value::Struct(Rc::new(Struct {
                type_name: "template.Alert",
                pointer: false,
                fields: vec![
                    ("Status", Value::str(status)),
                    ("Labels", labels_kv(&a.labels)),
                    ("Annotations", kv(a.annotations.iter().map(|(k, v)| (k.clone(), v.clone())))),
                    ("StartsAt", time(a.starts_at)),
                    ("EndsAt", a.ends_at.map_or_else(zero_time, time)),
                    ("GeneratorURL", Value::str(&a.generator_url)),
                    ("Fingerprint", Value::str(&fingerprint(&a.labels))),
                ],
            }))
        })
        .collect();
    let label_sets: Vec<Labels> = alerts.iter().map(|a| a.labels.clone()).collect();
    let annotation_sets: Vec<Labels> = alerts
        .iter()
        .map(|a| Labels::from_pairs(a.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
        .collect();
    let status = if alerts.iter().any(NotifiedAlert::firing) { "firing" } else { "resolved" };
    Value::Struct(Rc::new(Struct {
        type_name: "template.Data",
        pointer: true,
        fields: vec![
            ("Receiver", Value::str(&quote_meta(receiver))),
            ("Status", Value::str(status)),
            ("Alerts", Value::List(Rc::new(List { type_name: "template.Alerts", items }))),
            ("GroupLabels", labels_kv(group_labels)),
            ("CommonLabels", labels_kv(&common(&label_sets))),
            ("CommonAnnotations", labels_kv(&common(&annotation_sets))),
            ("ExternalURL", Value::str(external_url)),
        ],
    }))
}

/// Go's `time.RFC3339Nano` in UTC (trailing zeros of the fraction dropped), as JSON shows times.
pub fn rfc3339_nano(ms: Millis) -> String {
    let base = crate::content::time::format_instant(ms.div_euclid(1000) * 1000);
    match ms.rem_euclid(1000) {
        0 => base,
        frac => format!("{}.{}Z", base.trim_end_matches('Z'), format!("{frac:03}").trim_end_matches('0')),
    }
}

/// The JSON body Alertmanager's webhook integration POSTs for a notification (`version` 4).
pub fn webhook_json(
    receiver: &str,
    group_key: &str,
    group_labels: &Labels,
    alerts: &[NotifiedAlert],
    external_url: &str,
) -> serde_json::Value {
    let kv = |l: &Labels| -> serde_json::Map<String, serde_json::Value> {
        l.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(v))).collect()
    };
    let label_sets: Vec<Labels> = alerts.iter().map(|a| a.labels.clone()).collect();
    let annotation_sets: Vec<Labels> = alerts
        .iter()
        .map(|a| Labels::from_pairs(a.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
        .collect();
    let items: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| {
            serde_json::json!({
                "status": if a.firing() { "firing" } else { "resolved" },
                "labels": kv(&a.labels),
                "annotations": a.annotations,
                "startsAt": rfc3339_nano(a.starts_at),
                "endsAt": a.ends_at.map_or_else(|| "0001-01-01T00:00:00Z".to_string(), rfc3339_nano),
                "generatorURL": a.generator_url,
                "fingerprint": fingerprint(&a.labels),
            })
        })
        .collect();
    serde_json::json!({
        "receiver": quote_meta(receiver),
        "status": if alerts.iter().any(NotifiedAlert::firing) { "firing" } else { "resolved" },
        "alerts": items,
        "groupLabels": kv(group_labels),
        "commonLabels": kv(&common(&label_sets)),
        "commonAnnotations": kv(&common(&annotation_sets)),
        "externalURL": external_url,
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    })
}

/// The built-in templates, parsed once.
fn defaults() -> Result<&'static Template, String> {
    static DEFAULTS: OnceLock<Result<Template, String>> = OnceLock::new();
    DEFAULTS
        .get_or_init(|| {
            let options = Options { missing_key: MissingKey::Zero, ..Options::default() };
            Template::parse("default.tmpl", DEFAULT_TMPL, registry()).map(|t| t.with_options(options))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Renders one notification text (`ExecuteTextString`): Go's parse or execution error on failure.
pub fn render(text: &str, data: &Value) -> Result<String, String> {
    defaults()?.parse_in("", text)?.execute(data, &NoHost)
}

/// The fields a notification of `kind` shows, with the text Alertmanager uses when the
/// configuration does not set them.
fn shown_fields(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Slack => &[
            ("title", r#"{{ template "slack.default.title" . }}"#),
            ("text", r#"{{ template "slack.default.text" . }}"#),
        ],
        Kind::Pagerduty => &[("description", r#"{{ template "pagerduty.default.description" .}}"#)],
        // `email.default.subject` lives in email.tmpl (the HTML mail, not carried here) and is
        // `{{ template "__subject" . }}`.
        Kind::Email => &[("subject", r#"{{ template "__subject" . }}"#)],
        Kind::OpsGenie => &[("message", r#"{{ template "opsgenie.default.message" . }}"#)],
        Kind::Wechat => &[("message", r#"{{ template "wechat.default.message" . }}"#)],
        Kind::VictorOps => &[("state_message", r#"{{ template "victorops.default.state_message" . }}"#)],
        Kind::Pushover => &[
            ("title", r#"{{ template "pushover.default.title" . }}"#),
            ("message", r#"{{ template "pushover.default.message" . }}"#),
        ],
        Kind::Sns => &[("message", r#"{{ template "sns.default.message" . }}"#)],
        Kind::Telegram => &[("message", r#"{{ template "telegram.default.message" . }}"#)],
        Kind::Discord => &[("title", r#"{{ template "discord.default.title" . }}"#)],
        Kind::Webex => &[("message", r#"{{ template "webex.default.message" . }}"#)],
        Kind::Webhook => &[],
    }
}

/// The rendered texts of a notification for `integration`: (field, text or error).
pub fn notification_texts(integration: &Integration, data: &Value) -> Vec<(String, Result<String, String>)> {
    shown_fields(integration.kind)
        .iter()
        .map(|(field, default)| {
            let text = integration.text_field(field).filter(|t| !t.is_empty()).unwrap_or(default);
            (field.to_string(), render(text, data))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn alert(pairs: &[(&str, &str)], description: &str, ends_at: Option<Millis>) -> NotifiedAlert {
        NotifiedAlert {
            labels: Labels::from_pairs(pairs.iter().copied()),
            annotations: BTreeMap::from([("description".to_string(), description.to_string())]),
            starts_at: 1_767_571_200_000,
            ends_at,
            generator_url: "http://prometheus/graph".into(),
        }
    }

    fn seed_data() -> Value {
        let alerts = [
            alert(
                &[("alertname", "ModelHighLatency"), ("model", "fraud-detector"), ("severity", "warning")],
                "p95 is 1.2s",
                None,
            ),
            alert(
                &[("alertname", "ModelHighLatency"), ("model", "recommender"), ("severity", "warning")],
                "p95 is 800ms",
                Some(1_767_571_500_000),
            ),
        ];
        let group = Labels::from_pairs([("alertname", "ModelHighLatency")]);
        data("slack-warnings", &group, &alerts, DEFAULT_EXTERNAL_URL)
    }

    #[test]
    fn the_seed_slack_text_concatenates_descriptions() {
        let out = render("{{ range .Alerts }}{{ .Annotations.description }}{{ end }}", &seed_data());
        assert_eq!(out.as_deref(), Ok("p95 is 1.2sp95 is 800ms"));
    }

    #[test]
    fn the_default_title_is_alertmanagers_subject() {
        let out = render(r#"{{ template "slack.default.title" . }}"#, &seed_data());
        assert_eq!(out.as_deref(), Ok("[FIRING:1] ModelHighLatency (warning)"));
    }

    #[test]
    fn data_methods_and_functions() {
        let d = seed_data();
        for (text, want) in [
            (
                "{{ .Status }} {{ .Receiver }} {{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}",
                "firing slack-warnings 1/1",
            ),
            ("{{ .CommonLabels.SortedPairs.Names | join \",\" }}", "alertname,severity"),
            (
                "{{ (index .Alerts 0).Labels.Remove (stringSlice \"model\") }}",
                "map[alertname:ModelHighLatency severity:warning]",
            ),
            ("{{ title \"hELLO wORLD\" }} {{ toUpper \"a\" }}", "Hello World A"),
            ("{{ (index .Alerts 1).EndsAt }}", "2026-01-05 00:05:00 +0000 UTC"),
            ("{{ (index .Alerts 0).EndsAt }}", "0001-01-01 00:00:00 +0000 UTC"),
            ("{{ reReplaceAll \"(.*)-(.*)\" \"$2\" \"fraud-detector\" }}", "detector"),
            ("{{ .GroupLabels.nothere }}", ""),
        ] {
            assert_eq!(render(text, &d).as_deref(), Ok(want), "{text}");
        }
        assert!(render("{{ humanize 1 }}", &d).is_err(), "Prometheus-only functions are not there");
        assert_eq!(
            render("{{ .Missing }}", &d).unwrap_err(),
            "template: :1:3: executing \"\" at <.Missing>: can't evaluate field Missing in type *template.Data"
        );
    }

    #[test]
    fn times_and_webhook_bodies() {
        assert_eq!(rfc3339_nano(1_767_571_200_000), "2026-01-05T00:00:00Z");
        assert_eq!(rfc3339_nano(1_767_571_200_120), "2026-01-05T00:00:00.12Z");
        let a = alert(&[("alertname", "X")], "d", None);
        let body = webhook_json("r", "{}:{}", &Labels::empty(), &[a], DEFAULT_EXTERNAL_URL);
        assert_eq!(body["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
        assert_eq!(body["status"], "firing");
        assert_eq!(body["commonAnnotations"]["description"], "d");
    }

    #[test]
    fn fingerprints_match_prometheus_common() {
        assert_eq!(fingerprint(&Labels::empty()), "cbf29ce484222325");
        assert_eq!(fingerprint(&Labels::from_pairs([("alertname", "test")])).len(), 16);
    }
}
