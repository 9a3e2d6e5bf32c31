//! Exercise messages: an exercise's texts ready to show, where it is checked on a dataset,
//! and grading an answer.
//!
//! The app lists exercises without the engine module (the built-in list is generated into
//! `ui::builtin_catalogue`, pack exercises come with their pack); everything that reads the
//! exercise files, renders Markdown or evaluates queries happens here, by exercise id.

use serde::{Deserialize, Serialize};

use crate::assist::explain::Explanation;
use crate::content::exercise::DocLink;
use crate::content::grade::overlay::Overlay;
use crate::content::grade::RangeParams;
use crate::engine::Millis;
use crate::link::query::{QueryReply, QueryTime};

/// Exercise requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum ExerciseRequest {
    Show(ShowExercise),
    Checkpoints(ExerciseCheckpoints),
    Check(CheckAnswer),
    Run(RunExercise),
    Explain(ExplainExercise),
}

/// The texts of exercise `id` (built-in, or from a loaded pack), Markdown rendered.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShowExercise {
    pub id: String,
}

call!(ShowExercise => Result<ExerciseView, String>, Exercises(ExerciseRequest::Show));

/// What the exercise page shows of an exercise besides its title and badges (which the app
/// has from its list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseView {
    /// The prompt as HTML (raw HTML in the source dropped, see `content::markdown`).
    pub prompt_html: String,
    /// The hints as HTML, in the order they are revealed.
    pub hints_html: Vec<String>,
    /// The explanation shown once solved, as HTML.
    pub explanation_html: String,
    /// The query the editor starts with, if the exercise has one.
    pub starter: Option<String>,
    /// The reference answers, the first one first.
    pub answers: Vec<String>,
    pub docs: Vec<DocLink>,
}

/// Where exercise `id` is checked on dataset `dataset`. An error when its times do not
/// resolve on that dataset.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExerciseCheckpoints {
    pub id: String,
    pub dataset: String,
}

call!(ExerciseCheckpoints => Result<Checkpoints, String>, Exercises(ExerciseRequest::Checkpoints));

/// Where an exercise is checked, and where its queries are looked at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoints {
    /// Its instants and range, in UTC, as the page prints them (`2026-01-05T03:00:00Z, ...
    /// and over A to B`).
    pub text: String,
    /// Where Run evaluates a query and "Open in playground" points: the range the
    /// expected-vs-actual chart covers (an instant query at the last checkpoint when the
    /// exercise has no range to chart).
    pub view: QueryTime,
}

/// Evaluates `query` for exercise `id` on dataset `dataset` without grading it: over the
/// exercise's [`Checkpoints::view`] (an instant query at its last instant when the query is a
/// range vector), on the exercise's data (with its recorded series).
#[derive(Debug, Serialize, Deserialize)]
pub struct RunExercise {
    pub id: String,
    pub dataset: String,
    pub query: String,
}

call!(RunExercise => Result<ExerciseRun, String>, Exercises(ExerciseRequest::Run));

/// The outcome of Run: when the query was evaluated, and its result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseRun {
    pub time: QueryTime,
    pub reply: QueryReply,
}

/// Grades `query` as an answer to exercise `id` on dataset `dataset`. The engine module
/// prepares the exercise on the first check (its checkpoints, recorded series and reference
/// results) and keeps it for the next ones.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub id: String,
    pub dataset: String,
    pub query: String,
}

call!(CheckAnswer => CheckedView, Exercises(ExerciseRequest::Check));

/// The outcome of a check, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckedView {
    /// False when the exercise cannot be graded (unknown, or its reference fails on this
    /// dataset): the feedback says why, and the answer does not count as progress.
    pub graded: bool,
    pub passed: bool,
    pub headline: String,
    /// The details, most useful first, as HTML.
    pub items_html: Vec<String>,
    /// Byte span of the parse error to underline, when the answer does not parse.
    pub parse_span: Option<(usize, usize)>,
    /// The engine's warnings and infos on the answer, exactly as Prometheus words them.
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
    /// Notes from the dataset's metadata (a counter function over a gauge, ...).
    pub type_notes: Vec<String>,
    /// The expected-vs-actual chart, when both results are range-query results.
    pub chart: Option<OverlayChart>,
}

/// The series of both sides of the overlay chart and the range they cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlayChart {
    pub range: RangeParams,
    pub series: Overlay,
}

/// Explains `query` node by node for exercise `id` on dataset `dataset` at `time`, on the
/// exercise's data (with its recorded series, which the playground's explain does not have).
#[derive(Debug, Serialize, Deserialize)]
pub struct ExplainExercise {
    pub id: String,
    pub dataset: String,
    pub query: String,
    pub time: Millis,
}

call!(ExplainExercise => Result<Explanation, String>, Exercises(ExerciseRequest::Explain));

/// One exercise of a lab (rules, alerting, Alertmanager, relabeling) as its lab page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabExerciseItem {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
}

impl LabExerciseItem {
    pub fn new(id: &str, seed_ref: &str, title: &str) -> Self {
        Self { id: id.to_string(), seed_ref: seed_ref.to_string(), title: title.to_string() }
    }
}
