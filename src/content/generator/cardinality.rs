//! The `cardinality` generator: a label explosion for the cardinality and relabeling tasks.
//! Pods churn (each replica is replaced every `pod_lifetime`), and every series carries
//! per-pod identity labels (pod UID, container id, full semver version, replica, template
//! hash), plus the Go runtime / process / promhttp metrics client libraries export by
//! default. Dropping those labels or metrics visibly cuts the series count. A replaced pod is
//! a new scrape target (a new `instance`): the old one's series, `up` included, get
//! staleness markers at the time of its next scrape, as Prometheus writes them. Replacements
//! overlap like a Deployment's rolling update: the old pod goes only once its successor has
//! run for [`ROLLOUT_OVERLAP`], so the number of live series changes from instant to instant.

use serde::Deserialize;

use super::pod::{jitter, node_name, scrape_labels, Pod, Step, CONTAINER_SERIES, MODEL_SERIES};
use super::prng::Rng;
use super::scrape::{mark_stale, Kubelets, Scrape, Target, SERIES_PER_TARGET};
use super::{check_buckets, check_range, Context, PathSeg, SpecProblem};
use crate::content::dataset::{check_size, MetricType};
use crate::content::time::parse_duration;
use crate::engine::storage::SeriesId;
use crate::engine::{Labels, Millis, Storage, METRIC_NAME};

/// How long a replaced pod keeps running next to its successor (a rolling update's surge:
/// the old pod is terminated once the new one is ready).
pub const ROLLOUT_OVERLAP: Millis = 90_000;

/// Parameters of the generator.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CardinalitySpec {
    pub seed: u64,
    pub cluster: String,
    pub namespace: String,
    pub environment: String,
    /// Nodes the pods are spread over.
    pub nodes: usize,
    /// Finite upper bounds of the latency histogram, in seconds (`+Inf` is added).
    pub buckets: Vec<f64>,
    /// How long a pod lives before it is replaced by a new one (new UID, new container id).
    pub pod_lifetime: String,
    /// Also export `go_*`, `process_*` and `promhttp_*` metrics from every pod.
    pub runtime_metrics: bool,
    pub models: Vec<ChurningModel>,
}

/// One model with its replicas; successive pods of a replica cycle through `versions`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChurningModel {
    pub model: String,
    /// Full semantic versions (`v2.3.1`): the relabeling task normalises them.
    pub versions: Vec<String>,
    pub replicas: usize,
    /// Predictions per second of the whole model.
    pub rps: f64,
    /// Median latency in seconds.
    pub latency_median: f64,
}

/// Metric families every pod adds when `runtime_metrics` is on.
pub const RUNTIME_METRICS: &[(&str, MetricType, &str)] = &[
    ("go_goroutines", MetricType::Gauge, "Number of goroutines that currently exist."),
    ("go_threads", MetricType::Gauge, "Number of OS threads created."),
    ("go_memstats_alloc_bytes", MetricType::Gauge, "Number of bytes allocated and still in use."),
    ("go_memstats_heap_inuse_bytes", MetricType::Gauge, "Number of heap bytes that are in use."),
    (
        "go_gc_duration_seconds",
        MetricType::Summary,
        "A summary of the pause duration of garbage collection cycles.",
    ),
    ("process_cpu_seconds_total", MetricType::Counter, "Total user and system CPU time spent in seconds."),
    ("process_resident_memory_bytes", MetricType::Gauge, "Resident memory size in bytes."),
    ("process_virtual_memory_bytes", MetricType::Gauge, "Virtual memory size in bytes."),
    ("process_open_fds", MetricType::Gauge, "Number of open file descriptors."),
    ("process_max_fds", MetricType::Gauge, "Maximum number of open file descriptors."),
    (
        "process_start_time_seconds",
        MetricType::Gauge,
        "Start time of the process since unix epoch in seconds.",
    ),
    (
        "promhttp_metric_handler_requests_total",
        MetricType::Counter,
        "Total number of scrapes by HTTP status code.",
    ),
    (
        "promhttp_metric_handler_requests_in_flight",
        MetricType::Gauge,
        "Current number of scrapes being served.",
    ),
];

/// Series of the runtime metrics per pod (the summary has 5 quantiles, `_sum` and `_count`;
/// promhttp counts 3 status codes).
const RUNTIME_SERIES: u64 = 21;
/// Series per pod besides the histogram buckets: the model server's, the container's and
/// the model server target's scrape report.
const POD_SERIES: u64 = MODEL_SERIES + CONTAINER_SERIES + SERIES_PER_TARGET;
/// Base scrape time of a model server's endpoint.
const MODEL_SCRAPE_SECONDS: f64 = 0.004;
const GC_QUANTILES: [&str; 5] = ["0", "0.25", "0.5", "0.75", "1"];
const HTTP_CODES: [&str; 3] = ["200", "500", "503"];

