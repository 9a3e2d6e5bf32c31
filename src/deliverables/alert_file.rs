//! The submitted `alert_rules.yml` graded as a whole, against the alerting exercises: every
//! alert an exercise grades must be in the file, fire over the exercise's stretch when the
//! reference does (evaluated the way the alerting lab evaluates, on the exercise's recorded
//! series), carry a `severity` label and every label the reference sets, and be documented
//! with a runbook and a threshold justification.
//!
//! Each alert is one rubric item made of three equal parts (fires as expected, labels,
//! documented), so an alert that is right but undocumented loses exactly a third of its
//! share. The exercises' annotation checks are left to the exercises' own answers: the lab's
//! file keeps the seed's annotations.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::alert_exercise::{answer_firings, compare, evaluate_answer, AlertExercise};
use crate::engine::Millis;
use crate::rules::alert_timeline::Firing;
use crate::rules::check::{check, CheckOptions, Severity};
use crate::rules::model::{Rule, RuleFile, RuleGroup};

use super::assemble::alert_docs;
use super::catalogue::Grader;
use super::model::AlertDoc;

/// The parts of an alert's item, each worth the same.
pub const PARTS: usize = 3;

/// Labels every alert must carry (the seed's alerts all route on severity).
const REQUIRED_LABELS: [&str; 1] = ["severity"];

/// How one alert of the submitted file did.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertFileCheck {
    pub alert: String,
    /// The exercise that grades it.
    pub exercise: String,
    pub seed_ref: String,
    /// The exercise's reference file (what a reviewer compares with).
    pub reference: String,
    /// How many of the [`PARTS`] passed.
    pub passed_parts: usize,
    /// True when there was no `alert_rules.yml` to grade.
    pub no_file: bool,
    pub findings: Vec<String>,
}

/// Grades `text` (the submission's `alert_rules.yml`, if it has one) alert by alert against
/// every alerting exercise; `docs` is `answers.json`'s runbooks per alert.
pub fn check_alert_file(
    grader: &mut Grader,
    exercises: &[AlertExercise],
    text: Option<&str>,
    docs: &BTreeMap<String, AlertDoc>,
) -> Vec<AlertFileCheck> {
    let report = text.map(|t| check(t, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() }));
    let file = report.as_ref().and_then(|r| {
        let failed = r.diagnostics.iter().any(|d| d.severity == Severity::Error);
        r.file.as_ref().filter(|_| !failed)
    });
    let documented: BTreeMap<String, AlertDoc> =
        text.map(|t| alert_docs(t, docs).into_iter().collect()).unwrap_or_default();
    let mut out = Vec::new();
    for ex in exercises {
        let fired = file.map(|f| fires_as_expected(grader, ex, f));
        for name in &ex.alerts {
            let mut c = AlertFileCheck {
                alert: name.clone(),
                exercise: ex.id.clone(),
                seed_ref: ex.seed_ref.clone(),
                reference: ex.reference.clone(),
                passed_parts: 0,
                no_file: text.is_none(),
                findings: Vec::new(),
            };
            match (file, &fired) {
                (None, _) if text.is_none() => c.findings.push("alert_rules.yml is missing".into()),
                (Some(f), Some(fired)) => grade_alert(&mut c, ex, f, fired, documented.get(name)),
                _ => c.findings.push(
                    "alert_rules.yml does not pass the rule check (its errors are listed under file/alert_rules.yml)"
                        .into(),
                ),
            }
            out.push(c);
        }
    }
    out
}

