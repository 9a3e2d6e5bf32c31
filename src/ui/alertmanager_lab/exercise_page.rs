//! An Alertmanager exercise (`/alertmanager/exercise/:id`): the prompt, an answer box (a line
//! for receivers or labels, a YAML area for inhibit rules or a `group_by`), grading by what
//! Alertmanager would do with the answer, hints, and the explanation once solved. The answer
//! and the solved mark are kept in local storage.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::link::alertmanager::{AmExerciseView, AmFeedback, GradeAmExercise, OpenAmExercise};

use super::super::browser::{self, href};
use super::super::engine_link;
use super::LAB_PATH;

fn answer_key(id: &str) -> String {
    format!("promql-playground-am-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-am-solved-{id}")
}

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn AmExercisePage() -> impl IntoView {
    let params = use_params_map();
    let exercise = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            engine_link::ask(OpenAmExercise { id }).await?
        }
    });
    move || match exercise.get() {
        None => view! { <p class="muted loading">"Loading the exercise\u{2026}"</p> }.into_any(),
        Some(Ok(Some(ex))) => view! { <AmExerciseBody ex=Arc::new(ex) /> }.into_any(),
        Some(Ok(None)) => view! {
            <section class="card narrow"><h1>"No such exercise"</h1>
                <p><A href=href(LAB_PATH)>"Back to the Alertmanager lab"</A></p></section>
        }
        .into_any(),
        Some(Err(e)) => view! { <section class="card narrow error-box">{format!("The exercises failed to load: {e}")}</section> }.into_any(),
    }
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
    let answer = RwSignal::new(browser::stored(&answer_key(&ex.id)).unwrap_or_else(|| ex.starter.clone()));
    let solved = RwSignal::new(browser::stored(&solved_key(&ex.id)).is_some());
    let hints_shown = RwSignal::new(0usize);
    let checking = RwSignal::new(false);
    let verdict: RwSignal<Option<Result<AmFeedback, String>>> = RwSignal::new(None);
    let id = ex.id.clone();
    Effect::new(move |previous: Option<String>| {
        let a = answer.get();
        if previous.is_some_and(|p| p != a) {
            browser::store(&answer_key(&id), &a);
        }
        a
    });
    let id = ex.id.clone();
    let check = move |_| {
        checking.set(true);
        let id = id.clone();
        spawn_local(async move {
            let outcome = engine_link::ask(GradeAmExercise { id: id.clone(), answer: answer.get_untracked() }).await.and_then(|r| r);
            if matches!(&outcome, Ok(v) if v.passed) {
                solved.set(true);
                browser::store(&solved_key(&id), "1");
            }
            verdict.set(Some(outcome));
            checking.set(false);
        });
    };
    let starter = ex.starter.clone();
    let reset = move |_| answer.set(starter.clone());
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
    let hints = ex.hints_html.clone();
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
            <nav class="exercise-nav">
                <A href=href(LAB_PATH) attr:class="button secondary small">"\u{2190} Alertmanager lab"</A>
            </nav>
            <section class="card exercise-card">
                <div class="exercise-meta">
                    <span class="badge seed-ref">{ex.seed_ref.clone()}</span>
                    <span class="badge kind">{kind}</span>
                    {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
                </div>
                <h1 class="card-title">{ex.title.clone()}</h1>
                <div class="prose prompt" inner_html=ex.prompt_html.clone()></div>
                <label class="field-label">{field}</label>
                {input}
                <div class="exercise-actions">
                    <button type="button" class="button primary" data-testid="am-check"
                        disabled=move || checking.get() on:click=check>
                        {move || if checking.get() { "Checking\u{2026}" } else { "Check" }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reveal-hint"
                        disabled=move || { hints_shown.get() >= hint_count }
                        on:click=move |_| hints_shown.update(|n| *n += 1)>"Show a hint"</button>
                    <button type="button" class="button secondary" on:click=reset>"Start over"</button>
                </div>
                <ol class="hints">{hint_list}</ol>
            </section>
            {feedback}
            {move || solved.get().then(|| view! {
                <section class="card explanation" data-testid="explanation">
                    <h2>"Why"</h2>
                    <div class="prose" inner_html=explanation.clone()></div>
                    <p><A href=href(LAB_PATH)>"Try it in the Alertmanager lab \u{2192}"</A></p>
                </section>
            })}
        </div>
    }
}