/// One pod's life: which replica, which generation, which grid steps it is scraped at.
struct Life {
    model: usize,
    replica: usize,
    generation: usize,
    born: Millis,
    /// Grid steps `[first, last)` while it is alive.
    first: u64,
    last: u64,
}

impl CardinalitySpec {
    fn at(path: &[PathSeg]) -> Vec<PathSeg> {
        let mut p = vec![PathSeg::Key("generator"), PathSeg::Key("cardinality")];
        p.extend_from_slice(path);
        p
    }

    fn lifetime(&self) -> Result<Millis, String> {
        match parse_duration(&self.pod_lifetime) {
            Ok(d) if d >= 60_000 => Ok(d),
            Ok(_) => Err("pod_lifetime must be at least 1m".into()),
            Err(e) => Err(e),
        }
    }

    /// Every problem with the parameters.
    pub fn validate(&self, ctx: &Context) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        // Refuse absurd sizes before any pod's life is listed.
        if let Ok(lifetime) = self.lifetime() {
            let generations = ((ctx.end - ctx.start) / lifetime) as u64 + 2;
            let replicas = self.models.iter().fold(0u64, |n, m| n.saturating_add(m.replicas as u64));
            let kubelets = (self.nodes as u64).saturating_mul(SERIES_PER_TARGET);
            let series =
                replicas.saturating_mul(generations).saturating_mul(self.per_pod()).saturating_add(kubelets);
            let samples = replicas
                .saturating_mul(ctx.steps() + generations)
                .saturating_mul(self.per_pod())
                .saturating_add(kubelets.saturating_mul(ctx.steps()));
            if let Err(e) = check_size(series, samples) {
                out.push((Self::at(&[PathSeg::Key("models")]), e));
            }
        }
        for (key, v) in
            [("cluster", &self.cluster), ("namespace", &self.namespace), ("environment", &self.environment)]
        {
            if v.is_empty() {
                out.push((Self::at(&[PathSeg::Key(key)]), format!("{key} must not be empty")));
            }
        }
        if !(1..=10_000).contains(&self.nodes) {
            out.push((Self::at(&[PathSeg::Key("nodes")]), "nodes must be 1 to 10000".into()));
        }
        if let Err(e) = check_buckets(&self.buckets) {
            out.push((Self::at(&[PathSeg::Key("buckets")]), e));
        }
        if let Err(e) = self.lifetime() {
            out.push((Self::at(&[PathSeg::Key("pod_lifetime")]), e));
        }
        if self.models.is_empty() {
            out.push((Self::at(&[PathSeg::Key("models")]), "at least one model is needed".into()));
        }
        for (i, m) in self.models.iter().enumerate() {
            let here = Self::at(&[PathSeg::Key("models"), PathSeg::Index(i)]);
            let mut bad = |msg: String| out.push((here.clone(), msg));
            if m.model.is_empty() {
                bad("model must not be empty".into());
            }
            if m.versions.is_empty() || m.versions.iter().any(String::is_empty) {
                bad("versions must list at least one non-empty version".into());
            }
            if !(1..=10_000).contains(&m.replicas) {
                bad("replicas must be 1 to 10000".into());
            }
            for r in [
                check_range("rps", m.rps, 0.0, 1e6),
                check_range("latency_median", m.latency_median, 1e-6, 1e3),
            ] {
                if let Err(e) = r {
                    bad(e);
                }
            }
        }
        out
    }

    fn per_pod(&self) -> u64 {
        self.buckets.len() as u64 + 1 + POD_SERIES + if self.runtime_metrics { RUNTIME_SERIES } else { 0 }
    }

    /// Exact numbers of series and samples: each pod's series at every step of its life,
    /// plus a staleness marker each when it goes before the end; each kubelet's report at
    /// every step.
    pub fn size(&self, ctx: &Context) -> (u64, u64) {
        let lives = self.lives(ctx);
        let per_pod = self.per_pod();
        let kubelets = self.nodes as u64 * SERIES_PER_TARGET;
        let samples = lives
            .iter()
            .map(|l| (l.last - l.first + u64::from(l.last < ctx.steps())).saturating_mul(per_pod))
            .fold(kubelets.saturating_mul(ctx.steps()), u64::saturating_add);
        ((lives.len() as u64).saturating_mul(per_pod).saturating_add(kubelets), samples)
    }

    /// Every pod that is alive for at least one grid step.
    fn lives(&self, ctx: &Context) -> Vec<Life> {
        let Ok(lifetime) = self.lifetime() else { return Vec::new() };
        let steps = ctx.steps();
        let step_at_or_after = |t: Millis| -> u64 {
            if t <= ctx.start {
                0
            } else {
                (((t - ctx.start) + ctx.interval - 1) / ctx.interval) as u64
            }
        };
        let mut out = Vec::new();
        for (mi, m) in self.models.iter().enumerate() {
            for r in 0..m.replicas {
                // Replicas are replaced in a staggered way, as a rolling restart does.
                let offset = lifetime * r as i64 / m.replicas.max(1) as i64;
                let mut generation = 0;
                let mut born = ctx.start - offset;
                while born <= ctx.end {
                    let (first, last) = (
                        step_at_or_after(born),
                        step_at_or_after(born + lifetime + ROLLOUT_OVERLAP).min(steps),
                    );
                    if first < last {
                        out.push(Life { model: mi, replica: r, generation, born, first, last });
                    }
                    generation += 1;
                    born += lifetime;
                }
            }
        }
        out
    }

    /// Generates every pod's series, then the kubelets' scrape reports.
    pub fn generate(&self, ctx: &Context) -> Result<Storage, String> {
        let mut storage = Storage::new();
        let mut kubelets = Kubelets::new(ctx);
        for n in 0..self.nodes {
            kubelets.add_node(&self.cluster, &node_name(&self.cluster, n as u64));
        }
        for life in self.lives(ctx) {
            self.simulate(&mut storage, ctx, &life, &mut kubelets)?;
        }
        kubelets.write(&mut storage, ctx, self.seed)?;
        Ok(storage)
    }

    fn simulate(
        &self,
        storage: &mut Storage,
        ctx: &Context,
        life: &Life,
        kubelets: &mut Kubelets,
    ) -> Result<(), String> {
        let m = &self.models[life.model];
        let version = m
            .versions
            .get((life.generation + life.replica) % m.versions.len().max(1))
            .map_or("v0", String::as_str);
        let template_hash = Rng::stream(self.seed, &format!("{}/{version}", m.model)).alnum(10);
        let mut rng = Rng::stream(self.seed, &format!("{}/{}/{}", m.model, life.replica, life.generation));
        let pod = format!("{}-{template_hash}-{}", m.model, rng.alnum(5));
        let uid = format!("{}-{}-4{}-a{}-{}", rng.hex(8), rng.hex(4), rng.hex(3), rng.hex(3), rng.hex(12));
        let container_id = format!("containerd://{}", rng.hex(64));
        let node = node_name(&self.cluster, rng.below(self.nodes as u64));
        let ip = format!("10.{}.{}.{}:8080", rng.below(250) + 1, rng.below(250) + 1, rng.below(250) + 2);
        let replica = format!("replica-{}", life.replica);
        let revision = format!("{}-{}", m.model, Rng::stream(self.seed, &m.model).alnum(10));
        let common = [
            ("model", m.model.as_str()),
            ("version", version),
            ("environment", self.environment.as_str()),
            ("namespace", self.namespace.as_str()),
            ("cluster", self.cluster.as_str()),
            ("pod", pod.as_str()),
            ("node", node.as_str()),
            ("pod_uid", uid.as_str()),
            ("container_id", container_id.as_str()),
            ("pod_template_hash", template_hash.as_str()),
            ("controller_revision_hash", revision.as_str()),
            ("replica", replica.as_str()),
        ];
        let (model_labels, mut container_labels) = scrape_labels(&common, ip, &node);
        container_labels.set("image", format!("registry.example.com/ml/{}:{version}", m.model));
        container_labels.set("id", format!("/kubepods/burstable/pod{uid}/{}", &container_id[13..]));

        let mut pod_series = Pod::new(storage, &model_labels, &container_labels, &self.buckets);
        let mut runtime = self.runtime_metrics.then(|| Runtime::new(storage, &model_labels));
        let report_rng = Rng::stream(self.seed, &format!("{pod}/scrape"));
        let mut target = Target::new(storage, &model_labels, report_rng, MODEL_SCRAPE_SECONDS);
        let exposed = pod_series.model_series_count() + if runtime.is_some() { RUNTIME_SERIES } else { 0 };
        let interval_s = ctx.interval as f64 / 1000.0;
        let memory = 0.8e9 * jitter(&mut rng, 0.1);
        for i in life.first..life.last {
            let t = ctx.start + i as i64 * ctx.interval;
            let noise = [rng.normal(), rng.normal(), rng.normal()];
            let requests = m.rps / m.replicas.max(1) as f64 * interval_s * (1.0 + 0.08 * noise[0]).max(0.0);
            let step = Step {
                requests,
                median: m.latency_median * (1.0 + 0.05 * noise[1]),
                error_ratio: 0.002,
                hit_ratio: 0.85,
                memory: memory * (1.0 + 0.01 * noise[2]),
                overhead: 150e6,
                features: 32.0,
                cpu: requests * 0.003 + 0.002 * interval_s,
            };
            pod_series.advance(&step);
            pod_series.write_model(storage, t)?;
            pod_series.write_container(storage, t)?;
            if let Some(rt) = runtime.as_mut() {
                rt.step(storage, t, interval_s, life.born, &mut rng)?;
            }
            let added = if i == life.first { exposed } else { 0 };
            target.record(storage, t, Scrape::Ok { scraped: exposed, kept: exposed, added })?;
            kubelets.exposed(&node, i, CONTAINER_SERIES as u32, i == life.first);
        }
        // The pod is gone: its target's next scrape does not happen, and the kubelet's next
        // scrape no longer has its container. Both leave staleness markers at that time.
        if life.last < ctx.steps() {
            let t = ctx.start + life.last as i64 * ctx.interval;
            let runtime_ids = runtime.iter().flat_map(Runtime::series);
            mark_stale(storage, pod_series.model_series().chain(runtime_ids), t)?;
            mark_stale(storage, pod_series.container_series(), t)?;
            target.stale(storage, t)?;
        }
        Ok(())
    }
}

