//! The free playground: a dataset picker, a query editor, time controls and the result
//! (table, chart, errors, warnings). The dataset, query, mode and time live in the URL so a
//! view can be shared or reloaded.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::assist::units::Unit;
use crate::content::explain_empty::WhyEmpty;
use crate::content::time::format_instant;
use crate::engine::{QueryError, QueryOutput};
use crate::link::query::{QueryLimits, QueryReply, QueryTime, RunQuery};
use crate::link::remote::ReadQueryAnswer;
use crate::remote::api::QueryCall;
use crate::remote::Source;

use super::data::{use_data, DataState};
use super::dataset_picker::{follow_link_dataset, DatasetPicker};
use super::editor::QueryEditor;
use super::limits::{stored_limits, LimitsPanel};
use super::paths::{encode_component, PLAYGROUND};
use super::query_assist::{show_parts, AssistBar, AssistState, ExplainParts};
use super::remote::{provide_remote, RemoteTools, SourcePicker};
use super::request::{Mode, Params, TimeInputs};
use super::results::Results;
use super::time_controls::TimeControls;
use super::time_window::{fitted, opened, Span};
use super::{browser, engine_link};

/// The query shown to a first-time visitor: requests per second per model over a day.
const FIRST_QUERY: &str = "sum by (model) (rate(model_predictions_total[5m]))";
/// The range shown unless the URL says otherwise: one day shows the daily traffic cycle.
const FIRST_RANGE: &str = "1d";

/// The outcome of pressing Execute.
#[derive(Clone)]
pub enum Outcome {
    /// The time controls hold something invalid.
    BadControls(String),
    /// The query ran (successfully or not).
    Ran(Arc<Run>),
}

/// One query run.
pub struct Run {
    pub query: String,
    pub mode: Mode,
    pub params: Params,
    pub result: Result<QueryOutput, QueryError>,
    /// Notes from the dataset's metadata (shown apart from the engine's annotations).
    pub type_notes: Vec<String>,
    /// Why the result is empty, when it is.
    pub why_empty: Option<WhyEmpty>,
    pub elapsed_ms: f64,
    /// The unit of the values (for a chart's axis), from the metric names the query reads.
    pub unit: Unit,
    /// The limits it ran under (an error caused by one names it).
    pub limits: QueryLimits,
    /// The remote source that answered it (its base address); None for the local engine.
    pub answered_by: Option<String>,
}

