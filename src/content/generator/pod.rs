//! One simulated model-serving pod: the series it exposes (the model's own metrics plus the
//! container metrics the kubelet reports for it) and the counters behind them. Both
//! generators drive pods through [`Pod::advance`] and write what each scrape sees.

use crate::content::dataset::MetricType;
use crate::engine::storage::{SeriesId, Storage};
use crate::engine::{Labels, Millis, METRIC_NAME};

use super::histogram::Histogram;
use super::prng::Rng;

/// The latency histogram's name (its series are `_bucket`, `_sum`, `_count`).
pub const LATENCY: &str = "model_prediction_duration_seconds";

/// Every metric a pod exposes, with its type and help text (for the dataset overview and
/// the OpenMetrics export).
pub const POD_METRICS: &[(&str, MetricType, &str)] = &[
    (LATENCY, MetricType::Histogram, "Time spent computing one prediction, in seconds."),
    ("model_predictions_total", MetricType::Counter, "Predictions served."),
    ("model_prediction_errors_total", MetricType::Counter, "Predictions that failed."),
    ("model_cache_hits_total", MetricType::Counter, "Feature-cache lookups that hit."),
    ("model_cache_misses_total", MetricType::Counter, "Feature-cache lookups that missed."),
    ("model_input_features_count", MetricType::Gauge, "Size of the feature vector of recent requests."),
    ("model_memory_usage_bytes", MetricType::Gauge, "Memory held by the loaded model, in bytes."),
    (
        "container_cpu_usage_seconds_total",
        MetricType::Counter,
        "Cumulative CPU time consumed by the container, in seconds (cAdvisor).",
    ),
    (
        "container_memory_usage_bytes",
        MetricType::Gauge,
        "Current memory usage of the container, in bytes (cAdvisor).",
    ),
];

/// The target labels of a pod's two scrapes, both carrying `common`: the model server's own
/// endpoint (`job="model-serving"` at the pod's `ip`) and the kubelet's cAdvisor on `node`
/// (`job="kubelet"`, `container="model-server"`).
pub fn scrape_labels(common: &[(&str, &str)], ip: String, node: &str) -> (Labels, Labels) {
    let mut model = Labels::from_pairs(common.iter().copied());
    model.set("job", "model-serving");
    model.set("instance", ip);
    let mut container = Labels::from_pairs(common.iter().copied());
    container.set("job", "kubelet");
    container.set("instance", node);
    container.set("container", "model-server");
    (model, container)
}

/// Series a pod's model server exposes besides its histogram buckets (`_sum`, `_count`,
/// predictions, errors, cache hits and misses, features, memory).
pub const MODEL_SERIES: u64 = 8;
/// Series the kubelet reports per pod (CPU and memory of its container).
pub const CONTAINER_SERIES: u64 = 2;

/// The name of node `n` of `cluster` (`prod-eu-west-1-node-3`).
pub fn node_name(cluster: &str, n: u64) -> String {
    format!("{cluster}-node-{n}")
}

/// What happens to a pod during one scrape interval.
#[derive(Clone, Copy, Debug, Default)]
pub struct Step {
    /// Predictions served during the interval (fractional: counters count whole ones).
    pub requests: f64,
    /// Median prediction latency in seconds.
    pub median: f64,
    /// Fraction of predictions that fail.
    pub error_ratio: f64,
    /// Fraction of cache lookups that hit (one lookup per prediction).
    pub hit_ratio: f64,
    /// Model memory in bytes.
    pub memory: f64,
    /// Container memory on top of the model's.
    pub overhead: f64,
    /// Feature vector size.
    pub features: f64,
    /// CPU seconds used during the interval.
    pub cpu: f64,
}

/// Series ids of one pod and the running counters behind them. The process runs
/// ([`Pod::advance`]) whether or not it is scraped; a scrape writes what it exposes at that
/// moment ([`Pod::write_model`], [`Pod::write_container`]).
pub struct Pod {
    buckets: Vec<SeriesId>,
    sum: SeriesId,
    count: SeriesId,
    predictions: SeriesId,
    errors: SeriesId,
    hits: SeriesId,
    misses: SeriesId,
    features: SeriesId,
    memory: SeriesId,
    cpu: SeriesId,
    container_memory: SeriesId,
    latency: Histogram,
    acc: Counters,
    /// The last interval, for the gauges.
    last: Step,
}

/// Running counter values; what is stored is their floor, so counters stay integers.
#[derive(Default)]
struct Counters {
    errors: f64,
    hits: f64,
    misses: f64,
    cpu: f64,
}

