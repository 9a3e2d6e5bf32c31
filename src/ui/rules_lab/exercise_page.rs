//! A rule-writing exercise (`/rules/exercise/:id`): the prompt, the rule-file editor with its
//! live check, and grading — the learner's rules are evaluated and the series they record
//! are compared with the reference rules' at the exercise's instants. The learner's file and
//! the solved mark are kept in local storage. The exercise, its check and its grading come
//! from the engine module.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::link::rules::{CheckRules, GradeRuleExercise, OpenRuleExercise, RuleExerciseView, RuleFeedback};
use crate::rules::Diagnostic;

use super::super::browser::{self, href};
use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::exercise_feedback::{overlay_model, OverlayFigure};
use super::rule_editor::RuleEditor;
use super::{LAB_PATH, RULE_EXERCISE_STORE_PREFIXES};

fn text_key(id: &str) -> String {
    format!("{}{id}", RULE_EXERCISE_STORE_PREFIXES[0])
}
fn solved_key(id: &str) -> String {
    format!("{}{id}", RULE_EXERCISE_STORE_PREFIXES[1])
}

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn RuleExercisePage() -> impl IntoView {
    let params = use_params_map();
    let exercise = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            engine_link::ask(OpenRuleExercise { id }).await?
        }
    });
    move || {
        match exercise.get() {
            None => view! { <p class="muted loading">"Loading the exercise\u{2026}"</p> }.into_any(),
            Some(Ok(Some(ex))) => view! { <RuleExerciseBody ex=Arc::new(ex) /> }.into_any(),
            Some(Ok(None)) => view! {
                <section class="card narrow"><h1>"No such exercise"</h1>
                    <p><A href=href(LAB_PATH)>"Back to the recording rules lab"</A></p></section>
            }
            .into_any(),
            Some(Err(e)) => view! { <section class="card narrow error-box">{format!("The rule exercises failed to load: {e}")}</section> }.into_any(),
        }
    }
}

#[component]
fn RuleExerciseBody(ex: Arc<RuleExerciseView>) -> impl IntoView {
    let data = use_data();
    let text = RwSignal::new(browser::stored(&text_key(&ex.id)).unwrap_or_else(|| ex.starter.clone()));
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let solved = RwSignal::new(browser::stored(&solved_key(&ex.id)).is_some());
    let hints_shown = RwSignal::new(0usize);
    let checking = RwSignal::new(false);
    let verdict: RwSignal<Option<Result<Arc<RuleFeedback>, String>>> = RwSignal::new(None);

    let id = ex.id.clone();
    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        checks.send(CheckRules { text: t.clone() }, move |reply| match reply {
            Ok(c) => diagnostics.set(c.diagnostics),
            // The engine module broke: say so where grading says what went wrong.
            Err(e) => verdict.set(Some(Err(e))),
        });
        if previous.is_some_and(|p| p != t) {
            browser::store(&text_key(&id), &t);
        }
        t
    });

    let exercise = ex.clone();
    let check = move |_| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        checking.set(true);
        let id = exercise.id.clone();
        spawn_local(async move {
            let grade =
                GradeRuleExercise { id: id.clone(), dataset: d.meta.id.clone(), text: text.get_untracked() };
            let outcome = engine_link::ask(grade).await.and_then(|r| r).map(Arc::new);
            if let Ok(v) = &outcome {
                if v.passed {
                    solved.set(true);
                    browser::store(&solved_key(&id), "1");
                }
            }
            verdict.set(Some(outcome));
            checking.set(false);
        });
    };
    let starter = ex.starter.clone();
    let reset = move |_| text.set(starter.clone());

    let hints: Vec<String> = ex.hints_html.clone();
    let hint_count = hints.len();
    let hint_list = move || {
        hints
            .iter()
            .take(hints_shown.get())
            .enumerate()
            .map(|(i, h)| view! { <li class="hint" data-testid="hint"><span class="hint-no">{format!("Hint {}", i + 1)}</span><div class="prose" inner_html=h.clone()></div></li> })
            .collect_view()
    };
    let explanation = ex.explanation_html.clone();
    let ready = move || matches!(data.get(), DataState::Ready(_));

    view! {
        <div class="exercise-page rule-exercise" data-testid="rule-exercise">
            <nav class="exercise-nav">
                <A href=href(LAB_PATH) attr:class="button secondary small">"\u{2190} Recording rules lab"</A>
            </nav>
            <section class="card exercise-card">
                <div class="exercise-meta">
                    <span class="badge seed-ref">{ex.seed_ref.clone()}</span>
                    <span class="badge kind">"write rules"</span>
                    {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
                </div>
                <h1 class="card-title">{ex.title.clone()}</h1>
                <div class="prose prompt" inner_html=ex.prompt_html.clone()></div>
                <RuleEditor value=text diagnostics=diagnostics file_name="rules.yml" />
                <p class="muted small">{format!("Graded by evaluating your rules and comparing {} with the reference rules' output at {} instants.", ex.check.join(", "), ex.instants)}</p>
                <div class="exercise-actions">
                    <button type="button" class="button primary" data-testid="check-rules"
                        disabled=move || checking.get() || !ready() on:click=check>
                        {move || if checking.get() { "Checking\u{2026}" } else { "Check my rules" }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reveal-hint"
                        disabled=move || { hints_shown.get() >= hint_count }
                        on:click=move |_| hints_shown.update(|n| *n += 1)>"Show a hint"</button>
                    <button type="button" class="button secondary" on:click=reset>"Start over"</button>
                </div>
                <ol class="hints">{hint_list}</ol>
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v checking=checking /> })}
            {move || solved.get().then(|| view! {
                <section class="card explanation" data-testid="explanation">
                    <h2>"Why"</h2>
                    <div class="prose" inner_html=explanation.clone()></div>
                    <p><A href=href(LAB_PATH)>"Evaluate and measure rules in the lab \u{2192}"</A></p>
                </section>
            })}
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
