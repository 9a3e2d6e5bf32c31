//! An alerting exercise (`/alerts/exercise/:id`): the prompt, the alert-rule editor with its
//! live check, and grading by the alert timeline — the learner's firings drawn above the
//! expected ones, with what differs in words. The file and the solved mark are kept in
//! local storage; the exercise, check and grading come from the engine module.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::engine::Millis;
use crate::link::alerts::{AlertExerciseView, AlertFeedback, GradeAlertExercise, OpenAlertExercise};
use crate::link::rules::CheckRules;
use crate::rules::alert_timeline::Firing;
use crate::rules::Diagnostic;

use super::super::browser::{self, href};
use super::super::engine_link;
use super::super::rules_lab::rule_editor::RuleEditor;
use super::geometry::{short_time, TimeScale, LEFT, RIGHT, WIDTH};
use super::LAB_PATH;

fn text_key(id: &str) -> String {
    format!("promql-playground-alerts-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-alerts-solved-{id}")
}

/// The route: finds the exercise by id (loading the engine module first, which reads them).
#[component]
pub fn AlertExercisePage() -> impl IntoView {
    let params = use_params_map();
    let exercise = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            engine_link::ask(OpenAlertExercise { id }).await?
        }
    });
    move || match exercise.get() {
        None => view! { <p class="muted loading">"Loading the exercise\u{2026}"</p> }.into_any(),
        Some(Ok(Some(ex))) => view! { <AlertExerciseBody ex=Arc::new(ex) /> }.into_any(),
        Some(Ok(None)) => view! {
            <section class="card narrow"><h1>"No such exercise"</h1>
                <p><A href=href(LAB_PATH)>"Back to the alerting lab"</A></p></section>
        }
        .into_any(),
        Some(Err(e)) => view! { <section class="card narrow error-box">{format!("The alerting exercises failed to load: {e}")}</section> }.into_any(),
    }
}

#[component]
fn AlertExerciseBody(ex: Arc<AlertExerciseView>) -> impl IntoView {
    let text = RwSignal::new(browser::stored(&text_key(&ex.id)).unwrap_or_else(|| ex.starter.clone()));
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let solved = RwSignal::new(browser::stored(&solved_key(&ex.id)).is_some());
    let hints_shown = RwSignal::new(0usize);
    let checking = RwSignal::new(false);
    let verdict: RwSignal<Option<Result<Arc<AlertFeedback>, String>>> = RwSignal::new(None);

    let id = ex.id.clone();
    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        checks.send(CheckRules { text: t.clone() }, move |reply| match reply {
            Ok(c) => diagnostics.set(c.diagnostics),
            Err(e) => verdict.set(Some(Err(e))),
        });
        if previous.is_some_and(|p| p != t) {
            browser::store(&text_key(&id), &t);
        }
        t
    });

    let exercise = ex.clone();
    let grade = move |_| {
        checking.set(true);
        let id = exercise.id.clone();
        spawn_local(async move {
            let outcome = engine_link::ask(GradeAlertExercise { id: id.clone(), text: text.get_untracked() }).await
                .and_then(|r| r)
                .map(Arc::new);
            if outcome.as_ref().is_ok_and(|v| v.passed) {
                solved.set(true);
                browser::store(&solved_key(&id), "1");
            }
            verdict.set(Some(outcome));
            checking.set(false);
        });
    };
    let starter = ex.starter.clone();
    let hints = ex.hints_html.clone();
    let hint_count = hints.len();
    let all_hints_shown = move || hints_shown.get() >= hint_count;
    let hint_list = move || {
        hints
            .iter()
            .take(hints_shown.get())
            .enumerate()
            .map(|(i, h)| view! { <li class="hint" data-testid="hint"><span class="hint-no">{format!("Hint {}", i + 1)}</span><div class="prose" inner_html=h.clone()></div></li> })
            .collect_view()
    };
    let explanation = ex.explanation_html.clone();
    let span = (ex.start, ex.end);
    let graded = format!(
        "Graded by the firings of {} from {} to {}: each alert must start and stop firing within one evaluation interval of the reference.",
        ex.alerts.join(", "),
        short_time(ex.start),
        short_time(ex.end)
    );

    view! {
        <div class="exercise-page rule-exercise" data-testid="alert-exercise">
            <nav class="exercise-nav">
                <A href=href(LAB_PATH) attr:class="button secondary small">"\u{2190} Alerting lab"</A>
            </nav>
            <section class="card exercise-card">
                <div class="exercise-meta">
                    <span class="badge seed-ref">{ex.seed_ref.clone()}</span>
                    <span class="badge kind">"write alerts"</span>
                    {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
                </div>
                <h1 class="card-title">{ex.title.clone()}</h1>
                <div class="prose prompt" inner_html=ex.prompt_html.clone()></div>
                <RuleEditor value=text diagnostics=diagnostics file_name="alert_rules.yml" />
                <p class="muted small">{graded}</p>
                <div class="exercise-actions">
                    <button type="button" class="button primary" data-testid="check-alerts" disabled=move || checking.get() on:click=grade>
                        {move || if checking.get() { "Checking\u{2026}" } else { "Check my alerts" }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reveal-hint"
                        disabled=all_hints_shown on:click=move |_| hints_shown.update(|n| *n += 1)>"Show a hint"</button>
                    <button type="button" class="button secondary" on:click=move |_| text.set(starter.clone())>"Start over"</button>
                </div>
                <ol class="hints">{hint_list}</ol>
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v span=span checking=checking /> })}
            {move || solved.get().then(|| view! {
                <section class="card explanation" data-testid="explanation">
                    <h2>"Why"</h2>
                    <div class="prose" inner_html=explanation.clone()></div>
                    <p><A href=href(LAB_PATH)>"Try the seed's alerts in the lab \u{2192}"</A></p>
                </section>
            })}
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
