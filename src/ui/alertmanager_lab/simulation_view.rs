//! The simulation panel: which alerts to feed Alertmanager (the seed's alert rules on the
//! dataset, a drill, a timeline of one's own in YAML, or the alerts of the rules last
//! evaluated in the alerting lab), the run (with and without
//! inhibition, step by step with progress), and its results: notifications per receiver with
//! and without inhibition, the receiver × time chart, the log, one notification opened, and
//! the route each alert took.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::content::am_exercise::TIMELINES;
use crate::link::alertmanager::{AlertSource, NotificationView, OpenNotification, SimulationReport, SimulationStep, StartSimulation};

use super::super::alerts_lab::LAB_PATH as ALERTS_LAB_PATH;
use super::super::browser::{self, href};
use super::super::engine_link;
use super::super::progress_line::progress_line;
use super::super::format::labels;
use super::super::rules_lab::run::{self, Progress};
use super::log_view::LogView;
use super::notification_detail::NotificationDetail;
use super::timeline_chart::TimelineChart;
use super::view_model::{clock, headline};

/// Local-storage key of the learner's own timeline.
const TIMELINE_KEY: &str = "promql-playground-am-timeline";

/// The source choices after the built-in timelines: one's own YAML, then the alerting lab's.
const OWN: usize = TIMELINES.len();
const ALERTING_LAB: usize = TIMELINES.len() + 1;

