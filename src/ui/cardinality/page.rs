//! The explorer page: the dataset (or a connected Prometheus-compatible API), a selector box,
//! a `by (...)` box, then the head stats and the four TSDB-status tables, and the seed's three
//! questions as queries.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::cardinality::{queries, Grouping, TsdbStatus, GROUP_ROWS};
use crate::link::cardinality::{GroupSeries, TsdbStatusOf};
use crate::ui::format::thousands;

use super::super::browser::base;
use super::super::data::{use_data, DataState};
use super::super::dataset_picker::{follow_link_dataset, DatasetPicker};
use super::super::engine_link;
use super::super::paths::{encode_component, playground_link};
use super::super::remote::{provide_remote, SourcePicker};
use super::remote_figures::remote_figures;
use super::tables::{GroupingTable, StatTable, Table};

/// The seed's success criterion: fewer than 100k series.
const SEED_LINE: u64 = 100_000;

/// The page.
#[component]
pub fn CardinalityPage() -> impl IntoView {
    let data = use_data();
    let url = use_query_map().get_untracked();
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let settled = follow_link_dataset(url.get("dataset"), notice);
    let selector = RwSignal::new(url.get("match").unwrap_or_default());
    let by = RwSignal::new(url.get("by").unwrap_or_else(|| "job".to_string()));
    let limit = RwSignal::new(10usize);
    let remote = provide_remote();
    let link_source = url.get("source");
    let remote_on = move || remote.active.with(Option::is_some);
    let figures = remote_figures(remote, selector, by, limit);
    let status = engine_link::follow(move || {
        if !settled.get() || remote_on() {
            return None;
        }
        let DataState::Ready(d) = data.get() else { return None };
        Some(TsdbStatusOf { dataset: d.meta.id.clone(), selector: selector.get(), limit: limit.get(), with_recorded: true })
    });
    let status = Signal::derive(move || -> Option<Result<TsdbStatus, String>> {
        match figures.get() {
            Some(f) => f.status,
            None => status.get().map(|r| r.and_then(|r| r)),
        }
    });
    let grouping = engine_link::follow(move || {
        let DataState::Ready(d) = data.get() else { return None };
        if by.with(|b| b.trim().is_empty()) || !settled.get() || remote_on() {
            return None;
        }
        Some(GroupSeries { dataset: d.meta.id.clone(), selector: selector.get(), by: by.get(), limit: GROUP_ROWS, with_recorded: true })
    });
    let grouping = Signal::derive(move || -> Option<Result<Grouping, String>> {
        match figures.get() {
            Some(f) => f.grouping,
            None => grouping.get().map(|r| r.and_then(|r| r)),
        }
    });
    let dataset_id = move || match data.get() {
        DataState::Ready(d) => Some(d.meta.id.clone()),
        _ => None,
    };
    // A figure's query opens in the playground on the same data: the dataset, or the
    // connected source (the playground connects with this tab's saved credentials).
    let link = move |query: String| match remote.active.get() {
        Some(c) => format!("{}&source={}", playground_link(&base(), &query, false, None), encode_component(c.source.base())),
        None => playground_link(&base(), &query, false, dataset_id().as_deref()),
    };
    let head = move || {
        status.get().map(|s| match s {
            Err(e) => view! { <p class="error-box" role="alert" data-testid="cardinality-error">{e}</p> }.into_any(),
            Ok(s) => {
                let h = &s.head_stats;
                let line = if h.num_series < SEED_LINE { ("good", "under") } else { ("bad", "over") };
                let sel = selector.get_untracked();
                let from_series = figures.with(|f| f.as_ref().is_some_and(|f| f.from_series));
                let chunks = if from_series { "\u{2014}".to_string() } else { thousands(h.chunk_count) };
                let origin = figures.with(|f| f.is_some()).then(|| remote_origin(from_series, h.num_series));
                view! {
                    <dl class="head-stats">
                        <div><dt>"Series"</dt><dd data-testid="num-series">{thousands(h.num_series)}</dd></div>
                        <div><dt>"Label pairs"</dt><dd data-testid="num-label-pairs">{thousands(h.num_label_pairs)}</dd></div>
                        <div><dt>"Chunks"</dt><dd>{chunks}</dd></div>
                    </dl>
                    {origin.map(|o| view! { <p class="muted small" data-testid="remote-origin">{o}</p> })}
                    <p class=format!("check-status {}", line.0) data-testid="seed-line">
                        {format!("{} series: {} the seed's success line (< 100k time series).", thousands(h.num_series), line.1)}
                    </p>
                    <p class="muted small">
                        "Prometheus counts every series its head block holds; a query counts those with a sample in the last 5 minutes, so with churning pods "
                        <a href=link(queries::total(&sel)) data-testid="total-query">{queries::total(&sel)}</a>
                        " answers less."
                    </p>
                }
                .into_any()
            }
        })
    };
    let tables = move || {
        let Some(Ok(s)) = status.get() else { return ().into_any() };
        let sel = selector.get_untracked();
        let (s1, s2, s3) = (sel.clone(), sel.clone(), sel.clone());
        view! {
            <div class="cardinality-tables">
                <StatTable table=Table::Metrics link=link rows=s.series_count_by_metric_name
                    query=|n: &str| queries::metric(n) />
                <StatTable table=Table::LabelValues link=link rows=s.label_value_count_by_label_name
                    query=move |n: &str| queries::distinct_values(&s1, n) />
                <StatTable table=Table::Memory link=link rows=s.memory_in_bytes_by_label_name
                    query=move |n: &str| queries::per_value(&s2, n) />
                <StatTable table=Table::Pairs link=link rows=s.series_count_by_label_value_pair
                    query=move |n: &str| match n.split_once('=') { Some((l, v)) if s3.is_empty() => queries::pair(l, v), _ => queries::total(&s3) } />
            </div>
        }
        .into_any()
    };
    let group_view = move || {
        grouping.get().map(|g| match g {
            Err(e) => view! { <p class="error-box" data-testid="grouping-error">{e}</p> }.into_any(),
            Ok(g) => {
                let query = queries::grouping(&selector.get_untracked(), &g.by);
                view! { <GroupingTable grouping=g href=link(query.clone()) query=query /> }.into_any()
            }
        })
    };
    let seed = move || {
        let sel = selector.get();
        [
            ("Total time series", queries::total(&sel)),
            ("Top 10 metrics by cardinality", queries::per_metric(&sel, 10)),
            ("Cardinality by job", queries::per_job(&sel)),
        ]
        .into_iter()
        .map(|(what, q)| view! { <li><span>{what}</span>" "<a class="mono" href=link(q.clone())>{q.clone()}</a></li> })
        .collect_view()
    };
    view! {
        <div class="rules-lab cardinality-page" data-testid="cardinality-page">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Cardinality explorer"</h1>
                    <span class="badge seed-ref">"Task 5.2"</span>
                    <DatasetPicker />
                </div>
                <SourcePicker state=remote link_source=link_source />
                {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                <p class="lab-intro">
                    "What Prometheus's TSDB status page (" <code>"/api/v1/status/tsdb"</code>
                    ") reports for the dataset: which metrics have the most series, which labels the most values. "
                    "Narrow it with a selector, see what a grouping would keep, and open any figure's query in the playground."
                </p>
                <div class="relabel-inputs">
                    <label class="field grow">
                        <span class="muted small">"Selector (empty: every series)"</span>
                        <input type="text" class="text-input mono" data-testid="cardinality-selector" placeholder="{job=\"model-serving\"} or model_*"
                            prop:value=move || selector.get() on:change=move |ev| selector.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span class="muted small">"count by (\u{2026})"</span>
                        <input type="text" class="text-input mono" data-testid="cardinality-by" placeholder="model, version"
                            prop:value=move || by.get() on:change=move |ev| by.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span class="muted small">"Rows"</span>
                        <select class="text-input" data-testid="cardinality-limit" on:change=move |ev| limit.set(event_target_value(&ev).parse().unwrap_or(10))>
                            <option value="10" selected=true>"10"</option>
                            <option value="20">"20"</option>
                            <option value="50">"50"</option>
                        </select>
                    </label>
                </div>
                {head}
                {group_view}
            </section>
            {tables}
            <section class="card lab-section">
                <h2 class="card-title">"The seed's check_cardinality.sh, as queries"</h2>
                <ul class="seed-queries">{seed}</ul>
            </section>
        </div>
    }
}

/// Where a remote source's figures come from.
fn remote_origin(from_series: bool, series: u64) -> String {
    if from_series {
        format!("The {} series the server's /api/v1/series lists for this selector, counted here (the series API gives no chunks).", thousands(series))
    } else {
        "As the server reports them (/api/v1/status/tsdb): its head block, the last two to three hours of ingested data.".into()
    }
}
