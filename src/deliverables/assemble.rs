//! The seed's deliverables assembled from the learner's work: the query library with each
//! answer's task, explanation, measured cost and recorded-rule alternative, the rule files
//! with their documentation and storage table, the alert runbooks, the Alertmanager and
//! relabel configurations, the unit tests, the performance analysis, and `answers.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::assist::lint::{lint_query, LintContext};
use crate::cardinality::status::{MemoryFormula, Postings};
use crate::engine::{self, EngineOptions};
use crate::rules::check::{check, CheckOptions};
use crate::rules::model::{RuleFile, RuleGroup};

use super::catalogue::{Catalogue, Grader};
use super::model::{AlertDoc, AnswerKind, Submission, Workspace};

/// The names of a submission's files (the seed's, plus `answers.json`).
pub mod file_names {
    pub const ANSWERS: &str = "answers.json";
    pub const QUERIES: &str = "PROMQL_QUERIES.md";
    pub const RECORDING_RULES: &str = "recording_rules.yml";
    pub const RECORDING_DOC: &str = "RECORDING_RULES.md";
    pub const ALERT_RULES: &str = "alert_rules.yml";
    pub const RUNBOOKS: &str = "ALERT_RUNBOOKS.md";
    pub const ALERT_TESTS: &str = "alert_rules_test.yml";
    pub const ALERTMANAGER: &str = "alertmanager.yml";
    pub const RELABEL: &str = "relabel_config.yml";
    pub const PERFORMANCE: &str = "PERFORMANCE_ANALYSIS.md";
}
use file_names as names;

/// A rule file's decoded rules (plain or inside a ConfigMap), if it decodes.
fn rule_file(text: &str) -> Option<RuleFile> {
    check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() }).file
}

/// The alert names of an alerting-rule file, in file order.
pub fn alert_names(text: &str) -> Vec<String> {
    alert_docs(text, &BTreeMap::new()).into_iter().map(|(name, _)| name).collect()
}

/// Annotations that document an alert in the rule file itself: the runbook, then the
/// threshold justification (the first one present of each list counts).
const RUNBOOK_ANNOTATIONS: [&str; 2] = ["runbook", "runbook_url"];
const THRESHOLD_ANNOTATIONS: [&str; 2] = ["threshold_justification", "threshold"];

/// Each alert of an alerting-rule file with its documentation: what `docs` (the lab's
/// fields, `answers.json`) says, else the rule's own annotations.
pub fn alert_docs(text: &str, docs: &BTreeMap<String, AlertDoc>) -> Vec<(String, AlertDoc)> {
    let Some(file) = rule_file(text) else { return Vec::new() };
    file.rules()
        .filter(|(_, r)| !r.alert.is_empty())
        .map(|(_, r)| {
            let annotation = |names: [&str; 2]| {
                names
                    .iter()
                    .find_map(|n| r.annotations.iter().find(|a| a.name == *n))
                    .map(|a| a.value.clone())
            };
            let given = docs.get(&r.alert).cloned().unwrap_or_default();
            let pick = |field: String, names| {
                if field.trim().is_empty() {
                    annotation(names).unwrap_or_default()
                } else {
                    field
                }
            };
            let doc = AlertDoc {
                runbook: pick(given.runbook, RUNBOOK_ANNOTATIONS),
                threshold: pick(given.threshold, THRESHOLD_ANNOTATIONS),
            };
            (r.alert.clone(), doc)
        })
        .collect()
}

/// Every file of the submission, `answers.json` first. `grader` measures costs and reads the
/// datasets (it generates each once).
pub fn assemble(ws: &Workspace, grader: &mut Grader, catalogue: &Catalogue) -> Vec<(String, String)> {
    let submission =
        Submission { answers: ws.answers.clone(), alert_docs: ws.alert_docs.clone(), ..Submission::new() };
    let mut files = vec![(names::ANSWERS.to_string(), submission.to_json())];
    let recording = ws.recording_rules.as_deref().and_then(rule_file);
    files.push((names::QUERIES.into(), queries_md(ws, grader, catalogue, recording.as_ref())));
    if let Some(text) = &ws.recording_rules {
        files.push((names::RECORDING_RULES.into(), text.clone()));
        files.push((names::RECORDING_DOC.into(), recording_md(recording.as_ref(), grader)));
    }
    if let Some(text) = &ws.alert_rules {
        files.push((names::ALERT_RULES.into(), text.clone()));
        files.push((names::RUNBOOKS.into(), runbooks_md(ws, text)));
    }
    let optional = [
        (names::ALERT_TESTS, &ws.alert_tests),
        (names::ALERTMANAGER, &ws.alertmanager),
        (names::RELABEL, &ws.relabel),
    ];
    for (name, text) in optional {
        if let Some(t) = text {
            files.push((name.into(), t.clone()));
        }
    }
    files.push((names::PERFORMANCE.into(), performance_md(ws, grader, catalogue)));
    files
}

