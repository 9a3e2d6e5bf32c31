//! The result panel: errors inline (a parse error points at its line and column), warnings
//! and infos, run statistics, and the value as a table or, for range queries, a chart.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::{QueryError, Value};

use super::chart::Chart;
use super::chart_model::Model;
use super::format;
use super::playground::{Outcome, Run};
use super::request::{Mode, Params};
use super::result_tabs::{tab_id, ResultTabs, Tab, PANEL_ID};
use super::table::ResultTable;

/// The result panel.
#[component]
pub fn Results(
    /// The latest run, if any.
    outcome: Signal<Option<Outcome>>,
    /// True while a query runs.
    running: Signal<bool>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::Chart);
    view! {
        <section class="card results" aria-live="polite" class:stale=move || running.get()>
            {move || match outcome.get() {
                None => view! { <p class="muted">"Results appear here once the dataset is loaded."</p> }.into_any(),
                Some(Outcome::BadControls(e)) => view! {
                    <div class="error-box" data-testid="query-error" role="alert">{e}</div>
                }.into_any(),
                Some(Outcome::Ran(run)) => ran(run, tab).into_any(),
            }}
        </section>
    }
}

fn ran(run: Arc<Run>, tab: RwSignal<Tab>) -> impl IntoView {
    match &run.result {
        Err(e) => error_view(&run.query, e).into_any(),
        Ok(out) => {
            let stats = stats_line(&run, &out.value, out.stats.samples_touched);
            let notes = out
                .annotations
                .warnings
                .iter()
                .map(|w| view! { <li class="note warning">{w.clone()}</li> })
                .chain(out.annotations.infos.iter().map(|i| view! { <li class="note info">{i.clone()}</li> }))
                .collect_view();
            let body = match (&run.params, &out.value) {
                (Params::Range { start, end, step }, Value::Matrix(series)) => {
                    let model = Arc::new(Model::new(series, *start, *end, *step).with_unit(run.unit));
                    let r = run.clone();
                    view! {
                        <ResultTabs tab=tab />
                        <div role="tabpanel" id=PANEL_ID aria-labelledby=move || tab_id(tab.get())>
                            {move || match tab.get() {
                                Tab::Chart => view! { <Chart model=model.clone() /> }.into_any(),
                                Tab::Table => view! { <ResultTable run=r.clone() /> }.into_any(),
                            }}
                        </div>
                    }
                    .into_any()
                }
                _ => view! { <ResultTable run=run.clone() /> }.into_any(),
            };
            view! {
                <div class="result-meta" data-testid="result-stats">{stats}</div>
                <ul class="notes">{notes}</ul>
                {body}
            }
            .into_any()
        }
    }
}

/// `vector · 6 series · 3,600 samples read · 1.2 ms`.
fn stats_line(run: &Run, value: &Value, samples: u64) -> String {
    let size = match value {
        Value::Scalar { .. } | Value::String { .. } => String::new(),
        Value::Vector(v) => format!(" \u{b7} {} series", v.len()),
        Value::Matrix(m) => format!(" \u{b7} {} series", m.len()),
    };
    let mode = match run.mode {
        Mode::Instant => "instant query",
        Mode::Range => "range query",
    };
    format!(
        "{mode} \u{b7} {}{size} \u{b7} {samples} samples read \u{b7} {}",
        value.type_name(),
        format::elapsed(run.elapsed_ms)
    )
}

/// An error, with the offending line and a caret under the column for parse errors.
fn error_view(query: &str, e: &QueryError) -> impl IntoView {
    let kind = match e {
        QueryError::Parse(_) => "Parse error",
        QueryError::BadParams(_) => "Bad request",
        QueryError::Eval(_) | QueryError::TooManySamples(_) => "Execution error",
        QueryError::Unsupported(_) => "Not supported",
    };
    let pointer = match e {
        QueryError::Parse(p) => query.lines().nth(p.line.saturating_sub(1)).map(|line| {
            let caret = format!("{}^", " ".repeat(p.col.saturating_sub(1).min(line.chars().count())));
            view! { <pre class="error-pointer">{line.to_string()}"\n"{caret}</pre> }
        }),
        _ => None,
    };
    view! {
        <div class="error-box" data-testid="query-error" role="alert">
            <strong>{kind}</strong>
            <p class="error-message">{e.to_string()}</p>
            {pointer}
        </div>
    }
}
