//! Exercises in the engine module: finding an exercise by id (built-in, or from a loaded
//! pack), its texts rendered for the page, and where it is checked on a dataset. Grading and
//! the exercises kept prepared for it are in [`check`].

mod check;

use super::Host;
use crate::content::exercise::Exercise;
use crate::content::exercise_pack::builtin_exercises;
use crate::content::markdown::to_html;
use crate::content::time::format_instant;
use crate::link::answer;
use crate::link::exercises::{
    CheckAnswer, Checkpoints, ExerciseCheckpoints, ExerciseRequest, ExerciseView, ExplainExercise,
    RunExercise, ShowExercise,
};

/// What the engine module keeps for this area between calls.
#[derive(Default)]
pub struct ExerciseState {
    /// The exercises of the loaded packs (the packs area replaces them whenever the set of
    /// loaded packs changes).
    pub from_packs: Vec<Exercise>,
    /// The built-in exercises, read from the embedded pack on first use.
    builtin: Option<Result<Vec<Exercise>, String>>,
    /// Exercises prepared for grading, most recently used last.
    prepared: Vec<check::Ready>,
}

impl ExerciseState {
    /// Exercise `id`: a built-in one, else one of the loaded packs (the app's list has the
    /// built-in ones first too, and a pack cannot reuse a built-in id).
    pub fn find(&mut self, id: &str) -> Result<Exercise, String> {
        let builtin = self.builtin.get_or_insert_with(|| builtin_exercises().map_err(|e| e.to_string()));
        let (found, failed) = match builtin {
            Ok(all) => (all.iter().find(|e| e.id == id), None),
            Err(e) => (None, Some(e)),
        };
        match (found.or_else(|| self.from_packs.iter().find(|e| e.id == id)), failed) {
            (Some(ex), _) => Ok(ex.clone()),
            (None, Some(e)) => Err(format!("the exercises failed to load: {e}")),
            (None, None) => Err(format!("there is no exercise {id:?}")),
        }
    }
}

pub(super) fn handle(host: &mut Host, request: ExerciseRequest) -> Vec<u8> {
    match request {
        ExerciseRequest::Show(c) => answer::<ShowExercise>(host.exercises.find(&c.id).map(|ex| view(&ex))),
        ExerciseRequest::Checkpoints(c) => {
            answer::<ExerciseCheckpoints>(checkpoints(host, &c.id, &c.dataset))
        }
        ExerciseRequest::Check(c) => answer::<CheckAnswer>(check::check(host, &c)),
        ExerciseRequest::Run(c) => answer::<RunExercise>(check::run(host, &c)),
        ExerciseRequest::Explain(c) => answer::<ExplainExercise>(check::explain_on(host, &c)),
    }
}

/// The exercise's texts for the page, Markdown rendered.
fn view(ex: &Exercise) -> ExerciseView {
    ExerciseView {
        prompt_html: to_html(&ex.prompt),
        hints_html: ex.hints.iter().map(|h| to_html(h)).collect(),
        explanation_html: to_html(&ex.explanation),
        starter: ex.starter.clone(),
        answers: ex.answers.clone(),
        docs: ex.docs.clone(),
    }
}

/// The instants (and range) exercise `id` is checked at on `dataset`, as the page prints them,
/// and where its queries are looked at.
fn checkpoints(host: &mut Host, id: &str, dataset: &str) -> Result<Checkpoints, String> {
    let ex = host.exercises.find(id)?;
    let meta = host.datasets.meta(dataset)?;
    let plan = ex.plan(&meta)?;
    let times: Vec<String> = plan.instants.iter().map(|t| format_instant(*t)).collect();
    let range =
        plan.range.map(|r| format!(" and over {} to {}", format_instant(r.start), format_instant(r.end)));
    let text = format!("{}{}", times.join(", "), range.unwrap_or_default());
    Ok(Checkpoints { text, view: check::view_time(&plan, (meta.start, meta.end)) })
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    #[test]
    fn an_exercise_shows_its_texts_rendered() {
        let v = roundtrip(&mut Host::new(), ShowExercise { id: "todo-1-3-sum-by".into() }).unwrap().unwrap();
        assert!(v.prompt_html.contains("<strong>total prediction rate</strong>"), "{}", v.prompt_html);
        assert_eq!(v.hints_html.len(), 2);
        assert!(v.hints_html[0].contains("<code>rate(model_predictions_total[5m])</code>"));
        assert!(v.explanation_html.starts_with("<p>"));
        assert_eq!(v.answers[0], "sum by (model) (rate(model_predictions_total[5m]))");
        assert_eq!(v.starter, None);
        assert_eq!(v.docs.len(), 1);
        let bug = roundtrip(&mut Host::new(), ShowExercise { id: "bug-histogram-bare-name".into() });
        assert_eq!(
            bug.unwrap().unwrap().starter.as_deref().map(str::trim),
            Some("max by (model) (model_prediction_duration_seconds)")
        );
    }

    #[test]
    fn an_unknown_exercise_is_a_clear_error() {
        let err = roundtrip(&mut Host::new(), ShowExercise { id: "nope".into() }).unwrap().unwrap_err();
        assert_eq!(err, "there is no exercise \"nope\"");
    }

    #[test]
    fn a_pack_exercise_is_found_after_the_built_in_ones() {
        let mut host = Host::new();
        let mut ex = host.exercises.find("todo-1-3-sum-by").unwrap();
        ex.id = "from-a-pack".into();
        ex.prompt = "A *pack's* prompt".into();
        host.exercises.from_packs = vec![ex];
        let v = roundtrip(&mut host, ShowExercise { id: "from-a-pack".into() }).unwrap().unwrap();
        assert_eq!(v.prompt_html, "<p>A <em>pack's</em> prompt</p>\n");
    }

    #[test]
    fn checkpoints_resolve_on_the_dataset_asked_for() {
        let mut host = Host::new();
        let on = |host: &mut Host, dataset: &str| {
            roundtrip(host, ExerciseCheckpoints { id: "todo-1-3-sum-by".into(), dataset: dataset.into() })
                .unwrap()
        };
        let checkpoints = on(&mut host, "ml-platform").unwrap();
        let text = checkpoints.text;
        let meta = crate::content::builtin_dataset("ml-platform").unwrap().meta;
        let first = format_instant(meta.start + 3 * 3_600_000);
        assert!(text.starts_with(&format!("{first}, ")), "{text}");
        assert_eq!(text.matches(", ").count(), 2, "three instants: {text}");
        assert!(text.contains(" and over "), "{text}");
        let crate::link::query::QueryTime::Range { start, end, step } = checkpoints.view else {
            panic!("{:?}", checkpoints.view)
        };
        assert!(start < end && step >= 30_000 && end <= meta.end, "{:?}", checkpoints.view);
        // The other built-in dataset covers another hour.
        let err = on(&mut host, "high-cardinality").unwrap_err();
        assert!(err.contains("outside the data of high-cardinality"), "{err}");
    }
}
