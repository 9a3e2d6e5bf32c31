//! Exercise messages: an exercise's texts ready to show, where it is checked on a dataset,
//! and grading an answer.
//!
//! The app lists exercises without the engine module (the built-in list is generated into
//! `ui::builtin_catalogue`, pack exercises come with their pack); everything that reads the
//! exercise files, renders Markdown or evaluates queries happens here, by exercise id.

use serde::{Deserialize, Serialize};

use crate::content::exercise::DocLink;
use crate::content::grade::overlay::Overlay;
use crate::content::grade::RangeParams;

/// Exercise requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum ExerciseRequest {
    Show(ShowExercise),
    Checkpoints(ExerciseCheckpoints),
    Check(CheckAnswer),
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

/// Where exercise `id` is checked on dataset `dataset`: its instants and range, in UTC, as
/// the page prints them (`2026-01-05T03:00:00Z, ... and over A to B`). An error when its
/// times do not resolve on that dataset.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExerciseCheckpoints {
    pub id: String,
    pub dataset: String,
}

call!(ExerciseCheckpoints => Result<String, String>, Exercises(ExerciseRequest::Checkpoints));

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
    /// The expected-vs-actual chart, when both results are range-query results.
    pub chart: Option<OverlayChart>,
}

/// The series of both sides of the overlay chart and the range they cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlayChart {
    pub range: RangeParams,
    pub series: Overlay,
}
