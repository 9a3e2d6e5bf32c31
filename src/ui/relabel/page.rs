//! The simulator page: the config editor and its check, then the one-series trace and the
//! whole-dataset run below it.

use leptos::prelude::*;


use crate::link::relabel::{CheckRelabel, RelabelCheck, RelabelExercises, RelabelSource};
use crate::relabel::{Section, Shape, SEED_CONFIG};
use crate::rules::{Diagnostic, Severity};

use super::super::progress_line::engine_loading;
use super::super::browser;
use super::super::dataset_picker::DatasetPicker;
use super::super::engine_link;
use super::super::lab_exercise::exercise_list;
use super::super::rules_lab::rule_editor::RuleEditor;
use super::dataset_view::DatasetRun;
use super::exercise_page::LAB;
use super::trace_view::TracePanel;

/// Local-storage key of the learner's config.
const STORE_KEY: &str = "promql-playground-relabel";

/// The page.
#[component]
pub fn RelabelPage() -> impl IntoView {
    let text = RwSignal::new(browser::stored(STORE_KEY).unwrap_or_else(|| SEED_CONFIG.to_string()));
    let engine = engine_link::use_labs_engine();
    let check: RwSignal<Option<Result<RelabelCheck, String>>> = RwSignal::new(None);
    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        match engine.get() {
            None => check.set(None),
            Some(Err(e)) => check.set(Some(Err(e))),
            Some(Ok(())) => checks.send(CheckRelabel { source: source_of(&t) }, move |r| check.set(Some(r))),
        }
        if previous.is_some_and(|p| p != t) {
            browser::store(STORE_KEY, &t);
        }
        t
    });
    let diagnostics = Signal::derive(move || match check.get() {
        Some(Ok(RelabelCheck { error: Some(e), .. })) => {
            vec![Diagnostic { severity: Severity::Error, line: e.line, col: e.col, message: e.message }]
        }
        _ => Vec::new(),
    });
    let valid = Signal::derive(move || matches!(check.get(), Some(Ok(RelabelCheck { error: None, .. }))));
    let status = move || match check.get() {
        None => engine_loading().into_any(),
        Some(Err(e)) => view! { <p class="check-status bad" data-testid="relabel-status">{format!("\u{2717} {e}")}</p> }.into_any(),
        Some(Ok(c)) if c.error.is_some() => view! {
            <p class="check-status bad" data-testid="relabel-status">"\u{2717} Prometheus would refuse this config: fix the error above."</p>
        }
        .into_any(),
        Some(Ok(c)) => {
            let n = c.rules.len();
            let place = match (&c.shape, c.section) {
                (Some(Shape::Job(j)), s) => format!("{} of job {j}", s.key()),
                (_, Section::Metric) => "metric_relabel_configs".to_string(),
                _ => "the rule list".to_string(),
            };
            view! {
                <p class="check-status good" data-testid="relabel-status">
                    {format!("\u{2713} Valid: {n} rule{} in {place} (Prometheus 3 checks).", if n == 1 { "" } else { "s" })}
                </p>
            }
            .into_any()
        }
    };
    let reset = move |_| text.set(SEED_CONFIG.to_string());
    let source = Signal::derive(move || source_of(&text.get()));
    view! {
        <div class="rules-lab relabel-page" data-testid="relabel-page">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Relabeling simulator"</h1>
                    <span class="badge seed-ref">"Task 5.3"</span>
                </div>
                <p class="lab-intro">
                    "The seed's " <code>"metric_relabel_configs"</code> ". Edit them: they are checked as you type, the way "
                    "Prometheus loads a config. Follow one series through the rules, then relabel the whole dataset to see "
                    "what each rule really removes \u{2014} the seed's config holds two surprises."
                </p>
                <RuleEditor value=text diagnostics=diagnostics file_name="prometheus-relabeling.yaml" />
                {status}
                <div class="lab-actions">
                    <button type="button" class="button secondary" data-testid="reset-relabel" on:click=reset
                        disabled=move || text.with(|t| t == SEED_CONFIG)>"Reset to the seed's config"</button>
                    <span class="muted small">"Your edits are kept in this browser."</span>
                </div>
            </section>
            <section class="card lab-section">
                <div class="card-title-row">
                    <h2 class="card-title">"Dataset"</h2>
                    <DatasetPicker />
                </div>
                <p class="muted small">
                    "Rules apply to every series as " <code>"metric_relabel_configs"</code>
                    " would: the high-cardinality dataset shows the problem best."
                </p>
            </section>
            <TracePanel source=source valid=valid />
            <DatasetRun source=source valid=valid />
            {exercise_list(LAB, "Exercises: relabel the cluster", engine.into(), || engine_link::ask(RelabelExercises))}
        </div>
    }
}

/// The rules of `text`: a whole Prometheus config, a section, or a list (the seed's file
/// has one job, so no job name is needed).
fn source_of(text: &str) -> RelabelSource {
    RelabelSource { text: text.to_string(), job: None, metric: false }
}

