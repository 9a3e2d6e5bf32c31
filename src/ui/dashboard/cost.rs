//! The whole dashboard's refresh cost, raw queries beside recorded series, and what the
//! panels as switched now cost.

use std::sync::Arc;

use leptos::prelude::*;

use crate::dashboard::RunCost;
use crate::link::dashboard::DashboardReport;

use super::super::format::thousands;
use super::super::rules_lab::report::{ratio, time};

/// The cost table.
#[component]
pub fn DashboardCost(
    /// The evaluated dashboard.
    report: Arc<DashboardReport>,
    /// Per panel, whether it shows its recorded series.
    recorded: RwSignal<Vec<bool>>,
) -> impl IntoView {
    let raw = report.total(|_| false);
    let all_recorded = report.total(|_| true);
    let available = report.recorded_available;
    let saving = (available && all_recorded.samples > 0)
        .then(|| ratio(raw.samples as f64 / all_recorded.samples as f64));
    let view_report = report.clone();
    let current = move || {
        let choice = recorded.get();
        let now = view_report.total(|i| choice.get(i).copied().unwrap_or(false));
        let shown = choice.iter().filter(|r| **r).count();
        view! {
            <p class="dashboard-current" data-testid="current-cost" data-samples=now.samples>
                {format!(
                    "As shown ({shown} of {} panels on recorded series): {} samples read in {} per refresh.",
                    view_report.panels.len(),
                    thousands(now.samples),
                    time(now.ms)
                )}
            </p>
        }
    };
    let cell = |c: RunCost, testid: &'static str| {
        view! {
            <td data-testid=testid data-samples=c.samples>{thousands(c.samples)}</td>
        }
    };
    let recorded_cells = move || match available {
        true => view! {
            <td>{time(all_recorded.ms)}</td>
            {cell(all_recorded, "recorded-samples")}
            <td>{thousands(all_recorded.series as u64)}</td>
        }
        .into_any(),
        false => view! { <td colspan="3" class="muted">"Record the rules first"</td> }.into_any(),
    };
    view! {
        <table class="dashboard-cost" data-testid="dashboard-cost">
            <thead>
                <tr><th>"One refresh of every panel"</th><th>"Evaluation time"</th><th>"Samples read"</th><th>"Series drawn"</th></tr>
            </thead>
            <tbody>
                <tr>
                    <th scope="row">"Raw queries"</th>
                    <td>{time(raw.ms)}</td>
                    {cell(raw, "raw-samples")}
                    <td>{thousands(raw.series as u64)}</td>
                </tr>
                <tr>
                    <th scope="row">"Recorded series"</th>
                    {recorded_cells}
                </tr>
            </tbody>
        </table>
        {saving.map(|s| view! { <p class="muted small">{format!("Recorded series read {s} fewer samples per refresh. The latency percentiles panel stays raw: no rule of the seed records platform-wide percentiles.")}</p> })}
        {current}
    }
}
