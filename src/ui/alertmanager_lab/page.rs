//! The lab page: the configuration editor (kept in local storage) beside its routing tree,
//! the label-set tester, the simulation of the alerts over the dataset, and the exercises.

use leptos::prelude::*;

use crate::link::alertmanager::{AmExercises, CheckConfig, ConfigCheck};

use super::super::progress_line::engine_loading;
use super::super::browser;
use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::super::lab_exercise::exercise_list;
use super::config_editor::ConfigEditor;
use super::route_tester::RouteTester;
use super::route_tree::RouteTreeView;
use super::simulation_view::SimulationPanel;
use super::exercise_page::LAB;
use super::SEED_CONFIG;

/// Local-storage key of the learner's configuration.
const STORE_KEY: &str = "promql-playground-alertmanager-lab";

/// The lab page.
#[component]
pub fn AlertmanagerLab() -> impl IntoView {
    let data = use_data();
    let engine = engine_link::use_labs_engine();
    let text = RwSignal::new(browser::stored(STORE_KEY).unwrap_or_else(|| SEED_CONFIG.to_string()));
    let check: RwSignal<Option<ConfigCheck>> = RwSignal::new(None);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let path: RwSignal<Vec<(usize, bool)>> = RwSignal::new(Vec::new());
    let ready = Signal::derive(move || matches!(engine.get(), Some(Ok(()))));

    let checks = engine_link::Latest::new();
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        match engine.get() {
            Some(Ok(())) => checks.send(CheckConfig { text: t.clone() }, move |reply| match reply {
                Ok(c) => {
                    check.set(Some(c));
                    failure.set(None);
                }
                Err(e) => failure.set(Some(e)),
            }),
            Some(Err(e)) => failure.set(Some(e)),
            None => {}
        }
        if previous.is_some_and(|p| p != t) {
            browser::store(STORE_KEY, &t);
        }
        t
    });
    let nodes = Signal::derive(move || check.with(|c| c.as_ref().and_then(|c| c.config.as_ref()).map(|c| c.tree.clone()).unwrap_or_default()));
    let loads = Signal::derive(move || ready.get() && check.with(|c| c.as_ref().is_some_and(|c| c.config.is_some())));
    let dataset = Signal::derive(move || match data.get() {
        DataState::Ready(d) => Some(d.meta.id.clone()),
        _ => None,
    });
    let config = Signal::derive(move || text.get());
    let reset = move |_| text.set(SEED_CONFIG.to_string());

    view! {
        <div class="rules-lab am-lab" data-testid="alertmanager-lab">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Alertmanager lab"</h1>
                    <span class="badge seed-ref">"Task 4.2"</span>
                </div>
                <p class="lab-intro">
                    "The seed's Alertmanager configuration (TODO 4.2), as the ConfigMap it applies, read the way "
                    "Alertmanager 0.25 reads it. Edit it: it is checked as you type, its routing tree is drawn, and a "
                    "label set is routed as " <code>"amtool config routes test"</code> " routes it. Then simulate what "
                    "Alertmanager sends for the seed's alerts over the dataset's two days, with and without its inhibit rules."
                </p>
                {move || failure.get().map(|e| view! { <p class="error-box" role="alert" data-testid="am-engine-error">{e}</p> })}
                <div class="am-columns">
                    <div class="am-config">
                        <ConfigEditor value=text check=check />
                        {move || engine.with(Option::is_none).then(engine_loading)}
                        <div class="lab-actions">
                            <button type="button" class="button secondary" data-testid="reset-config" on:click=reset
                                disabled=move || text.with(|t| t == SEED_CONFIG)>"Reset to the seed's configuration"</button>
                            <span class="muted small">"Your edits are kept in this browser."</span>
                        </div>
                    </div>
                    <div class="am-tree">
                        <h2 class="card-title">"Routing tree"</h2>
                        <RouteTreeView nodes=nodes path=path />
                        <h3>"Test a label set"</h3>
                        <RouteTester config=config ready=loads path=path />
                    </div>
                </div>
            </section>
            <section class="card lab-section" data-testid="simulation-section">
                <h2 class="card-title">"Notifications over the dataset's 48 hours"</h2>
                <p class="muted small">
                    "Alertmanager 0.25 simulated: alerts merged by label set, routed, grouped, flushed after "
                    <code>"group_wait"</code> " then every " <code>"group_interval"</code> ", re-sent after "
                    <code>"repeat_interval"</code> ", inhibited at flush time, deduplicated by its notification log, "
                    <code>"send_resolved"</code> " per integration. Every send is assumed to succeed."
                </p>
                <SimulationPanel config=config can_run=loads dataset=dataset path=path />
            </section>
            {exercise_list(LAB, "Exercises: routing, inhibition, grouping", engine.into(), || engine_link::ask(AmExercises))}
        </div>
    }
}

