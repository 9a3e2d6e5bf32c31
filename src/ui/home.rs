//! The start page: what the site is, first queries to try (from the course's first tasks),
//! and what the loaded dataset holds.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::content::builtin::DEFAULT_DATASET;

use super::browser::{base, href};
use super::catalogue::Catalogue;
use super::dataset_overview::DatasetOverview;
use super::packs::PackPanel;
use super::paths::{playground_link, PLAYGROUND};

/// A first query to try: what it shows, the query, and whether it reads best as a graph.
struct Starter {
    title: &'static str,
    about: &'static str,
    query: &'static str,
    range: bool,
}

/// Queries from the first tasks of the course (selectors, rates, aggregation, histograms,
/// ratios), each opening the playground ready to run.
const STARTERS: &[Starter] = &[
    Starter {
        title: "Select series",
        about: "The prediction counters of one model, one series per pod and version.",
        query: r#"model_predictions_total{model="fraud-detector"}"#,
        range: false,
    },
    Starter {
        title: "Rate per model",
        about: "Predictions per second over 5-minute windows, summed per model: the daily cycle shows.",
        query: "sum by (model) (rate(model_predictions_total[5m]))",
        range: true,
    },
    Starter {
        title: "Latency percentile",
        about: "95th-percentile inference latency per model from the histogram buckets.",
        query: "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
        range: true,
    },
    Starter {
        title: "Cache hit ratio",
        about: "Hits over lookups per model: recommender stays far below the 80 % target (about 62 %), image-classifier just below it (about 78 %).",
        query: "sum by (model) (rate(model_cache_hits_total[5m]))\n/\nsum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
        range: true,
    },
];

/// The start page.
#[component]
pub fn Home() -> impl IntoView {
    let base = base();
    let starters = STARTERS
        .iter()
        .map(|s| {
            let link = playground_link(&base, s.query, s.range, Some(DEFAULT_DATASET));
            view! {
                <li class="starter card">
                    <h3>{s.title}</h3>
                    <p>{s.about}</p>
                    <pre class="query-snippet"><code>{s.query}</code></pre>
                    <a class="button secondary" href=link>"Run it"</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="hero">
            <h1>"Learn PromQL on a live ML platform"</h1>
            <p class="lead">
                "Write Prometheus queries against two days of metrics from a fleet of model-serving "
                "pods: latency histograms, prediction, error and cache counters, memory gauges, scrape health. "
                "Nothing to install and no server: the query engine runs in your browser."
            </p>
            <div class="hero-actions">
                <A href=href(PLAYGROUND) attr:class="button primary">"Open the playground"</A>
                <a class="button secondary" href="#dataset">"What is in the data?"</a>
            </div>
        </section>
        <section class="section" id="exercises">
            <Catalogue />
        </section>
        <section class="section" id="packs">
            <PackPanel />
        </section>
        <section class="section">
            <h2>"Start with these queries"</h2>
            <ul class="starters">{starters}</ul>
        </section>
        <section class="section" id="dataset">
            <DatasetOverview />
        </section>
    }
}
