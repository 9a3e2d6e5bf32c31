//! The lab page: the rule-file editor (prefilled with the seed's ConfigMap, kept in local
//! storage so the learner's edits survive a reload) checked live, then evaluation over the
//! dataset and the cost comparison, each run step by step with a progress bar. Checking,
//! evaluating and measuring happen in the engine module; the page loads it on arrival.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::link::remote::{RuleWindow, WINDOW_DATASET};
use crate::link::rules::{
    CheckRules, CostStep, FileSummary, LabStep, RuleCheck, RuleExercises, StartCosts, StartLab,
};
use crate::rules::cost::CostOptions;
use crate::rules::eval::Mode;
use crate::rules::{Diagnostic, EvalOptions, Severity};

use super::super::browser::{self, href};
use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::progress_line::{engine_loading, progress_line};
use super::super::lab_exercise::exercise_list;
use super::super::paths::PLAYGROUND;
use super::super::remote::{provide_remote_for_rules, RuleWindowPanel};
use super::cost_view::CostView;
use super::recorded::use_lab_state;
use super::rule_editor::RuleEditor;
use super::rule_list::RuleList;
use super::run::{self, Progress};
use super::exercise_page::LAB;
use super::SEED_RULES;

/// Local-storage key of the learner's rule file.
const STORE_KEY: &str = "promql-playground-rules-lab";
/// The name messages give the file (the seed's).
const FILE_NAME: &str = "prometheus-recording-rules.yaml";

/// What is running.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Busy {
    No,
    Evaluating,
    Measuring,
}

/// Whether the engine module is loaded: not yet, loaded, or why it could not be.
pub type EngineState = RwSignal<Option<Result<(), String>>>;

/// Loads the labs' engine module for a page that checks rules as they are typed (see
/// [`engine_link::use_labs_engine`]).
pub fn use_engine() -> EngineState {
    engine_link::use_labs_engine()
}

/// Where the check of the current text stands.
#[derive(Clone)]
enum Checked {
    /// The engine module is loading.
    Pending,
    Done,
    /// The engine module could not be reached.
    Failed(String),
}