/// The runtime metrics of one pod and their counters.
struct Runtime {
    gauges: [SeriesId; 9],
    gc_quantiles: [SeriesId; 5],
    gc_sum: SeriesId,
    gc_count: SeriesId,
    cpu: SeriesId,
    http: [SeriesId; 3],
    in_flight: SeriesId,
    /// GC runs, GC seconds, CPU seconds, 200 responses, 500 responses.
    acc: [f64; 5],
}

impl Runtime {
    fn new(storage: &mut Storage, labels: &Labels) -> Runtime {
        let mut id = |name: &str, extra: Option<(&str, &str)>| {
            let mut l = labels.clone();
            l.set(METRIC_NAME, name);
            if let Some((k, v)) = extra {
                l.set(k, v);
            }
            storage.series_id(&l)
        };
        let gauges = [
            "go_goroutines",
            "go_threads",
            "go_memstats_alloc_bytes",
            "go_memstats_heap_inuse_bytes",
            "process_resident_memory_bytes",
            "process_virtual_memory_bytes",
            "process_open_fds",
            "process_max_fds",
            "process_start_time_seconds",
        ]
        .map(|n| id(n, None));
        let in_flight = id("promhttp_metric_handler_requests_in_flight", None);
        let gc_quantiles = GC_QUANTILES.map(|q| id("go_gc_duration_seconds", Some(("quantile", q))));
        let http = HTTP_CODES.map(|c| id("promhttp_metric_handler_requests_total", Some(("code", c))));
        Runtime {
            gauges,
            gc_quantiles,
            gc_sum: id("go_gc_duration_seconds_sum", None),
            gc_count: id("go_gc_duration_seconds_count", None),
            cpu: id("process_cpu_seconds_total", None),
            http,
            in_flight,
            acc: [0.0; 5],
        }
    }

