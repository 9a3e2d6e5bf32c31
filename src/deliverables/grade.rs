//! Re-grading a submission: every answer of `answers.json` with the site's graders (a
//! "solved" flag is reported, never trusted), the rule files checked like `promplay rules
//! check`, the promtool unit-test file run like `promplay test rules`, the Alertmanager
//! configuration loaded, and the documentation looked for; then a score per rubric section.
//!
//! Every catalogue exercise is a rubric item of its section, worth an equal share of the
//! section's points; an exercise without an answer scores 0 and, unless it is a bonus, keeps
//! the submission from passing. Files are items too (see [`file_items`]), and so is every
//! alert the alerting exercises grade in the submitted `alert_rules.yml` (see
//! [`super::alert_file`]), worth a part of its share per check it passes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::rules::check::{check, CheckOptions, Severity};
use crate::rules::unittest::{render, run_file, RuleSource, RunOptions};

use super::alert_file::{check_alert_file, AlertFileCheck, PARTS};
use super::archive::Bundle;
use super::assemble::{alert_docs, file_names as names};
use super::catalogue::{Catalogue, Grader, Item, ReviewChart};
use super::model::{Answer, Submission};
use super::rubric::{self, Section};

/// How an item did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    /// Nothing was submitted for it.
    Missing,
}

/// One rubric item's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub section: Section,
    /// `query/todo-1-2-rate`, `file/recording_rules.yml`, ...
    pub id: String,
    pub title: String,
    pub required: bool,
    pub status: Status,
    pub points: f64,
    pub max: f64,
    /// What the learner's browser claimed (answers only).
    pub claimed_solved: Option<bool>,
    /// The answer graded (answers only), for a reviewer to read beside the reference.
    pub answer: Option<String>,
    pub reference: Option<String>,
    pub findings: Vec<String>,
    /// A query answer's result drawn over the reference's (the site's review only; `null` in
    /// `promplay grade --format json`).
    pub chart: Option<ReviewChart>,
}

/// One section's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    pub section: Section,
    pub title: String,
    pub points: f64,
    pub max: f64,
}

/// The whole grade.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeReport {
    pub score: f64,
    pub sections: Vec<SectionScore>,
    pub items: Vec<ItemResult>,
    /// Problems with the submission itself: unknown exercises, skipped files, answers given
    /// twice. They do not score; they are shown first.
    pub problems: Vec<String>,
}

impl GradeReport {
    /// True when every required item passed.
    pub fn passed(&self) -> bool {
        self.items.iter().all(|i| !i.required || i.status == Status::Passed)
    }
}

/// An item before its points are known.
struct Pending {
    section: Section,
    id: String,
    title: String,
    required: bool,
    status: Status,
    claimed: Option<bool>,
    answer: Option<String>,
    reference: Option<String>,
    findings: Vec<String>,
    /// The share of the item's points earned (1 when passed; alerts earn parts of it).
    credit: f64,
    chart: Option<ReviewChart>,
}

impl Pending {
    fn file(section: Section, id: &str, title: &str, outcome: Result<(), Vec<String>>) -> Pending {
        let (status, findings) = match outcome {
            Ok(()) => (Status::Passed, Vec::new()),
            Err(f) if f.is_empty() => (Status::Missing, vec![format!("{id} is missing")]),
            Err(f) => (Status::Failed, f),
        };
        let id = format!("file/{id}");
        Pending {
            section,
            id,
            title: title.into(),
            required: true,
            status,
            claimed: None,
            answer: None,
            reference: None,
            credit: f64::from(u8::from(status == Status::Passed)),
            findings,
            chart: None,
        }
    }

    /// An alert of the submitted `alert_rules.yml`, worth its passed parts.
    fn alert(c: AlertFileCheck, required: bool) -> Pending {
        let status = match (c.no_file, c.passed_parts) {
            (true, _) => Status::Missing,
            (_, PARTS) => Status::Passed,
            _ => Status::Failed,
        };
        Pending {
            section: Section::AlertRules,
            id: format!("alert/{}", c.alert),
            title: format!("{} — {} in alert_rules.yml", c.seed_ref, c.alert),
            required,
            status,
            claimed: None,
            answer: None,
            reference: Some(c.reference),
            findings: c.findings,
            credit: c.passed_parts as f64 / PARTS as f64,
            chart: None,
        }
    }
}

/// Grades the submission in `bundle` against `catalogue`.
pub fn grade_bundle(catalogue: &Catalogue, bundle: &Bundle) -> Result<GradeReport, String> {
    grade_bundle_with(catalogue, bundle, false)
}

