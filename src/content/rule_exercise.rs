//! Rule-writing exercises (seed TODO 3.1 and 3.3): the learner edits a rule file; it is
//! checked like `promtool check rules`, its recording rules are evaluated over the dataset,
//! and the series it records under the names listed in `check` are compared, as values, with
//! what the reference rule file records, at two or more instants.
//!
//! Each instant is graded on its own short stretch of the timeline (the [`LEAD`] before it),
//! so grading stays fast in the browser while rules reading other rules' output still see it.

use serde::Deserialize;

use super::dataset::DatasetMeta;
use super::error::ContentError;
use super::exercise::resolve_time;
use super::field_check::FieldCheck;
use super::grade::compare::{self, Diff};
use super::grade::RangeParams;
use super::yaml::{self, Seg};
use crate::engine::{self, EngineOptions, Millis, Storage, Value};
use crate::rules::explain::explain_empty_rules;
use crate::rules::{check, evaluate, CheckOptions, Diagnostic, EvalOptions, RuleFile, Severity};

/// How much of the timeline before each instant is evaluated: a rule reading another rule's
/// series needs it recorded within the lookback (5 m), and 30 m leaves room for `rate(...[5m])`
/// over recorded series and for 1 m groups.
pub const LEAD: Millis = 30 * 60_000;
/// The step of the expected-vs-actual chart over the [`LEAD`] before an instant.
const CHART_STEP: Millis = 60_000;

/// A rule exercise file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleExercise {
    pub id: String,
    /// `TODO 3.1`, `TODO 3.3`.
    pub seed_ref: String,
    pub title: String,
    /// Id of the dataset the rules run on.
    pub dataset: String,
    /// Markdown.
    pub prompt: String,
    /// The rule file the editor starts with.
    pub starter: String,
    /// A rule file recording the expected series.
    pub reference: String,
    /// The recorded metric names compared.
    pub check: Vec<String>,
    /// Instants the recorded series are compared at (at least two).
    pub at: Vec<String>,
    /// Plausible wrong rule files grading must reject (the file carries its own test).
    #[serde(default)]
    pub rejects: Vec<String>,
    /// Markdown hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Markdown, shown once solved.
    pub explanation: String,
}

/// The built-in rule exercises, in catalogue order.
pub const BUILTIN: &[(&str, &str)] = &[
    ("rules-3-1-request-rates.yaml", include_str!("../../exercises/rules/rules-3-1-request-rates.yaml")),
    ("rules-3-1-error-ratios.yaml", include_str!("../../exercises/rules/rules-3-1-error-ratios.yaml")),
    ("rules-3-1-efficiency-bug.yaml", include_str!("../../exercises/rules/rules-3-1-efficiency-bug.yaml")),
    ("rules-3-3-benchmark-pairs.yaml", include_str!("../../exercises/rules/rules-3-3-benchmark-pairs.yaml")),
];

/// Loads every built-in rule exercise.
pub fn builtin() -> Result<Vec<RuleExercise>, ContentError> {
    ContentError::collect(BUILTIN.iter().map(|(file, text)| RuleExercise::load(file, text)))
}

/// Checking options: ConfigMaps are unwrapped (the seed's form), duplicates are only lint.
fn check_options() -> CheckOptions {
    CheckOptions { unwrap_configmap: true, ..CheckOptions::default() }
}

impl RuleExercise {
    /// Parses and validates an exercise file (everything that does not need the dataset).
    pub fn load(file: &str, text: &str) -> Result<RuleExercise, ContentError> {
        let ex: RuleExercise = yaml::parse(file, text)?;
        let mut fields = FieldCheck::new(file, text);
        fields.ids(&[("id", &ex.id), ("dataset", &ex.dataset)]);
        fields.not_empty(&[("seed_ref", &ex.seed_ref), ("title", &ex.title), ("prompt", &ex.prompt)]);
        fields.instants(&ex.at);
        if ex.check.is_empty() {
            fields.bad(&[Seg::Key("check")], "name at least one recorded metric to compare");
        }
        fields.hints(&ex.hints);
        match check(&ex.reference, &check_options()).file {
            None => fields.bad(&[Seg::Key("reference")], "the reference rule file does not pass the check"),
            Some(file) => {
                for (i, name) in ex.check.iter().enumerate() {
                    if !file.rules().any(|(_, r)| r.is_recording() && r.record == *name) {
                        fields.bad(
                            &[Seg::Key("check"), Seg::Index(i)],
                            format!("the reference records no {name:?}"),
                        );
                    }
                }
            }
        }
        fields.finish(ex)
    }
}

/// What the reference records at each instant, computed once per exercise.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub instants: Vec<Millis>,
    /// `(record, instant, value)` for every checked record at every instant.
    pub expected: Vec<(String, Millis, Value)>,
    /// `(record, instant, series)`: the same records over the [`LEAD`] before each instant,
    /// for the expected-vs-actual chart.
    pub expected_ranges: Vec<(String, Millis, Value)>,
}

