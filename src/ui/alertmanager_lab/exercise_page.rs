//! An Alertmanager exercise (`/alertmanager/exercise/:id`): the prompt, an answer box (a line
//! for receivers or labels, a YAML area for inhibit rules or a `group_by`), grading by what
//! Alertmanager would do with the answer, hints, and the explanation once solved. The answer
//! and the solved mark are kept in local storage.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::alertmanager::{AmExerciseView, AmFeedback, GradeAmExercise, OpenAmExercise};

use super::super::engine_link;
use super::super::lab_exercise::{exercise_route, BackToLab, ExerciseActions, ExerciseHeader, ExerciseWork, Lab, SolvedExplanation};
use super::LAB_PATH;

fn answer_key(id: &str) -> String {
    format!("promql-playground-am-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-am-solved-{id}")
}

/// The lab, as its exercise pages name it.
pub(super) const LAB: Lab = Lab {
    path: LAB_PATH,
    name: "Alertmanager lab",
    exercises: "Alertmanager exercises",
    try_it: "Try it in the Alertmanager lab",
};

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn AmExercisePage() -> impl IntoView {
    exercise_route(
        LAB,
        |id| async move { engine_link::ask(OpenAmExercise { id }).await? },
        |ex| view! { <AmExerciseBody ex=ex /> }.into_any(),
    )
}

/// What the answer is, in the words of the page.
fn kind_label(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "receivers" => ("receivers", "Receivers, comma-separated, in order"),
        "labels" => ("labels", "Labels, as name=value words"),
        "inhibit_rules" => ("inhibit rules", "Your inhibit_rules (YAML list)"),
        _ => ("group_by", "The root route's group_by (YAML list)"),
    }
}

#[component]
fn AmExerciseBody(ex: Arc<AmExerciseView>) -> impl IntoView {
    let work = ExerciseWork::new(answer_key(&ex.id), solved_key(&ex.id), &ex.starter);
    let answer = work.answer;
    let verdict: RwSignal<Option<Result<AmFeedback, String>>> = RwSignal::new(None);
    let id = ex.id.clone();
    let check = Callback::new(move |()| {
        let id = id.clone();
        let grade = move |answer| async move { engine_link::ask(GradeAmExercise { id, answer }).await.and_then(|r| r) };
        work.check(verdict, grade, |v| v.passed);
    });
    let (kind, field) = kind_label(&ex.answer_kind);
    let multiline = matches!(ex.answer_kind.as_str(), "inhibit_rules" | "group_by");
    let input = if multiline && ex.answer_kind == "inhibit_rules" {
        view! {
            <textarea class="timeline-input mono" data-testid="am-answer" spellcheck="false" rows="8" aria-label=field
                prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input class="text-input mono" type="text" data-testid="am-answer" spellcheck="false" autocomplete="off"
                autocapitalize="off" aria-label=field
                prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev)) />
        }
        .into_any()
    };
    let feedback = move || {
        verdict.get().map(|v| {
            let (passed, items) = match v {
                Ok(f) => (f.passed, f.findings),
                Err(e) => (false, vec![e]),
            };
            let class = if passed { "card feedback good" } else { "card feedback bad" };
            view! {
                <section class=class aria-live="polite" data-testid="feedback">
                    <p class="feedback-headline" data-testid="feedback-headline">
                        {if passed { "\u{2713} Correct." } else { "\u{2717} Not quite." }}
                    </p>
                    <ul class="feedback-items">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                </section>
            }
        })
    };
    view! {
        <div class="exercise-page am-exercise" data-testid="am-exercise">
            <BackToLab lab=LAB />
            <section class="card exercise-card">
                <ExerciseHeader seed_ref=ex.seed_ref.clone() kind=kind.into() title=ex.title.clone()
                    prompt_html=ex.prompt_html.clone() solved=work.solved />
                <label class="field-label">{field}</label>
                {input}
                <ExerciseActions work=work check_label="Check" check_testid="am-check" ready=true
                    on_check=check hints_html=ex.hints_html.clone() starter=ex.starter.clone() />
            </section>
            {feedback}
            <SolvedExplanation lab=LAB solved=work.solved explanation_html=ex.explanation_html.clone() />
        </div>
    }
}
