//! Alertmanager notification templates against the real `amtool template render` (Debian's
//! prometheus-alertmanager 0.25): the same notification data, as JSON, goes to amtool and to
//! our engine, and every template must render to the same text, or fail with the same error.
//! A missing amtool fails the test (scripts/test.sh installs it).

use std::path::PathBuf;
use std::process::Command;

use promql_playground::gotemplate::alertmanager::{execute_text, Data};

const DATA: &str = r#"{
  "receiver": "team-ml", "status": "firing", "externalURL": "http://alertmanager.example:9093",
  "groupLabels": {"alertname": "ModelHighErrorRate", "severity": "warning"},
  "commonLabels": {"alertname": "ModelHighErrorRate", "severity": "warning", "team": "ml"},
  "commonAnnotations": {"runbook": "https://runbooks/errors"},
  "alerts": [
    {"status": "firing", "labels": {"alertname": "ModelHighErrorRate", "model": "fraud-detector", "severity": "warning", "team": "ml"},
     "annotations": {"summary": "High error rate for model fraud-detector", "description": "Model fraud-detector has error rate of 7.34% (threshold: 5%)", "runbook": "https://runbooks/errors"},
     "startsAt": "2026-01-06T10:15:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prom:9090/graph?g0.expr=x&g0.tab=1", "fingerprint": "5c5cf2f41ae8ff64"},
    {"status": "firing", "labels": {"alertname": "ModelHighErrorRate", "model": "recommender", "severity": "warning", "team": "ml"},
     "annotations": {"summary": "High error rate for model recommender", "description": "Model recommender has error rate of 5.12% (threshold: 5%)", "runbook": "https://runbooks/errors"},
     "startsAt": "2026-01-06T10:16:30.25Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "0f1e2d3c4b5a6978"},
    {"status": "resolved", "labels": {"alertname": "ModelHighErrorRate", "model": "ranker", "severity": "warning", "team": "ml"},
     "annotations": {"summary": "High error rate for model ranker", "runbook": "https://runbooks/errors"},
     "startsAt": "2026-01-06T09:00:00Z", "endsAt": "2026-01-06T09:45:00.5Z", "generatorURL": "", "fingerprint": "ffeeddccbbaa9988"}
  ]
}"#;

