//! A rule-writing exercise (`/rules/exercise/:id`): the prompt, the rule-file editor with its
//! live check, and grading — the learner's rules are evaluated and the series they record
//! are compared with the reference rules' at the exercise's instants. The learner's file and
//! the solved mark are kept in local storage.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::content::markdown::to_html;
use crate::content::rule_exercise::{self, Prepared, RuleExercise, RuleVerdict};
use crate::content::time::format_instant;
use crate::rules::{Diagnostic, Severity};

use super::super::browser::{self, href};
use super::super::data::{use_data, DataState};
use super::page::check_rules;
use super::rule_editor::RuleEditor;
use super::LAB_PATH;

fn text_key(id: &str) -> String {
    format!("promql-playground-rules-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-rules-solved-{id}")
}

/// The route: finds the exercise by id.
#[component]
pub fn RuleExercisePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        match rule_exercise::builtin().map(|list| list.into_iter().find(|e| e.id == id)) {
            Ok(Some(ex)) => view! { <RuleExerciseView ex=Arc::new(ex) /> }.into_any(),
            Ok(None) => view! {
                <section class="card narrow"><h1>"No such exercise"</h1>
                    <p><A href=href(LAB_PATH)>"Back to the recording rules lab"</A></p></section>
            }
            .into_any(),
            Err(e) => view! { <section class="card narrow error-box">{format!("The rule exercises failed to load: {e}")}</section> }.into_any(),
        }
    }
}

#[component]
fn RuleExerciseView(ex: Arc<RuleExercise>) -> impl IntoView {
    let data = use_data();
    let text = RwSignal::new(browser::stored(&text_key(&ex.id)).unwrap_or_else(|| ex.starter.clone()));
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let solved = RwSignal::new(browser::stored(&solved_key(&ex.id)).is_some());
    let hints_shown = RwSignal::new(0usize);
    let checking = RwSignal::new(false);
    let verdict: RwSignal<Option<Result<Arc<RuleVerdict>, String>>> = RwSignal::new(None);
    let prepared: StoredValue<Option<Arc<Prepared>>> = StoredValue::new(None);

    let id = ex.id.clone();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        diagnostics.set(check_rules(&t).diagnostics);
        if previous.is_some_and(|p| p != t) {
            browser::store(&text_key(&id), &t);
        }
        t
    });

    let exercise = ex.clone();
    let check = move |_| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        checking.set(true);
        let ex = exercise.clone();
        spawn_local(async move {
            browser::next_paint().await;
            let prep = match prepared.get_value() {
                Some(p) => Ok(p),
                None => rule_exercise::prepare(&ex, &d.meta, &d.storage).map(Arc::new),
            };
            let outcome = prep.map(|p| {
                prepared.set_value(Some(p.clone()));
                Arc::new(rule_exercise::grade(&ex, &p, &d.storage, &text.get_untracked()))
            });
            if let Ok(v) = &outcome {
                if v.passed {
                    solved.set(true);
                    browser::store(&solved_key(&ex.id), "1");
                }
            }
            verdict.set(Some(outcome));
            checking.set(false);
        });
    };
    let starter = ex.starter.clone();
    let reset = move |_| text.set(starter.clone());

    let hints: Vec<String> = ex.hints.iter().map(|h| to_html(h)).collect();
    let hint_count = hints.len();
    let hint_list = move || {
        hints
            .iter()
            .take(hints_shown.get())
            .enumerate()
            .map(|(i, h)| view! { <li class="hint" data-testid="hint"><span class="hint-no">{format!("Hint {}", i + 1)}</span><div class="prose" inner_html=h.clone()></div></li> })
            .collect_view()
    };
    let explanation = to_html(&ex.explanation);
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
                <div class="prose prompt" inner_html=to_html(&ex.prompt)></div>
                <RuleEditor value=text diagnostics=diagnostics file_name="rules.yml" />
                <p class="muted small">{format!("Graded by evaluating your rules and comparing {} with the reference rules' output at {} instants.", ex.check.join(", "), ex.at.len())}</p>
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

/// The verdict, in words.
#[component]
fn Feedback(verdict: Result<Arc<RuleVerdict>, String>, checking: RwSignal<bool>) -> impl IntoView {
    let (passed, headline, items) = match &verdict {
        Err(e) => (false, "The exercise could not be prepared".to_string(), vec![e.clone()]),
        Ok(v) => (v.passed, headline(v), items(v)),
    };
    let class = if passed { "card feedback good" } else { "card feedback bad" };
    view! {
        <section class=class aria-live="polite" class:stale=move || checking.get() data-testid="feedback">
            <p class="feedback-headline" data-testid="feedback-headline">
                {if passed { "\u{2713} " } else { "\u{2717} " }}{headline}
            </p>
            <ul class="feedback-items">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        </section>
    }
}

fn headline(v: &RuleVerdict) -> String {
    let errors = v.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    if v.passed {
        "Correct: your rules record what the reference rules record.".into()
    } else if errors > 0 {
        format!("The rule file has {errors} error(s): fix them first (see the messages under the editor).")
    } else if !v.missing_records.is_empty() {
        format!("No rule records {}.", v.missing_records.join(", "))
    } else {
        "Not quite: the recorded series differ from the expected ones.".into()
    }
}

fn items(v: &RuleVerdict) -> Vec<String> {
    let mut out = Vec::new();
    for p in v.points.iter().filter(|p| !p.passed()) {
        let d = &p.diff;
        let mut parts = Vec::new();
        if !d.missing.is_empty() {
            parts.push(format!("{} expected series missing", d.missing.len()));
        }
        if !d.extra.is_empty() {
            parts.push(format!("{} unexpected series", d.extra.len()));
        }
        if d.wrong_value_count > 0 {
            parts.push(format!("{} wrong values", d.wrong_value_count));
        }
        if let Some((e, a)) = d.type_mismatch {
            parts.push(format!("a {a} where a {e} was expected"));
        }
        let sample = d
            .missing
            .first()
            .map(|l| format!(" (e.g. missing {})", super::super::format::labels(l)))
            .unwrap_or_default();
        out.push(format!("{} at {}: {}{sample}.", p.record, format_instant(p.t), parts.join(", ")));
    }
    for (record, reasons) in &v.empty {
        for r in reasons {
            out.push(format!("{record} recorded nothing: {r}"));
        }
    }
    out
}
