//! What the loaded dataset holds: its description, time span, metric families with their
//! series counts, and the documented events the exercises point at.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::content::time::{format_duration, format_instant};
use crate::content::DatasetMeta;
use crate::engine::{Storage, METRIC_NAME};

use super::browser::base;
use super::data::{use_data, Data, DataState};
use super::format;
use super::paths::playground_link;

/// The dataset section of the start page.
#[component]
pub fn DatasetOverview() -> impl IntoView {
    let data = use_data();
    move || match data.get() {
        DataState::Loading => view! { <p class="muted loading">"Loading the dataset\u{2026}"</p> }.into_any(),
        DataState::Failed(e) => {
            view! { <p class="error-box">"The dataset could not be loaded: " {e}</p> }.into_any()
        }
        DataState::Ready(d) => overview(&d).into_any(),
    }
}

fn overview(d: &Data) -> impl IntoView {
    let m = &d.meta;
    let counts = series_per_family(m, &d.storage);
    let base = base();
    let metrics = m
        .metrics
        .iter()
        .map(|metric| {
            let n = counts.get(metric.name.as_str()).copied().unwrap_or(0);
            let link = playground_link(&base, &metric.name, false, Some(&m.id));
            view! {
                <tr>
                    <td><a class="metric-link" href=link>{metric.name.clone()}</a></td>
                    <td><span class="badge">{metric.kind.as_str()}</span></td>
                    <td class="num">{n}</td>
                    <td class="help">{metric.help.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let events = m
        .events
        .iter()
        .map(|e| {
            let when = match e.end {
                Some(end) => format!("{} \u{2192} {}", short_time(e.start), short_time(end)),
                None => short_time(e.start),
            };
            view! {
                <li>
                    <span class="event-time">{when}</span>
                    <strong>{e.title.clone()}</strong>
                    <span class="muted">{e.description.clone()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>"The dataset: " {m.title.clone()}</h2>
        <p>{m.description.clone()}</p>
        <dl class="facts">
            <div><dt>"From"</dt><dd>{short_time(m.start)}</dd></div>
            <div><dt>"To"</dt><dd>{short_time(m.end)}</dd></div>
            <div><dt>"Scrape interval"</dt><dd>{format_duration(m.interval)}</dd></div>
            <div><dt>"Series"</dt><dd data-testid="series-count" data-value=d.storage.len()>{format::thousands(d.storage.len() as u64)}</dd></div>
            <div><dt>"Samples"</dt><dd>{format::thousands(d.storage.sample_count() as u64)}</dd></div>
            <div><dt>"Loaded in"</dt><dd>{format::elapsed(d.load_ms)}</dd></div>
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

/// Series per metric family (a histogram's `_bucket`, `_sum` and `_count` count for it).
fn series_per_family<'a>(meta: &'a DatasetMeta, storage: &Storage) -> BTreeMap<&'a str, usize> {
    let mut out = BTreeMap::new();
    for name in storage.metric_names() {
        if let Some(family) = meta.metric(name) {
            *out.entry(family.name.as_str()).or_default() += storage.postings(METRIC_NAME, name).len();
        }
    }
    out
}
