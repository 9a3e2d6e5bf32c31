//! Alerting exercises (seed TODO 4.1 and bonus 1): the learner edits an alerting rule file;
//! it is checked like `promtool check rules`, evaluated over a stretch of the dataset on top
//! of the recording rules the exercise provides, and graded by its alert timeline: for every
//! graded alert, the firing spans of each alert label set must match the reference's, start
//! and end within one evaluation interval.
//!
//! The exercise's recording rules are evaluated once per exercise and kept ([`Prepared`]), so
//! grading an answer only evaluates the learner's file.

use serde::Deserialize;

use super::dataset::DatasetMeta;
use super::error::ContentError;
use super::exercise::resolve_time;
use super::field_check::FieldCheck;
use super::yaml::{self, Seg};
use crate::engine::{Labels, Millis, Storage};
use crate::rules::alert_explain::{below_threshold, explain_silent_alerts};
use crate::rules::alert_timeline::{AlertTimeline, Firing};
use crate::rules::alerts_at::alerts_at;
use crate::rules::{check, evaluate, CheckOptions, Diagnostic, EvalOptions, Evaluation, RuleFile, Severity};

/// How much data before the graded stretch is evaluated too, so that rates, recorded series
/// and `for` are warmed up when it begins.
pub const LEAD: Millis = 2 * 3_600_000;

/// An alerting exercise file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertExercise {
    pub id: String,
    /// `TODO 4.1`, `bonus 1`.
    pub seed_ref: String,
    pub title: String,
    /// Id of the dataset the rules run on.
    pub dataset: String,
    /// Markdown.
    pub prompt: String,
    /// The recording rules the alerts read (a rule file), evaluated once per exercise.
    #[serde(default)]
    pub recording: Option<String>,
    /// The alerting rule file the editor starts with.
    pub starter: String,
    /// An alerting rule file whose alerts fire as they should.
    pub reference: String,
    /// The alert names graded.
    pub alerts: Vec<String>,
    /// The graded stretch: `[from, to]`, times as exercises write them (`30h`, `end - 1h`).
    pub window: Vec<String>,
    /// Annotations that must read exactly so at given instants.
    #[serde(default)]
    pub annotations: Vec<AnnotationCheck>,
    /// Plausible wrong answers grading must reject (the file carries its own test).
    #[serde(default)]
    pub rejects: Vec<String>,
    /// Markdown hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Markdown, shown once solved.
    pub explanation: String,
}

/// An annotation of an alert that must read `text` at `at`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnnotationCheck {
    pub at: String,
    pub alert: String,
    pub name: String,
    pub text: String,
}

/// The built-in alerting exercises, in catalogue order.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "alerts-4-1-peak-or-incident.yaml",
        include_str!("../../exercises/alerts/alerts-4-1-peak-or-incident.yaml"),
    ),
    ("alerts-4-1-flapping.yaml", include_str!("../../exercises/alerts/alerts-4-1-flapping.yaml")),
    ("alerts-4-1-traffic-events.yaml", include_str!("../../exercises/alerts/alerts-4-1-traffic-events.yaml")),
    (
        "alerts-4-1-memory-leak-units.yaml",
        include_str!("../../exercises/alerts/alerts-4-1-memory-leak-units.yaml"),
    ),
    ("alerts-4-1-annotation.yaml", include_str!("../../exercises/alerts/alerts-4-1-annotation.yaml")),
    ("alerts-bonus-1-burn-rate.yaml", include_str!("../../exercises/alerts/alerts-bonus-1-burn-rate.yaml")),
];

/// Loads every built-in alerting exercise.
pub fn builtin() -> Result<Vec<AlertExercise>, ContentError> {
    ContentError::collect(BUILTIN.iter().map(|(file, text)| AlertExercise::load(file, text)))
}

fn check_options() -> CheckOptions {
    CheckOptions { unwrap_configmap: true, ..CheckOptions::default() }
}

impl AlertExercise {
    /// Parses and validates an exercise file (everything that does not need the dataset).
    pub fn load(file: &str, text: &str) -> Result<AlertExercise, ContentError> {
        let ex: AlertExercise = yaml::parse(file, text)?;
        let mut fields = FieldCheck::new(file, text);
        fields.ids(&[("id", &ex.id), ("dataset", &ex.dataset)]);
        fields.not_empty(&[("seed_ref", &ex.seed_ref), ("title", &ex.title), ("prompt", &ex.prompt)]);
        if ex.window.len() != 2 {
            fields.bad(&[Seg::Key("window")], "give the graded stretch as [from, to]");
        }
        if ex.alerts.is_empty() {
            fields.bad(&[Seg::Key("alerts")], "name at least one alert to grade");
        }
        fields.hints(&ex.hints);
        if check(&ex.recording_rules(), &check_options()).file.is_none() {
            fields.bad(&[Seg::Key("recording")], "the recording rules do not pass the check");
        }
        match check(&ex.reference, &check_options()).file {
            None => fields.bad(&[Seg::Key("reference")], "the reference rule file does not pass the check"),
            Some(f) => {
                for (i, name) in ex.alerts.iter().enumerate() {
                    if !f.rules().any(|(_, r)| r.is_alerting() && r.alert == *name) {
                        fields.bad(
                            &[Seg::Key("alerts"), Seg::Index(i)],
                            format!("the reference has no alert {name:?}"),
                        );
                    }
                }
            }
        }
        fields.finish(ex)
    }

