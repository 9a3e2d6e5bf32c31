//! The dashboard page: the window and raw/recorded switches, "Record the seed's rules" when
//! nothing is recorded yet, the refresh cost, the panel grid and the Grafana export. The
//! dashboard is evaluated in the engine module one panel per step (progress shown, Stop
//! honoured); a new window or a new recording evaluates it again.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::dashboard::Window;
use crate::link::dashboard::{DashboardReport, DashboardStep, ExportDashboard, StartDashboard};
use crate::link::rules::{LabStep, StartLab};
use crate::rules::EvalOptions;

use super::super::browser::href;
use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::progress_line::progress_line;
use super::super::my_work::download;
use super::super::rules_lab::recorded::use_lab_state;
use super::super::rules_lab::run::{self, Progress};
use super::super::rules_lab::{LAB_PATH, SEED_RULES};
use super::cost::DashboardCost;
use super::panel::DashboardPanel;

/// What is running.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Busy {
    No,
    Evaluating,
    Recording,
}

/// The route.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = use_data();
    let lab = use_lab_state();
    let window = RwSignal::new(Window::Last6h);
    let report: RwSignal<Option<Arc<DashboardReport>>> = RwSignal::new(None);
    // Per panel: shows its recorded series.
    let recorded: RwSignal<Vec<bool>> = RwSignal::new(Vec::new());
    let busy = RwSignal::new(Busy::No);
    let progress: Progress = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);

    // Evaluates the dashboard; `to_recorded` switches every panel that can to recorded after.
    let evaluate = move |to_recorded: bool| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        generation.update_value(|g| *g += 1);
        busy.set(Busy::Evaluating);
        failure.set(None);
        let start = StartDashboard { dataset: d.meta.id.clone(), window: window.get_untracked() };
        let keep = recorded.get_untracked();
        spawn_local(async move {
            let Some(outcome) = run::drive(start, DashboardStep, progress, generation).await else { return };
            match outcome {
                Ok(r) => {
                    let choice = (0..r.panels.len())
                        .map(|i| {
                            let can = r.panels[i].recorded.is_some();
                            can && (to_recorded || keep.get(i).copied().unwrap_or(false))
                        })
                        .collect();
                    recorded.set(choice);
                    report.set(Some(Arc::new(r)));
                }
                Err(e) => failure.set(Some(e)),
            }
            busy.set(Busy::No);
        });
    };
    // Evaluate on arrival (once the dataset is open) and whenever the window changes.
    Effect::new(move |_| {
        window.track();
        if matches!(data.get(), DataState::Ready(_)) {
            evaluate(false);
        }
    });

    let record = move |_| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        generation.update_value(|g| *g += 1);
        busy.set(Busy::Recording);
        failure.set(None);
        let start = StartLab { dataset: d.meta.id.clone(), text: SEED_RULES.into(), options: EvalOptions::default() };
        spawn_local(async move {
            match run::drive(start, LabStep, progress, generation).await {
                None => {}
                Some(Ok(r)) => {
                    lab.report.set(Some(Arc::new(r)));
                    lab.costs.set(None);
                    evaluate(true);
                }
                Some(Err(e)) => {
                    failure.set(Some(e));
                    busy.set(Busy::No);
                }
            }
        });
    };
    let all = move |value: bool| {
        let Some(r) = report.get_untracked() else { return };
        recorded.set(r.panels.iter().map(|p| value && p.recorded.is_some()).collect());
    };
    let export = move |_| {
        let Some(r) = report.get_untracked() else { return };
        let choice = recorded.get_untracked();
        let mode = if choice.iter().any(|x| *x) { "recorded" } else { "raw" };
        let name = format!("ml-platform-dashboard-{mode}-{}.json", r.window.name());
        let message = ExportDashboard { window: r.window, recorded: choice };
        spawn_local(async move {
            let saved = engine_link::ask(message)
                .await
                .and_then(|r| r)
                .and_then(|json| download(json.as_bytes(), &name, "application/json"));
            if let Err(e) = saved {
                failure.set(Some(format!("The export could not be saved: {e}")));
            }
        });
    };

    let available = move || report.with(|r| r.as_ref().is_some_and(|r| r.recorded_available));
    let idle = move || busy.get() == Busy::No && matches!(data.get(), DataState::Ready(_));
    let all_on = move || {
        let (choice, r) = (recorded.get(), report.get());
        r.is_some_and(|r| r.panels.iter().zip(&choice).any(|(p, c)| p.recorded.is_some() && *c))
    };
    let window_button = move |w: Window| {
        view! {
            <button type="button" class="segment" class:active=move || window.get() == w
                aria-pressed=move || (window.get() == w).to_string()
                data-testid=format!("window-{}", w.name())
                disabled=move || busy.get() != Busy::No
                on:click=move |_| window.set(w)>{format!("Last {}", w.name())}</button>
        }
    };
    let mode_button = move |value: bool, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="segment" class:active=move || all_on() == value
                aria-pressed=move || (all_on() == value).to_string()
                data-testid=testid
                disabled=move || value && !available()
                on:click=move |_| all(value)>{label}</button>
        }
    };
    let record_button = move || {
        (report.with(Option::is_some) && !available()).then(|| {
            view! {
                <button type="button" class="button primary" data-testid="record-seed-rules"
                    disabled=move || !idle() on:click=record>
                    {move || if busy.get() == Busy::Recording { "Recording\u{2026}" } else { "Record the seed's rules" }}
                </button>
            }
        })
    };
    let progress_view = move || {
        progress.get().map(|(done, total, label)| {
            let what = if busy.get() == Busy::Recording { "Recording" } else { "Evaluating" };
            progress_line("dashboard-progress", done, total, format!("{what} {label} ({} of {total})", (done + 1).min(total)))
        })
    };
    let failure_view =
        move || failure.get().map(|e| view! { <p class="error-box" role="alert" data-testid="dashboard-error">{e}</p> });
    let cost = move || report.get().map(|r| view! { <DashboardCost report=r recorded=recorded /> });
    let grid = move || {
        report.get().map(|r| {
            let range = r.range;
            let panels = r
                .panels
                .iter()
                .enumerate()
                .map(|(i, p)| view! { <DashboardPanel result=Arc::new(p.clone()) index=i range=range recorded=recorded /> })
                .collect::<Vec<_>>();
            view! { <div class="dashboard-grid" data-testid="dashboard-grid">{panels}</div> }
        })
    };
    let recorded_note = move || {
        report.get().map(|r| match r.recorded_available {
            true => view! {
                <p class="muted small">
                    "Recorded series come from the rules last evaluated in the "
                    <A href=href(LAB_PATH)>"rules lab"</A>
                    "; panels whose series those rules do not record show no data when switched."
                </p>
            }
            .into_any(),
            false => view! {
                <p class="muted small">
                    "Nothing is recorded yet: record the seed's recording rules here, or evaluate your own in the "
                    <A href=href(LAB_PATH)>"rules lab"</A>"."
                </p>
            }
            .into_any(),
        })
    };

    view! {
        <div class="dashboard-page" data-testid="dashboard-page">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Dashboard"</h1>
                    <span class="badge seed-ref">"Success criterion"</span>
                </div>
                <p class="lab-intro">
                    "The seed's ML serving dashboard: request rate, error ratio, latency and cache panels from its queries. "
                    "Switch the panels from raw queries to the recorded series of the recording rules and compare what one "
                    "refresh costs \u{2014} then export it for Grafana."
                </p>
                <div class="controls dashboard-controls">
                    <div class="segmented" role="group" aria-label="Time window">
                        {window_button(Window::Last6h)} {window_button(Window::Last24h)}
                    </div>
                    <div class="segmented" role="group" aria-label="Queries of every panel">
                        {mode_button(false, "Raw queries", "mode-raw")} {mode_button(true, "Recorded series", "mode-recorded")}
                    </div>
                    {record_button}
                    <button type="button" class="button secondary" data-testid="export-grafana"
                        disabled=move || report.with(Option::is_none) on:click=export>
                        "Export as Grafana dashboard JSON"
                    </button>
                </div>
                {recorded_note}
                {progress_view}
                {failure_view}
                {cost}
            </section>
            {grid}
        </div>
    }
}