/// The playground page.
#[component]
pub fn Playground() -> impl IntoView {
    let data = use_data();
    let url = use_query_map().get_untracked();
    let from_url = url.get("q");
    let query = RwSignal::new(from_url.clone().unwrap_or_else(|| FIRST_QUERY.to_string()));
    let mode = RwSignal::new(match (url.get("mode"), &from_url) {
        (Some(m), _) => Mode::parse(&m),
        (None, Some(_)) => Mode::Instant,
        (None, None) => Mode::Range,
    });
    let range_given = url.get("range").is_some();
    let inputs = RwSignal::new(TimeInputs {
        time: url.get("time").unwrap_or_default(),
        range: url.get("range").unwrap_or_else(|| FIRST_RANGE.to_string()),
        step: url.get("step").unwrap_or_default(),
    });
    let outcome: RwSignal<Option<Outcome>> = RwSignal::new(None);
    let running = RwSignal::new(false);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let dataset_settled = follow_link_dataset(url.get("dataset"), notice);
    let limits = stored_limits();
    // Provided before the editor, whose completion reads a connected source's names.
    let remote = provide_remote();
    let link_source = url.get("source");
    let link_time = url.get("time").is_some();
    let assist = AssistState::new(query);

    // Each run (or shown part) supersedes the one before: a late reply never replaces a newer.
    let runs = engine_link::Latest::new();
    let execute = Callback::new(move |()| {
        let DataState::Ready(d) = data.get_untracked() else {
            return;
        };
        let Some(generation) = runs.next() else { return };
        running.set(true);
        // The engine works in its own thread: the request goes out at once, and "Running…"
        // paints while it is answered.
        spawn_local(async move {
            let (q, m, inp) = (query.get_untracked(), mode.get_untracked(), inputs.get_untracked());
            // The address bar names what runs, from the moment it runs: a reload (or a copied
            // link) right after the result appears shows the same query.
            let source = remote.active.get_untracked().map(|c| c.source.base().to_string());
            remember_in_url(&d.meta.id, source.as_deref(), &q, m, &inp);
            let shown = match inp.params_within(m, limits.get_untracked().max_points) {
                Err(e) => Outcome::BadControls(e),
                Ok(params) => match remote.active.get_untracked() {
                    Some(conn) => {
                        assist.refresh_remote(conn.source.clone(), params.time());
                        Outcome::Ran(Arc::new(run_remote(&conn.source, q.clone(), m, params).await))
                    }
                    None => {
                        assist.refresh(&d.meta.id, params.time());
                        Outcome::Ran(Arc::new(run(&d.meta.id, q.clone(), m, params, limits.get_untracked()).await))
                    }
                },
            };
            if !runs.is_current(generation) {
                return;
            }
            outcome.set(Some(shown));
            running.set(false);
        });
    });

    // Once the dataset is there (the one a link names, if any): default the time to its last
    // sample (and the default range to its span), and run the query the visitor arrived with
    // (or the first query) so the page never starts empty. Switching datasets fits the time
    // window to the new data and runs the query again.
    let shown: StoredValue<Option<String>> = StoredValue::new(None);
    Effect::new(move |_| {
        if !dataset_settled.get() {
            return;
        }
        let DataState::Ready(d) = data.get() else {
            return;
        };
        if shown.with_value(|s| s.as_deref() == Some(d.meta.id.as_str())) {
            return;
        }
        let switched = shown.with_value(Option::is_some);
        shown.set_value(Some(d.meta.id.clone()));
        let span = Span { start: d.meta.start, end: d.meta.end };
        let current = inputs.get_untracked();
        let next = if switched { fitted(&current, span) } else { opened(&current, span, range_given) };
        if let Some(next) = next {
            inputs.set(next);
        }
        execute.run(());
    });

    // Connecting to a source (or back to the datasets) runs the query on the new data; a
    // fresh connection looks at the present unless the link gave a time.
    let connected: StoredValue<Option<String>> = StoredValue::new(None);
    Effect::new(move |_| {
        let now = remote.active.with(|a| a.as_ref().map(|c| c.source.base().to_string()));
        if connected.get_value() == now {
            return;
        }
        connected.set_value(now.clone());
        if now.is_some() && !link_time {
            inputs.update(|i| i.time = format_instant(js_sys::Date::now() as i64));
        }
        if shown.with_value(Option::is_some) {
            execute.run(());
        }
    });
    let last_run = Signal::derive(move || match (outcome.get(), remote.active.with(Option::is_some)) {
        (Some(Outcome::Ran(r)), true) => Some((r.query.clone(), query_time(&r.params))),
        _ => None,
    });

    let error_span = Signal::derive(move || match outcome.get() {
        Some(Outcome::Ran(r)) => match &r.result {
            Err(QueryError::Parse(p)) if query.with(|q| *q == r.query) => Some(p.span),
            _ => None,
        },
        _ => None,
    });
    let dataset = Signal::derive(move || match data.get() {
        DataState::Ready(d) => Some(d),
        _ => None,
    });
    // An empty result whose time misses the data offers to move the time there.
    let jump = Callback::new(move |to| {
        inputs.update(|i| i.time = format_instant(to));
        execute.run(());
    });

    // A node of the explain tree clicked: the results show that part of the query (the
    // editor keeps the whole query).
    let show_part = show_parts(assist, runs, outcome, running, move |q| {
        let DataState::Ready(d) = data.get_untracked() else { return None };
        let (m, limits) = (mode.get_untracked(), limits.get_untracked());
        let params = inputs.get_untracked().params_within(m, limits.max_points).ok()?;
        // On a remote source, each part is asked of the server too.
        let conn = remote.active.get_untracked();
        Some(async move {
            Outcome::Ran(Arc::new(match conn {
                Some(c) => run_remote(&c.source, q, m, params).await,
                None => run(&d.meta.id, q, m, params, limits).await,
            }))
        })
    });

    view! {
        <div class="playground">
            <section class="card query-card">
                <div class="card-title-row">
                    <h1 class="card-title">"Playground"</h1>
                    <DatasetPicker />
                </div>
                <SourcePicker state=remote link_source=link_source />
                {move || notice.get().map(|n| view! {
                    <p class="notice" role="status" data-testid="dataset-notice">{n}</p>
                })}
                // Without the engine module or the dataset nothing can run: say why (the
                // editor keeps working, and the query stays in the address bar).
                {move || match data.get() {
                    DataState::Failed(e) => Some(view! { <p class="error-box" role="alert" data-testid="data-error">{e}</p> }),
                    _ => None,
                }}
                <QueryEditor value=query error_span=error_span on_execute=execute marks=assist.marks() />
                <AssistBar state=assist on_execute=execute />
                <TimeControls mode=mode inputs=inputs on_execute=execute running=running.into() dataset=dataset />
                <LimitsPanel limits=limits />
            </section>
            <ExplainParts state=assist on_select=show_part />
            <Results outcome=outcome.into() running=running.into() on_jump=jump />
            <RemoteTools state=remote last=last_run />
        </div>
    }
}

