//! Notification texts as Alertmanager 0.25 renders them, on the project's Go template engine
//! and its Alertmanager functions and data model (`gotemplate::alertmanager`): the template data
//! of a simulated notification (receiver, status, alerts, group and common labels and
//! annotations, fingerprints), Alertmanager's built-in `default.tmpl` under every text (so
//! `{{ template "slack.default.title" . }}` works), each integration's texts with their
//! defaults, and the JSON body a webhook receives.

use std::rc::Rc;
use std::sync::OnceLock;

use super::outcome::NotifiedAlert;
use super::receivers::{Integration, Kind};
use crate::engine::{Labels, Millis};
use crate::gotemplate::alertmanager::{self as am, Alert, Data};
use crate::gotemplate::time::from_unix_nanos;
use crate::gotemplate::value::{GoTime, Struct};
use crate::gotemplate::{MissingKey, NoHost, Options, Template, Value};

/// Alertmanager 0.25's `template/default.tmpl` (Apache-2.0, The Prometheus Authors).
const DEFAULT_TMPL: &str = include_str!("default.tmpl");

/// The external URL templates see when none is configured.
pub const DEFAULT_EXTERNAL_URL: &str = "http://alertmanager.local:9093";

/// Go's zero `time.Time` (what a firing alert's `EndsAt` is).
const ZERO_TIME: GoTime = GoTime { secs: -62_135_596_800, nanos: 0 };

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

fn time(ms: Millis) -> GoTime {
    from_unix_nanos(ms.saturating_mul(1_000_000))
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

fn map(labels: &Labels) -> std::collections::BTreeMap<String, String> {
    labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn annotation_set(a: &NotifiedAlert) -> Labels {
    Labels::from_pairs(a.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `Template.Data`: the data of a notification to `receiver` of `alerts` in a group.
pub fn data(receiver: &str, group_labels: &Labels, alerts: &[NotifiedAlert], external_url: &str) -> Data {
    let label_sets: Vec<Labels> = alerts.iter().map(|a| a.labels.clone()).collect();
    let annotation_sets: Vec<Labels> = alerts.iter().map(annotation_set).collect();
    Data {
        receiver: quote_meta(receiver),
        status: if alerts.iter().any(NotifiedAlert::firing) { "firing" } else { "resolved" }.into(),
        alerts: alerts
            .iter()
            .map(|a| Alert {
                status: if a.firing() { "firing" } else { "resolved" }.into(),
                labels: map(&a.labels),
                annotations: a.annotations.clone(),
                starts_at: time(a.starts_at),
                ends_at: a.ends_at.map_or(ZERO_TIME, time),
                generator_url: a.generator_url.clone(),
                fingerprint: fingerprint(&a.labels),
            })
            .collect(),
        group_labels: map(group_labels),
        common_labels: map(&common(&label_sets)),
        common_annotations: map(&common(&annotation_sets)),
        external_url: external_url.to_string(),
    }
}

/// The built-in templates, parsed once.
fn defaults() -> Result<&'static Template, String> {
    static DEFAULTS: OnceLock<Result<Template, String>> = OnceLock::new();
    DEFAULTS
        .get_or_init(|| {
            let options = Options { missing_key: MissingKey::Zero, ..Options::default() };
            Template::parse("default.tmpl", DEFAULT_TMPL, am::registry()).map(|t| t.with_options(options))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Renders one notification text (`ExecuteTextString`, the data passed as `*Data` as the
/// notifiers pass it): Go's parse or execution error on failure.
pub fn render(text: &str, data: &Data) -> Result<String, String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let value = match data.to_value() {
        Value::Struct(s) => {
            Value::Struct(Rc::new(Struct { type_name: s.type_name, pointer: true, fields: s.fields.clone() }))
        }
        other => other,
    };
    defaults()?.parse_in("", text)?.execute(&value, &NoHost)
}

/// RFC 3339 with the fraction Go's `RFC3339Nano` prints (trailing zeros dropped), in UTC.
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
    let d = data(receiver, group_labels, alerts, external_url);
    let items: Vec<serde_json::Value> = alerts
        .iter()
        .zip(&d.alerts)
        .map(|(a, t)| {
            serde_json::json!({
                "status": t.status,
                "labels": t.labels,
                "annotations": t.annotations,
                "startsAt": rfc3339_nano(a.starts_at),
                "endsAt": a.ends_at.map_or_else(|| "0001-01-01T00:00:00Z".to_string(), rfc3339_nano),
                "generatorURL": t.generator_url,
                "fingerprint": t.fingerprint,
            })
        })
        .collect();
    serde_json::json!({
        "receiver": d.receiver,
        "status": d.status,
        "alerts": items,
        "groupLabels": d.group_labels,
        "commonLabels": d.common_labels,
        "commonAnnotations": d.common_annotations,
        "externalURL": d.external_url,
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    })
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
pub fn notification_texts(integration: &Integration, data: &Data) -> Vec<(String, Result<String, String>)> {
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

    fn seed_data() -> Data {
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
