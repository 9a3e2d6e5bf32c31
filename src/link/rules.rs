//! Rule messages: checking rule files, the rules lab's evaluation and cost comparison, and rule exercises.
//!
//! The lab's two long computations (evaluating a rule file over a dataset's timeline, then
//! measuring raw queries against recorded series) run in the engine module one small step
//! per call, so the app repaints between calls and shows progress: a start message, then
//! step messages until one answers [`Step::Finished`] with the view data the page shows.

use serde::{Deserialize, Serialize};

use crate::engine::{Labels, Millis, Series};
use crate::link::exercises::{LabExerciseItem, OverlayChart};
use crate::rules::cost::{CostOptions, CostTable};
use crate::rules::eval::Mode;
use crate::rules::{Diagnostic, EvalOptions};

/// Rules requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum RulesRequest {
    Check(CheckRules),
    StartLab(StartLab),
    LabStep(LabStep),
    StartCosts(StartCosts),
    CostStep(CostStep),
    Exercises(RuleExercises),
    Exercise(OpenRuleExercise),
    Grade(GradeRuleExercise),
    LabFinish(LabFinish),
}

/// Checks a rule file as the lab and the rule exercises load it (`promtool check rules`,
/// with a Kubernetes ConfigMap unwrapped).
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckRules {
    pub text: String,
}

call!(CheckRules => RuleCheck, Rules(RulesRequest::Check));

/// What the check found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleCheck {
    /// Errors and lint findings, at their line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// The rules found, when the file decodes without errors (it can then be evaluated).
    pub file: Option<FileSummary>,
}

/// A rule file that passed the check, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub recording_rules: usize,
    pub groups: usize,
}

/// Where a step-by-step computation stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Steps done, out of `total`.
    pub done: usize,
    pub total: usize,
    /// What the next step works on (a record name, a pair's label).
    pub label: String,
}

/// The answer to a step: still running, or finished with its result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Step<T> {
    Running(Progress),
    Finished(T),
}

/// Starts evaluating the recording rules of `text` over dataset `dataset` (its whole time
/// range unless `options` narrow it), replacing any evaluation under way. The previous
/// finished evaluation stays queryable until this one finishes.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartLab {
    pub dataset: String,
    pub text: String,
    pub options: EvalOptions,
}

call!(StartLab => Result<Progress, String>, Rules(RulesRequest::StartLab));

/// Runs the evaluation's next step (one recording rule, or the whole file when rules read
/// series recorded later in it), then explains the rules that recorded nothing. Once
/// finished, the recorded series are what `RunQuery { with_recorded: true }` reads.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct LabStep;

call!(LabStep => Result<Step<LabReport>, String>, Rules(RulesRequest::LabStep));

/// Runs what is left of the evaluation under way and finishes it. A step runs for a while
/// (about 100 ms), so a fresh engine module replaying a finished run (`link/replay.rs`)
/// replays its start and then this, not the same number of steps.
#[derive(Debug, Serialize, Deserialize)]
pub struct LabFinish;

call!(LabFinish => Result<Step<LabReport>, String>, Rules(RulesRequest::LabFinish));

/// A finished evaluation, as the lab shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabReport {
    /// The dataset the rules were evaluated on.
    pub dataset: String,
    pub mode: Mode,
    /// Alerting rules in the file (not evaluated by the lab).
    pub alerting_rules: usize,
    /// One entry per recording rule, in file order.
    pub rules: Vec<RuleReport>,
}

/// What one recording rule did over the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    pub group: String,
    pub record: String,
    pub expr: String,
    pub interval: Millis,
    /// Distinct series and samples recorded.
    pub series: usize,
    pub samples: usize,
    /// Time spent evaluating the rule, in milliseconds (0 when evaluated tick by tick).
    pub eval_ms: f64,
    /// Why the rule recorded nothing (empty when it recorded something).
    pub explanation: Vec<String>,
    /// Failed evaluations, and the first one's message.
    pub error_count: usize,
    pub first_error: Option<String>,
    /// The recorded series over the timeline, for a small chart (none when nothing was
    /// recorded or the series could not be read back).
    pub chart: Option<Sparkline>,
}

impl RuleReport {
    /// True when the rule recorded no sample at all.
    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }
}

/// A few series sampled at `step` over `[start, end]`, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sparkline {
    pub series: Vec<Series>,
    pub start: Millis,
    pub end: Millis,
    pub step: Millis,
}

/// Starts measuring every raw-vs-recorded pair of the rule file `text` on the last finished
/// evaluation.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartCosts {
    pub text: String,
    pub options: CostOptions,
}

call!(StartCosts => Result<Progress, String>, Rules(RulesRequest::StartCosts));

/// Measures the next pair; finishes with the cost table.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct CostStep;

call!(CostStep => Result<Step<CostReport>, String>, Rules(RulesRequest::CostStep));

/// The cost comparison and the same table as text (what `promplay rules bench` prints).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    pub table: CostTable,
    pub text: String,
}

/// The built-in rule exercises, in catalogue order (Err: why they failed to load).
#[derive(Debug, Serialize, Deserialize)]
pub struct RuleExercises;

call!(RuleExercises => Result<Vec<LabExerciseItem>, String>, Rules(RulesRequest::Exercises));

/// Rule exercise `id`, with its texts rendered (Ok(None): there is no such exercise).
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenRuleExercise {
    pub id: String,
}

call!(OpenRuleExercise => Result<Option<RuleExerciseView>, String>, Rules(RulesRequest::Exercise));

/// What the exercise page shows of an exercise (Markdown already rendered to HTML).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleExerciseView {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    pub prompt_html: String,
    /// The rule file the editor starts with.
    pub starter: String,
    pub hints_html: Vec<String>,
    pub explanation_html: String,
    /// The recorded metric names compared, and at how many instants.
    pub check: Vec<String>,
    pub instants: usize,
}

/// Grades `text` for rule exercise `id` on dataset `dataset` (the reference's output is
/// computed on the first grading and kept).
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeRuleExercise {
    pub id: String,
    pub dataset: String,
    pub text: String,
}

// Err: the exercise could not be prepared on the dataset.
call!(GradeRuleExercise => Result<RuleFeedback, String>, Rules(RulesRequest::Grade));

/// The outcome of grading, as the page words it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleFeedback {
    pub passed: bool,
    /// Errors in the rule file (it is not evaluated when there are any).
    pub errors: usize,
    /// Checked names no recording rule of the file records.
    pub missing_records: Vec<String>,
    /// The checked records that differ from the reference's, per instant.
    pub failures: Vec<PointFailure>,
    /// Why a checked rule recorded nothing: `(record, reasons)`.
    pub empty: Vec<(String, Vec<String>)>,
    /// What differs, in words (which series, expected vs. recorded), as HTML.
    pub details_html: Vec<String>,
    /// The first record that differs, expected vs. recorded over the stretch before its
    /// instant: `(record, chart)`.
    pub chart: Option<(String, OverlayChart)>,
}

/// How one checked record differs from the reference's at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointFailure {
    pub record: String,
    pub t: Millis,
    pub missing: usize,
    pub extra: usize,
    pub wrong_values: usize,
    /// `(expected, actual)` type names when the types differ.
    pub type_mismatch: Option<(String, String)>,
    /// The first expected series missing.
    pub first_missing: Option<Labels>,
}
