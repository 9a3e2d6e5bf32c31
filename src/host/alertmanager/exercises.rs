//! Alertmanager exercises in the engine module: the built-in ones (read once), their texts
//! rendered, and grading.

use super::super::Host;
use crate::content::am_exercise::{self, AmExercise};
use crate::content::markdown::to_html;
use crate::link::alertmanager::{AmExerciseView, AmFeedback, GradeAmExercise};
use crate::link::exercises::LabExerciseItem;

/// What the engine module keeps for Alertmanager exercises.
#[derive(Default)]
pub struct ExerciseState {
    builtin: Option<Result<Vec<AmExercise>, String>>,
}

impl ExerciseState {
    fn builtin(&mut self) -> Result<&[AmExercise], String> {
        let loaded = self.builtin.get_or_insert_with(|| am_exercise::builtin().map_err(|e| e.to_string()));
        loaded.as_deref().map_err(Clone::clone)
    }
}

/// The built-in exercises, in catalogue order.
pub fn list(host: &mut Host) -> Result<Vec<LabExerciseItem>, String> {
    let all = host.alertmanager.exercises.builtin()?;
    Ok(all.iter().map(|ex| LabExerciseItem::new(&ex.id, &ex.seed_ref, &ex.title)).collect())
}

/// Exercise `id` as the page shows it.
pub fn open(host: &mut Host, id: &str) -> Result<Option<AmExerciseView>, String> {
    let all = host.alertmanager.exercises.builtin()?;
    Ok(all.iter().find(|ex| ex.id == id).map(|ex| AmExerciseView {
        id: ex.id.clone(),
        seed_ref: ex.seed_ref.clone(),
        title: ex.title.clone(),
        prompt_html: to_html(&ex.prompt),
        starter: ex.starter.clone(),
        answer_kind: ex.answer.as_str().to_string(),
        hints_html: ex.hints.iter().map(|h| to_html(h)).collect(),
        explanation_html: to_html(&ex.explanation),
    }))
}

/// Grades an answer.
pub fn grade(host: &mut Host, c: &GradeAmExercise) -> Result<AmFeedback, String> {
    let all = host.alertmanager.exercises.builtin()?;
    let ex = all
        .iter()
        .find(|ex| ex.id == c.id)
        .ok_or_else(|| format!("there is no Alertmanager exercise {:?}", c.id))?;
    let verdict = ex.grade(&c.answer);
    Ok(AmFeedback { passed: verdict.passed, findings: verdict.findings })
}
