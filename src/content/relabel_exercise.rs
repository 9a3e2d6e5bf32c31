//! Relabeling exercises (seed TODO 5.3): the learner writes `metric_relabel_configs`; the
//! dataset is relabeled with them as Prometheus would, and the result is graded: fewer series
//! (and label pairs) than the exercise allows, no target whose scrape would fail, and the
//! exercise's queries answering exactly as they do on the original data at every instant.

use serde::{Deserialize, Serialize};

use super::dataset::DatasetMeta;
use super::error::ContentError;
use super::exercise::resolve_time;
use super::field_check::FieldCheck;
use super::grade::compare::compare;
use super::yaml::{self, Seg};
use crate::cardinality::Postings;
use crate::engine::{self, EngineOptions, Labels, Millis, Storage, Value};
use crate::relabel::dataset::relabel_storage;
use crate::relabel::{load, ConfigError, LoadOptions};

/// A relabel exercise file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RelabelExercise {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    /// `fix` (improve a config) or `spot_the_bug` (the starter is broken).
    pub kind: String,
    pub dataset: String,
    /// Markdown.
    pub prompt: String,
    /// The config the editor starts with.
    pub starter: String,
    /// Most series the relabeled dataset may hold, and most label pairs (optional).
    pub max_series: u64,
    #[serde(default)]
    pub max_label_pairs: Option<u64>,
    /// Queries that must answer the same on the relabeled dataset as on the original.
    pub keep: Vec<String>,
    /// Instants the queries are compared at (at least two).
    pub at: Vec<String>,
    /// A config that passes (the file carries its own test).
    pub reference: String,
    /// Plausible wrong configs grading must reject.
    #[serde(default)]
    pub rejects: Vec<String>,
    pub hints: Vec<String>,
    /// Markdown, shown once solved.
    pub explanation: String,
}

/// The built-in relabel exercises, in catalogue order.
pub const BUILTIN: &[(&str, &str)] = &[
    ("relabel-5-3-seed-bugs.yaml", include_str!("../../exercises/relabel/relabel-5-3-seed-bugs.yaml")),
    (
        "relabel-5-3-cut-cardinality.yaml",
        include_str!("../../exercises/relabel/relabel-5-3-cut-cardinality.yaml"),
    ),
];

/// Loads every built-in relabel exercise.
pub fn builtin() -> Result<Vec<RelabelExercise>, ContentError> {
    ContentError::collect(BUILTIN.iter().map(|(file, text)| RelabelExercise::load(file, text)))
}

/// Loads the rules of a config as the exercise applies them (metric relabeling).
fn rules(text: &str) -> Result<crate::relabel::Loaded, ConfigError> {
    load(text, &LoadOptions { metric: true, ..LoadOptions::default() })
}

impl RelabelExercise {
    /// Parses and validates an exercise file (everything that does not need the dataset).
    pub fn load(file: &str, text: &str) -> Result<RelabelExercise, ContentError> {
        let ex: RelabelExercise = yaml::parse(file, text)?;
        let mut fields = FieldCheck::new(file, text);
        fields.ids(&[("id", &ex.id), ("dataset", &ex.dataset)]);
        fields.not_empty(&[("seed_ref", &ex.seed_ref), ("title", &ex.title), ("prompt", &ex.prompt)]);
        if !matches!(ex.kind.as_str(), "fix" | "spot_the_bug") {
            fields.bad(&[Seg::Key("kind")], "kind must be fix or spot_the_bug");
        }
        fields.instants(&ex.at);
        if ex.keep.is_empty() {
            fields.bad(&[Seg::Key("keep")], "name at least one query to keep");
        }
        fields.hints(&ex.hints);
        if let Err(e) = rules(&ex.reference) {
            fields.bad(&[Seg::Key("reference")], format!("the reference config does not load: {e}"));
        }
        fields.finish(ex)
    }
}

/// The original answers of the kept queries, computed once per exercise.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub instants: Vec<Millis>,
    /// `(query, instant, value)`.
    pub expected: Vec<(String, Millis, Value)>,
}

/// Resolves the instants and evaluates the kept queries on the original data.
pub fn prepare(ex: &RelabelExercise, meta: &DatasetMeta, storage: &Storage) -> Result<Prepared, String> {
    let instants: Vec<Millis> = ex.at.iter().map(|a| resolve_time(a, meta)).collect::<Result<_, _>>()?;
    let mut expected = Vec::new();
    for q in &ex.keep {
        for &t in &instants {
            let out = engine::instant_query(storage, q, t, &EngineOptions::default())
                .map_err(|e| format!("kept query {q:?} fails: {e}"))?;
            expected.push((q.clone(), t, out.value));
        }
    }
    Ok(Prepared { instants, expected })
}

/// How a kept query's answer changed at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryChange {
    pub query: String,
    pub t: Millis,
    pub missing: usize,
    pub extra: usize,
    pub wrong_values: usize,
    /// The first expected series that is missing, if any.
    pub first_missing: Option<Labels>,
}

/// The outcome of grading a config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelabelFeedback {
    pub passed: bool,
    /// The config does not load (nothing else is checked).
    pub config_error: Option<ConfigError>,
    pub series_before: u64,
    pub series_after: u64,
    pub max_series: u64,
    pub label_pairs_after: u64,
    pub max_label_pairs: Option<u64>,
    /// Targets whose scrape would fail (a series lost `__name__`).
    pub failed_targets: u64,
    pub changed: Vec<QueryChange>,
}

/// Grades `config` against the exercise on `storage` (the original data).
pub fn grade(ex: &RelabelExercise, prepared: &Prepared, storage: &Storage, config: &str) -> RelabelFeedback {
    let mut fb = RelabelFeedback {
        passed: false,
        config_error: None,
        series_before: storage.len() as u64,
        series_after: 0,
        max_series: ex.max_series,
        label_pairs_after: 0,
        max_label_pairs: ex.max_label_pairs,
        failed_targets: 0,
        changed: Vec::new(),
    };
    let loaded = match rules(config) {
        Ok(l) => l,
        Err(e) => {
            fb.config_error = Some(e);
            return fb;
        }
    };
    let (relabeled, report) = relabel_storage(storage, &loaded.set);
    fb.series_after = relabeled.len() as u64;
    fb.label_pairs_after = Postings::of_storage(&relabeled).label_pairs();
    fb.failed_targets = report.failed.target_count;
    for (q, t, want) in &prepared.expected {
        let got = engine::instant_query(&relabeled, q, *t, &EngineOptions::default()).map(|o| o.value);
        let diff = match &got {
            Ok(v) => compare(want, v, false),
            Err(_) => compare(want, &Value::Vector(Vec::new()), false),
        };
        if !diff.is_match() {
            fb.changed.push(QueryChange {
                query: q.clone(),
                t: *t,
                missing: diff.missing.len(),
                extra: diff.extra.len(),
                wrong_values: diff.wrong_value_count,
                first_missing: diff.missing.first().cloned(),
            });
        }
    }
    fb.passed = fb.series_after <= ex.max_series
        && ex.max_label_pairs.is_none_or(|m| fb.label_pairs_after <= m)
        && fb.failed_targets == 0
        && fb.changed.is_empty();
    fb
}