/// Whitespace removed: two spellings of one expression compare equal.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// `PROMQL_QUERIES.md`: every solved query exercise, in catalogue order.
fn queries_md(
    ws: &Workspace,
    grader: &mut Grader,
    catalogue: &Catalogue,
    recording: Option<&RuleFile>,
) -> String {
    let mut md = String::from("# PromQL query library\n\nEvery query exercise solved on PromQL Playground, with the task it answers, why it works, what it costs (the engine's counters for one instant query on the exercise's data) and, where one exists, the recorded series that answers it cheaper.\n");
    let mut open = Vec::new();
    for item in catalogue.items.iter().filter(|i| i.kind == AnswerKind::Query) {
        let Some(a) = ws.answers.iter().rev().find(|a| a.kind == AnswerKind::Query && a.exercise == item.id)
        else {
            continue;
        };
        if !a.claimed_solved {
            open.push(format!("- {} — {}", item.seed_ref, item.title));
            continue;
        }
        let _ = write!(
            md,
            "\n## {} — {}\n\n**Task.** {}\n\n```promql\n{}\n```\n\n",
            item.seed_ref,
            item.title,
            item.prompt.trim(),
            a.text.trim()
        );
        let _ = writeln!(md, "**Why it works.** {}\n", item.explanation.trim());
        match grader.query_cost(&item.id, &a.text) {
            Ok(s) => {
                let _ = writeln!(
                    md,
                    "**Measured cost.** {} samples read from {} series; at most {} samples held at once.\n",
                    s.samples_touched, s.series_touched, s.peak_samples
                );
            }
            Err(e) => {
                let _ = writeln!(md, "**Measured cost.** not measured: {e}\n");
            }
        }
        let mut alternatives: Vec<String> =
            item.recorded.iter().map(|(r, e)| format!("`{r}` (records `{e}`)")).collect();
        if let Some(file) = recording {
            let answer = squeeze(&a.text);
            alternatives.extend(
                file.rules()
                    .filter(|(_, r)| !r.record.is_empty() && squeeze(&r.expr) == answer)
                    .map(|(_, r)| format!("`{}` in recording_rules.yml", r.record)),
            );
        }
        if !alternatives.is_empty() {
            let _ = writeln!(md, "**Recorded-rule alternative.** {}\n", alternatives.join("; "));
        }
    }
    if !open.is_empty() {
        let _ = write!(md, "\n## Not solved yet\n\n{}\n", open.join("\n"));
    }
    md
}

/// A group's evaluation interval in seconds (Prometheus's global default: 1 minute).
fn interval_s(group: &RuleGroup) -> i64 {
    group.interval.map_or(60, |ms| (ms / 1000).max(1))
}

/// `RECORDING_RULES.md`: each rule documented, and what it stores per day.
fn recording_md(file: Option<&RuleFile>, grader: &mut Grader) -> String {
    let mut md = String::from("# Recording rules\n\n");
    let Some(file) = file else {
        md.push_str("recording_rules.yml does not decode: run `promplay rules check recording_rules.yml` for the errors.\n");
        return md;
    };
    let data = grader.main_dataset().and_then(|id| grader.dataset(&id).ok());
    let mut table =
        String::from("| Rule | Group interval | Series recorded | Samples per day |\n|---|---|---|---|\n");
    for (group, rule) in file.rules().filter(|(_, r)| !r.record.is_empty()) {
        let labels: Vec<String> = rule.labels.iter().map(|l| format!("`{}={}`", l.name, l.value)).collect();
        let _ = write!(
            md,
            "## `{}`\n\nGroup `{}`, every {} s.\n\n```promql\n{}\n```\n\n",
            rule.record,
            group.name,
            interval_s(group),
            rule.expr.trim()
        );
        if !labels.is_empty() {
            let _ = writeln!(md, "Adds labels {}.\n", labels.join(", "));
        }
        let series = data
            .as_ref()
            .and_then(|(meta, st)| {
                engine::instant_query(st, &rule.expr, meta.end, &EngineOptions::default()).ok()
            })
            .map(|o| match o.value {
                engine::Value::Vector(v) => v.len(),
                _ => 1,
            });
        let (count, per_day) = match series {
            Some(n) if n > 0 => (n.to_string(), (n as i64 * 86_400 / interval_s(group)).to_string()),
            _ => ("— (reads recorded series, or none at the dataset's end)".into(), "—".into()),
        };
        let _ = writeln!(table, "| `{}` | {} s | {} | {} |", rule.record, interval_s(group), count, per_day);
    }
    let _ = write!(md, "## Storage\n\nSeries each rule records at the end of the main dataset, and the samples it stores per day at its group's interval.\n\n{table}");
    md
}