/// The lab page.
#[component]
pub fn RulesLab() -> impl IntoView {
    let data = use_data();
    let lab = use_lab_state();
    let engine = use_engine();
    let text = RwSignal::new(browser::stored(STORE_KEY).unwrap_or_else(|| SEED_RULES.to_string()));
    let checked = RwSignal::new(Checked::Pending);
    let diagnostics: RwSignal<Vec<Diagnostic>> = RwSignal::new(Vec::new());
    let file: RwSignal<Option<FileSummary>> = RwSignal::new(None);
    let busy = RwSignal::new(Busy::No);
    let progress: Progress = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    let stale = RwSignal::new(false);
    // Why the last evaluation or comparison failed (the engine module refused or broke).
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    // A Prometheus-compatible source instead of the dataset: the window fetched from it.
    let remote = provide_remote_for_rules();
    let window: RwSignal<Option<RuleWindow>> = RwSignal::new(None);
    let files = Signal::derive(move || vec![(FILE_NAME.to_string(), text.get())]);

    // Check on every edit (fast: no evaluation) once the engine module is there, and keep
    // the edit across reloads.
    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        let show = move |state: Checked, check: Option<RuleCheck>| {
            let RuleCheck { diagnostics: found, file: summary } =
                check.unwrap_or(RuleCheck { diagnostics: Vec::new(), file: None });
            diagnostics.set(found);
            file.set(summary);
            checked.set(state);
        };
        match engine.get() {
            None => show(Checked::Pending, None),
            Some(Err(e)) => show(Checked::Failed(e), None),
            Some(Ok(())) => checks.send(CheckRules { text: t.clone() }, move |reply| match reply {
                Ok(c) => show(Checked::Done, Some(c)),
                Err(e) => show(Checked::Failed(e), None),
            }),
        }
        if previous.is_some_and(|p| p != t) {
            browser::store(STORE_KEY, &t);
            stale.set(lab.report.with_untracked(Option::is_some));
        }
        t
    });

    let evaluate = move |_| {
        let Some((dataset, options)) = evaluated_data(data, remote.url_mode, window) else { return };
        if file.with_untracked(Option::is_none) {
            return;
        }
        generation.update_value(|g| *g += 1);
        busy.set(Busy::Evaluating);
        failure.set(None);
        lab.costs.set(None);
        let start = StartLab { dataset, text: text.get_untracked(), options };
        spawn_local(async move {
            let outcome = run::drive(start, LabStep, progress, generation).await;
            settle(outcome, busy, failure, |report| {
                lab.report.set(Some(Arc::new(report)));
                stale.set(false);
            });
        });
    };
    let compare = move |_| {
        if lab.report.with_untracked(Option::is_none) || file.with_untracked(Option::is_none) {
            return;
        }
        generation.update_value(|g| *g += 1);
        busy.set(Busy::Measuring);
        failure.set(None);
        let start = StartCosts { text: text.get_untracked(), options: CostOptions::default() };
        spawn_local(async move {
            let outcome = run::drive(start, CostStep, progress, generation).await;
            settle(outcome, busy, failure, |costs| lab.costs.set(Some(Arc::new(costs))));
        });
    };
    let reset = move |_| text.set(SEED_RULES.to_string());

    let ready = move || {
        if remote.url_mode.get() {
            window.with(Option::is_some)
        } else {
            matches!(data.get(), DataState::Ready(_))
        }
    };
    let can_evaluate = move || ready() && file.with(Option::is_some) && busy.get() == Busy::No;
    let can_compare =
        move || lab.report.with(Option::is_some) && file.with(Option::is_some) && busy.get() == Busy::No;

    let status = move || {
        let ds = diagnostics.get();
        let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
        let lints = ds.len() - errors;
        match checked.get() {
            Checked::Pending => return engine_loading().into_any(),
            Checked::Failed(e) => {
                return view! { <p class="check-status bad" data-testid="check-status">{format!("\u{2717} {e}")}</p> }
                    .into_any()
            }
            Checked::Done => {}
        }
        match file.get() {
            None if errors > 0 => view! {
                <p class="check-status bad" data-testid="check-status">
                    {format!("\u{2717} {errors} error{} \u{2014} fix {} to evaluate the rules.", plural(errors), if errors == 1 { "it" } else { "them" })}
                </p>
            }
            .into_any(),
            None => view! { <p class="check-status bad" data-testid="check-status">"\u{2717} Not a rule file."</p> }.into_any(),
            Some(f) => {
                let recording = f.recording_rules;
                let lint = (lints > 0).then(|| format!(" {lints} lint finding{} below.", plural(lints)));
                view! {
                    <p class="check-status good" data-testid="check-status">
                        {format!("\u{2713} Valid: {recording} recording rule{} in {} group{} (promtool check rules, Prometheus 3).", plural(recording), f.groups, plural(f.groups))}
                        {lint}
                    </p>
                }
                .into_any()
            }
        }
    };

    let progress_view = move || {
        progress.get().map(|(done, total, label)| {
            let what = if busy.get() == Busy::Measuring { "Measuring" } else { "Evaluating" };
            progress_line("lab-progress", done, total, format!("{what} {label} ({} of {total})", (done + 1).min(total)))
        })
    };

    let failure_view = move || {
        failure.get().map(|e| view! { <p class="error-box" role="alert" data-testid="lab-error">{e}</p> })
    };

    let results = move || {
        lab.report.get().map(|e| {
            let note = match e.mode {
                Mode::PerRule => "each rule's whole timeline as one range query, rule after rule",
                Mode::PerTick => "tick by tick, since a rule reads a series recorded by a later rule",
            };
            let total_ms: f64 = e.rules.iter().map(|r| r.eval_ms).sum();
            let took = super::report::time(total_ms);
            let remote_window = e.dataset == WINDOW_DATASET;
            let over = if remote_window { "the window fetched from the remote source" } else { "the whole dataset" };
            view! {
                <section class="card lab-section" data-testid="rules-section">
                    <div class="card-title-row">
                        <h2 class="card-title">"What each rule recorded"</h2>
                        {(!remote_window).then(|| view! {
                            <A href=href(PLAYGROUND) attr:class="button secondary small">"Query recorded series in the playground"</A>
                        })}
                    </div>
                    <p class="muted small">
                        {format!("Evaluated over {over}, each group at its interval ({note}) in {took}.")}
                        {(!remote_window).then(|| view! {
                            " The recorded series are now queryable in the playground, e.g. "<code>"model:latency:p95"</code>"."
                        })}
                    </p>
                    {move || stale.get().then(|| view! { <p class="notice" data-testid="stale">"The rules were edited since this evaluation: evaluate again to see the effect."</p> })}
                    <RuleList report=e.clone() />
                </section>
            }
        })
    };

    let costs = move || {
        let has_eval = lab.report.with(Option::is_some);
        has_eval.then(|| {
            view! {
                <section class="card lab-section" data-testid="cost-section">
                    <div class="card-title-row">
                        <h2 class="card-title">"Cost: raw query vs recorded series"</h2>
                        <button type="button" class="button primary" data-testid="compare"
                            disabled=move || !can_compare() on:click=compare>
                            {move || if busy.get() == Busy::Measuring { "Measuring\u{2026}" } else { "Compare costs" }}
                        </button>
                    </div>
                    <p class="muted small">
                        "For the seed's before/after pairs (TODO 3.2 and the queries of benchmark_queries.sh in TODO 3.3) and for every rule: "
                        "the raw query (with every recorded series it reads expanded into its expression) against the recorded series, "
                        "as an instant query and as a dashboard's 6-hour range query. The seed asks for more than 5\u{d7}."
                    </p>
                    {move || lab.costs.get().map(|c| view! { <CostView costs=c /> })}
                </section>
            }
        })
    };

    view! {
        <div class="rules-lab" data-testid="rules-lab">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Recording rules lab"</h1>
                    <span class="badge seed-ref">"Task 3"</span>
                </div>
                <p class="lab-intro">
                    "The seed's recording rules (TODO 3.1), as the Kubernetes ConfigMap it applies. Edit them: they are "
                    "checked as you type, like " <code>"promtool check rules"</code> ". Evaluate them over the dataset's two days to "
                    "see what each rule records \u{2014} or why it records nothing \u{2014} and compare what the recorded series save."
                </p>
                <RuleWindowPanel state=remote files=files window=window />
                <RuleEditor value=text diagnostics=diagnostics file_name=FILE_NAME />
                {status}
                <div class="lab-actions">
                    <button type="button" class="button primary" data-testid="evaluate"
                        disabled=move || !can_evaluate() on:click=evaluate>
                        {move || match (busy.get(), ready()) {
                            (Busy::Evaluating, _) => "Evaluating\u{2026}",
                            (_, false) if remote.url_mode.get() => "Fetch the series first",
                            (_, false) => "Loading dataset\u{2026}",
                            _ => "Evaluate rules",
                        }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reset-rules" on:click=reset
                        disabled=move || text.with(|t| t == SEED_RULES)>"Reset to the seed's rules"</button>
                    <span class="muted small">"Your edits are kept in this browser."</span>
                </div>
                {progress_view}
                {failure_view}
            </section>
            {results}
            {costs}
            {exercise_list(LAB, "Exercises: write the rules", engine.into(), || engine_link::ask(RuleExercises))}
        </div>
    }
}

/// The dataset to evaluate over and the evaluation's bounds: the open dataset's whole time
/// range, or with a remote source chosen the fetched window (None: not there yet).
pub fn evaluated_data(
    data: ReadSignal<DataState>,
    remote: RwSignal<bool>,
    window: RwSignal<Option<RuleWindow>>,
) -> Option<(String, EvalOptions)> {
    if remote.get_untracked() {
        let w = window.get_untracked()?;
        Some((w.dataset, EvalOptions { start: Some(w.start), end: Some(w.end), ..EvalOptions::default() }))
    } else {
        let DataState::Ready(d) = data.get_untracked() else { return None };
        Some((d.meta.id.clone(), EvalOptions::default()))
    }
}

/// Ends a run: shows its result (`done`) or why it failed; a run a newer one replaced
/// (`None`) leaves the page to that one.
fn settle<T>(
    outcome: Option<Result<T, String>>,
    busy: RwSignal<Busy>,
    failure: RwSignal<Option<String>>,
    done: impl FnOnce(T),
) {
    match outcome {
        None => return,
        Some(Ok(result)) => done(result),
        Some(Err(e)) => failure.set(Some(e)),
    }
    busy.set(Busy::No);
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