/// Evaluates the query in the engine module and times it. Series recorded in the rules lab
/// on this dataset are queryable too.
async fn run(dataset: &str, query: String, mode: Mode, params: Params, limits: QueryLimits) -> Run {
    let time = query_time(&params);
    let started = browser::now_ms();
    let message = RunQuery { dataset: dataset.to_string(), query: query.clone(), time, with_recorded: true, limits };
    let reply = engine_link::ask(message).await.unwrap_or_else(|e| QueryReply::bare(Err(QueryError::Eval(e))));
    let elapsed_ms = browser::now_ms() - started;
    Run { limits, ..Run::new(query, mode, params, reply, elapsed_ms) }
}

/// The engine's form of the controls' parameters.
fn query_time(params: &Params) -> QueryTime {
    match *params {
        Params::Instant { time } => QueryTime::Instant { time },
        Params::Range { start, end, step } => QueryTime::Range { start, end, step },
    }
}

/// Runs the query on the connected remote source: the browser fetches, the engine module
/// reads the answer into the result the table and chart draw.
async fn run_remote(source: &Source, query: String, mode: Mode, params: Params) -> Run {
    let call = match params {
        Params::Instant { time } => QueryCall::Instant { query: query.clone(), time },
        Params::Range { start, end, step } => QueryCall::Range { query: query.clone(), start, end, step },
    };
    let started = browser::now_ms();
    // `stats=all`: the server reports the samples it read (Prometheus 2.x and 3.x; servers
    // that ignore it leave the figure out).
    let url = format!("{}&stats=all", call.url(source));
    let read = match super::remote::fetch::get(source, &url).await {
        Err(e) => Err(e.to_string()),
        Ok(answer) => engine_link::ask(ReadQueryAnswer { query: query.clone(), answer }).await.and_then(|r| r),
    };
    let reply = read.unwrap_or_else(|e| QueryReply::bare(Err(QueryError::Eval(e))));
    let elapsed_ms = browser::now_ms() - started;
    Run { answered_by: Some(source.base().to_string()), ..Run::new(query, mode, params, reply, elapsed_ms) }
}

impl Run {
    /// A run from the engine module's reply (under Prometheus's default limits).
    pub fn new(query: String, mode: Mode, params: Params, reply: QueryReply, elapsed_ms: f64) -> Self {
        let QueryReply { result, type_notes, why_empty, unit } = reply;
        let limits = QueryLimits::default();
        Run { query, mode, params, result, type_notes, why_empty, elapsed_ms, unit, limits, answered_by: None }
    }
}

/// Puts the dataset, query and controls in the address bar (replacing the entry, so Back
/// still leaves the playground), making the view shareable and reload-proof.
fn remember_in_url(dataset: &str, source: Option<&str>, query: &str, mode: Mode, inputs: &TimeInputs) {
    let mut url = format!(
        "{}?dataset={}&q={}&mode={}",
        browser::href(PLAYGROUND),
        encode_component(dataset),
        encode_component(query),
        mode.as_str()
    );
    // The source's address only: its credentials stay in the tab's session storage.
    if let Some(source) = source {
        url.push_str(&format!("&source={}", encode_component(source)));
    }
    for (key, value) in [("time", &inputs.time), ("range", &inputs.range), ("step", &inputs.step)] {
        if !value.trim().is_empty() {
            url.push_str(&format!("&{key}={}", encode_component(value.trim())));
        }
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
