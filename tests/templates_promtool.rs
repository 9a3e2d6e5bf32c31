//! Templates against the real promtool 2.42 (Debian's prometheus package).
//!
//! Execution: a few hundred templates (tests/templates/cases.rs) become the annotations of two
//! alerting rules, one run over fifteen edge values (0, negatives, NaN, ±Inf, tiny and huge
//! numbers), one run once; the expected annotations of the promtool unit-test file written
//! here are our engine's output, and `promtool test rules` must pass it. Parsing: templates
//! Go rejects become rules of a file for `promtool check rules`, whose messages must equal
//! ours. A missing promtool fails the test (scripts/test.sh installs it).

#[path = "templates/cases.rs"]
mod cases;
#[path = "templates/promtool_file.rs"]
mod promtool_file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use promql_playground::gotemplate::quote::unquote;
use promql_playground::rules::{check, CheckOptions, Dialect};

fn promtool() -> String {
    let promtool = std::env::var("PROMTOOL").unwrap_or_else(|_| "promtool".into());
    let probe = Command::new(&promtool).arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{promtool} not found: install Debian's prometheus package (apt-get install -y prometheus)"
    );
    promtool
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("promplay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Labels and annotations of one alert.
type Alert = (BTreeMap<String, String>, BTreeMap<String, String>);
/// The alerts of each rule, by alert name.
type Expected<'a> = BTreeMap<&'a str, Vec<Alert>>;

const RULES: &[(&str, &str, &[&str])] =
    &[("PerSample", "v", cases::PER_SAMPLE), ("Once", "vector(1)", cases::ONCE)];

fn rule_file() -> String {
    let mut out = String::from("groups:\n- name: templates\n  rules:\n");
    for (alert, expr, templates) in RULES {
        out.push_str(&format!("  - alert: {alert}\n    expr: {expr}\n    annotations:\n"));
        for (i, t) in templates.iter().enumerate() {
            out.push_str(&format!("      t{i:03}: {}\n", q(t)));
        }
    }
    out
}

/// The test file, first without expectations (to compute ours from it), then with them.
fn test_file(expected: &Expected) -> String {
    let mut out = String::from(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  \
         external_labels: {region: eu}\n  external_url: http://prom.example:9090/sub\n  input_series:\n",
    );
    for (case, value) in cases::VALUES {
        out.push_str(&format!("  - series: 'v{{case=\"{case}\"}}'\n    values: '{value}'\n"));
    }
    for (k, v) in [("a", "3"), ("b", "1"), ("c", "2")] {
        out.push_str(&format!("  - series: 'q{{k=\"{k}\"}}'\n    values: '{v}'\n"));
    }
    out.push_str("  alert_rule_test:\n");
    for (alert, _, _) in RULES {
        out.push_str(&format!("  - eval_time: 0m\n    alertname: {alert}\n    exp_alerts:\n"));
        for (labels, annotations) in expected.get(alert).into_iter().flatten() {
            out.push_str("    - exp_labels:\n");
            for (k, v) in labels.iter().filter(|(k, _)| *k != "alertname") {
                out.push_str(&format!("        {k}: {}\n", q(v)));
            }
            out.push_str("      exp_annotations:\n");
            for (k, v) in annotations {
                out.push_str(&format!("        {k}: {}\n", q(v)));
            }
        }
    }
    out
}

#[test]
fn templates_execute_as_promtool_executes_them() {
    let promtool = promtool();
    let dir = scratch("templates");
    std::fs::write(dir.join("rules.yml"), rule_file()).expect("rules");
    std::fs::write(dir.join("test.yml"), test_file(&BTreeMap::new())).expect("test");
    // Our side: the same files, read back and evaluated by the corpus harness.
    let (file, rule_files) = promtool_file::read(&dir.join("test.yml"), Dialect::Prometheus2);
    let group = &file.tests[0];
    let storage = promtool_file::storage(group);
    let mut expected = BTreeMap::new();
    let mut count = 0;
    for (_, rule) in rule_files[0].rules() {
        let alerts = promtool_file::alerts(rule, &storage, 0, group, Dialect::Prometheus2);
        count += alerts.iter().map(|a| a.annotations.len()).sum::<usize>();
        let entry: &mut Vec<_> =
            expected.entry(RULES.iter().find(|r| r.0 == rule.alert).map_or("", |r| r.0)).or_default();
        entry.extend(alerts.into_iter().map(|a| (a.labels, a.annotations)));
    }
    std::fs::write(dir.join("test.yml"), test_file(&expected)).expect("test");
    let out = Command::new(&promtool)
        .args(["test", "rules", "test.yml"])
        .current_dir(&dir)
        .output()
        .expect("promtool");
    let report = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let templates = cases::PER_SAMPLE.len() + cases::ONCE.len();
    println!("{templates} templates, {count} expanded annotations checked by promtool");
    assert!(templates >= 200 && count >= 600, "too few cases: {templates} templates, {count} annotations");
    if !out.status.success() {
        let diffs = differences(&report, &expected);
        let _ = std::fs::remove_dir_all(&dir);
        panic!("promtool disagrees on {} annotations:\n{}", diffs.len(), diffs.join("\n"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The annotations promtool got that differ from ours, read from its failure report.
fn differences(report: &str, expected: &Expected) -> Vec<String> {
    let ours: Vec<&Alert> = expected.values().flatten().collect();
    let mut diffs = Vec::new();
    for block in report.split("got:[").skip(1) {
        let block = block.split("\n        exp:[").next().unwrap_or(block);
        for alert in block.split("Labels:{").skip(1) {
            let labels = parse_pairs(alert);
            let Some(annotations_at) = alert.find("Annotations:{") else { continue };
            let got = parse_pairs(&alert[annotations_at + "Annotations:{".len()..]);
            let Some((_, want)) = ours.iter().find(|(l, _)| *l == labels) else {
                diffs.push(format!("promtool has an alert we lack: {labels:?}"));
                continue;
            };
            for (k, w) in want {
                let g = got.get(k).map(String::as_str).unwrap_or("<missing>");
                if g != w {
                    let template = template_of(&labels, k);
                    diffs
                        .push(format!("{labels:?} {k} {template}\n    ours:     {w:?}\n    promtool: {g:?}"));
                }
            }
        }
    }
    if diffs.is_empty() {
        diffs.push(report.chars().take(4000).collect());
    }
    diffs
}

fn template_of(labels: &BTreeMap<String, String>, key: &str) -> String {
    let list = if labels.get("alertname").map(String::as_str) == Some("Once") {
        cases::ONCE
    } else {
        cases::PER_SAMPLE
    };
    key.trim_start_matches('t')
        .parse::<usize>()
        .ok()
        .and_then(|i| list.get(i))
        .map_or(String::new(), |t| t.to_string())
}

/// `name="value", …}` as Prometheus prints a label set; stops at the closing brace.
fn parse_pairs(s: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([',', ' ']);
        if rest.starts_with('}') || rest.is_empty() {
            return out;
        }
        let Some(eq) = rest.find("=\"") else { return out };
        let name = rest[..eq].to_string();
        let body = &rest[eq + 1..];
        let end = quoted_end(body);
        out.insert(name, unquote(&body[..end]).unwrap_or_else(|_| body[..end].to_string()));
        rest = &body[end..];
    }
}

/// The byte after the closing quote of the Go string literal at the start of `s`.
fn quoted_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[test]
fn parse_errors_read_as_promtool_reports_them() {
    let promtool = promtool();
    let dir = scratch("template-errors");
    let mut rules = String::from("groups:\n- name: errors\n  rules:\n");
    for (i, t) in cases::PARSE_ERRORS.iter().enumerate() {
        rules.push_str(&format!(
            "  - alert: E{i}\n    expr: vector(1)\n    annotations:\n      a: {}\n",
            q(t)
        ));
    }
    let path = dir.join("rules.yml");
    std::fs::write(&path, &rules).expect("rules");
    let out = Command::new(&promtool).args(["check", "rules"]).arg(&path).output().expect("promtool");
    let theirs = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let ours = check(&rules, &CheckOptions::promtool_2()).render("rules.yml");
    let _ = std::fs::remove_dir_all(&dir);
    let mut wrong = Vec::new();
    for (i, t) in cases::PARSE_ERRORS.iter().enumerate() {
        let marker = format!("\"E{i}\": annotation \"a\": ");
        let pick = |text: &str| {
            text.lines()
                .find(|l| l.contains(&marker))
                .map(|l| l[l.find(&marker).unwrap_or(0) + marker.len()..].to_string())
        };
        let (p, o) = (pick(&theirs), pick(&ours));
        if p.is_none() || p != o {
            wrong.push(format!("{t:?}\n    ours:     {o:?}\n    promtool: {p:?}"));
        }
    }
    println!("{} parse errors compared with promtool check rules", cases::PARSE_ERRORS.len());
    assert!(wrong.is_empty(), "{} differ:\n{}", wrong.len(), wrong.join("\n"));
}

/// Prometheus's own check fixtures (tests/templates/corpus/check_rules): the same verdict and
/// the same template errors as promtool.
#[test]
fn corpus_check_fixtures_agree_with_promtool() {
    let promtool = promtool();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates/corpus/check_rules");
    for name in ["rules.yml", "rules-bad.yml"] {
        let path = dir.join(name);
        let out = Command::new(&promtool).args(["check", "rules"]).arg(&path).output().expect("promtool");
        let theirs = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
        let text = std::fs::read_to_string(&path).expect("fixture");
        let report = check(&text, &CheckOptions::promtool_2());
        let ours = report.render(name);
        assert_eq!(
            report.verdict().exit_code(false),
            out.status.code().unwrap_or(-1),
            "{name}:\n{ours}\n{theirs}"
        );
        let template_errors = |t: &str| -> Vec<String> {
            t.lines().filter_map(|l| l.find("template: ").map(|i| l[i..].to_string())).collect()
        };
        assert_eq!(template_errors(&ours), template_errors(&theirs), "{name}");
    }
}

/// The generated rule file itself is valid for promtool and for us.
#[test]
fn generated_rules_check_clean() {
    let promtool = promtool();
    let dir = scratch("templates-check");
    let path = dir.join("rules.yml");
    std::fs::write(&path, rule_file()).expect("rules");
    let out = Command::new(&promtool).args(["check", "rules"]).arg(&path).output().expect("promtool");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = check(&rule_file(), &CheckOptions::promtool_2());
    assert_eq!(report.verdict().exit_code(false), 0, "{}", report.render("rules.yml"));
    let _ = Path::new(".");
}
