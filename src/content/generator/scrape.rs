//! What Prometheus itself writes for every scrape of a target, besides the scraped samples:
//! `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
//! `scrape_samples_post_metric_relabeling` and `scrape_series_added`, with the target's
//! labels; and the staleness markers of its series.
//!
//! The rules follow Prometheus's scrape loop: a failed scrape writes `up` 0 (and zero
//! samples) and a staleness marker on every series of the previous scrape, once; a series
//! that is missing from a successful scrape gets a staleness marker; a target that goes away
//! gets staleness markers on its series and on these five at the time of its next scrape;
//! `scrape_series_added` counts series its scrape cache had not seen (a failed scrape keeps
//! the cache, a successful one forgets the series it did not see).

use std::collections::BTreeMap;

use super::prng::Rng;
use super::Context;
use crate::content::dataset::MetricType;
use crate::engine::storage::{SeriesId, Storage};
use crate::engine::value::stale_nan;
use crate::engine::{Labels, Millis, METRIC_NAME};

/// The five series Prometheus writes per target, in this order.
pub const SCRAPE_METRICS: &[(&str, MetricType, &str)] = &[
    (
        "up",
        MetricType::Gauge,
        "1 when the target was scraped successfully, 0 when the scrape failed (written by Prometheus).",
    ),
    (
        "scrape_duration_seconds",
        MetricType::Gauge,
        "How long the scrape took, in seconds (written by Prometheus).",
    ),
    (
        "scrape_samples_scraped",
        MetricType::Gauge,
        "Samples the target exposed in the scrape (written by Prometheus).",
    ),
    (
        "scrape_samples_post_metric_relabeling",
        MetricType::Gauge,
        "Samples left after metric relabeling, the ones stored (written by Prometheus).",
    ),
    (
        "scrape_series_added",
        MetricType::Gauge,
        "Series the scrape stored that the previous scrapes had not (written by Prometheus).",
    ),
];

/// Series each target adds.
pub const SERIES_PER_TARGET: u64 = SCRAPE_METRICS.len() as u64;

/// How long a scrape that times out takes: Prometheus's default `scrape_timeout`.
pub const TIMEOUT_SECONDS: f64 = 10.0;

/// The outcome of one scrape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scrape {
    /// The target exposed `scraped` samples; `kept` survived metric relabeling and were
    /// stored, `added` of them are series the scrape cache had not seen.
    Ok { scraped: u64, kept: u64, added: u64 },
    /// The scrape failed after `seconds` (refused at once, or timed out).
    Failed { seconds: f64 },
}

/// The five report series of one target.
pub struct Target {
    ids: [SeriesId; 5],
    rng: Rng,
    /// Seconds a scrape takes before any sample is read.
    base_seconds: f64,
}

/// Seconds reading one exposed sample adds to a scrape.
const SECONDS_PER_SAMPLE: f64 = 12e-6;

impl Target {
    /// Creates the report series of a target with these labels (`job`, `instance` and the
    /// other target labels). `rng` draws the scrape durations' noise.
    pub fn new(storage: &mut Storage, labels: &Labels, rng: Rng, base_seconds: f64) -> Target {
        let ids = std::array::from_fn(|i| {
            let mut l = labels.clone();
            l.set(METRIC_NAME, SCRAPE_METRICS[i].0);
            storage.series_id(&l)
        });
        Target { ids, rng, base_seconds }
    }

    /// Writes the report of the scrape at `t`.
    pub fn record(&mut self, storage: &mut Storage, t: Millis, scrape: Scrape) -> Result<(), String> {
        // One draw per scrape whatever the outcome, so an outage does not shift later noise.
        let noise = (1.0 + 0.15 * self.rng.normal()).max(0.3);
        let values = match scrape {
            Scrape::Ok { scraped, kept, added } => {
                let seconds = (self.base_seconds + scraped as f64 * SECONDS_PER_SAMPLE) * noise;
                [1.0, seconds, scraped as f64, kept as f64, added as f64]
            }
            Scrape::Failed { seconds } => [0.0, seconds + 0.002 * noise, 0.0, 0.0, 0.0],
        };
        for (id, v) in self.ids.into_iter().zip(values) {
            storage.append(id, t, v).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The target went away: its report series go stale at `t`.
    pub fn stale(&self, storage: &mut Storage, t: Millis) -> Result<(), String> {
        mark_stale(storage, self.ids, t)
    }
}

/// Writes a staleness marker at `t` on every series in `ids`.
pub fn mark_stale(
    storage: &mut Storage,
    ids: impl IntoIterator<Item = SeriesId>,
    t: Millis,
) -> Result<(), String> {
    for id in ids {
        storage.append(id, t, stale_nan()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The kubelets' cAdvisor endpoints, one scrape target per node (`job="kubelet"`,
/// `instance=<node>`). A scrape exposes the node's containers at that moment; metric
/// relabeling keeps only the model-server containers' series that the dataset holds, and
/// drops the rest (other containers, other cAdvisor metrics), as clusters commonly do.
pub struct Kubelets {
    steps: usize,
    nodes: BTreeMap<String, Node>,
}

/// One node's scrapes, step by step.
struct Node {
    cluster: String,
    /// Series kept per step, and how many of them the previous scrape did not have.
    kept: Vec<u32>,
    added: Vec<u32>,
}

/// Base scrape time of a kubelet target (cAdvisor walks every cgroup of the node).
const KUBELET_BASE_SECONDS: f64 = 0.045;

impl Kubelets {
    /// No nodes yet, on `ctx`'s time grid.
    pub fn new(ctx: &Context) -> Kubelets {
        Kubelets { steps: ctx.steps() as usize, nodes: BTreeMap::new() }
    }

    /// Adds a node to scrape (every node of a cluster runs a kubelet).
    pub fn add_node(&mut self, cluster: &str, node: &str) {
        let steps = self.steps;
        self.nodes.entry(node.to_string()).or_insert_with(|| Node {
            cluster: cluster.to_string(),
            kept: vec![0; steps],
            added: vec![0; steps],
        });
    }

    /// A container's `series` were in the node's scrape at `step`; `new`: the previous
    /// scrape did not have them.
    pub fn exposed(&mut self, node: &str, step: u64, series: u32, new: bool) {
        let Some(n) = self.nodes.get_mut(node) else { return };
        let Some(kept) = n.kept.get_mut(step as usize) else { return };
        *kept += series;
        if new {
            n.added[step as usize] += series;
        }
    }

    /// Writes every node's report series for the whole time grid.
    pub fn write(self, storage: &mut Storage, ctx: &Context, seed: u64) -> Result<(), String> {
        for (name, node) in self.nodes {
            let labels = Labels::from_pairs([
                ("job", "kubelet"),
                ("instance", name.as_str()),
                ("node", name.as_str()),
                ("cluster", node.cluster.as_str()),
            ]);
            let mut rng = Rng::stream(seed, &format!("kubelet/{name}"));
            // Series of the node's other containers and of the metrics the job drops.
            let dropped = 1_800 + rng.below(600);
            let mut target = Target::new(storage, &labels, rng, KUBELET_BASE_SECONDS);
            for (i, t) in ctx.times().enumerate() {
                let kept = u64::from(node.kept[i]);
                let scrape = Scrape::Ok { scraped: kept + dropped, kept, added: u64::from(node.added[i]) };
                target.record(storage, t, scrape)?;
            }
        }
        Ok(())
    }
}
