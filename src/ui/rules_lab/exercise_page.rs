//! A rule-writing exercise (`/rules/exercise/:id`): the prompt, the rule-file editor with its
//! live check, and grading — the learner's rules are evaluated and the series they record
//! are compared with the reference rules' at the exercise's instants. The learner's file and
//! the solved mark are kept in local storage. The exercise, its check and its grading come
//! from the engine module.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::rules::{GradeRuleExercise, OpenRuleExercise, RuleExerciseView, RuleFeedback};

use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::exercise_feedback::{overlay_model, OverlayFigure};
use super::super::lab_exercise::{exercise_route, BackToLab, ExerciseActions, ExerciseHeader, ExerciseWork, Lab, SolvedExplanation};
use super::rule_editor::{checked_as_typed, RuleEditor};
use super::{LAB_PATH, RULE_EXERCISE_STORE_PREFIXES};

fn text_key(id: &str) -> String {
    format!("{}{id}", RULE_EXERCISE_STORE_PREFIXES[0])
}
fn solved_key(id: &str) -> String {
    format!("{}{id}", RULE_EXERCISE_STORE_PREFIXES[1])
}

/// The lab, as its exercise pages name it.
pub(super) const LAB: Lab = Lab {
    path: LAB_PATH,
    name: "recording rules lab",
    exercises: "rule exercises",
    try_it: "Evaluate and measure rules in the lab",
};

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn RuleExercisePage() -> impl IntoView {
    exercise_route(
        LAB,
        |id| async move { engine_link::ask(OpenRuleExercise { id }).await? },
        |ex| view! { <RuleExerciseBody ex=ex /> }.into_any(),
    )
}

#[component]
fn RuleExerciseBody(ex: Arc<RuleExerciseView>) -> impl IntoView {
    let data = use_data();
    let work = ExerciseWork::new(text_key(&ex.id), solved_key(&ex.id), &ex.starter);
    let text = work.answer;
    let verdict: RwSignal<Option<Result<Arc<RuleFeedback>, String>>> = RwSignal::new(None);

    let diagnostics = checked_as_typed(text, verdict);

    let id = ex.id.clone();
    let check = Callback::new(move |()| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        let id = id.clone();
        let grade = move |text| async move {
            let grade = GradeRuleExercise { id, dataset: d.meta.id.clone(), text };
            engine_link::ask(grade).await.and_then(|r| r).map(Arc::new)
        };
        work.check(verdict, grade, |v| v.passed);
    });
    let ready = Signal::derive(move || matches!(data.get(), DataState::Ready(_)));
    let checking = work.checking;

    view! {
        <div class="exercise-page rule-exercise" data-testid="rule-exercise">
            <BackToLab lab=LAB />
            <section class="card exercise-card">
                <ExerciseHeader seed_ref=ex.seed_ref.clone() kind="write rules".into() title=ex.title.clone()
                    prompt_html=ex.prompt_html.clone() solved=work.solved />
                <RuleEditor value=text diagnostics=diagnostics file_name="rules.yml" />
                <p class="muted small">{format!("Graded by evaluating your rules and comparing {} with the reference rules' output at {} instants.", ex.check.join(", "), ex.instants)}</p>
                <ExerciseActions work=work check_label="Check my rules" check_testid="check-rules" ready=ready
                    on_check=check hints_html=ex.hints_html.clone() starter=ex.starter.clone() />
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v checking=checking /> })}
            <SolvedExplanation lab=LAB solved=work.solved explanation_html=ex.explanation_html.clone() />
        </div>
    }
}

/// The verdict, in words, and the first differing record charted against the reference's.
#[component]
fn Feedback(verdict: Result<Arc<RuleFeedback>, String>, checking: RwSignal<bool>) -> impl IntoView {
    let (passed, headline, items, chart) = match &verdict {
        Err(e) => {
            let item = view! { <li>{e.clone()}</li> }.into_any();
            (false, "The exercise could not be prepared".to_string(), vec![item], None)
        }
        Ok(v) => {
            let items =
                v.details_html.iter().map(|d| view! { <li class="prose" inner_html=d.clone()></li> }.into_any()).collect();
            let chart = v.chart.as_ref().map(|(record, c)| {
                let title = format!("{record}: the reference rules vs. yours");
                view! { <OverlayFigure model=overlay_model(c) title=title /> }
            });
            (v.passed, headline(v), items, chart)
        }
    };
    let class = if passed { "card feedback good" } else { "card feedback bad" };
    view! {
        <section class=class aria-live="polite" class:stale=move || checking.get() data-testid="feedback">
            <p class="feedback-headline" data-testid="feedback-headline">
                {if passed { "\u{2713} " } else { "\u{2717} " }}{headline}
            </p>
            <ul class="feedback-items">{items}</ul>
            {chart}
        </section>
    }
}

fn headline(v: &RuleFeedback) -> String {
    if v.passed {
        "Correct: your rules record what the reference rules record.".into()
    } else if v.errors > 0 {
        let errors = if v.errors == 1 { "1 error".to_string() } else { format!("{} errors", v.errors) };
        format!("The rule file has {errors}: fix them first (see the messages under the editor).")
    } else if !v.missing_records.is_empty() {
        format!("No rule records {}.", v.missing_records.join(", "))
    } else {
        "Not quite: the recorded series differ from the expected ones.".into()
    }
}
