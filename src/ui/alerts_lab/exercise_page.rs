//! An alerting exercise (`/alerts/exercise/:id`): the prompt, the alert-rule editor with its
//! live check, and grading by the alert timeline — the learner's firings drawn above the
//! expected ones, with what differs in words. The file and the solved mark are kept in
//! local storage; the exercise, check and grading come from the engine module.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::Millis;
use crate::link::alerts::{AlertExerciseView, AlertFeedback, GradeAlertExercise, OpenAlertExercise};
use crate::rules::alert_timeline::Firing;

use super::super::engine_link;
use super::super::lab_exercise::{exercise_route, BackToLab, ExerciseActions, ExerciseHeader, ExerciseWork, Lab, SolvedExplanation};
use super::super::rules_lab::rule_editor::{checked_as_typed, RuleEditor};
use super::geometry::{short_time, TimeScale, LEFT, RIGHT, WIDTH};
use super::LAB_PATH;

fn text_key(id: &str) -> String {
    format!("promql-playground-alerts-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-alerts-solved-{id}")
}

/// The lab, as its exercise pages name it.
pub(super) const LAB: Lab = Lab {
    path: LAB_PATH,
    name: "alerting lab",
    exercises: "alerting exercises",
    try_it: "Try the seed's alerts in the lab",
};

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn AlertExercisePage() -> impl IntoView {
    exercise_route(
        LAB,
        |id| async move { engine_link::ask(OpenAlertExercise { id }).await? },
        |ex| view! { <AlertExerciseBody ex=ex /> }.into_any(),
    )
}

#[component]
fn AlertExerciseBody(ex: Arc<AlertExerciseView>) -> impl IntoView {
    let work = ExerciseWork::new(text_key(&ex.id), solved_key(&ex.id), &ex.starter);
    let text = work.answer;
    let verdict: RwSignal<Option<Result<Arc<AlertFeedback>, String>>> = RwSignal::new(None);

    let diagnostics = checked_as_typed(text, verdict);

    let id = ex.id.clone();
    let grade = Callback::new(move |()| {
        let id = id.clone();
        let grade = move |text| async move {
            engine_link::ask(GradeAlertExercise { id, text }).await.and_then(|r| r).map(Arc::new)
        };
        work.check(verdict, grade, |v| v.passed);
    });
    let span = (ex.start, ex.end);
    let graded = format!(
        "Graded by the firings of {} from {} to {}: each alert must start and stop firing within one evaluation interval of the reference.",
        ex.alerts.join(", "),
        short_time(ex.start),
        short_time(ex.end)
    );
    let checking = work.checking;

    view! {
        <div class="exercise-page rule-exercise" data-testid="alert-exercise">
            <BackToLab lab=LAB />
            <section class="card exercise-card">
                <ExerciseHeader seed_ref=ex.seed_ref.clone() kind="write alerts".into() title=ex.title.clone()
                    prompt_html=ex.prompt_html.clone() solved=work.solved />
                <RuleEditor value=text diagnostics=diagnostics file_name="alert_rules.yml" />
                <p class="muted small">{graded}</p>
                <ExerciseActions work=work check_label="Check my alerts" check_testid="check-alerts" ready=true
                    on_check=grade hints_html=ex.hints_html.clone() starter=ex.starter.clone() />
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v span=span checking=checking /> })}
            <SolvedExplanation lab=LAB solved=work.solved explanation_html=ex.explanation_html.clone() />
        </div>
    }
}

/// The verdict: a headline, what differs, and the two timelines.
#[component]
fn Feedback(verdict: Result<Arc<AlertFeedback>, String>, span: (Millis, Millis), checking: RwSignal<bool>) -> impl IntoView {
    let v = match verdict {
        Err(e) => {
            return view! { <section class="card feedback bad" data-testid="feedback"><p class="feedback-headline">{format!("\u{2717} The exercise could not be prepared: {e}")}</p></section> }.into_any()
        }
        Ok(v) => v,
    };
    let headline = if v.passed {
        "\u{2713} Correct: your alerts fire when the reference's do.".to_string()
    } else if !v.errors.is_empty() {
        format!("\u{2717} The rule file has {} error(s): fix them first.", v.errors.len())
    } else {
        "\u{2717} Not quite: your alerts fire differently.".to_string()
    };
    let items = v.errors.iter().chain(&v.differences).map(|i| view! { <li>{i.clone()}</li> }).collect_view();
    let class = if v.passed { "card feedback good" } else { "card feedback bad" };
    view! {
        <section class=class aria-live="polite" class:stale=move || checking.get() data-testid="feedback">
            <p class="feedback-headline" data-testid="feedback-headline">{headline}</p>
            <ul class="feedback-items">{items}</ul>
            {v.errors.is_empty().then(|| view! { <FiringsCompare yours=v.yours.clone() expected=v.expected.clone() span=span /> })}
        </section>
    }
    .into_any()
}

/// The learner's and the reference's firings on one time axis.
#[component]
fn FiringsCompare(yours: Vec<Firing>, expected: Vec<Firing>, span: (Millis, Millis)) -> impl IntoView {
    let scale = TimeScale { start: span.0, end: span.1 };
    let row = |y: f64, firings: &[Firing], class: &'static str, testid: &'static str| {
        firings
            .iter()
            .map(|f| {
                let x0 = scale.x(f.start);
                let x1 = scale.x(f.end.unwrap_or(span.1)).max(x0 + 2.0);
                view! { <rect class=class x=x0 y=y width=x1 - x0 height="12" data-testid=testid><title>{format!("{} {}", f.labels, short_time(f.start))}</title></rect> }
            })
            .collect_view()
    };
    let ticks = scale
        .ticks()
        .into_iter()
        .map(|(x, label)| view! { <text class="tl-tick" x=x y="74" text-anchor="middle">{label}</text> })
        .collect_view();
    view! {
        <div class="tl-scroll">
            <div class="tl-area">
                <svg viewBox=format!("0 0 {WIDTH} 80") class="tl-svg" role="img" aria-label="Your firings above the expected ones">
                    <text class="tl-label" x=LEFT y="12">"yours"</text>
                    <line class="tl-track" x1=LEFT x2=WIDTH - RIGHT y1="22" y2="22" />
                    {row(16.0, &yours, "tl-firing", "your-firing")}
                    <text class="tl-label" x=LEFT y="44">"expected"</text>
                    <line class="tl-track" x1=LEFT x2=WIDTH - RIGHT y1="54" y2="54" />
                    {row(48.0, &expected, "tl-expected", "expected-firing")}
                    {ticks}
                </svg>
            </div>
        </div>
    }
}
