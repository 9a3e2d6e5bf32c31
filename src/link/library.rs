//! Query library messages: the library of the seed's queries on a dataset (explanations and
//! lint findings at once), then its costs measured step by step so the page can show
//! progress and fill costs in as they arrive.

use serde::{Deserialize, Serialize};

use crate::assist::library::{Library, QueryCost, RulesSummary};
use crate::link::rules::Progress;

/// Query library requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum LibraryRequest {
    Open(OpenLibrary),
    Step(LibraryStep),
}

/// The library on dataset `dataset` without costs (every query with its explanation and
/// lint findings); starts measuring it with `runs` timed runs per median, replacing any
/// measurement under way.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenLibrary {
    pub dataset: String,
    pub runs: usize,
}

call!(OpenLibrary => Result<Library, String>, Library(LibraryRequest::Open));

/// Runs the measurement's next step: evaluating one of the seed's recording rules over the
/// dataset, then measuring a few queries (as many as fit in about a tenth of a second).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct LibraryStep;

call!(LibraryStep => Result<LibraryProgress, String>, Library(LibraryRequest::Step));

/// What a step did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LibraryProgress {
    /// Steps done out of all, and what the next one works on.
    pub progress: Progress,
    /// The recorded series, once every rule ran.
    pub rules: Option<RulesSummary>,
    /// Queries measured by this step, by query text.
    pub measured: Vec<(String, QueryCost)>,
    pub finished: bool,
}
