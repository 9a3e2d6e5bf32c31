//! The alerting lab page: the alert rules and the recording rules they read (the seed's
//! ConfigMaps, kept in local storage), checked as typed; evaluated over the dataset step by
//! step with a progress bar; then the documented events and whether they fired, the alert
//! counts over time, and one card per alerting rule. A Tests tab runs promtool unit tests.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::link::alerts::{AlertExercises, AlertsReport, AlertsStep, RuleTexts, StartAlerts};
use crate::link::remote::{RuleWindow, WINDOW_DATASET};
use crate::link::rules::{CheckRules, RuleCheck};
use crate::rules::{Diagnostic, Severity};

use super::super::browser::{self, href};
use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::progress_line::{engine_loading, progress_line};
use super::super::lab_exercise::exercise_list;
use super::super::alertmanager_lab::{LAB_ALERTS_QUERY, LAB_PATH as AM_LAB_PATH};
use super::super::paths::PLAYGROUND;
use super::super::remote::{provide_remote_for_rules, RuleWindowPanel};
use super::super::rules_lab::page::{evaluated_data, use_engine, EngineState};
use super::super::rules_lab::rule_editor::RuleEditor;
use super::super::rules_lab::run::{drive, Progress};
use super::super::rules_lab::SEED_RULES;
use super::events::EventsTable;
use super::rule_card::RuleCard;
use super::runbooks_tab::RunbooksTab;
use super::tests_tab::TestsTab;
use super::timeline::CountsChart;
use super::exercise_page::LAB;
use super::SEED_ALERT_RULES;

const ALERTING_KEY: &str = "promql-playground-alerts-lab-alerting";
const RECORDING_KEY: &str = "promql-playground-alerts-lab-recording";

/// The lab's last evaluation, kept for the visit (the page shows it again when revisited).
#[derive(Clone, Copy)]
pub struct AlertsState {
    pub report: RwSignal<Option<Arc<AlertsReport>>>,
}

/// Provides the (empty) shared state; the app shell calls this once.
pub fn provide_alerts_state() {
    provide_context(AlertsState { report: RwSignal::new(None) });
}

fn use_alerts_state() -> AlertsState {
    use_context::<AlertsState>().unwrap_or(AlertsState { report: RwSignal::new(None) })
}

/// Which editor is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Alerting,
    Recording,
    Runbooks,
    Tests,
}

/// A rule file's text and its check.
#[derive(Clone, Copy)]
struct Checked {
    text: RwSignal<String>,
    diagnostics: RwSignal<Vec<Diagnostic>>,
    /// Rules found when the file is valid: (alerting, recording).
    valid: RwSignal<Option<(usize, usize)>>,
    /// False until the first check's reply: the file is being checked, not found wanting.
    answered: RwSignal<bool>,
    /// Why the check itself could not run (the engine module's error), if it could not.
    failed: RwSignal<Option<String>>,
}

impl Checked {
    fn new(key: &'static str, seed: &'static str, engine: EngineState) -> Checked {
        let c = Checked {
            text: RwSignal::new(browser::stored(key).unwrap_or_else(|| seed.to_string())),
            diagnostics: RwSignal::new(Vec::new()),
            valid: RwSignal::new(None),
            answered: RwSignal::new(false),
            failed: RwSignal::new(None),
        };
        let checks = engine_link::Latest::new();
        Effect::new(move |previous: Option<String>| {
            let t = c.text.get();
            let show = move |check: Option<RuleCheck>, t: &str| {
                let RuleCheck { diagnostics, file } = check.unwrap_or(RuleCheck { diagnostics: Vec::new(), file: None });
                let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
                c.valid.set(file.filter(|_| !errors).map(|f| (count_alerts(t), f.recording_rules)));
                c.diagnostics.set(diagnostics);
            };
            match engine.get() {
                Some(Ok(())) => {
                    let typed = t.clone();
                    checks.send(CheckRules { text: t.clone() }, move |r| {
                        c.answered.set(true);
                        c.failed.set(r.as_ref().err().cloned());
                        show(r.ok(), &typed)
                    });
                }
                _ => show(None, &t),
            }
            if previous.is_some_and(|p| p != t) {
                browser::store(key, &t);
            }
            t
        });
        c
    }
}

/// Alerting rules in a file (the check counts recording rules only): `- alert:` lines.
fn count_alerts(text: &str) -> usize {
    text.lines().filter(|l| l.trim_start().trim_start_matches("- ").starts_with("alert:")).count()
}