impl Pod {
    /// Creates the pod's series: model metrics carry `model_labels`, container metrics carry
    /// `container_labels`; `buckets` are the finite upper bounds (`+Inf` is added).
    pub fn new(
        storage: &mut Storage,
        model_labels: &Labels,
        container_labels: &Labels,
        buckets: &[f64],
    ) -> Pod {
        let mut id = |labels: &Labels, name: &str| {
            let mut l = labels.clone();
            l.set(METRIC_NAME, name);
            storage.series_id(&l)
        };
        let bucket_name = format!("{LATENCY}_bucket");
        let bucket_ids = buckets
            .iter()
            .chain(std::iter::once(&f64::INFINITY))
            .map(|&le| {
                let mut l = model_labels.clone();
                l.set("le", format_le(le));
                id(&l, &bucket_name)
            })
            .collect();
        Pod {
            sum: id(model_labels, &format!("{LATENCY}_sum")),
            count: id(model_labels, &format!("{LATENCY}_count")),
            // Counts the same predictions as the histogram's `_count`, as a real exporter's
            // counter and histogram would.
            predictions: id(model_labels, "model_predictions_total"),
            errors: id(model_labels, "model_prediction_errors_total"),
            hits: id(model_labels, "model_cache_hits_total"),
            misses: id(model_labels, "model_cache_misses_total"),
            features: id(model_labels, "model_input_features_count"),
            memory: id(model_labels, "model_memory_usage_bytes"),
            cpu: id(container_labels, "container_cpu_usage_seconds_total"),
            container_memory: id(container_labels, "container_memory_usage_bytes"),
            buckets: bucket_ids,
            latency: Histogram::new(buckets),
            acc: Counters::default(),
            last: Step::default(),
        }
    }

    /// The process restarted: every counter starts again from zero.
    pub fn reset(&mut self) {
        self.latency.reset();
        self.acc = Counters::default();
    }

    /// Advances the counters by one interval.
    pub fn advance(&mut self, s: &Step) {
        let n = s.requests.max(0.0);
        self.latency.observe(n, s.median);
        let a = &mut self.acc;
        a.errors += n * s.error_ratio.clamp(0.0, 1.0);
        let hit = s.hit_ratio.clamp(0.0, 1.0);
        a.hits += n * hit;
        a.misses += n * (1.0 - hit);
        a.cpu += s.cpu.max(0.0);
        self.last = *s;
    }

    /// Samples the model server's endpoint exposes: buckets plus [`MODEL_SERIES`].
    pub fn model_series_count(&self) -> u64 {
        self.buckets.len() as u64 + MODEL_SERIES
    }

    /// The model server's series.
    pub fn model_series(&self) -> impl Iterator<Item = SeriesId> + '_ {
        let fixed = [
            self.sum,
            self.count,
            self.predictions,
            self.errors,
            self.hits,
            self.misses,
            self.features,
            self.memory,
        ];
        fixed.into_iter().chain(self.buckets.iter().copied())
    }

    /// The container's series (the kubelet's).
    pub fn container_series(&self) -> [SeriesId; CONTAINER_SERIES as usize] {
        [self.cpu, self.container_memory]
    }

    /// Appends what the model server's endpoint exposes at `t`.
    pub fn write_model(&self, storage: &mut Storage, t: Millis) -> Result<(), String> {
        let (a, s) = (&self.acc, &self.last);
        let count = self.latency.total() as f64;
        let fixed = [
            (self.sum, self.latency.sum()),
            (self.count, count),
            (self.predictions, count),
            (self.errors, a.errors.floor()),
            (self.hits, a.hits.floor()),
            (self.misses, a.misses.floor()),
            (self.features, s.features),
            (self.memory, s.memory.floor()),
        ];
        let buckets = self.buckets.iter().zip(self.latency.cumulative()).map(|(id, c)| (*id, c as f64));
        for (id, v) in fixed.into_iter().chain(buckets) {
            storage.append(id, t, v).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Appends what the kubelet reports for the pod's container at `t`.
    pub fn write_container(&self, storage: &mut Storage, t: Millis) -> Result<(), String> {
        let s = &self.last;
        for (id, v) in [(self.cpu, self.acc.cpu), (self.container_memory, (s.memory + s.overhead).floor())] {
            storage.append(id, t, v).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// A bucket bound the way Prometheus client libraries write it (`0.005`, `1`, `+Inf`).
pub fn format_le(le: f64) -> String {
    if le.is_infinite() {
        "+Inf".into()
    } else {
        format!("{le}")
    }
}

/// A multiplicative noise factor, `1 + relative × N(0, 1)`, never negative.
pub fn jitter(rng: &mut Rng, relative: f64) -> f64 {
    (1.0 + relative * rng.normal()).max(0.0)
}