/// Resolves the instants on the dataset and evaluates the reference rules.
pub fn prepare(ex: &RuleExercise, meta: &DatasetMeta, storage: &Storage) -> Result<Prepared, String> {
    let mut instants = Vec::new();
    for spec in &ex.at {
        let t = resolve_time(spec, meta)?;
        if t - LEAD < meta.start || t > meta.end {
            return Err(format!("instant {spec:?} leaves no {} min of data before it", LEAD / 60_000));
        }
        instants.push(t);
    }
    let file = check(&ex.reference, &check_options())
        .file
        .ok_or("the reference rule file does not pass the check")?;
    let mut expected = Vec::new();
    let mut expected_ranges = Vec::new();
    for &t in &instants {
        let recorded = evaluate(storage, &file, &window(t));
        for name in &ex.check {
            let value = recorded_at(&recorded.storage, name, t).map_err(|e| format!("reference: {e}"))?;
            if compare::is_empty(&value) {
                return Err(format!("the reference records nothing for {name} at {}", t / 1000));
            }
            expected.push((name.clone(), t, value));
            let range = recorded_over(&recorded.storage, name, chart_range(t))
                .map_err(|e| format!("reference: {e}"))?;
            expected_ranges.push((name.clone(), t, range));
        }
    }
    Ok(Prepared { instants, expected, expected_ranges })
}

fn window(t: Millis) -> EvalOptions {
    EvalOptions { start: Some(t - LEAD), end: Some(t), ..EvalOptions::default() }
}

/// The stretch charted for instant `t`: the [`LEAD`] evaluated before it.
pub fn chart_range(t: Millis) -> RangeParams {
    RangeParams { start: t - LEAD, end: t, step: CHART_STEP }
}

/// The series recorded as `name`, selected with `{__name__="name"}`.
fn recorded_query(name: &str) -> String {
    format!("{{__name__={name:?}}}")
}

/// The series recorded as `name` at `t` (an instant selector over the recorded storage).
fn recorded_at(storage: &Storage, name: &str, t: Millis) -> Result<Value, String> {
    engine::instant_query(storage, &recorded_query(name), t, &EngineOptions::default())
        .map(|o| o.value)
        .map_err(|e| e.to_string())
}

/// The series recorded as `name` over `r` (a range query over the recorded storage).
fn recorded_over(storage: &Storage, name: &str, r: RangeParams) -> Result<Value, String> {
    engine::range_query(storage, &recorded_query(name), r.start, r.end, r.step, &EngineOptions::default())
        .map(|o| o.value)
        .map_err(|e| e.to_string())
}

/// One checked record at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordPoint {
    pub record: String,
    pub t: Millis,
    pub expected: Value,
    pub actual: Value,
    pub diff: Diff,
}

impl RecordPoint {
    pub fn passed(&self) -> bool {
        self.diff.is_match()
    }
}

/// The outcome of grading a rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleVerdict {
    pub passed: bool,
    /// The check's errors (the file is not evaluated when there are any) and lint findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Checked names no recording rule of the file records.
    pub missing_records: Vec<String>,
    pub points: Vec<RecordPoint>,
    /// Why a checked rule recorded nothing: `(record, reasons)`.
    pub empty: Vec<(String, Vec<String>)>,
    /// The first record that differs, expected and recorded over the stretch before its
    /// instant: `(record, range, expected, actual)`.
    pub overlay: Option<(String, RangeParams, Value, Value)>,
}

/// Grades the learner's rule file `text`.
pub fn grade(ex: &RuleExercise, prepared: &Prepared, storage: &Storage, text: &str) -> RuleVerdict {
    let report = check(text, &check_options());
    let failed = report.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut verdict = RuleVerdict {
        passed: false,
        diagnostics: report.diagnostics,
        missing_records: Vec::new(),
        points: Vec::new(),
        empty: Vec::new(),
        overlay: None,
    };
    let file: RuleFile = match report.file {
        Some(f) if !failed => f,
        _ => return verdict,
    };
    verdict.missing_records = ex
        .check
        .iter()
        .filter(|name| !file.rules().any(|(_, r)| r.is_recording() && r.record == **name))
        .cloned()
        .collect();
    if !verdict.missing_records.is_empty() {
        return verdict;
    }
    let opts = EngineOptions::default();
    for &t in &prepared.instants {
        let mut recorded = evaluate(storage, &file, &window(t));
        for (name, at, expected) in prepared.expected.iter().filter(|(_, at, _)| *at == t) {
            let actual = recorded_at(&recorded.storage, name, *at).unwrap_or(Value::Vector(Vec::new()));
            let diff = compare::compare(expected, &actual, false);
            if verdict.overlay.is_none() && !diff.is_match() {
                verdict.overlay = overlay(prepared, &recorded.storage, name, *at);
            }
            verdict.points.push(RecordPoint {
                record: name.clone(),
                t: *at,
                expected: expected.clone(),
                actual,
                diff,
            });
        }
        if verdict.empty.is_empty() {
            explain_empty_rules(&mut recorded, &opts);
            verdict.empty = recorded
                .rules
                .iter()
                .filter(|r| r.is_empty() && ex.check.contains(&r.record))
                .map(|r| (r.record.clone(), r.explanation.clone()))
                .collect();
        }
    }
    verdict.passed = !verdict.points.is_empty() && verdict.points.iter().all(RecordPoint::passed);
    verdict
}

/// Record `name` as the reference and the learner's rules recorded it before instant `t`.
fn overlay(
    prepared: &Prepared,
    recorded: &Storage,
    name: &str,
    t: Millis,
) -> Option<(String, RangeParams, Value, Value)> {
    let (_, _, expected) = prepared.expected_ranges.iter().find(|(n, at, _)| n == name && *at == t)?;
    let range = chart_range(t);
    let actual = recorded_over(recorded, name, range).ok()?;
    Some((name.to_string(), range, expected.clone(), actual))
}
