//! The Limits panel of the playground: Prometheus's per-query limits (`--query.max-samples`,
//! `--query.timeout`, the API's 11,000 points per series), shown with their values and
//! adjustable; kept in local storage so they last across visits.

use leptos::prelude::*;

use crate::engine::range::thousands;
use crate::link::query::{QueryLimits, MAX_POINTS_FIELD, MAX_SAMPLES_FIELD, TIMEOUT_FIELD};

use super::browser;

const STORAGE_KEY: &str = "promplay.limits.v1";

/// The learner's limits (Prometheus's defaults until changed), saved on every change.
pub fn stored_limits() -> RwSignal<QueryLimits> {
    let limits = RwSignal::new(browser::stored(STORAGE_KEY).map_or_else(QueryLimits::default, |s| QueryLimits::from_stored(&s)));
    Effect::new(move |previous: Option<()>| {
        let text = limits.with(QueryLimits::to_stored);
        if previous.is_some() {
            browser::store(STORAGE_KEY, &text);
        }
    });
    limits
}

/// The collapsible panel with one field per limit.
#[component]
pub fn LimitsPanel(
    /// The limits queries run under.
    limits: RwSignal<QueryLimits>,
) -> impl IntoView {
    let summary = move || {
        let l = limits.get();
        format!(
            "Limits: {} samples \u{b7} {} s \u{b7} {} points",
            thousands(l.max_samples as u64),
            l.timeout_ms as f64 / 1000.0,
            thousands(l.max_points as u64)
        )
    };
    let changed = move || limits.get() != QueryLimits::default();
    view! {
        <details class="limits" data-testid="limits">
            <summary data-testid="limits-summary">{summary}</summary>
            <div class="limits-fields">
                {field(MAX_SAMPLES_FIELD, "limit-max-samples", "--query.max-samples: samples a query may hold in memory",
                    Signal::derive(move || limits.get().max_samples as u64), Callback::new(move |n: u64| limits.update(|l| l.max_samples = n as usize)))}
                {field(TIMEOUT_FIELD, "limit-timeout", "--query.timeout, in seconds: the time budget of one query",
                    Signal::derive(move || limits.get().timeout_ms / 1000), Callback::new(move |n: u64| limits.update(|l| l.timeout_ms = n.saturating_mul(1000))))}
                {field(MAX_POINTS_FIELD, "limit-max-points", "points per series a range query may return (Prometheus's API: 11,000)",
                    Signal::derive(move || limits.get().max_points as u64), Callback::new(move |n: u64| limits.update(|l| l.max_points = n as usize)))}
                <button type="button" class="button small" data-testid="limits-reset" disabled=move || !changed()
                    on:click=move |_| limits.set(QueryLimits::default())>"Prometheus defaults"</button>
            </div>
        </details>
    }
}

/// One numeric field: positive whole numbers only (anything else is ignored until fixed).
fn field(label: &'static str, testid: &'static str, title: &'static str, value: Signal<u64>, set: Callback<u64>) -> impl IntoView {
    view! {
        <label class="field limit-field" title=title>
            <span>{label}</span>
            <input type="number" min="1" step="1" inputmode="numeric" data-testid=testid
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                        if n > 0 {
                            set.run(n);
                        }
                    }
                } />
        </label>
    }
}
