//! The result as a table: one row per series (or the scalar / string), values printed the
//! way Prometheus prints them. A series with many samples (a range query's, or a range
//! vector's) shows its last one, and opens to list every sample with its time. Long results
//! are cut to keep the page responsive.

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::time::format_instant;
use crate::engine::{Point, Series, Value};

use super::format::{labels, sample_value, thousands};
use super::playground::Run;
use super::request::Mode;

/// Most rows drawn; the rest are counted, not rendered.
const MAX_ROWS: usize = 500;
/// Most samples of a range vector listed in its row before it must be opened.
const MAX_POINTS: usize = 20;

/// What the value column holds.
enum Cell {
    /// A single value.
    Text(String),
    /// A series' samples: a summary, and all of them on request.
    Samples { summary: String, series: Arc<Series> },
}

/// The result table.
#[component]
pub fn ResultTable(
    /// The run whose value to show.
    run: Arc<Run>,
) -> impl IntoView {
    let Ok(out) = &run.result else {
        return None;
    };
    let (head, rows, total): (&str, Vec<(String, Cell)>, usize) = match &out.value {
        Value::Scalar { v, .. } => ("Value", vec![("scalar".into(), Cell::Text(sample_value(*v)))], 1),
        Value::String { s, .. } => ("Value", vec![("string".into(), Cell::Text(s.clone()))], 1),
        Value::Vector(v) => (
            "Value",
            v.iter()
                .take(MAX_ROWS)
                .map(|s| {
                    let value = s.h.as_ref().map_or_else(|| sample_value(s.v), |h| h.to_go_string());
                    (labels(&s.labels), Cell::Text(value))
                })
                .collect(),
            v.len(),
        ),
        Value::Matrix(m) => {
            let range = run.mode == Mode::Range;
            let rows = m
                .iter()
                .take(MAX_ROWS)
                .map(|s| {
                    let summary = if range { last_value(s) } else { first_samples(s) };
                    (labels(&s.labels), Cell::Samples { summary, series: Arc::new(s.clone()) })
                })
                .collect();
            (if range { "Last value" } else { "Samples" }, rows, m.len())
        }
    };
    let empty = rows.is_empty();
    let body = rows.into_iter().enumerate().map(|(i, (l, cell))| row(i, l, cell)).collect_view();
    let more = (total > MAX_ROWS).then(|| {
        view! { <p class="muted">{format!("Showing the first {MAX_ROWS} of {total} series.")}</p> }
    });
    Some(view! {
        <div class="table-scroll">
            <table class="data-table result-table" data-testid="result-table">
                <thead>
                    <tr><th>"Series"</th><th class="value-head">{head}</th></tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {empty.then(|| view! { <p class="muted empty-result" data-testid="empty-result">"Empty result: no series matched."</p> })}
        {more}
    })
}

/// One series' row; a series with samples gets a button that lists them all in a row below.
fn row(index: usize, series_labels: String, cell: Cell) -> impl IntoView {
    match cell {
        Cell::Text(v) => view! {
            <tr>
                <td class="series-cell">{series_labels}</td>
                <td class="value-cell">{v}</td>
            </tr>
        }
        .into_any(),
        Cell::Samples { summary, series } => {
            let open = RwSignal::new(false);
            let list_id = format!("series-values-{index}");
            let count = series.points.len();
            let toggle = (count > 1).then(|| {
                let text = move || {
                    let n = thousands(count as u64);
                    if open.get() { format!("Hide the {n} values") } else { format!("All {n} values") }
                };
                view! {
                    <button type="button" class="values-toggle" data-testid="series-values-toggle"
                        aria-expanded=move || open.get().to_string() aria-controls=list_id.clone()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        <span class="values-toggle-mark" aria-hidden="true">{move || if open.get() { "\u{25be}" } else { "\u{25b8}" }}</span>
                        {text}
                    </button>
                }
            });
            let id = format!("series-values-{index}");
            let list_label = format!("Values of {series_labels}");
            view! {
                <tr>
                    <td class="series-cell">{series_labels}</td>
                    <td class="value-cell">{summary}{toggle}</td>
                </tr>
                {move || open.get().then(|| view! {
                    <tr class="values-row">
                        <td colspan="2">
                            // Focusable, so the list scrolls from the keyboard too.
                            <ol class="values-list" id=id.clone() data-testid="series-values"
                                tabindex="0" aria-label=list_label.clone()>
                                {series.points.iter().map(sample_item).collect_view()}
                            </ol>
                        </td>
                    </tr>
                })}
            }
            .into_any()
        }
    }
}

/// One sample in a series' value list: its time, then its value.
fn sample_item(p: &Point) -> impl IntoView {
    view! {
        <li><span class="values-time">{format_instant(p.t)}</span><span class="values-value">{sample_value(p.v)}</span></li>
    }
}

/// The last sample of a range query's series, with its time.
fn last_value(s: &Series) -> String {
    match s.points.last() {
        Some(p) => format!("{} @ {}", sample_value(p.v), format_instant(p.t)),
        None => "no samples".into(),
    }
}

/// A range vector's samples, one per line (`value @ time`), the first [`MAX_POINTS`] of them.
fn first_samples(s: &Series) -> String {
    let mut out: Vec<String> = s
        .points
        .iter()
        .take(MAX_POINTS)
        .map(|p| format!("{} @ {}", sample_value(p.v), format_instant(p.t)))
        .collect();
    if s.points.len() > MAX_POINTS {
        out.push(format!("\u{2026} {} more", s.points.len() - MAX_POINTS));
    }
    out.join("\n")
}
