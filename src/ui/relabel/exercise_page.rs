//! A relabel exercise (`/relabel/exercise/:id`): the prompt, the config editor with its live
//! check, and grading: the dataset is relabeled with the learner's rules and compared with
//! the limits and the kept queries' original answers. The learner's config and the solved
//! mark are kept in local storage.

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::relabel_exercise::RelabelFeedback;
use crate::content::time::format_instant;
use crate::link::relabel::{CheckRelabel, GradeRelabelExercise, OpenRelabelExercise, RelabelExerciseView, RelabelSource};
use crate::rules::{Diagnostic, Severity};
use crate::ui::format::thousands;

use super::super::engine_link;
use super::super::lab_exercise::{exercise_route, BackToLab, ExerciseActions, ExerciseHeader, ExerciseWork, Lab, SolvedExplanation};
use super::super::rules_lab::rule_editor::RuleEditor;
use super::RELABEL_PATH;

fn text_key(id: &str) -> String {
    format!("promql-playground-relabel-exercise-{id}")
}
fn solved_key(id: &str) -> String {
    format!("promql-playground-relabel-solved-{id}")
}

/// The lab, as its exercise pages name it.
pub(super) const LAB: Lab = Lab {
    path: RELABEL_PATH,
    name: "relabeling simulator",
    exercises: "relabel exercises",
    try_it: "Try relabel configs in the simulator",
};

/// The route.
#[component]
pub fn RelabelExercisePage() -> impl IntoView {
    exercise_route(
        LAB,
        |id| async move { engine_link::ask(OpenRelabelExercise { id }).await? },
        |ex| view! { <Body ex=ex /> }.into_any(),
    )
}

#[component]
fn Body(ex: Arc<RelabelExerciseView>) -> impl IntoView {
    let work = ExerciseWork::new(text_key(&ex.id), solved_key(&ex.id), &ex.starter);
    let text = work.answer;
    let verdict: RwSignal<Option<Result<Arc<RelabelFeedback>, String>>> = RwSignal::new(None);
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let checks = engine_link::Latest::new();
    Effect::new(move |_| {
        let source = RelabelSource { text: text.get(), job: None, metric: true };
        checks.send(CheckRelabel { source }, move |r| {
            diagnostics.set(match r.map(|c| c.error) {
                Ok(Some(e)) => vec![Diagnostic { severity: Severity::Error, line: e.line, col: e.col, message: e.message }],
                _ => Vec::new(),
            })
        });
    });
    let id = ex.id.clone();
    let check = Callback::new(move |()| {
        let id = id.clone();
        let grade = move |text| async move {
            engine_link::ask(GradeRelabelExercise { id, text }).await.and_then(|r| r).map(Arc::new)
        };
        work.check(verdict, grade, |v| v.passed);
    });
    let limits = match ex.max_label_pairs {
        Some(p) => format!("at most {} series and {} label pairs", thousands(ex.max_series), thousands(p)),
        None => format!("at most {} series", thousands(ex.max_series)),
    };
    let kind = if ex.id.contains("bug") { "spot the bug" } else { "write rules" };
    view! {
        <div class="exercise-page rule-exercise" data-testid="relabel-exercise">
            <BackToLab lab=LAB />
            <section class="card exercise-card">
                <ExerciseHeader seed_ref=ex.seed_ref.clone() kind=kind.into() title=ex.title.clone()
                    prompt_html=ex.prompt_html.clone() solved=work.solved />
                <p class="small"><strong>{format!("Limits on {}: {limits}.", ex.dataset)}</strong>" Queries that must answer as before:"</p>
                <ul class="keep-queries">{ex.keep.iter().map(|q| view! { <li><code>{q.clone()}</code></li> }).collect_view()}</ul>
                <RuleEditor value=text diagnostics=diagnostics file_name="prometheus.yml" />
                <p class="muted small">{format!("Graded by relabeling {} as metric_relabel_configs would and comparing the queries at {} instants.", ex.dataset, ex.instants)}</p>
                <ExerciseActions work=work check_label="Check my config" check_testid="check-relabel" ready=true
                    on_check=check hints_html=ex.hints_html.clone() starter=ex.starter.clone() />
            </section>
            {move || verdict.get().map(|v| view! { <Feedback verdict=v /> })}
            <SolvedExplanation lab=LAB solved=work.solved explanation_html=ex.explanation_html.clone() />
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