    /// The recording rules the alerts read (none: an empty rule file).
    pub fn recording_rules(&self) -> String {
        self.recording.clone().unwrap_or_else(|| "groups: []\n".into())
    }
}

/// An exercise made ready on its dataset: the graded stretch, the recorded series of the
/// exercise's recording rules, and the reference's firings.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub from: Millis,
    pub to: Millis,
    /// The dataset plus what the exercise's recording rules recorded over the stretch.
    pub storage: Storage,
    /// The evaluation interval of each graded alert (the tolerance of its spans).
    pub intervals: Vec<(String, Millis)>,
    pub expected: Vec<Firing>,
    /// The annotation checks with their instants resolved.
    pub annotations: Vec<(Millis, AnnotationCheck)>,
}

/// Resolves the stretch, records the exercise's recording rules over it, and evaluates the
/// reference.
pub fn prepare(ex: &AlertExercise, meta: &DatasetMeta, storage: &Storage) -> Result<Prepared, String> {
    let (from, to) = match ex.window.as_slice() {
        [a, b] => (resolve_time(a, meta)?, resolve_time(b, meta)?),
        _ => return Err("the exercise gives no [from, to] window".into()),
    };
    if from - LEAD < meta.start || to > meta.end || from >= to {
        return Err(format!("the window leaves no {} h of data before it, or is empty", LEAD / 3_600_000));
    }
    let recording = check(&ex.recording_rules(), &check_options())
        .file
        .ok_or("the recording rules do not pass the check")?;
    let opts = window(from, to);
    let recorded = evaluate(storage, &recording, &opts).storage;
    let reference =
        check(&ex.reference, &check_options()).file.ok_or("the reference does not pass the check")?;
    let evaluation = evaluate(&recorded, &reference, &opts);
    let expected = graded_firings(ex, &evaluation.alerts, from, to);
    if expected.is_empty() {
        return Err("the reference fires no graded alert in the window".into());
    }
    let mut annotations = Vec::new();
    for check in &ex.annotations {
        let t = resolve_time(&check.at, meta)?;
        if let Some(problem) = annotation_problem(&evaluation, &reference, t, check, &opts) {
            return Err(format!("the reference fails its own annotation check: {problem}"));
        }
        annotations.push((t, check.clone()));
    }
    let intervals = evaluation.alerts.iter().map(|a| (a.name.clone(), a.interval)).collect();
    Ok(Prepared { from, to, storage: recorded, intervals, expected, annotations })
}

fn window(from: Millis, to: Millis) -> EvalOptions {
    EvalOptions { start: Some(from - LEAD), end: Some(to), ..EvalOptions::default() }
}

/// Why annotation `check` does not read as it should at `t` (None when it does).
fn annotation_problem(
    evaluation: &Evaluation,
    file: &RuleFile,
    t: Millis,
    check: &AnnotationCheck,
    opts: &EvalOptions,
) -> Option<String> {
    let shown: Vec<String> = alerts_at(evaluation, file, t, opts)
        .into_iter()
        .filter(|a| a.labels.get("alertname") == Some(check.alert.as_str()))
        .filter_map(|a| a.annotations.into_iter().find(|(n, _)| *n == check.name).map(|(_, v)| v))
        .collect();
    if shown.contains(&check.text) {
        return None;
    }
    let when = super::time::format_instant(t);
    Some(match shown.first() {
        None => format!("at {when} no {} alert has a `{}` annotation", check.alert, check.name),
        Some(v) => format!(
            "at {when} the `{}` of {} reads {v:?}, expected {:?}",
            check.name, check.alert, check.text
        ),
    })
}

/// The firings of the graded alerts that overlap `[from, to]`, clipped to it.
fn graded_firings(ex: &AlertExercise, timelines: &[AlertTimeline], from: Millis, to: Millis) -> Vec<Firing> {
    let mut out = Vec::new();
    for t in timelines.iter().filter(|t| ex.alerts.contains(&t.name)) {
        for mut f in t.firings(below_threshold(&t.expr)) {
            if f.start > to || f.end.is_some_and(|e| e <= from) {
                continue;
            }
            f.start = f.start.max(from);
            f.end = f.end.filter(|e| *e < to);
            out.push(f);
        }
    }
    out.sort_by(|a, b| a.labels.cmp(&b.labels).then(a.start.cmp(&b.start)));
    out
}