/// Templates that render.
const RENDER: &[&str] = &[
    "{{ range .Alerts }}{{ .Annotations.description }}{{ end }}",
    "{{ .Status }}|{{ .Receiver }}|{{ .ExternalURL }}|{{ len .Alerts }}|{{ len .Alerts.Firing }}|{{ len .Alerts.Resolved }}",
    "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join \" \" }}",
    "{{ range .Alerts.Firing }}{{ .Labels.model }} since {{ .StartsAt }};{{ end }}",
    "{{ range .Alerts.Resolved }}{{ .Labels.model }} {{ .StartsAt.Format \"15:04\" }}-{{ .EndsAt.Format \"15:04:05.000\" }}{{ end }}",
    "{{ range $i, $a := .Alerts }}{{ $i }}={{ $a.Status }}/{{ $a.Fingerprint }} {{ end }}",
    "{{ .CommonLabels.SortedPairs }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values }}",
    "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }}",
    "{{ .CommonLabels.Remove (stringSlice \"team\" \"nope\") }}|{{ (.CommonLabels.Remove .GroupLabels.Names).SortedPairs }}",
    "{{ join \", \" (stringSlice \"a\" \"b\" \"c\") }}|{{ join \"\" (stringSlice) }}|{{ stringSlice \"x\" }}",
    "{{ title \"high ERROR rate it's\" }}|{{ toLower \"ÀB\" }}|{{ match \"^Model\" .GroupLabels.alertname }}|{{ reReplaceAll \"(\\\\w+)Rate\" \"$1\" .GroupLabels.alertname }}",
    "{{ safeHtml \"<b>x</b>\" }}|{{ html \"<b>\" }}|{{ urlquery .ExternalURL }}",
    "{{ (index .Alerts 0).Labels }}",
    "{{ index .Alerts 2 }}",
    "{{ .Alerts.Resolved }}",
    "{{ . }}",
    "{{ printf \"%T|%T|%T|%T|%T\" . .Alerts .Alerts.Firing .CommonLabels .CommonLabels.SortedPairs }}",
    "{{ printf \"%v|%s\" (index .Alerts 0).StartsAt (index .Alerts 1).StartsAt }}",
    "{{ with index .Alerts 1 }}{{ .StartsAt.Unix }}|{{ .StartsAt.Year }}|{{ .StartsAt.Month }}|{{ .StartsAt.Weekday }}|{{ .EndsAt.IsZero }}{{ end }}",
    "{{ range .Alerts }}{{ if .Annotations.description }}{{ .Annotations.description }}{{ else }}(none){{ end }}|{{ end }}",
    "{{ define \"line\" }}- {{ .Labels.model }}: {{ .Annotations.summary }}\n{{ end }}{{ range .Alerts.Firing }}{{ template \"line\" . }}{{ end }}",
    "{{ .CommonAnnotations.runbook }}|{{ .CommonAnnotations.missing }}|{{ .GroupLabels.missing }}|{{ index .GroupLabels \"severity\" }}",
    "{{ range $k, $v := .GroupLabels }}{{ $k }}:{{ $v }} {{ end }}",
    "{{ len .CommonLabels.SortedPairs }}|{{ (index .CommonLabels.SortedPairs 0).Name }}",
    "{{ if gt (len .Alerts.Firing) 1 }}many{{ else }}one{{ end }}",
    "{{ slice .Alerts 1 2 }}",
    "{{ printf \"%d firing, %d resolved\" (len .Alerts.Firing) (len .Alerts.Resolved) }}",
    "{{ (index .Alerts 2).EndsAt.Format \"2006-01-02T15:04:05.999Z07:00\" }}",
    "{{ .Alerts.Firing.Firing }}",
    "{{ join \",\" .CommonLabels }}",
    "{{ .CommonLabels.Remove \"team\" }}",
    "{{ .CommonLabels.SortedPairs.Foo }}",
    "{{ (index .Alerts 0).Labels.SortedPairs.Names | join \"+\" }}",
    "{{ stringSlice 1 }}",
    "{{ .Alerts.Firing | join \",\" }}",
    "{{ range .Alerts }}{{ .StartsAt.Foo }}{{ end }}",
    "{{ .Receiver.Foo }}",
    "{{ template \"nope\" . }}",
    "{{ (index .Alerts 0).Labels.Remove }}",
    "{{ .Alerts.Firing 1 }}",
    "{{ .Status 1 }}",
    "{{ .CommonLabels.team 1 }}",
    "{{ eq .Alerts .Alerts }}",
    "{{ printf \"%v|%+v\" .CommonLabels.SortedPairs (index .Alerts 0) }}",
    "{{ (index .Alerts 0).StartsAt.UnixMilli }}|{{ (index .Alerts 1).StartsAt.Nanosecond }}|{{ printf \"%s\" .Alerts.Firing }}",
    "{{ .GroupLabels.SortedPairs.Names }}|{{ .GroupLabels.Names }}",
    "{{ humanize 1 }}",
    "{{ .Alerts.Firing.Resolved }}",
    "{{ range .Alerts.Firing }}{{ .Labels.Remove (stringSlice \"alertname\") }}{{ end }}",
    "{{ len .ExternalURL }}|{{ reReplaceAll \":[0-9]+$\" \"\" .ExternalURL }}|{{ match \"(\" \"x\" }}",
];

fn amtool() -> String {
    let amtool = std::env::var("AMTOOL").unwrap_or_else(|_| "amtool".into());
    let probe = Command::new(&amtool).arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{amtool} not found: install Debian's prometheus-alertmanager package"
    );
    amtool
}

/// amtool's rendering of `text`: Ok(output) or Err(its error message).
fn render_with_amtool(amtool: &str, dir: &std::path::Path, text: &str) -> Result<String, String> {
    let out = Command::new(amtool)
        .args(["template", "render", "--template.glob"])
        .arg(dir.join("empty.tmpl"))
        .arg("--template.data")
        .arg(dir.join("data.json"))
        .arg("--template.text")
        .arg(format!("{text}<<END>>"))
        .output()
        .expect("amtool runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    if out.status.success() {
        return Ok(stdout.rsplit_once("<<END>>").map_or(stdout.clone(), |(body, _)| body.to_string()));
    }
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    Err(stderr.trim().trim_start_matches("amtool: error: ").to_string())
}

#[test]
fn notification_templates_render_as_amtool_renders_them() {
    let amtool = amtool();
    let dir: PathBuf = std::env::temp_dir().join(format!("promplay-amtool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    std::fs::write(dir.join("empty.tmpl"), "").expect("glob file");
    std::fs::write(dir.join("data.json"), DATA).expect("data");
    let data = Data::from_json(DATA).expect("our reading of the data");
    let mut wrong = Vec::new();
    for text in RENDER {
        let theirs = render_with_amtool(&amtool, &dir, text);
        // amtool's error carries the sentinel we appended to the text; ours must too.
        let ours =
            execute_text(&format!("{text}<<END>>"), &data).map(|s| s.trim_end_matches("<<END>>").to_string());
        if theirs != ours {
            wrong.push(format!("{text}\n    ours:  {ours:?}\n    amtool: {theirs:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{} notification templates compared with amtool", RENDER.len());
    assert!(wrong.is_empty(), "{} differ:\n{}", wrong.len(), wrong.join("\n"));
}
