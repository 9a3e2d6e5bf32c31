//! The receiver × time chart: one row per receiver over the dataset's 48 hours, a dot per
//! notification (filled: firing, ring: only resolutions), the notifications that only the other
//! run sends drawn faint (what inhibition removed, or would remove), and the alerts' firing
//! spans along the top. A dot opens its notification.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::alertmanager::{NotificationRow, SimulationReport};

use super::view_model::{clock, offset, ChartGeometry};

const WIDTH: f64 = 1000.0;

fn same(a: &NotificationRow, b: &NotificationRow) -> bool {
    a.at == b.at && a.receiver == b.receiver && a.group_key == b.group_key
}

/// The chart.
#[component]
pub fn TimelineChart(
    report: Arc<SimulationReport>,
    /// Which run is shown: with inhibition or without.
    #[prop(into)]
    inhibition: Signal<bool>,
    /// The open notification (index into the shown run).
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let g = ChartGeometry::new(WIDTH);
    let (start, end) = (report.start, report.end);
    let rows = report.receivers.len() + 1;
    let height = g.height(rows);
    let names = report
        .receivers
        .iter()
        .enumerate()
        .map(|(i, r)| view! { <text class="chart-row-label" x="6" y=g.y(i + 1) + 4.0>{r.clone()}</text> })
        .collect_view();
    let grid = (0..=rows)
        .map(|i| {
            let y = g.top + g.row_height * i as f64;
            view! { <line class="chart-grid" x1=g.left x2=WIDTH - g.right y1=y y2=y /> }
        })
        .collect_view();
    let ticks = g
        .ticks(start, end)
        .into_iter()
        .map(|(x, label)| {
            view! {
                <line class="chart-tick" x1=x x2=x y1=g.top y2=g.top + g.row_height * rows as f64 />
                <text class="chart-tick-label" x=x y=height - 6.0 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let spans = report
        .alerts
        .iter()
        .flat_map(|a| a.firing.iter().map(move |(from, to)| (a.labels.get_or_empty("alertname").to_string(), *from, *to)))
        .map(|(name, from, to)| {
            let (x1, x2) = (g.x(from, start, end), g.x(to.unwrap_or(end), start, end));
            view! {
                <rect class="alert-span" x=x1 y=g.y(0) - 6.0 width=(x2 - x1).max(1.5) height="12">
                    <title>{format!("{name} firing from {}", clock(from))}</title>
                </rect>
            }
        })
        .collect_view();
    let row_of = {
        let receivers = report.receivers.clone();
        move |name: &str| receivers.iter().position(|r| r == name).map_or(0, |i| i + 1)
    };
    let report_for_dots = report.clone();
    let dots = move || {
        let with = inhibition.get();
        let (shown, other) = if with {
            (&report_for_dots.with_inhibition, &report_for_dots.without_inhibition)
        } else {
            (&report_for_dots.without_inhibition, &report_for_dots.with_inhibition)
        };
        let faint = other
            .notifications
            .iter()
            .filter(|o| !shown.notifications.iter().any(|n| same(n, o)))
            .map(|n| {
                let title = format!("{} \u{2192} {}: only {} inhibition", clock(n.at), n.receiver, if with { "without" } else { "with" });
                view! {
                    <circle class="dot faint" cx=g.x(n.at, start, end) cy=g.y(row_of(&n.receiver)) r="5">
                        <title>{title}</title>
                    </circle>
                }
            })
            .collect_view();
        let open = selected.get();
        let solid = shown
            .notifications
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let class = match (n.firing > 0, open == Some(i)) {
                    (true, false) => "dot firing",
                    (true, true) => "dot firing open",
                    (false, false) => "dot resolved",
                    (false, true) => "dot resolved open",
                };
                let title = format!(
                    "{} ({}) \u{2192} {}: {} ({}), {}",
                    clock(n.at),
                    offset(n.at, start),
                    n.receiver,
                    n.alertnames,
                    n.status,
                    n.reason
                );
                view! {
                    <circle class=class cx=g.x(n.at, start, end) cy=g.y(row_of(&n.receiver)) r="6"
                        data-testid="chart-dot" on:click=move |_| selected.set(Some(i))>
                        <title>{title}</title>
                    </circle>
                }
            })
            .collect_view();
        view! { {faint}{solid} }
    };
    view! {
        <figure class="timeline-chart" data-testid="timeline-chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img"
                aria-label="Notifications per receiver over the dataset's 48 hours">
                {grid}
                {ticks}
                <text class="chart-row-label muted" x="6" y=g.y(0) + 4.0>"alerts firing"</text>
                {names}
                {spans}
                {dots}
            </svg>
            <figcaption class="chart-legend small">
                <span><span class="legend-dot firing"></span>"notification with firing alerts"</span>
                <span><span class="legend-dot resolved"></span>"only resolved alerts"</span>
                <span><span class="legend-dot faint"></span>"sent only by the other run"</span>
                <span><span class="legend-span"></span>"an alert firing"</span>
            </figcaption>
        </figure>
    }
}
