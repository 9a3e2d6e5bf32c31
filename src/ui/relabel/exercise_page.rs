//! A relabel exercise (`/relabel/exercise/:id`): the prompt, the config editor with its live
//! check, and grading: the dataset is relabeled with the learner's rules and compared with
//! the limits and the kept queries' original answers. The learner's config and the solved
//! mark are kept in local storage.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::content::relabel_exercise::RelabelFeedback;
use crate::content::time::format_instant;
use crate::link::relabel::{CheckRelabel, GradeRelabelExercise, OpenRelabelExercise, RelabelExerciseView, RelabelSource};
use crate::rules::{Diagnostic, Severity};
use crate::ui::format::thousands;

use super::super::browser::{self, href};
use super::super::engine_link;
use super::super::rules_lab::rule_editor::RuleEditor;
use super::RELABEL_PATH;

fn text_key(id: &str) -> String {
    format!("promql-playground-relabel-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-relabel-solved-{id}")
}

/// The route.
#[component]
pub fn RelabelExercisePage() -> impl IntoView {
    let params = use_params_map();
    let exercise = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            engine_link::ask(OpenRelabelExercise { id }).await?
        }
    });
    move || match exercise.get() {
        None => view! { <p class="muted loading">"Loading the exercise\u{2026}"</p> }.into_any(),
        Some(Ok(Some(ex))) => view! { <Body ex=Arc::new(ex) /> }.into_any(),
        Some(Ok(None)) => view! {
            <section class="card narrow"><h1>"No such exercise"</h1>
                <p><A href=href(RELABEL_PATH)>"Back to the relabeling simulator"</A></p></section>
        }
        .into_any(),
        Some(Err(e)) => view! { <section class="card narrow error-box">{format!("The relabel exercises failed to load: {e}")}</section> }.into_any(),
    }
}

