//! Relabeling messages: checking a config as it is typed, one series' trace, relabeling a
//! whole dataset step by step (the relabeled copy then opens like any dataset), and the
//! relabel exercises.

use serde::{Deserialize, Serialize};

use super::rules::{Progress, Step};
use crate::content::relabel_exercise::RelabelFeedback;
use crate::link::exercises::LabExerciseItem;
use crate::relabel::dataset::DatasetReport;
use crate::relabel::{Action, ConfigError, LabelPairs, Section, Shape};

/// Relabel requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum RelabelRequest {
    Check(CheckRelabel),
    Trace(TraceSeries),
    Pick(PickSeries),
    Start(StartRelabel),
    Step(RelabelStep),
    Exercises(RelabelExercises),
    Exercise(OpenRelabelExercise),
    Grade(GradeRelabelExercise),
}

/// Which rules of a config text to use (the options of `promplay relabel`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RelabelSource {
    pub text: String,
    /// The scrape job, when the text is a Prometheus config with several.
    pub job: Option<String>,
    /// Use `metric_relabel_configs` of the job.
    pub metric: bool,
}

/// Checks a config the way Prometheus loads it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckRelabel {
    pub source: RelabelSource,
}

call!(CheckRelabel => RelabelCheck, Relabel(RelabelRequest::Check));

/// What the check found: the error (with its position), or the rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelabelCheck {
    pub error: Option<ConfigError>,
    pub rules: Vec<RuleLine>,
    pub section: Section,
    pub shape: Option<Shape>,
}

/// A rule as the page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleLine {
    pub line: usize,
    pub action: Action,
    pub summary: String,
}

/// Follows one label set through the rules.
#[derive(Debug, Serialize, Deserialize)]
pub struct TraceSeries {
    pub source: RelabelSource,
    pub labels: LabelPairs,
}

call!(TraceSeries => Result<TraceView, ConfigError>, Relabel(RelabelRequest::Trace));

/// The trace: the input, then one step per rule (rules after a drop are not evaluated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceView {
    pub input: LabelPairs,
    pub steps: Vec<TraceStepView>,
    /// The labels stored (None: dropped), and the rule that dropped them.
    pub output: Option<LabelPairs>,
    pub dropped_by: Option<usize>,
    /// True when the output has no metric name: in `metric_relabel_configs` that fails the
    /// target's whole scrape.
    pub nameless: bool,
}

/// One rule of a trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceStepView {
    pub rule: RuleLine,
    /// The labels after the rule; None when the rule dropped the set or was not evaluated.
    pub after: Option<LabelPairs>,
    pub evaluated: bool,
    pub changed: bool,
}

/// A few series of a dataset to trace (those `selector` picks, else the first ones).
#[derive(Debug, Serialize, Deserialize)]
pub struct PickSeries {
    pub dataset: String,
    pub selector: String,
    pub limit: usize,
}

call!(PickSeries => Result<Vec<LabelPairs>, String>, Relabel(RelabelRequest::Pick));

/// Starts relabeling every series of `dataset` (replacing a run under way).
#[derive(Debug, Serialize, Deserialize)]
pub struct StartRelabel {
    pub dataset: String,
    pub source: RelabelSource,
}

call!(StartRelabel => Result<Progress, String>, Relabel(RelabelRequest::Start));

/// Relabels the next slice of series; finishes with the report, after which the relabeled
/// copy opens as dataset [`RelabelResult::dataset`].
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct RelabelStep;

call!(RelabelStep => Result<Step<RelabelResult>, String>, Relabel(RelabelRequest::Step));

/// A finished relabeling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelabelResult {
    /// The relabeled copy's dataset id.
    pub dataset: String,
    pub source: String,
    pub report: DatasetReport,
    /// Time spent relabeling, in milliseconds (the clock of the engine module).
    pub ms: f64,
}

/// The built-in relabel exercises, in catalogue order (Err: why they failed to load).
#[derive(Debug, Serialize, Deserialize)]
pub struct RelabelExercises;

call!(RelabelExercises => Result<Vec<LabExerciseItem>, String>, Relabel(RelabelRequest::Exercises));

/// Relabel exercise `id` with its texts rendered (Ok(None): there is no such exercise).
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenRelabelExercise {
    pub id: String,
}

call!(OpenRelabelExercise => Result<Option<RelabelExerciseView>, String>, Relabel(RelabelRequest::Exercise));

/// What the exercise page shows (Markdown already rendered to HTML).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelabelExerciseView {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    pub dataset: String,
    pub prompt_html: String,
    pub starter: String,
    pub max_series: u64,
    pub max_label_pairs: Option<u64>,
    pub keep: Vec<String>,
    pub instants: usize,
    pub hints_html: Vec<String>,
    pub explanation_html: String,
}

/// Grades `text` for relabel exercise `id` (the original answers are computed on the first
/// grading and kept).
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeRelabelExercise {
    pub id: String,
    pub text: String,
}

call!(GradeRelabelExercise => Result<RelabelFeedback, String>, Relabel(RelabelRequest::Grade));
