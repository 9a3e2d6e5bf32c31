//! The result panel: errors inline (a parse error points at its line and column), warnings
//! and infos (and the dataset's notes), run statistics, and the value as a table or, for
//! range queries, a chart; an empty value says why it is empty.

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::grade::compare::is_empty;
use crate::engine::{Millis, QueryError, Value};

use super::chart::Chart;
use super::chart_model::Model;
use super::format;
use super::notes::{jump_target, EmptyResult, QueryNotes};
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
    /// Moves the evaluation time (or the range's end) to this instant and runs again: offered
    /// when a result is empty because its time misses the data.
    #[prop(optional)]
    on_jump: Option<Callback<Millis>>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::Chart);
    view! {
        <section class="card results" aria-live="polite" class:stale=move || running.get()>
            {move || match outcome.get() {
                None => view! { <p class="muted">"Results appear here once the dataset is loaded."</p> }.into_any(),
                Some(Outcome::BadControls(e)) => view! {
                    <div class="error-box" data-testid="query-error" role="alert">{e}</div>
                }.into_any(),
                Some(Outcome::Ran(run)) => ran(run, tab, on_jump).into_any(),
            }}
        </section>
    }
}

fn ran(run: Arc<Run>, tab: RwSignal<Tab>, on_jump: Option<Callback<Millis>>) -> impl IntoView {
    match &run.result {
        Err(e) => error_view(&run.query, e, run.limits.explain(e)).into_any(),
        Ok(out) => {
            let stats = stats_line(&run, &out.value, out.stats.samples_touched);
            let notes = view! {
                <QueryNotes warnings=out.annotations.warnings.clone() infos=out.annotations.infos.clone()
                    type_notes=run.type_notes.clone() />
            };
            let body = match (&run.params, &out.value) {
                (_, v) if is_empty(v) => empty_view(&run, on_jump).into_any(),
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
                {notes}
                {body}
            }
            .into_any()
        }
    }
}

/// An empty value: why, and a jump into the data when the time misses it.
fn empty_view(run: &Run, on_jump: Option<Callback<Millis>>) -> impl IntoView {
    let target = run.why_empty.as_ref().and_then(|w| w.data_span).and_then(|span| jump_target(&run.params, span));
    let jump = on_jump.zip(target).map(|(go, (label, to))| (label, Callback::new(move |()| go.run(to))));
    view! { <EmptyResult why=run.why_empty.clone() jump=jump /> }
}

/// `vector · 6 series · 3,600 samples read · 1.2 ms`; a remote source's answer names the
/// source, and its sample count only when the server reported one.
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
    let work = match (&run.answered_by, samples) {
        (None, n) => format!("{n} samples read"),
        (Some(source), 0) => format!("answered by {source}"),
        (Some(source), n) => format!("{n} samples read by {source}"),
    };
    format!("{mode} \u{b7} {}{size} \u{b7} {work} \u{b7} {}", value.type_name(), format::elapsed(run.elapsed_ms))
}

/// An error, with the offending line and a caret under the column for parse errors, and
/// for an error caused by a limit, which limit and where to change it.
fn error_view(query: &str, e: &QueryError, limit: Option<String>) -> impl IntoView {
    let kind = match e {
        QueryError::Parse(_) => "Parse error",
        QueryError::BadParams(_) => "Bad request",
        QueryError::Eval(m) if m.starts_with("Stopped: ") => "Stopped",
        QueryError::Eval(_) | QueryError::TooManySamples(_) => "Execution error",
        QueryError::Timeout(_) => "Timed out",
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
            {limit.map(|l| view! { <p class="limit-hint" data-testid="limit-hint">{l}</p> })}
        </div>
    }
}
