//! The built-in exercises: the `exercises/` pack (its `pack.yaml` is the index, in catalogue
//! order) embedded in the binary and the wasm module, plus the catalogue view the home page
//! shows (exercises grouped by the seed's tasks).

use super::error::ContentError;
use super::exercise::{Exercise, ExerciseKind};
use super::loader::{load_pack, MemoryFiles};

/// The files of the built-in exercise pack, by path relative to `exercises/pack.yaml`.
/// `tests/exercises.rs` checks this list against the manifest.
pub const FILES: &[(&str, &str)] = &[
    ("pack.yaml", include_str!("../../exercises/pack.yaml")),
    ("todo-1-1-label-filters.yaml", include_str!("../../exercises/todo-1-1-label-filters.yaml")),
    ("todo-1-1-regex-and-negation.yaml", include_str!("../../exercises/todo-1-1-regex-and-negation.yaml")),
    ("todo-1-1-range-vector.yaml", include_str!("../../exercises/todo-1-1-range-vector.yaml")),
    ("todo-1-1-offset.yaml", include_str!("../../exercises/todo-1-1-offset.yaml")),
    ("todo-1-2-rate.yaml", include_str!("../../exercises/todo-1-2-rate.yaml")),
    ("todo-1-2-hour-over-hour.yaml", include_str!("../../exercises/todo-1-2-hour-over-hour.yaml")),
    ("todo-1-2-error-ratio.yaml", include_str!("../../exercises/todo-1-2-error-ratio.yaml")),
    ("todo-1-2-practice.yaml", include_str!("../../exercises/todo-1-2-practice.yaml")),
    ("todo-1-3-sum-by.yaml", include_str!("../../exercises/todo-1-3-sum-by.yaml")),
    ("todo-1-3-sum-without.yaml", include_str!("../../exercises/todo-1-3-sum-without.yaml")),
    ("todo-1-3-max-memory.yaml", include_str!("../../exercises/todo-1-3-max-memory.yaml")),
    ("bug-histogram-bare-name.yaml", include_str!("../../exercises/bug-histogram-bare-name.yaml")),
    ("todo-1-3-practice.yaml", include_str!("../../exercises/todo-1-3-practice.yaml")),
    ("todo-2-1-p95.yaml", include_str!("../../exercises/todo-2-1-p95.yaml")),
    ("todo-2-1-mean-latency.yaml", include_str!("../../exercises/todo-2-1-mean-latency.yaml")),
    ("bug-percentiles-or.yaml", include_str!("../../exercises/bug-percentiles-or.yaml")),
    ("todo-2-2-cache-hit-ratio.yaml", include_str!("../../exercises/todo-2-2-cache-hit-ratio.yaml")),
    ("todo-2-2-low-hit-models.yaml", include_str!("../../exercises/todo-2-2-low-hit-models.yaml")),
    ("todo-2-3-traffic-drop.yaml", include_str!("../../exercises/todo-2-3-traffic-drop.yaml")),
    ("todo-2-3-moving-average.yaml", include_str!("../../exercises/todo-2-3-moving-average.yaml")),
    ("todo-2-3-predict-linear.yaml", include_str!("../../exercises/todo-2-3-predict-linear.yaml")),
    ("bug-predictions-per-cpu.yaml", include_str!("../../exercises/bug-predictions-per-cpu.yaml")),
    ("todo-2-4-memory-efficiency.yaml", include_str!("../../exercises/todo-2-4-memory-efficiency.yaml")),
    ("todo-2-4-memory-leak.yaml", include_str!("../../exercises/todo-2-4-memory-leak.yaml")),
    ("todo-2-4-correlation.yaml", include_str!("../../exercises/todo-2-4-correlation.yaml")),
    ("todo-3-2-recorded-rate.yaml", include_str!("../../exercises/todo-3-2-recorded-rate.yaml")),
    ("todo-3-2-recorded-p95.yaml", include_str!("../../exercises/todo-3-2-recorded-p95.yaml")),
    ("todo-3-2-traffic-share.yaml", include_str!("../../exercises/todo-3-2-traffic-share.yaml")),
    ("bug-version-share-group-left.yaml", include_str!("../../exercises/bug-version-share-group-left.yaml")),
    (
        "todo-5-1-counter-without-rate.yaml",
        include_str!("../../exercises/todo-5-1-counter-without-rate.yaml"),
    ),
    ("todo-5-1-too-many-labels.yaml", include_str!("../../exercises/todo-5-1-too-many-labels.yaml")),
    ("todo-5-1-short-range.yaml", include_str!("../../exercises/todo-5-1-short-range.yaml")),
    (
        "bug-recorded-p95-per-platform.yaml",
        include_str!("../../exercises/bug-recorded-p95-per-platform.yaml"),
    ),
    ("todo-5-1-long-range.yaml", include_str!("../../exercises/todo-5-1-long-range.yaml")),
    ("todo-5-2-total-series.yaml", include_str!("../../exercises/todo-5-2-total-series.yaml")),
    ("todo-5-2-top-metrics.yaml", include_str!("../../exercises/todo-5-2-top-metrics.yaml")),
    ("todo-5-2-series-by-job.yaml", include_str!("../../exercises/todo-5-2-series-by-job.yaml")),
    ("todo-5-2-exploding-label.yaml", include_str!("../../exercises/todo-5-2-exploding-label.yaml")),
    ("bonus-2-memory-forecast.yaml", include_str!("../../exercises/bonus-2-memory-forecast.yaml")),
];

/// A built-in exercise as the catalogue and the exercise page's heading show it, known
/// without reading the exercise files (the generated table `content::builtin_catalogue`):
/// the start page lists them before any engine code loads, and the playground's engine
/// module, which has no exercises, knows their ids and datasets. The rest of an exercise
/// (prompt, hints, grading) is read from its file.
#[derive(Debug, PartialEq, Eq)]
pub struct BuiltinExercise {
    pub id: &'static str,
    pub title: &'static str,
    /// Where it comes from in the seed exercise: `TODO 1.2`, `Bonus 2`, ...
    pub seed_ref: &'static str,
    /// The catalogue group (the seed's task).
    pub task: &'static str,
    pub kind: ExerciseKind,
    /// The dataset it runs on (an exercise page switches to it).
    pub dataset: &'static str,
}

/// Loads and validates every built-in exercise, in catalogue order.
pub fn builtin_exercises() -> Result<Vec<Exercise>, ContentError> {
    let files = MemoryFiles(FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect());
    let manifest = files.0.get("pack.yaml").cloned().unwrap_or_default();
    let pack = load_pack("exercises/pack.yaml", &manifest, &mut files.clone())?;
    ContentError::collect(pack.exercises.iter().map(|f| Exercise::load(&f.file, &f.text)))
}

/// One group of the catalogue: a seed task and its exercises, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueGroup<'a> {
    pub task: &'a str,
    pub exercises: Vec<&'a Exercise>,
}

/// Groups exercises by `task`, keeping the order in which tasks first appear.
pub fn catalogue(exercises: &[Exercise]) -> Vec<CatalogueGroup<'_>> {
    let mut groups: Vec<CatalogueGroup> = Vec::new();
    for ex in exercises {
        match groups.iter_mut().find(|g| g.task == ex.task) {
            Some(g) => g.exercises.push(ex),
            None => groups.push(CatalogueGroup { task: &ex.task, exercises: vec![ex] }),
        }
    }
    groups
}
