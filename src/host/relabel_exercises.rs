//! Relabel exercises in the engine module: the list, one exercise's texts, and grading (the
//! kept queries' original answers are computed once per exercise and kept).

use std::collections::HashMap;

use super::Host;
use crate::content::markdown::to_html;
use crate::content::relabel_exercise::{
    builtin, grade as grade_config, prepare, Prepared, RelabelExercise, RelabelFeedback,
};
use crate::link::exercises::LabExerciseItem;
use crate::link::relabel::{GradeRelabelExercise, RelabelExerciseView};

/// The loaded exercises and the prepared ones.
#[derive(Default)]
pub struct RelabelExerciseState {
    loaded: Option<Result<Vec<RelabelExercise>, String>>,
    prepared: HashMap<String, Prepared>,
}

fn exercises(host: &mut Host) -> Result<&[RelabelExercise], String> {
    let loaded = host.relabel_exercises.loaded.get_or_insert_with(|| builtin().map_err(|e| e.to_string()));
    loaded.as_deref().map_err(Clone::clone)
}

pub(super) fn list(host: &mut Host) -> Result<Vec<LabExerciseItem>, String> {
    Ok(exercises(host)?.iter().map(|e| LabExerciseItem::new(&e.id, &e.seed_ref, &e.title)).collect())
}

pub(super) fn open(host: &mut Host, id: &str) -> Result<Option<RelabelExerciseView>, String> {
    let Some(ex) = exercises(host)?.iter().find(|e| e.id == id) else { return Ok(None) };
    Ok(Some(RelabelExerciseView {
        id: ex.id.clone(),
        seed_ref: ex.seed_ref.clone(),
        title: ex.title.clone(),
        dataset: ex.dataset.clone(),
        prompt_html: to_html(&ex.prompt),
        starter: ex.starter.clone(),
        max_series: ex.max_series,
        max_label_pairs: ex.max_label_pairs,
        keep: ex.keep.clone(),
        instants: ex.at.len(),
        hints_html: ex.hints.iter().map(|h| to_html(h)).collect(),
        explanation_html: to_html(&ex.explanation),
    }))
}

pub(super) fn grade(host: &mut Host, c: GradeRelabelExercise) -> Result<RelabelFeedback, String> {
    let ex = exercises(host)?
        .iter()
        .find(|e| e.id == c.id)
        .cloned()
        .ok_or(format!("there is no exercise {:?}", c.id))?;
    let storage = host.datasets.storage(&ex.dataset)?;
    if !host.relabel_exercises.prepared.contains_key(&ex.id) {
        let meta = host.datasets.meta(&ex.dataset)?;
        let prepared = prepare(&ex, &meta, &storage)?;
        host.relabel_exercises.prepared.insert(ex.id.clone(), prepared);
    }
    let prepared = &host.relabel_exercises.prepared[&ex.id];
    Ok(grade_config(&ex, prepared, &storage, &c.text))
}