#[component]
fn Body(ex: Arc<RelabelExerciseView>) -> impl IntoView {
    let text = RwSignal::new(browser::stored(&text_key(&ex.id)).unwrap_or_else(|| ex.starter.clone()));
    let solved = RwSignal::new(browser::stored(&solved_key(&ex.id)).is_some());
    let hints_shown = RwSignal::new(0usize);
    let checking = RwSignal::new(false);
    let verdict: RwSignal<Option<Result<Arc<RelabelFeedback>, String>>> = RwSignal::new(None);
    let id = ex.id.clone();
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<()>| {
        let t = text.get();
        if previous.is_some() {
            browser::store(&text_key(&id), &t);
        }
        let source = RelabelSource { text: t, job: None, metric: true };
        checks.send(CheckRelabel { source }, move |r| {
            diagnostics.set(match r.map(|c| c.error) {
                Ok(Some(e)) => vec![Diagnostic { severity: Severity::Error, line: e.line, col: e.col, message: e.message }],
                _ => Vec::new(),
            })
        });
    });
    let exercise = ex.clone();
    let check = move |_| {
        checking.set(true);
        let id = exercise.id.clone();
        spawn_local(async move {
            let outcome = engine_link::ask(GradeRelabelExercise { id: id.clone(), text: text.get_untracked() }).await
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
    let reset = move |_| text.set(starter.clone());
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
    let limits = match ex.max_label_pairs {
        Some(p) => format!("at most {} series and {} label pairs", thousands(ex.max_series), thousands(p)),
        None => format!("at most {} series", thousands(ex.max_series)),
    };
    let explanation = ex.explanation_html.clone();
    let kind = if ex.id.contains("bug") { "spot the bug" } else { "write rules" };
    view! {
        <div class="exercise-page rule-exercise" data-testid="relabel-exercise">
            <nav class="exercise-nav">
                <A href=href(RELABEL_PATH) attr:class="button secondary small">"\u{2190} Relabeling simulator"</A>
            </nav>
            <section class="card exercise-card">
                <div class="exercise-meta">
                    <span class="badge seed-ref">{ex.seed_ref.clone()}</span>
                    <span class="badge kind">{kind}</span>
                    {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
                </div>
                <h1 class="card-title">{ex.title.clone()}</h1>
                <div class="prose prompt" inner_html=ex.prompt_html.clone()></div>
                <p class="small"><strong>{format!("Limits on {}: {limits}.", ex.dataset)}</strong>" Queries that must answer as before:"</p>
                <ul class="keep-queries">{ex.keep.iter().map(|q| view! { <li><code>{q.clone()}</code></li> }).collect_view()}</ul>
                <RuleEditor value=text diagnostics=diagnostics file_name="prometheus.yml" />
                <p class="muted small">{format!("Graded by relabeling {} as metric_relabel_configs would and comparing the queries at {} instants.", ex.dataset, ex.instants)}</p>
                <div class="exercise-actions">
                    <button type="button" class="button primary" data-testid="check-relabel" disabled=move || checking.get() on:click=check>
                        {move || if checking.get() { "Checking\u{2026}" } else { "Check my config" }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reveal-hint"
                        disabled=move || { hints_shown.get() >= hint_count } on:click=move |_| hints_shown.update(|n| *n += 1)>"Show a hint"</button>
                    <button type="button" class="button secondary" on:click=reset>"Start over"</button>
                </div>
                <ol class="hints">{hint_list}</ol>
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v /> })}
            {move || solved.get().then(|| view! {
                <section class="card explanation" data-testid="explanation">
                    <h2>"Why"</h2>
                    <div class="prose" inner_html=explanation.clone()></div>
                </section>
            })}
        </div>
    }
}

/// The verdict, in words.
#[component]
fn Feedback(verdict: Result<Arc<RelabelFeedback>, String>) -> impl IntoView {
    let (passed, headline, items) = match &verdict {
        Err(e) => (false, "The exercise could not be prepared".to_string(), vec![e.clone()]),
        Ok(v) => (v.passed, headline(v), items(v)),
    };
    let class = if passed { "card feedback good" } else { "card feedback bad" };
    view! {
        <section class=class aria-live="polite" data-testid="feedback">
            <p class="feedback-headline" data-testid="feedback-headline">{if passed { "\u{2713} " } else { "\u{2717} " }}{headline}</p>
            <ul class="feedback-items">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        </section>
    }
}

fn headline(v: &RelabelFeedback) -> String {
    if v.passed {
        format!("Correct: {} series instead of {}, and every query answers as before.", thousands(v.series_after), thousands(v.series_before))
    } else if let Some(e) = &v.config_error {
        format!("Prometheus would refuse this config (line {}, column {}): {}", e.line, e.col, e.message)
    } else if v.series_after == 0 {
        "Nothing would be stored: every series is dropped, or every scrape fails.".into()
    } else {
        "Not yet:".into()
    }
}

fn items(v: &RelabelFeedback) -> Vec<String> {
    let mut out = Vec::new();
    if v.config_error.is_some() {
        return out;
    }
    if v.failed_targets > 0 {
        out.push(format!("{} targets would fail their whole scrape: a series lost __name__ (up = 0, nothing stored).", thousands(v.failed_targets)));
    }
    if v.series_after > v.max_series {
        out.push(format!("{} series: more than the {} allowed.", thousands(v.series_after), thousands(v.max_series)));
    }
    if let Some(max) = v.max_label_pairs.filter(|m| v.label_pairs_after > *m) {
        out.push(format!("{} label pairs in the index: more than the {} allowed.", thousands(v.label_pairs_after), thousands(max)));
    }
    for c in &v.changed {
        let mut parts = Vec::new();
        if c.missing > 0 {
            parts.push(format!("{} series missing", c.missing));
        }
        if c.extra > 0 {
            parts.push(format!("{} unexpected series", c.extra));
        }
        if c.wrong_values > 0 {
            parts.push(format!("{} different values", c.wrong_values));
        }
        out.push(format!("{} at {}: {}.", c.query, format_instant(c.t), parts.join(", ")));
    }
    out
}
