//! Notification templates against the real thing: `amtool template render` (Alertmanager 0.25's
//! `ExecuteTextString` with its `default.tmpl`) renders each text on notification data written
//! as JSON, and `alertmanager::template::render` must print the same, errors included.
//! The Debian package's `default.tmpl` (`/usr/share/prometheus/alertmanager/`) is upstream's,
//! byte for byte the one compiled into the site.

use std::collections::BTreeMap;
use std::process::Command;

use promql_playground::alertmanager::outcome::NotifiedAlert;
use promql_playground::alertmanager::template::{data, render, webhook_json};
use promql_playground::engine::{Labels, Millis};

use super::{binary, Scratch};

const T0: Millis = 1_767_614_400_000;

fn alert(pairs: &[(&str, &str)], description: &str, starts: Millis, ends: Option<Millis>) -> NotifiedAlert {
    NotifiedAlert {
        labels: Labels::from_pairs(pairs.iter().copied()),
        annotations: BTreeMap::from([
            ("description".to_string(), description.to_string()),
            ("summary".to_string(), format!("summary of {description}")),
        ]),
        starts_at: starts,
        ends_at: ends,
        generator_url: "http://prometheus.local/graph?g0.expr=x&g0.tab=1".into(),
    }
}

/// Notifications like the seed's: (receiver, group labels, alerts).
fn cases() -> Vec<(&'static str, Labels, Vec<NotifiedAlert>)> {
    let warn = [
        ("alertname", "ModelHighLatency"),
        ("component", "model-serving"),
        ("model", "fraud-detector"),
        ("severity", "warning"),
    ];
    vec![
        (
            "slack-warnings",
            Labels::from_pairs([("alertname", "ModelHighLatency"), ("model", "fraud-detector")]),
            vec![alert(&warn, "Model fraud-detector p95 latency is 1.2s", T0, None)],
        ),
        (
            "pagerduty",
            Labels::from_pairs([("alertname", "ModelNoPredictions")]),
            vec![
                alert(
                    &[
                        ("alertname", "ModelNoPredictions"),
                        ("model", "recommender"),
                        ("page", "true"),
                        ("severity", "critical"),
                    ],
                    "No predictions from model recommender for 5 minutes",
                    T0 - 600_000,
                    None,
                ),
                alert(
                    &[
                        ("alertname", "ModelNoPredictions"),
                        ("model", "search-ranker"),
                        ("page", "true"),
                        ("severity", "critical"),
                    ],
                    "No predictions from model search-ranker for 5 minutes",
                    T0 - 1_200_000,
                    Some(T0 - 60_000),
                ),
            ],
        ),
        (
            "email",
            Labels::empty(),
            vec![alert(
                &[
                    ("alertname", "ModelLowCacheHitRate"),
                    ("instance", "10.0.0.7:8080"),
                    ("job", "model-serving"),
                    ("severity", "info"),
                ],
                "Cache hit rate is 61.2% (target: >80%)",
                T0 - 30_000,
                Some(T0),
            )],
        ),
    ]
}

const TEXTS: &[&str] = &[
    "{{ range .Alerts }}{{ .Annotations.description }}{{ end }}",
    r#"{{ template "slack.default.title" . }}"#,
    r#"{{ template "slack.default.fallback" . }}"#,
    r#"{{ template "pagerduty.default.description" .}}"#,
    r#"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#,
    r#"{{ template "email.default.subject" . }}"#,
    r#"{{ template "opsgenie.default.description" . }}"#,
    r#"{{ template "telegram.default.message" . }}"#,
    r#"{{ template "webex.default.message" . }}"#,
    "{{ .Status | toUpper }} {{ .Receiver }} {{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved",
    "{{ .GroupLabels.SortedPairs }} / {{ .CommonLabels.Names | join \",\" }} / {{ .CommonLabels.Values }}",
    "{{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .SortedPairs.Values | join \" \" }}{{ end }}",
    "{{ range .Alerts }}{{ .Fingerprint }} {{ .StartsAt }} {{ .EndsAt.Unix }} {{ .Status }}\n{{ end }}",
    "{{ range .Alerts }}{{ .StartsAt.Format \"2006-01-02 15:04 MST\" }} {{ .Labels.model | title }}{{ end }}",
    "{{ range $i, $a := .Alerts }}{{ if $i }}, {{ end }}{{ $a.Labels.alertname }}{{ end }}",
    "{{ if match \"^fraud\" .CommonLabels.model }}fraud{{ else }}other{{ end }} {{ reReplaceAll \"-(.+)\" \" ($1)\" \"search-ranker\" }}",
    "{{ stringSlice \"a\" \"b\" | join \"+\" }} {{ title \"hELLO wORLD\" }} {{ toLower \"ABC\" }} {{ safeHtml \"<b>\" }}",
    "{{ printf \"%d alerts, first %q\" (len .Alerts) (index .Alerts 0).Labels.alertname }} {{ .ExternalURL | urlquery }}",
    "{{ .CommonAnnotations.summary }}{{ .GroupLabels.missing }}|{{ html \"<a&b>\" }}|{{ js \"it's\" }}",
    "{{ .Nope }}",
    "{{ range .Alerts.Firing }}{{ .Labels.Remove }}{{ end }}",
];

/// `amtool template render` on data written as JSON: (output, error message).
fn amtool_render(scratch: &Scratch, text: &str, json: &str) -> Result<String, String> {
    let file = scratch.write("data.json", json);
    let out = Command::new(binary("amtool"))
        // Debian's amtool reads the built-in templates from the file its package installs
        // (upstream's default.tmpl, verbatim) rather than from embedded assets.
        .args(["template", "render", "--template.glob=/usr/share/prometheus/alertmanager/default.tmpl"])
        .arg(format!("--template.text={text}"))
        .arg(format!("--template.data={}", file.display()))
        .output()
        .unwrap_or_else(|e| panic!("amtool: {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.trim_end().trim_start_matches("amtool: error: ").to_string())
    }
}

#[test]
fn real_amtool_templates_agree() {
    let scratch = Scratch::new("templates");
    let mut compared = 0;
    for (receiver, group, alerts) in cases() {
        let url = "https://alertmanager.example.com";
        let json = webhook_json(receiver, "{}:{}", &group, &alerts, url).to_string();
        let ours = data(receiver, &group, &alerts, url);
        for text in TEXTS {
            let want = amtool_render(&scratch, text, &json);
            // amtool passes the data by value, a notification by pointer: only error texts show it.
            let got = render(text, &ours).map_err(|e| e.replace("*template.Data", "template.Data"));
            assert_eq!(got, want, "{receiver}: {text}");
            compared += 1;
        }
    }
    println!("amtool template render: {compared} renderings agree ({} texts x 3 notifications)", TEXTS.len());
}
