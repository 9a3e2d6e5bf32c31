//! One simulated model-serving pod: the series it exposes (the model's own metrics plus the
//! container metrics the kubelet reports for it) and the counters behind them. Both
//! generators drive pods through [`Pod::step`].

use crate::content::dataset::MetricType;
use crate::engine::storage::{SeriesId, Storage};
use crate::engine::{Labels, Millis, METRIC_NAME};

use super::prng::Rng;
use super::shape::{latency_cdf, MEAN_OVER_MEDIAN};

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

/// What happens to a pod during one scrape interval.
#[derive(Clone, Copy, Debug, Default)]
pub struct Step {
    /// Predictions served during the interval (fractional: counters floor the running sum).
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

/// Series ids of one pod and the running (unfloored) counter values behind them.
pub struct Pod {
    buckets: Vec<(f64, SeriesId)>,
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
    acc: Counters,
}

/// Running counter values; what is stored is their floor, so counters stay integers.
#[derive(Default)]
struct Counters {
    count: f64,
    buckets: Vec<f64>,
    sum: f64,
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
        let mut bucket_ids: Vec<(f64, SeriesId)> = Vec::with_capacity(buckets.len() + 1);
        for &le in buckets.iter().chain(std::iter::once(&f64::INFINITY)) {
            let mut l = model_labels.clone();
            l.set("le", format_le(le));
            bucket_ids.push((le, id(&l, &bucket_name)));
        }
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
            acc: Counters { buckets: vec![0.0; bucket_ids.len()], ..Counters::default() },
            buckets: bucket_ids,
        }
    }

    /// The process restarted: every counter starts again from zero.
    pub fn reset(&mut self) {
        let n = self.acc.buckets.len();
        self.acc = Counters { buckets: vec![0.0; n], ..Counters::default() };
    }

    /// Advances the counters by one interval and appends one sample to every series at `t`.
    pub fn step(&mut self, storage: &mut Storage, t: Millis, s: &Step) -> Result<(), String> {
        let n = s.requests.max(0.0);
        let a = &mut self.acc;
        a.count += n;
        for (acc, (le, _)) in a.buckets.iter_mut().zip(&self.buckets) {
            *acc += n * latency_cdf(*le, s.median);
        }
        a.sum += n * s.median * MEAN_OVER_MEDIAN;
        a.errors += n * s.error_ratio.clamp(0.0, 1.0);
        let hit = s.hit_ratio.clamp(0.0, 1.0);
        a.hits += n * hit;
        a.misses += n * (1.0 - hit);
        a.cpu += s.cpu.max(0.0);
        let count = a.count.floor();
        let fixed = [
            (self.sum, a.sum),
            (self.count, count),
            (self.predictions, count),
            (self.errors, a.errors.floor()),
            (self.hits, a.hits.floor()),
            (self.misses, a.misses.floor()),
            (self.features, s.features),
            (self.memory, s.memory.floor()),
            (self.cpu, a.cpu),
            (self.container_memory, (s.memory + s.overhead).floor()),
        ];
        let buckets = self.buckets.iter().zip(&a.buckets).map(|((_, id), acc)| (*id, acc.floor()));
        for (id, v) in fixed.into_iter().chain(buckets) {
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
