//! One dashboard panel: its title and source in the seed, a raw/recorded switch, the queries
//! it runs, its chart and what it costs.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::dashboard::PanelResult;

use super::super::chart::Chart;
use super::super::chart_model::Model;
use super::super::format::thousands;
use super::super::rules_lab::report::time;

/// A panel of the grid.
#[component]
pub fn DashboardPanel(
    /// The panel, evaluated both ways.
    result: Arc<PanelResult>,
    /// Its position (for the switch).
    index: usize,
    /// The range the panel was evaluated over: start, end, step.
    range: (i64, i64, i64),
    /// Per panel, whether it shows its recorded series.
    recorded: RwSignal<Vec<bool>>,
) -> impl IntoView {
    let has_recorded = result.recorded.is_some();
    let on = move || recorded.with(|r| r.get(index).copied().unwrap_or(false));
    let set = move |value: bool| recorded.update(|r| if let Some(x) = r.get_mut(index) { *x = value });
    let switch = move |value: bool, label: &'static str| {
        view! {
            <button type="button" class="segment" class:active=move || on() == value
                aria-pressed=move || (on() == value).to_string()
                disabled=move || value && !has_recorded
                on:click=move |_| set(value)>{label}</button>
        }
    };
    let why_raw = match (&result.panel.recorded, has_recorded) {
        (None, _) => Some("No recording rule of the seed replaces this query."),
        (Some(_), false) => Some("Record the rules to switch to recorded series."),
        _ => None,
    };
    let body_result = result.clone();
    let body = move || {
        let shown = on();
        let run = body_result.run(shown);
        let queries: Vec<_> = body_result
            .panel
            .targets(shown)
            .iter()
            .map(|t| view! { <code class="dashboard-query" data-testid="panel-query">{t.expr.trim().to_string()}</code> })
            .collect();
        let (start, end, step) = range;
        let chart = match (&run.error, run.series.is_empty()) {
            (Some(e), _) => view! { <p class="error-box" role="alert">{e.clone()}</p> }.into_any(),
            (None, true) => view! {
                <p class="notice" data-testid="panel-empty">
                    "No data: the rules evaluated in the rules lab do not record this series over the window."
                </p>
            }
            .into_any(),
            (None, false) => {
                let model = Model::new(&run.series, start, end, step).with_unit(body_result.panel.unit);
                view! { <Chart model=Arc::new(model) /> }.into_any()
            }
        };
        let cost = run.cost;
        view! {
            <div class="dashboard-queries">{queries}</div>
            {chart}
            <p class="muted small dashboard-panel-cost" data-testid="panel-cost" data-samples=cost.samples>
                {format!("{} series \u{b7} {} samples read \u{b7} {}", cost.series, thousands(cost.samples), time(cost.ms))}
            </p>
        }
    };
    view! {
        <section class="card dashboard-panel" data-testid="dashboard-panel">
            <div class="card-title-row">
                <h2 class="card-title" data-testid="panel-title">{result.panel.title.clone()}</h2>
                <div class="segmented small" role="group" aria-label="Queries">
                    {switch(false, "Raw")} {switch(true, "Recorded")}
                </div>
            </div>
            <p class="muted small">{format!("From {}.", result.panel.source)}{why_raw.map(|w| format!(" {w}"))}</p>
            {body}
        </section>
    }
}
