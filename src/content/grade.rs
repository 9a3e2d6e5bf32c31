//! Grading by result, not by text: the learner's query and the reference answer are both
//! evaluated at the exercise's instants (at least two, so a constant cannot pass) and over its
//! range, and the results are compared as values (type, label sets, numbers at relative error
//! 1e-6). The verdict says what differs and, when the answer is empty, why it may be empty.

pub mod compare;
pub mod feedback;
pub mod overlay;
pub mod series_names;

use serde::{Deserialize, Serialize};

use crate::engine::{self, Annotations, EngineOptions, Millis, QueryError, QueryOutput, Storage, Value};

pub use compare::{almost_equal, Diff, ValueMismatch};

use super::explain_empty;

/// A range evaluation: `[start, end]` every `step` milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeParams {
    pub start: Millis,
    pub end: Millis,
    pub step: Millis,
}

/// Where an answer is evaluated: what an exercise resolves to once its dataset is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Instants of instant queries (an exercise has at least two distinct ones).
    pub instants: Vec<Millis>,
    /// An optional range query compared point by point.
    pub range: Option<RangeParams>,
    /// Compare vector elements in order (for `sort`, `topk`, ...).
    pub ordered: bool,
}

/// One place a query was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpoint {
    Instant(Millis),
    Range(RangeParams),
}

impl Checkpoint {
    /// The instant an explanation refers to (a range's end).
    pub fn time(&self) -> Millis {
        match *self {
            Checkpoint::Instant(t) => t,
            Checkpoint::Range(r) => r.end,
        }
    }
}

/// The reference answer's results at every checkpoint, computed once per exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub results: Vec<(Checkpoint, Value)>,
}

/// The outcome at one checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct PointVerdict {
    pub at: Checkpoint,
    pub expected: Value,
    /// The answer's value, or why it could not be evaluated here.
    pub actual: Result<Value, String>,
    pub diff: Diff,
}

impl PointVerdict {
    /// True when the answer matches here.
    pub fn passed(&self) -> bool {
        self.actual.is_ok() && self.diff.is_match()
    }
}

/// The full outcome of grading one answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub passed: bool,
    /// The answer does not parse: message plus byte span to underline.
    pub parse_error: Option<engine::ParseError>,
    pub points: Vec<PointVerdict>,
    /// Why the answer came back empty where a result was expected (if it did).
    pub empty_reasons: Vec<String>,
    /// The engine's warnings and infos on the answer, over every checkpoint (each once).
    pub annotations: Annotations,
}

impl Verdict {
    /// The first checkpoint that failed, for a short summary.
    pub fn first_failure(&self) -> Option<&PointVerdict> {
        self.points.iter().find(|p| !p.passed())
    }
}

/// Evaluates `query` at one checkpoint.
pub fn evaluate(
    storage: &Storage,
    query: &str,
    at: Checkpoint,
    opts: &EngineOptions,
) -> Result<Value, QueryError> {
    run(storage, query, at, opts).map(|out| out.value)
}

/// Evaluates `query` at one checkpoint, keeping the engine's annotations.
fn run(
    storage: &Storage,
    query: &str,
    at: Checkpoint,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    match at {
        Checkpoint::Instant(t) => engine::instant_query(storage, query, t, opts),
        Checkpoint::Range(r) => engine::range_query(storage, query, r.start, r.end, r.step, opts),
    }
}

/// The checkpoints of a plan, instants first.
pub fn checkpoints(plan: &Plan) -> Vec<Checkpoint> {
    let mut out: Vec<Checkpoint> = plan.instants.iter().map(|&t| Checkpoint::Instant(t)).collect();
    out.extend(plan.range.map(Checkpoint::Range));
    out
}

/// Evaluates the reference answer at every checkpoint of `plan`.
pub fn expected(
    storage: &Storage,
    plan: &Plan,
    reference: &str,
    opts: &EngineOptions,
) -> Result<Expected, QueryError> {
    let results = checkpoints(plan)
        .into_iter()
        .map(|at| evaluate(storage, reference, at, opts).map(|v| (at, v)))
        .collect::<Result<_, _>>()?;
    Ok(Expected { results })
}

/// Grades `answer` against precomputed expected results.
pub fn grade(
    storage: &Storage,
    plan: &Plan,
    expected: &Expected,
    answer: &str,
    opts: &EngineOptions,
) -> Verdict {
    if let Err(e) = engine::parse::parse(answer) {
        return Verdict {
            passed: false,
            parse_error: Some(e),
            points: Vec::new(),
            empty_reasons: Vec::new(),
            annotations: Annotations::default(),
        };
    }
    let mut points = Vec::new();
    let mut annotations = Annotations::default();
    for (at, exp) in &expected.results {
        let out = run(storage, answer, *at, opts);
        if let Ok(o) = &out {
            o.annotations.warnings.iter().for_each(|w| annotations.warn(w.as_str()));
            o.annotations.infos.iter().for_each(|i| annotations.info(i.as_str()));
        }
        let actual = out.map(|o| o.value).map_err(|e| e.to_string());
        let diff = match &actual {
            Ok(v) => compare::compare(exp, v, plan.ordered),
            Err(_) => Diff::default(),
        };
        points.push(PointVerdict { at: *at, expected: exp.clone(), actual, diff });
    }
    let empty_at = points.iter().find(|p| {
        !compare::is_empty(&p.expected) && p.actual.as_ref().is_ok_and(compare::is_empty) && !p.passed()
    });
    let empty_reasons = match empty_at {
        Some(p) => explain_empty::explain(storage, answer, p.at.time(), opts),
        None => Vec::new(),
    };
    let passed = !points.is_empty() && points.iter().all(PointVerdict::passed);
    Verdict { passed, parse_error: None, points, empty_reasons, annotations }
}