/// The lab page.
#[component]
pub fn AlertsLab() -> impl IntoView {
    let data = use_data();
    let state = use_alerts_state();
    let engine = use_engine();
    let alerting = Checked::new(ALERTING_KEY, SEED_ALERT_RULES, engine);
    let recording = Checked::new(RECORDING_KEY, SEED_RULES, engine);
    let tab = RwSignal::new(Tab::Alerting);
    let busy = RwSignal::new(false);
    let progress: Progress = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let texts = Signal::derive(move || RuleTexts { recording: recording.text.get(), alerting: alerting.text.get() });
    // A Prometheus-compatible source instead of the dataset: the window fetched from it.
    let remote = provide_remote_for_rules();
    let window: RwSignal<Option<RuleWindow>> = RwSignal::new(None);
    let files = Signal::derive(move || {
        vec![("recording_rules.yml".to_string(), recording.text.get()), ("alert_rules.yml".to_string(), alerting.text.get())]
    });

    let valid = move || alerting.valid.with(Option::is_some) && recording.valid.with(Option::is_some);
    let ready = move || {
        if remote.url_mode.get() {
            window.with(Option::is_some)
        } else {
            matches!(data.get(), DataState::Ready(_))
        }
    };
    let evaluate = move |_| {
        let Some((dataset, options)) = evaluated_data(data, remote.url_mode, window) else { return };
        if !valid() {
            return;
        }
        generation.update_value(|g| *g += 1);
        busy.set(true);
        failure.set(None);
        let start = StartAlerts { dataset, rules: texts.get_untracked(), options };
        spawn_local(async move {
            let started = browser::now_ms();
            match drive(start, AlertsStep, progress, generation).await {
                None => return,
                Some(Ok(mut report)) => {
                    // The page's own measure: from the click to the report, paints included.
                    report.eval_ms = browser::now_ms() - started;
                    state.report.set(Some(Arc::new(report)));
                }
                Some(Err(e)) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let reset = move |_| {
        alerting.text.set(SEED_ALERT_RULES.to_string());
        recording.text.set(SEED_RULES.to_string());
    };

    let status = move || {
        let line = |name: &str, c: Checked| {
            let errors = c.diagnostics.with(|d| d.iter().filter(|d| d.severity == Severity::Error).count());
            match (engine.get(), c.valid.get()) {
                (Some(Err(e)), _) => format!("\u{2717} {e}"),
                (_, Some((alerts, records))) => format!("\u{2713} {name}: {alerts} alerting and {records} recording rules"),
                (_, None) if errors > 0 => format!("\u{2717} {name}: {errors} error{} to fix", if errors == 1 { "" } else { "s" }),
                (_, None) if !c.answered.get() => format!("\u{2026} {name}: checking"),
                (_, None) => match c.failed.get() {
                    Some(e) => format!("\u{2717} {name}: could not be checked: {e}"),
                    None => format!("\u{2717} {name}: not a rule file"),
                },
            }
        };
        if engine.with(Option::is_none) {
            return engine_loading().into_any();
        }
        let (a, r) = (line("alert rules", alerting), line("recording rules", recording));
        let good = valid();
        // While a first check is on its way the line is neither good nor bad.
        let checking = !alerting.answered.get() || !recording.answered.get();
        view! { <p class="check-status" class:good=good class:bad=!good && !checking data-testid="check-status">{a}" \u{b7} "{r}</p> }
            .into_any()
    };

    let tab_button = move |t: Tab, label: &'static str, id: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" class:active=move || tab.get() == t
                aria-selected=move || (tab.get() == t).to_string() data-testid=id on:click=move |_| tab.set(t)>{label}</button>
        }
    };
    let editor = move || match tab.get() {
        Tab::Alerting => view! { <RuleEditor value=alerting.text diagnostics=alerting.diagnostics file_name="alert_rules.yml" /> }.into_any(),
        Tab::Recording => view! { <RuleEditor value=recording.text diagnostics=recording.diagnostics file_name="recording_rules.yml" /> }.into_any(),
        Tab::Runbooks => view! { <RunbooksTab text=alerting.text /> }.into_any(),
        Tab::Tests => view! { <TestsTab rules=texts /> }.into_any(),
    };
    let actions = move || {
        matches!(tab.get(), Tab::Alerting | Tab::Recording).then(|| {
            view! {
                {status}
                <div class="lab-actions">
                    <button type="button" class="button primary" data-testid="evaluate"
                        disabled=move || !(ready() && valid()) || busy.get() on:click=evaluate>
                        {move || match (busy.get(), ready()) {
                            (true, _) => "Evaluating\u{2026}",
                            (_, false) if remote.url_mode.get() => "Fetch the series first",
                            (_, false) => "Loading dataset\u{2026}",
                            _ => "Evaluate rules",
                        }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reset-rules" on:click=reset
                        disabled=move || alerting.text.with(|t| t == SEED_ALERT_RULES) && recording.text.with(|t| t == SEED_RULES)>
                        "Reset to the seed's rules"
                    </button>
                    <span class="muted small">"Your edits are kept in this browser."</span>
                </div>
            }
        })
    };
    let progress_view = move || {
        progress.get().map(|(done, total, label)| {
            progress_line("lab-progress", done, total, format!("Evaluating {label} ({}%)", done * 100 / total.max(1)))
        })
    };
    let results = move || state.report.get().map(|r| view! { <Results report=r /> });

    view! {
        <div class="rules-lab alerts-lab" data-testid="alerts-lab">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Alerting lab"</h1>
                    <span class="badge seed-ref">"Task 4.1 \u{b7} bonus 1 \u{b7} bonus 6"</span>
                </div>
                <p class="lab-intro">
                    "The seed's alert rules (TODO 4.1) and the recording rules they read, as the ConfigMaps the seed applies. "
                    "Evaluate them over the dataset's two days as Prometheus's rule manager would: each group at its interval, "
                    "alerts pending until their " <code>"for"</code> " has passed, then firing, then resolved. Every alert shows on a "
                    "timeline against its condition, and the documented events of the data say which alert should have fired."
                </p>
                <RuleWindowPanel state=remote files=files window=window />
                <div class="tabs" role="tablist">
                    {tab_button(Tab::Alerting, "Alert rules", "tab-alerting")}
                    {tab_button(Tab::Recording, "Recording rules", "tab-recording")}
                    {tab_button(Tab::Runbooks, "Runbooks", "tab-runbooks")}
                    {tab_button(Tab::Tests, "Tests", "tab-tests")}
                </div>
                {editor}
                {actions}
                {progress_view}
                {move || failure.get().map(|e| view! { <p class="error-box" role="alert" data-testid="lab-error">{e}</p> })}
            </section>
            {results}
            {exercise_list(LAB, "Exercises: alerts that fire when they should", engine.into(), || engine_link::ask(AlertExercises))}
        </div>
    }
}

/// Everything an evaluation shows.
#[component]
fn Results(report: Arc<AlertsReport>) -> impl IntoView {
    let fired = report.rules.iter().filter(|r| !r.firings.is_empty()).count();
    let silent: Vec<String> = report.rules.iter().filter(|r| r.firings.is_empty()).map(|r| r.name.clone()).collect();
    let summary = format!(
        "{} alerting rules evaluated with {} recording rules from {} to {} in {}: {fired} fired, {} never fired{}.",
        report.rules.len(),
        report.recording_rules,
        super::timeline::format_instant_short(report.start),
        super::timeline::format_instant_short(report.end),
        super::super::format::elapsed(report.eval_ms),
        silent.len(),
        if silent.is_empty() { String::new() } else { format!(" ({})", silent.join(", ")) },
    );
    let empty = (!report.empty_records.is_empty()).then(|| {
        let names: Vec<String> = report.empty_records.iter().map(|(r, _)| r.clone()).collect();
        view! { <p class="notice small">{format!("Recording rules that recorded nothing (see the recording rules lab for why): {}.", names.join(", "))}</p> }
    });
    let cards = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| view! { <RuleCard rule=i original=r.clone() start=report.start end=report.end /> })
        .collect_view();
    view! {
        <section class="card lab-section" data-testid="alerts-results">
            <div class="card-title-row">
                <h2 class="card-title">"What the alerts did"</h2>
                <div class="button-row">
                    {(report.dataset != WINDOW_DATASET).then(|| view! {
                        <A href=href(PLAYGROUND) attr:class="button secondary small">"Query ALERTS in the playground"</A>
                    })}
                    <A href=format!("{}?{LAB_ALERTS_QUERY}", href(AM_LAB_PATH)) attr:class="button secondary small"
                        attr:data-testid="route-in-am">"Route these alerts in the Alertmanager lab"</A>
                </div>
            </div>
            <p data-testid="alerts-summary">{summary}</p>
            {empty}
            <h3>"Documented events of the dataset"</h3>
            <EventsTable checks=report.events.clone() />
            <h3>"Alerts over time"</h3>
            <CountsChart counts=report.counts.clone() end=report.end />
        </section>
        <section class="alert-rules" data-testid="alert-rules">{cards}</section>
    }
}