/// [`grade_bundle`], with each query answer drawn over the reference when `charts` (the site's
/// review; each chart is two more range queries).
pub fn grade_bundle_with(
    catalogue: &Catalogue,
    bundle: &Bundle,
    charts: bool,
) -> Result<GradeReport, String> {
    let text = bundle.files.get(names::ANSWERS).ok_or_else(|| {
        format!("the submission has no {}: it is the file every submission starts from", names::ANSWERS)
    })?;
    let submission = Submission::parse(text)?;
    let mut problems: Vec<String> = bundle.skipped.clone();
    let latest = latest_answers(&submission, &mut problems);
    let mut grader = Grader::new(catalogue);
    grader.charts = charts;
    let mut pending = Vec::new();
    for item in &catalogue.items {
        let answer = latest.get(&(item.kind.as_str(), item.id.as_str())).copied();
        let Some(section) = item.section() else {
            problems.extend(answer.map(|a| outside_rubric(&mut grader, item, a)));
            continue;
        };
        let mut p = Pending {
            section,
            id: format!("{}/{}", item.kind.as_str(), item.id),
            title: format!("{} — {}", item.seed_ref, item.title),
            required: item.required(),
            status: Status::Missing,
            claimed: answer.map(|a| a.claimed_solved),
            answer: answer.map(|a| a.text.clone()),
            reference: Some(item.reference.clone()),
            findings: Vec::new(),
            credit: 0.0,
            chart: None,
        };
        match answer {
            None => p.findings.push("no answer".into()),
            Some(a) => {
                if !a.version.is_empty() && a.version != item.version {
                    p.findings.push(format!(
                        "answered exercise version {}; graded against version {}",
                        a.version, item.version
                    ));
                }
                match grader.grade(item.kind, &item.id, &a.text) {
                    Ok(o) => {
                        p.status = if o.passed { Status::Passed } else { Status::Failed };
                        p.credit = f64::from(u8::from(o.passed));
                        p.findings.extend(o.findings);
                        p.chart = o.chart;
                        if a.claimed_solved && !o.passed {
                            p.findings
                                .push("marked solved by the browser, but the answer does not pass".into());
                        }
                    }
                    Err(e) => {
                        p.status = Status::Failed;
                        p.findings.push(format!("could not be graded: {e}"));
                    }
                }
            }
        }
        pending.push(p);
    }
    for a in &submission.answers {
        if catalogue.find(a.kind, &a.exercise).is_none() {
            problems.push(format!(
                "answers.json: no {} exercise {:?}: not graded",
                a.kind.as_str(),
                a.exercise
            ));
        }
    }
    pending.extend(file_items(bundle, &submission));
    let alert_file = bundle.files.get(names::ALERT_RULES).map(String::as_str);
    for c in check_alert_file(&mut grader, catalogue.alert_exercises(), alert_file, &submission.alert_docs) {
        let required = rubric::required(&c.seed_ref);
        pending.push(Pending::alert(c, required));
    }
    Ok(score(pending, problems))
}

/// An answer to an exercise that names no seed task (a pack's own numbering): graded and
/// reported, but it scores nothing.
fn outside_rubric(grader: &mut Grader, item: &Item, a: &Answer) -> String {
    let verdict = match grader.grade(item.kind, &item.id, &a.text) {
        Ok(o) if o.passed => "passes".to_string(),
        Ok(o) => format!("does not pass ({})", o.findings.join("; ")),
        Err(e) => format!("could not be graded: {e}"),
    };
    format!(
        "{}/{} ({}, pack {}): {verdict}; not in the rubric, as its seed_ref {:?} names no seed task",
        item.kind.as_str(),
        item.id,
        item.title,
        item.pack,
        item.seed_ref
    )
}

/// The last answer per (kind, exercise), noting exercises answered more than once.
fn latest_answers<'a>(
    s: &'a Submission,
    problems: &mut Vec<String>,
) -> BTreeMap<(&'a str, &'a str), &'a Answer> {
    let mut out = BTreeMap::new();
    for a in &s.answers {
        if out.insert((a.kind.as_str(), a.exercise.as_str()), a).is_some() {
            problems.push(format!(
                "answers.json: {:?} is answered more than once: the last answer counts",
                a.exercise
            ));
        }
    }
    out
}

