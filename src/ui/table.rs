//! The result as a table: one row per series (or the scalar / string), values printed the
//! way Prometheus prints them. Long results are cut to keep the page responsive.

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::time::format_instant;
use crate::engine::{Series, Value};

use super::format::{labels, sample_value};
use super::playground::Run;
use super::request::Mode;

/// Most rows drawn; the rest are counted, not rendered.
const MAX_ROWS: usize = 500;
/// Most samples listed per series of a range vector in an instant query.
const MAX_POINTS: usize = 20;

/// The result table.
#[component]
pub fn ResultTable(
    /// The run whose value to show.
    run: Arc<Run>,
) -> impl IntoView {
    let Ok(out) = &run.result else {
        return None;
    };
    let (head, rows, total): (&str, Vec<(String, String)>, usize) = match &out.value {
        Value::Scalar { v, .. } => ("Value", vec![("scalar".into(), sample_value(*v))], 1),
        Value::String { s, .. } => ("Value", vec![("string".into(), s.clone())], 1),
        Value::Vector(v) => (
            "Value",
            v.iter()
                .take(MAX_ROWS)
                .map(|s| {
                    (labels(&s.labels), s.h.as_ref().map_or_else(|| sample_value(s.v), |h| h.to_go_string()))
                })
                .collect(),
            v.len(),
        ),
        Value::Matrix(m) if run.mode == Mode::Range => (
            "Last value",
            m.iter().take(MAX_ROWS).map(|s| (labels(&s.labels), last_value(s))).collect(),
            m.len(),
        ),
        Value::Matrix(m) => {
            ("Samples", m.iter().take(MAX_ROWS).map(|s| (labels(&s.labels), samples(s))).collect(), m.len())
        }
    };
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|(l, v)| {
            view! {
                <tr>
                    <td class="series-cell">{l}</td>
                    <td class="value-cell">{v}</td>
                </tr>
            }
        })
        .collect_view();
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

/// The last sample of a range query's series, with its time.
fn last_value(s: &Series) -> String {
    match s.points.last() {
        Some(p) => format!("{} @ {}", sample_value(p.v), format_instant(p.t)),
        None => "no samples".into(),
    }
}

/// A range vector's samples, one per line (`value @ time`), the first [`MAX_POINTS`] of them.
fn samples(s: &Series) -> String {
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