/// `ALERT_RUNBOOKS.md`: per alert, its condition, runbook and threshold justification.
fn runbooks_md(ws: &Workspace, text: &str) -> String {
    let mut md = String::from("# Alert runbooks\n");
    let Some(file) = rule_file(text) else {
        md.push_str(
            "\nalert_rules.yml does not decode: run `promplay rules check alert_rules.yml` for the errors.\n",
        );
        return md;
    };
    let docs: BTreeMap<String, AlertDoc> = alert_docs(text, &ws.alert_docs).into_iter().collect();
    for (_, rule) in file.rules().filter(|(_, r)| !r.alert.is_empty()) {
        let doc = docs.get(&rule.alert).cloned().unwrap_or_default();
        let or_missing = |s: &str| {
            if s.trim().is_empty() {
                "_Not written yet._".to_string()
            } else {
                s.trim().to_string()
            }
        };
        let severity = rule.labels.iter().find(|l| l.name == "severity").map_or("none", |l| l.value.as_str());
        let _ = write!(
            md,
            "\n## {}\n\nSeverity `{severity}`, fires after {} s.\n\n```promql\n{}\n```\n\n",
            rule.alert,
            rule.for_ / 1000,
            rule.expr.trim()
        );
        let _ = write!(
            md,
            "### Runbook\n\n{}\n\n### Why this threshold\n\n{}\n",
            or_missing(&doc.runbook),
            or_missing(&doc.threshold)
        );
    }
    md
}

/// `PERFORMANCE_ANALYSIS.md`: the cost table (yours beside the reference), the main
/// dataset's cardinality, and the lint findings the fixed queries no longer have.
fn performance_md(ws: &Workspace, grader: &mut Grader, catalogue: &Catalogue) -> String {
    let mut md = String::from("# Performance analysis\n\n## Query cost\n\nSamples read by each solved query (one instant query at the exercise's last checkpoint), beside the reference answer's.\n\n| Exercise | Samples (yours) | Samples (reference) | Series read |\n|---|---|---|---|\n");
    let mut fixed = String::new();
    let ctx = LintContext::offline();
    for item in catalogue.items.iter().filter(|i| i.kind == AnswerKind::Query) {
        let Some(a) = ws
            .answers
            .iter()
            .rev()
            .find(|a| a.kind == AnswerKind::Query && a.exercise == item.id && a.claimed_solved)
        else {
            continue;
        };
        let (yours, reference) =
            (grader.query_cost(&item.id, &a.text), grader.query_cost(&item.id, &item.reference));
        let show = |c: &Result<engine::QueryStats, String>| {
            c.as_ref().map_or("—".to_string(), |s| s.samples_touched.to_string())
        };
        let series = yours.as_ref().map_or("—".to_string(), |s| s.series_touched.to_string());
        let _ = writeln!(md, "| {} | {} | {} | {} |", item.seed_ref, show(&yours), show(&reference), series);
        if let Some(starter) = catalogue.starter(&item.id) {
            let after: Vec<String> = lint_query(&a.text, &ctx).into_iter().map(|f| f.check).collect();
            for f in lint_query(starter, &ctx).into_iter().filter(|f| !after.contains(&f.check)) {
                let _ = writeln!(fixed, "- {}: `{}` — {}", item.seed_ref, f.check, f.message);
            }
        }
    }
    if let Some((meta, storage)) = grader.main_dataset().and_then(|id| grader.dataset(&id).ok()) {
        let status = Postings::of_storage(&storage).status(10, MemoryFormula::Prometheus3);
        let _ = write!(md, "\n## Cardinality\n\nDataset `{}`: {} series, {} label pairs. The metrics with the most series:\n\n| Metric | Series |\n|---|---|\n", meta.id, status.head_stats.num_series, status.head_stats.num_label_pairs);
        for s in &status.series_count_by_metric_name {
            let _ = writeln!(md, "| `{}` | {} |", s.name, s.value);
        }
        md.push_str("\nLabels with the most values:\n\n| Label | Values |\n|---|---|\n");
        for s in &status.label_value_count_by_label_name {
            let _ = writeln!(md, "| `{}` | {} |", s.name, s.value);
        }
    }
    md.push_str("\n## Lint findings fixed\n\nFindings of `promplay lint` on the queries the exercises started from that the solved queries no longer have.\n\n");
    md.push_str(if fixed.is_empty() { "None yet.\n" } else { &fixed });
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_documented_by_the_lab_fields_or_their_own_annotations() {
        let rules = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      runbook_url: https://runbooks/a\n      threshold: any target down\n  - alert: B\n    expr: up == 0\n";
        let mut docs = BTreeMap::new();
        docs.insert("B".to_string(), AlertDoc { runbook: "restart".into(), threshold: String::new() });
        let got = alert_docs(rules, &docs);
        assert_eq!(got.len(), 2);
        assert!(got[0].1.complete(), "{:?}", got[0]);
        assert_eq!(got[1].1, AlertDoc { runbook: "restart".into(), threshold: String::new() });
        assert_eq!(alert_names(rules), vec!["A", "B"]);
        assert!(alert_docs("not: [rules", &docs).is_empty());
    }
}