/// The items read from the submission's files: the rule files pass the rule check, the
/// unit tests pass, the Alertmanager configuration loads, and the documents exist (every
/// alert documented with a runbook and a threshold justification).
fn file_items(bundle: &Bundle, submission: &Submission) -> Vec<Pending> {
    let files = &bundle.files;
    let rule_check = |name: &str| -> Result<(), Vec<String>> {
        let text = files.get(name).ok_or_else(Vec::new)?;
        let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.render(name))
            .collect();
        if errors.is_empty() && report.rule_count == 0 {
            return Err(vec![format!("{name}: no rules")]);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    };
    let tests = || -> Result<(), Vec<String>> {
        let text = files.get(names::ALERT_TESTS).ok_or_else(Vec::new)?;
        let outcome = run_file(names::ALERT_TESTS, text, &BundleRules(files), RunOptions::promtool_2());
        if outcome.ok() && outcome.checks > 0 {
            Ok(())
        } else if outcome.ok() {
            Err(vec![format!("{}: no tests", names::ALERT_TESTS)])
        } else {
            Err(render(std::slice::from_ref(&outcome)).lines().map(str::to_string).collect())
        }
    };
    let alertmanager = || -> Result<(), Vec<String>> {
        let text = files.get(names::ALERTMANAGER).ok_or_else(Vec::new)?;
        crate::alertmanager::config::load_with_placeholders(text)
            .1
            .map(|_| ())
            .map_err(|e| vec![format!("{}: {}", names::ALERTMANAGER, e.message())])
    };
    let present = |name: &str| -> Result<(), Vec<String>> {
        match files.get(name) {
            Some(t) if !t.trim().is_empty() => Ok(()),
            Some(_) => Err(vec![format!("{name} is empty")]),
            None => Err(Vec::new()),
        }
    };
    let documented = || -> Result<(), Vec<String>> {
        let text = files.get(names::ALERT_RULES).ok_or_else(Vec::new)?;
        let missing: Vec<String> = alert_docs(text, &submission.alert_docs)
            .into_iter()
            .filter(|(_, d)| !d.complete())
            .map(|(a, _)| format!("{a}: no runbook or no threshold justification"))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    };
    use Section::*;
    vec![
        Pending::file(
            RecordingRules,
            names::RECORDING_RULES,
            "Recording rules pass the rule check",
            rule_check(names::RECORDING_RULES),
        ),
        Pending::file(
            AlertRules,
            names::ALERT_RULES,
            "Alert rules pass the rule check",
            rule_check(names::ALERT_RULES),
        ),
        Pending::file(AlertRules, names::ALERT_TESTS, "Alert unit tests pass (promtool test rules)", tests()),
        Pending::file(AlertRules, names::ALERTMANAGER, "Alertmanager configuration loads", alertmanager()),
        Pending::file(Documentation, names::QUERIES, "Query library", present(names::QUERIES)),
        Pending::file(
            Documentation,
            names::RECORDING_DOC,
            "Recording rules documented",
            present(names::RECORDING_DOC),
        ),
        Pending::file(
            Documentation,
            names::RUNBOOKS,
            "Every alert has a runbook and a threshold justification",
            documented(),
        ),
        Pending::file(Documentation, names::PERFORMANCE, "Performance analysis", present(names::PERFORMANCE)),
    ]
}

/// Rule files a unit-test file names, from the submission (relative to its root; `*` and
/// `?` match within a name).
struct BundleRules<'a>(&'a BTreeMap<String, String>);

impl RuleSource for BundleRules<'_> {
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String> {
        Ok(self
            .0
            .iter()
            .filter(|(name, _)| glob_match(pattern, name))
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect())
    }
}

/// Shell-style matching of `*` (any run of characters but `/`) and `?` (one character), by
/// dynamic programming: a hostile pattern of many stars costs pattern × name steps, no more.
fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.trim_start_matches("./").chars().collect();
    let n: Vec<char> = name.chars().collect();
    if p.len() > 1024 {
        return false;
    }
    // reach[j]: the pattern so far matches the first j characters of the name.
    let mut reach = vec![false; n.len() + 1];
    reach[0] = true;
    for pc in &p {
        let mut next = vec![false; n.len() + 1];
        for j in 0..=n.len() {
            if *pc == '*' {
                next[j] = reach[j] || (j > 0 && next[j - 1] && n[j - 1] != '/');
            } else if j > 0 && reach[j - 1] {
                next[j] = if *pc == '?' { n[j - 1] != '/' } else { n[j - 1] == *pc };
            }
        }
        reach = next;
    }
    reach[n.len()]
}

/// Points per item: each section's weight shared equally among its items.
fn score(pending: Vec<Pending>, problems: Vec<String>) -> GradeReport {
    let counts: Vec<usize> =
        Section::ALL.iter().map(|&s| pending.iter().filter(|p| p.section == s).count()).collect();
    let count = |s: Section| counts[Section::ALL.iter().position(|&x| x == s).unwrap_or(0)].max(1);
    let items: Vec<ItemResult> = pending
        .into_iter()
        .map(|p| {
            let max = p.section.weight() / count(p.section) as f64;
            let points = max * p.credit;
            ItemResult {
                section: p.section,
                id: p.id,
                title: p.title,
                required: p.required,
                status: p.status,
                points,
                max,
                claimed_solved: p.claimed,
                answer: p.answer,
                reference: p.reference,
                findings: p.findings,
                chart: p.chart,
            }
        })
        .collect();
    let sections: Vec<SectionScore> = Section::ALL
        .iter()
        .map(|&s| {
            let of: Vec<&ItemResult> = items.iter().filter(|i| i.section == s).collect();
            let points = round2(of.iter().map(|i| i.points).sum());
            let max = if of.is_empty() { 0.0 } else { s.weight() };
            SectionScore { section: s, title: s.title().to_string(), points, max }
        })
        .collect();
    let score = round2(sections.iter().map(|s| s.points).sum());
    GradeReport { score, sections, items, problems }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_within_a_name() {
        assert!(glob_match("*.yml", "alert_rules.yml"));
        assert!(glob_match("./recording_rules.yml", "recording_rules.yml"));
        assert!(glob_match("rule?.yml", "rules.yml"));
        assert!(!glob_match("*.yml", "dir/a.yml"));
        assert!(!glob_match("a.yml", "b.yml"));
    }
}
