//! What the dataset in use holds: its description, time span, metric families with their
//! series counts, and the documented events the exercises point at. Until a page has opened
//! a dataset, the default dataset's committed facts are shown (the start page never waits
//! for, or downloads, the engine module).

use std::sync::OnceLock;

use leptos::prelude::*;

use crate::content::time::{format_duration, format_instant};
use crate::link::data::DatasetFacts;

use super::browser::base;
use super::data::{peek_data, DataState};
use super::event_links::event_link;
use super::format;
use super::paths::playground_link;
use super::time_window::Span;

/// The default dataset's facts, generated from the dataset by tests/generated_files.rs.
const DEFAULT_FACTS_JSON: &str = include_str!("default_dataset.json");

/// The dataset section of the start page.
#[component]
pub fn DatasetOverview() -> impl IntoView {
    let data = peek_data();
    move || match data.get() {
        DataState::Ready(d) => overview(&d.info.facts, Some(d.load_ms)).into_any(),
        DataState::Failed(e) => {
            view! { <p class="error-box">"The dataset could not be loaded: " {e}</p> }.into_any()
        }
        DataState::Loading => match default_facts() {
            Ok(facts) => overview(facts, None).into_any(),
            Err(e) => view! { <p class="error-box">{e.clone()}</p> }.into_any(),
        },
    }
}

/// The committed facts of the default dataset, read once.
fn default_facts() -> &'static Result<DatasetFacts, String> {
    static FACTS: OnceLock<Result<DatasetFacts, String>> = OnceLock::new();
    FACTS.get_or_init(|| {
        serde_json::from_str(DEFAULT_FACTS_JSON)
            .map_err(|e| format!("The dataset overview is unreadable: {e}"))
    })
}

/// The overview of a dataset; `load_ms` is how long opening it took, once it is open.
fn overview(facts: &DatasetFacts, load_ms: Option<f64>) -> impl IntoView {
    let m = &facts.meta;
    let counts = &facts.family_series;
    let base = base();
    let metrics = m
        .metrics
        .iter()
        .map(|metric| {
            let n = counts.get(&metric.name).copied().unwrap_or(0);
            let link = playground_link(&base, &metric.name, false, Some(&m.id));
            view! {
                <tr>
                    <td><a class="metric-link" href=link>{metric.name.clone()}</a></td>
                    <td><span class="badge">{metric.kind.as_str()}</span></td>
                    <td class="num">{n}</td>
                    <td class="help" title=metric.help.clone()>{metric.help.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let data = Span { start: m.start, end: m.end };
    let events = m
        .events
        .iter()
        .map(|e| {
            let when = match e.end {
                Some(end) => format!("{} \u{2192} {}", short_time(e.start), short_time(end)),
                None => short_time(e.start),
            };
            let link = event_link(&base, &m.id, e, data, &m.metrics);
            view! {
                <li>
                    <span class="event-time">{when}</span>
                    <strong>{e.title.clone()}</strong>
                    <span class="muted">{with_code(&e.description)}</span>
                    <a class="event-link" href=link data-testid="event-link">
                        "Show in the playground"
                        <span class="visually-hidden">{format!(": {}", e.title)}</span>
                        " \u{2192}"
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>"The dataset: " {m.title.clone()}</h2>
        <p>{with_code(&m.description)}</p>
        <dl class="facts">
            <div><dt>"From"</dt><dd>{short_time(m.start)}</dd></div>
            <div><dt>"To"</dt><dd>{short_time(m.end)}</dd></div>
            <div><dt>"Scrape interval"</dt><dd>{format_duration(m.interval)}</dd></div>
            <div><dt>"Series"</dt><dd data-testid="series-count" data-value=facts.series>{format::thousands(facts.series)}</dd></div>
            <div><dt>"Samples"</dt><dd>{format::thousands(facts.samples)}</dd></div>
            {load_ms.map(|ms| view! { <div><dt>"Loaded in"</dt><dd>{format::elapsed(ms)}</dd></div> })}
        </dl>
        <h3>"Metrics"</h3>
        <div class="table-scroll">
            <table class="data-table metrics-table">
                <thead>
                    <tr><th>"Metric"</th><th>"Type"</th><th class="num">"Series"</th><th>"Help"</th></tr>
                </thead>
                <tbody>{metrics}</tbody>
            </table>
        </div>
        <h3>"What happens in the data"</h3>
        <ul class="events">{events}</ul>
    }
}

/// `YYYY-MM-DD HH:MM` in UTC.
fn short_time(t: i64) -> String {
    let s = format_instant(t);
    format!("{} {} UTC", s.get(..10).unwrap_or_default(), s.get(11..16).unwrap_or_default())
}

/// A plain-text description with its `code spans` shown as code.
fn with_code(text: &str) -> impl IntoView {
    format::code_spans(text)
        .into_iter()
        .map(|(code, part)| match code {
            true => view! { <code>{part.to_string()}</code> }.into_any(),
            false => part.to_string().into_any(),
        })
        .collect_view()
}