/// The outcome of grading an alerting rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertVerdict {
    pub passed: bool,
    /// The check's findings (the file is not evaluated when there are errors).
    pub diagnostics: Vec<Diagnostic>,
    /// Graded alerts the file has no rule for.
    pub missing: Vec<String>,
    /// What differs from the reference, in words.
    pub differences: Vec<String>,
    pub yours: Vec<Firing>,
    /// Why a graded alert never fired, when it did not: (alert, reasons).
    pub silent: Vec<(String, Vec<String>)>,
}

/// Grades the learner's alerting rule file `text`.
pub fn grade(ex: &AlertExercise, prepared: &Prepared, text: &str) -> AlertVerdict {
    let report = check(text, &check_options());
    let failed = report.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut verdict = AlertVerdict {
        passed: false,
        diagnostics: report.diagnostics,
        missing: Vec::new(),
        differences: Vec::new(),
        yours: Vec::new(),
        silent: Vec::new(),
    };
    let file: RuleFile = match report.file {
        Some(f) if !failed => f,
        _ => return verdict,
    };
    verdict.missing = ex
        .alerts
        .iter()
        .filter(|name| !file.rules().any(|(_, r)| r.is_alerting() && r.alert == **name))
        .cloned()
        .collect();
    if !verdict.missing.is_empty() {
        return verdict;
    }
    let evaluation = evaluate_answer(prepared, &file);
    verdict.silent = evaluation
        .alerts
        .iter()
        .filter(|a| ex.alerts.contains(&a.name) && !a.ever_fired())
        .map(|a| (a.name.clone(), a.explanation.clone()))
        .collect();
    verdict.yours = answer_firings(ex, prepared, &evaluation);
    let tolerance = |name: &str| {
        let theirs = prepared.intervals.iter().find(|(n, _)| n == name).map_or(60_000, |(_, i)| *i);
        let mine = evaluation.alerts.iter().find(|a| a.name == name).map_or(60_000, |a| a.interval);
        theirs.max(mine)
    };
    verdict.differences = compare(&prepared.expected, &verdict.yours, &tolerance);
    let opts = window(prepared.from, prepared.to);
    for (t, check) in &prepared.annotations {
        verdict.differences.extend(annotation_problem(&evaluation, &file, *t, check, &opts));
    }
    verdict.passed = verdict.differences.is_empty();
    verdict
}

/// Evaluates an alerting rule file over the exercise's stretch, on top of its recorded
/// series, with every alert that never fired explained.
pub fn evaluate_answer(prepared: &Prepared, file: &RuleFile) -> Evaluation {
    let mut evaluation = evaluate(&prepared.storage, file, &window(prepared.from, prepared.to));
    explain_silent_alerts(&mut evaluation, file, &EvalOptions::default().engine);
    evaluation
}

/// The graded alerts' firings in an evaluation of an answer, clipped to the stretch.
pub fn answer_firings(ex: &AlertExercise, prepared: &Prepared, evaluation: &Evaluation) -> Vec<Firing> {
    graded_firings(ex, &evaluation.alerts, prepared.from, prepared.to)
}

/// The differences between the expected and the learner's firings, per alert label set:
/// a missing or extra firing, or one that starts or ends more than an interval off.
pub fn compare(expected: &[Firing], yours: &[Firing], tolerance: &dyn Fn(&str) -> Millis) -> Vec<String> {
    let mut out = Vec::new();
    let sets: std::collections::BTreeSet<&Labels> = expected.iter().chain(yours).map(|f| &f.labels).collect();
    for labels in sets {
        let name = labels.get("alertname").unwrap_or("");
        let tol = tolerance(name);
        let mine: Vec<&Firing> = yours.iter().filter(|f| &f.labels == labels).collect();
        let theirs: Vec<&Firing> = expected.iter().filter(|f| &f.labels == labels).collect();
        let shown = labels.to_string();
        if mine.len() != theirs.len() {
            out.push(format!(
                "{shown}: fires {} time{} in the graded stretch; it should fire {} time{}.",
                mine.len(),
                if mine.len() == 1 { "" } else { "s" },
                theirs.len(),
                if theirs.len() == 1 { "" } else { "s" }
            ));
            continue;
        }
        for (m, t) in mine.iter().zip(&theirs) {
            if (m.start - t.start).abs() > tol {
                out.push(format!(
                    "{shown}: starts firing at {}, expected at {} (within {}).",
                    super::time::format_instant(m.start),
                    super::time::format_instant(t.start),
                    super::time::format_duration(tol)
                ));
            }
            let off = match (m.end, t.end) {
                (Some(a), Some(b)) => (a - b).abs() > tol,
                (None, None) => false,
                _ => true,
            };
            if off {
                let end = |e: Option<Millis>| {
                    e.map_or("the end of the stretch".into(), super::time::format_instant)
                };
                out.push(format!("{shown}: stops firing at {}, expected at {}.", end(m.end), end(t.end)));
            }
        }
    }
    out
}