    /// Every series of the runtime metrics.
    fn series(&self) -> impl Iterator<Item = SeriesId> + '_ {
        let single = [self.gc_sum, self.gc_count, self.cpu, self.in_flight];
        self.gauges.iter().chain(&self.gc_quantiles).chain(&self.http).copied().chain(single)
    }

    fn step(
        &mut self,
        storage: &mut Storage,
        t: Millis,
        interval_s: f64,
        born: Millis,
        rng: &mut Rng,
    ) -> Result<(), String> {
        let n = rng.normal();
        let heap = 48e6 * (1.0 + 0.1 * n).max(0.1);
        let gauges = [
            (40.0 + 4.0 * n).round(),
            12.0,
            heap,
            heap * 1.3,
            heap * 2.5 + 60e6,
            1.6e9,
            (24.0 + 2.0 * n).round(),
            1_048_576.0,
            (born / 1000) as f64,
        ];
        let gc_runs = 0.25 * interval_s;
        let [gc_count, gc_sum, cpu, ok, errors] = &mut self.acc;
        *gc_count += gc_runs;
        *gc_sum += gc_runs * 0.0004 * (1.0 + 0.2 * n).max(0.1);
        *cpu += 0.012 * interval_s;
        *ok += 1.0;
        // One scrape in 500 fails with a 500.
        if rng.below(500) == 0 {
            *errors += 1.0;
        }
        let mut out: Vec<(SeriesId, f64)> = self.gauges.iter().copied().zip(gauges).collect();
        let base = 0.0002 * (1.0 + 0.2 * n).max(0.1);
        for (q, id) in [0.5, 0.8, 1.0, 1.4, 4.0].iter().zip(self.gc_quantiles) {
            out.push((id, base * q));
        }
        out.extend([
            (self.gc_sum, *gc_sum),
            (self.gc_count, gc_count.floor()),
            (self.cpu, *cpu),
            (self.http[0], *ok),
            (self.http[1], *errors),
            (self.http[2], 0.0),
            (self.in_flight, 1.0),
        ]);
        for (id, v) in out {
            storage.append(id, t, v).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}