/// The panel.
#[component]
pub fn SimulationPanel(
    /// The configuration text.
    #[prop(into)]
    config: Signal<String>,
    /// Whether the configuration loads (with placeholders) and the engine module is there.
    #[prop(into)]
    can_run: Signal<bool>,
    /// The dataset simulated over (None while it loads).
    #[prop(into)]
    dataset: Signal<Option<String>>,
    /// Set to an alert's route when one is picked, for the tree.
    path: RwSignal<Vec<(usize, bool)>>,
) -> impl IntoView {
    // Which alerts: an index into TIMELINES, OWN or ALERTING_LAB.
    let from_lab = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("alerts").as_deref() == Some("lab"));
    let source = RwSignal::new(if from_lab { ALERTING_LAB } else { 0 });
    let own = RwSignal::new(browser::stored(TIMELINE_KEY).unwrap_or_else(|| TIMELINES[0].2.to_string()));
    let progress: Progress = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    let report: RwSignal<Option<Arc<SimulationReport>>> = RwSignal::new(None);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let inhibition = RwSignal::new(true);
    let selected: RwSignal<Option<usize>> = RwSignal::new(None);
    let detail: RwSignal<Option<Result<NotificationView, String>>> = RwSignal::new(None);
    let stale = RwSignal::new(false);

    Effect::new(move |previous: Option<String>| {
        let t = own.get();
        if previous.is_some_and(|p| p != t) {
            browser::store(TIMELINE_KEY, &t);
        }
        t
    });
    // A changed configuration or timeline makes the results stale.
    Effect::new(move |previous: Option<(String, usize, String)>| {
        let now = (config.get(), source.get(), own.get());
        if previous.is_some_and(|p| p != now) && report.with_untracked(Option::is_some) {
            stale.set(true);
        }
        now
    });
    // Opening a notification fetches it from the last run.
    let opened = engine_link::Latest::new();
    Effect::new(move |_| {
        let open = selected.get();
        let inhibition = inhibition.get();
        match open {
            Some(index) => opened.send(OpenNotification { inhibition, index }, move |r| detail.set(Some(r.and_then(|r| r)))),
            None => {
                opened.next();
                detail.set(None);
            }
        }
    });

    let timeline_text = move || {
        let i = source.get();
        TIMELINES.get(i).map_or_else(|| own.get(), |(_, _, text)| text.to_string())
    };
    let simulate = move |_| {
        let Some(dataset) = dataset.get_untracked() else { return };
        generation.update_value(|g| *g += 1);
        failure.set(None);
        selected.set(None);
        let alerts = if source.get_untracked() == ALERTING_LAB {
            AlertSource::AlertingLab
        } else {
            AlertSource::Timeline(timeline_text())
        };
        let start = StartSimulation { config: config.get_untracked(), alerts, dataset };
        spawn_local(async move {
            match run::drive(start, SimulationStep, progress, generation).await {
                None => {}
                Some(Ok(r)) => {
                    report.set(Some(Arc::new(r)));
                    stale.set(false);
                }
                Some(Err(e)) => failure.set(Some(e)),
            }
        });
    };
    let busy = move || progress.with(Option::is_some);

    let options = TIMELINES
        .iter()
        .enumerate()
        .map(|(i, (_, title, _))| view! { <option value=i.to_string()>{*title}</option> })
        .collect_view();
    let lab_note = move || {
        (source.get() == ALERTING_LAB).then(|| {
            view! {
                <p class="muted small" data-testid="lab-alerts-note">
                    "The firing and resolved alerts of the rules last evaluated in the "
                    <A href=href(ALERTS_LAB_PATH)>"alerting lab"</A>
                    ", over its dataset and window, POSTed as Prometheus does (when they fire or resolve, then every minute, with their annotations). "
                    "Evaluate the rules there first; what-if changes are not included."
                </p>
            }
        })
    };
    let own_editor = move || {
        (source.get() == OWN).then(|| {
            view! {
                <textarea class="timeline-input mono" data-testid="timeline-input" spellcheck="false" rows="12"
                    aria-label="Alert timeline (YAML)"
                    prop:value=move || own.get() on:input=move |ev| own.set(event_target_value(&ev))></textarea>
                <p class="muted small">
                    "Each alert: its " <code>"labels"</code> ", optional " <code>"annotations"</code>
                    ", and " <code>"firing: [start, end]"</code> " as offsets from the dataset's start (no end: still firing). "
                    "Prometheus sends them to Alertmanager as it would: when they fire or resolve, then every minute."
                </p>
            }
        })
    };
    let progress_view = move || {
        progress.get().map(|(done, total, label)| {
            progress_line("am-progress", done, total, format!("Simulating 48 hours {label}\u{2026}"))
        })
    };

    let results = move || {
        report.get().map(|r| {
            let rows = r
                .receivers
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let (with, without) = (r.with_inhibition.per_receiver[i], r.without_inhibition.per_receiver[i]);
                    view! {
                        <tr data-testid="receiver-count">
                            <td><strong>{name.clone()}</strong></td>
                            <td class="num" data-testid="count-with">{with}</td>
                            <td class="num" data-testid="count-without">{without}</td>
                            <td class="num">{without.saturating_sub(with)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let (with_total, without_total): (usize, usize) =
                (r.with_inhibition.per_receiver.iter().sum(), r.without_inhibition.per_receiver.iter().sum());
            let quiet = r
                .with_inhibition
                .quiet
                .iter()
                .map(|(reason, n)| view! { <li>{format!("{n} flush{} sent nothing: {reason}", if *n == 1 { "" } else { "es" })}</li> })
                .collect_view();
            let warnings = r.warnings.iter().map(|w| view! { <p class="notice small">{w.clone()}</p> }).collect_view();
            let alerts = r
                .alerts
                .iter()
                .map(|a| {
                    let p = a.path.clone();
                    let since = a.firing.first().map_or(String::new(), |(from, to)| match to {
                        Some(t) => format!("{} \u{2192} {}", clock(*from), clock(*t)),
                        None => format!("from {}", clock(*from)),
                    });
                    view! {
                        <li class="alert-route">
                            <button type="button" class="link-button" title="Show its route in the tree"
                                on:click=move |_| path.set(p.clone())>
                                <code>{labels(&a.labels)}</code>
                            </button>
                            <span class="muted small">{format!(" {since} \u{2192} {}", a.receivers.join(", "))}</span>
                        </li>
                    }
                })
                .collect_view();
            let report_for_chart = r.clone();
            let for_log = r.clone();
            let run_for_log = move || {
                let run = if inhibition.get() { for_log.with_inhibition.clone() } else { for_log.without_inhibition.clone() };
                view! { <LogView run=Arc::new(run) start=for_log.start selected=selected /> }
            };
            view! {
                <div class="am-results" data-testid="am-results">
                    <p class="am-headline" data-testid="am-headline">{headline(&r)}</p>
                    {warnings}
                    <table class="count-table">
                        <thead><tr><th>"Receiver"</th><th class="num">"With inhibition"</th><th class="num">"Without"</th><th class="num">"Prevented"</th></tr></thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr><td>"Total"</td><td class="num" data-testid="total-with">{with_total}</td><td class="num" data-testid="total-without">{without_total}</td><td class="num">{without_total.saturating_sub(with_total)}</td></tr></tfoot>
                    </table>
                    <ul class="quiet small">{quiet}</ul>
                    <div class="run-switch" role="group" aria-label="Which run">
                        <button type="button" class="button small" class:primary=move || inhibition.get()
                            class:secondary=move || !inhibition.get() data-testid="show-with"
                            on:click=move |_| { inhibition.set(true); selected.set(None); }>"With inhibition"</button>
                        <button type="button" class="button small" class:primary=move || !inhibition.get()
                            class:secondary=move || inhibition.get() data-testid="show-without"
                            on:click=move |_| { inhibition.set(false); selected.set(None); }>"Without inhibition"</button>
                    </div>
                    <TimelineChart report=report_for_chart inhibition=inhibition selected=selected />
                    {move || detail.get().map(|d| match d {
                        Ok(v) => view! { <NotificationDetail view=v on_close=Callback::new(move |_| selected.set(None)) /> }.into_any(),
                        Err(e) => view! { <p class="error-box">{e}</p> }.into_any(),
                    })}
                    <h3>"Notification log"</h3>
                    {run_for_log}
                    <h3>"The alerts and their routes"</h3>
                    <ul class="alert-routes">{alerts}</ul>
                </div>
            }
        })
    };

    view! {
        <div class="simulation-panel">
            <div class="source-row">
                <label class="field-label" for="am-source">"Alerts"</label>
                <select id="am-source" data-testid="am-source" on:change=move |ev| {
                    source.set(event_target_value(&ev).parse().unwrap_or(0));
                }>
                    {options}
                    <option value=OWN.to_string()>"Your own timeline (YAML)"</option>
                    <option value=ALERTING_LAB.to_string() selected=from_lab>"Alerts from the alerting lab"</option>
                </select>
                <button type="button" class="button primary" data-testid="simulate"
                    disabled=move || !can_run.get() || busy() || dataset.get().is_none() on:click=simulate>
                    {move || if busy() { "Simulating\u{2026}" } else { "Simulate 48 hours" }}
                </button>
            </div>
            {own_editor}
            {lab_note}
            {progress_view}
            {move || failure.get().map(|e| view! { <p class="error-box" role="alert" data-testid="am-error">{e}</p> })}
            {move || stale.get().then(|| view! { <p class="notice" data-testid="am-stale">"The configuration or the alerts changed since this run: simulate again to see the effect."</p> })}
            {results}
        </div>
    }
}