/// The three parts of one alert.
fn grade_alert(
    c: &mut AlertFileCheck,
    ex: &AlertExercise,
    file: &RuleFile,
    fired: &Result<BTreeMap<String, Vec<String>>, String>,
    doc: Option<&AlertDoc>,
) {
    let rules: Vec<(&RuleGroup, &Rule)> = named(file, &c.alert).collect();
    if rules.is_empty() {
        c.findings.push(format!("alert_rules.yml has no alerting rule {}", c.alert));
        return;
    }
    match fired {
        Err(e) => c.findings.push(format!("could not be evaluated: {e}")),
        Ok(by_alert) => match by_alert.get(&c.alert) {
            Some(problems) if !problems.is_empty() => c.findings.extend(problems.iter().cloned()),
            _ => c.passed_parts += 1,
        },
    }
    let mut wanted: BTreeSet<String> = REQUIRED_LABELS.iter().map(|l| l.to_string()).collect();
    if let Some(reference) = check(&ex.reference, &CheckOptions::default()).file {
        wanted.extend(named(&reference, &c.alert).flat_map(|(g, r)| static_labels(g, r)));
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|l| !rules.iter().all(|(g, r)| static_label(g, r, l).is_some_and(|v| !v.trim().is_empty())))
        .map(|l| format!("no `{l}` label"))
        .collect();
    if missing.is_empty() {
        c.passed_parts += 1;
    }
    c.findings.extend(missing);
    let doc = doc.cloned().unwrap_or_default();
    if doc.runbook.trim().is_empty() {
        c.findings.push("no runbook (a `runbook` or `runbook_url` annotation)".into());
    }
    if doc.threshold.trim().is_empty() {
        c.findings.push("no threshold justification (a `threshold_justification` annotation)".into());
    }
    if doc.complete() {
        c.passed_parts += 1;
    }
}

/// The alerting rules named `name`.
fn named<'f>(file: &'f RuleFile, name: &'f str) -> impl Iterator<Item = (&'f RuleGroup, &'f Rule)> {
    file.rules().filter(move |(_, r)| r.is_alerting() && r.alert == name)
}

/// A label the rule sets itself (its own, else its group's).
fn static_label<'r>(group: &'r RuleGroup, rule: &'r Rule, name: &str) -> Option<&'r str> {
    rule.labels.iter().chain(&group.labels).find(|l| l.name == name).map(|l| l.value.as_str())
}

fn static_labels(group: &RuleGroup, rule: &Rule) -> Vec<String> {
    rule.labels.iter().chain(&group.labels).map(|l| l.name.clone()).collect()
}

/// Evaluates the exercise's alerts as the submitted file writes them (with the file's
/// recording rules, which some alerts read) and compares their firings with the
/// reference's, per alert. Labels a rule sets itself are left out of the comparison: they
/// are graded as labels, and the lab's file may carry more of them than the exercise.
fn fires_as_expected(
    grader: &mut Grader,
    ex: &AlertExercise,
    file: &RuleFile,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    let (_, prepared) = grader.alert_exercise(&ex.id)?;
    let mut own = file.clone();
    for g in &mut own.groups {
        g.rules.retain(|r| !r.is_alerting() || ex.alerts.contains(&r.alert));
    }
    own.groups.retain(|g| !g.rules.is_empty());
    let evaluation = evaluate_answer(&prepared, &own);
    let yours = answer_firings(ex, &prepared, &evaluation);
    let reference = check(&ex.reference, &CheckOptions::default()).file.unwrap_or_default();
    let mut out = BTreeMap::new();
    for name in &ex.alerts {
        let mut dropped: Vec<String> = named(&own, name).flat_map(|(g, r)| static_labels(g, r)).collect();
        dropped.extend(named(&reference, name).flat_map(|(g, r)| static_labels(g, r)));
        let theirs = firings_of(&prepared.expected, name, &dropped);
        let mine = firings_of(&yours, name, &dropped);
        let interval =
            |f: &RuleFile| named(f, name).map(|(g, _)| g.interval_or(60_000)).max().unwrap_or(60_000);
        let tolerance: Millis = interval(&own).max(interval(&reference));
        let mut problems = compare(&theirs, &mine, &|_| tolerance);
        if mine.is_empty() && !theirs.is_empty() {
            if let Some(a) = evaluation.alerts.iter().find(|a| a.name == *name && !a.ever_fired()) {
                problems.extend(a.explanation.iter().map(|why| format!("{name} never fires: {why}")));
            }
        }
        out.insert(name.clone(), problems);
    }
    Ok(out)
}

/// The firings of alert `name`, without the labels in `dropped`.
fn firings_of(firings: &[Firing], name: &str, dropped: &[String]) -> Vec<Firing> {
    let mut out: Vec<Firing> = firings
        .iter()
        .filter(|f| f.labels.get("alertname") == Some(name))
        .map(|f| Firing { labels: f.labels.drop_names(dropped), ..f.clone() })
        .collect();
    out.sort_by(|a, b| a.labels.cmp(&b.labels).then(a.start.cmp(&b.start)));
    out
}
