//! The `ml_serving` generator: model-serving deployments (model × version × environment, a
//! few pods each) with a daily traffic cycle, latency that rises with load, and the dataset's
//! events (error incidents, traffic drops, stops, memory leaks, restarts, unreachable
//! targets) applied to the pods their targets match. Every pod is two scrape targets, its
//! model server and its node's kubelet, and the data holds what Prometheus writes for them
//! (`up`, `scrape_*`, staleness markers when a scrape fails or a container is gone).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::pod::{jitter, node_name, scrape_labels, Pod, Step, CONTAINER_SERIES, MODEL_SERIES};
use super::prng::Rng;
use super::scrape::{mark_stale, Kubelets, Scrape, Target, SERIES_PER_TARGET, TIMEOUT_SECONDS};
use super::shape::Daily;
use super::{check_buckets, check_range, Context, PathSeg, SpecProblem};
use crate::content::dataset::{check_size, Event, EventKind};
use crate::engine::{Labels, Millis, Storage};

/// Parameters of the generator.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MlServingSpec {
    /// Seed of every random stream; change it to get different noise, same shapes.
    pub seed: u64,
    pub daily: Daily,
    /// Finite upper bounds of the latency histogram, in seconds (`+Inf` is added).
    pub buckets: Vec<f64>,
    /// Nodes per cluster the pods are spread over.
    pub nodes_per_cluster: usize,
    pub deployments: Vec<Deployment>,
}

/// One model version deployed in one environment.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub model: String,
    pub version: String,
    pub environment: String,
    pub namespace: String,
    pub cluster: String,
    /// Number of pods (replicas).
    pub pods: usize,
    /// Predictions per second of the whole deployment at the daily peak.
    pub peak_rps: f64,
    /// Median latency in seconds when traffic is at its floor.
    pub latency_median: f64,
    /// Factor on the median latency at the daily peak (1 = no slowdown).
    pub peak_slowdown: f64,
    /// Fraction of predictions that fail, outside error events.
    pub error_ratio: f64,
    /// Fraction of feature-cache lookups that hit.
    pub cache_hit_ratio: f64,
    /// Memory of the loaded model, in bytes.
    pub memory_bytes: f64,
    /// Size of the feature vector.
    pub features: f64,
    /// CPU seconds one prediction costs.
    pub cpu_per_prediction: f64,
}

/// Series each pod adds besides its histogram buckets: the model server's, the container's
/// and the model server target's scrape report.
const SERIES_PER_POD: u64 = MODEL_SERIES + CONTAINER_SERIES + SERIES_PER_TARGET;
/// How long a refused scrape (the process is restarting) takes.
const REFUSED_SECONDS: f64 = 0.0012;
/// Base scrape time of a model server's endpoint.
const MODEL_SCRAPE_SECONDS: f64 = 0.0035;
/// Container memory the serving runtime adds on top of the model.
const RUNTIME_OVERHEAD_BYTES: f64 = 180e6;
/// CPU a pod burns while idle, per second.
const IDLE_CPU: f64 = 0.002;

/// One pod to simulate: its labels and the events that concern it.
struct PodPlan<'a> {
    deployment: &'a Deployment,
    name: String,
    node: String,
    model_labels: Labels,
    container_labels: Labels,
    events: Vec<&'a Event>,
    /// Grid steps at which the pod restarts (its scrape is missed).
    restarts: Vec<u64>,
}

/// What the scrape of a pod's model server finds at one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PodScrape {
    /// Scraped.
    Up,
    /// The process is restarting: the scrape is refused, and the container is gone from the
    /// kubelet's scrape for this step.
    Restarting,
    /// The endpoint cannot be reached (the scrape times out); the process keeps serving.
    Unreachable,
}

impl PodPlan<'_> {
    fn scrape_at(&self, ctx: &Context, step: u64) -> PodScrape {
        if self.restarts.binary_search(&step).is_ok() {
            return PodScrape::Restarting;
        }
        let t = ctx.start + step as i64 * ctx.interval;
        if self.events.iter().any(|e| e.kind == EventKind::Unreachable && e.active(t)) {
            PodScrape::Unreachable
        } else {
            PodScrape::Up
        }
    }

    /// The state at every step, with the state at the step before (none before the first).
    fn scrapes<'s>(&'s self, ctx: &'s Context) -> impl Iterator<Item = (PodScrape, Option<PodScrape>)> + 's {
        let mut prev = None;
        (0..ctx.steps()).map(move |i| {
            let now = self.scrape_at(ctx, i);
            (now, prev.replace(now))
        })
    }

    /// Samples the pod's series hold: the model server's at each scrape plus one staleness
    /// marker when its scrapes start failing, the container's at each step but restarts plus
    /// one marker when it goes, and the report at every step.
    fn samples(&self, ctx: &Context, buckets: u64) -> u64 {
        let model = buckets + MODEL_SERIES;
        self.scrapes(ctx)
            .map(|(now, prev)| {
                let model_n = match now {
                    PodScrape::Up => model,
                    _ if prev == Some(PodScrape::Up) => model,
                    _ => 0,
                };
                let container_n = match now {
                    PodScrape::Restarting if prev.is_none_or(|p| p == PodScrape::Restarting) => 0,
                    _ => CONTAINER_SERIES,
                };
                model_n + container_n + SERIES_PER_TARGET
            })
            .fold(0u64, u64::saturating_add)
    }
}

impl MlServingSpec {
    fn at(path: &[PathSeg]) -> Vec<PathSeg> {
        let mut p = vec![PathSeg::Key("generator"), PathSeg::Key("ml_serving")];
        p.extend_from_slice(path);
        p
    }

    /// Every problem with the parameters and with the events' targets.
    pub fn validate(&self, ctx: &Context) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        if let Err(e) = self.daily.validate() {
            out.push((Self::at(&[PathSeg::Key("daily")]), e));
        }
        if let Err(e) = check_buckets(&self.buckets) {
            out.push((Self::at(&[PathSeg::Key("buckets")]), e));
        }
        if !(1..=1000).contains(&self.nodes_per_cluster) {
            out.push((
                Self::at(&[PathSeg::Key("nodes_per_cluster")]),
                "nodes_per_cluster must be 1 to 1000".into(),
            ));
        }
        if self.deployments.is_empty() {
            out.push((Self::at(&[PathSeg::Key("deployments")]), "at least one deployment is needed".into()));
        }
        for (i, d) in self.deployments.iter().enumerate() {
            let here = Self::at(&[PathSeg::Key("deployments"), PathSeg::Index(i)]);
            for (key, msg) in d.problems() {
                let mut at = here.clone();
                at.extend(key.map(PathSeg::Key));
                out.push((at, msg));
            }
            let same = |o: &&Deployment| {
                (&o.model, &o.version, &o.environment, &o.cluster)
                    == (&d.model, &d.version, &d.environment, &d.cluster)
            };
            if self.deployments[..i].iter().any(|o| same(&o)) {
                out.push((
                    here,
                    "the same model, version, environment and cluster are deployed twice".into(),
                ));
            }
        }
        // Refuse absurd sizes before any pod is planned (a pack could list millions).
        let pods = self.deployments.iter().fold(0u64, |n, d| n.saturating_add(d.pods as u64));
        let per_pod = self.buckets.len() as u64 + 1 + SERIES_PER_POD;
        let nodes = (self.deployments.len() as u64).saturating_mul(self.nodes_per_cluster as u64);
        let series = pods.saturating_mul(per_pod).saturating_add(nodes.saturating_mul(SERIES_PER_TARGET));
        if let Err(e) = check_size(series, series.saturating_mul(ctx.steps())) {
            out.push((Self::at(&[PathSeg::Key("deployments")]), e));
        }
        if out.is_empty() {
            let plans = self.plan(ctx);
            for (i, e) in ctx.events.iter().enumerate() {
                if e.kind != EventKind::Note && !plans.iter().any(|p| p.events.iter().any(|x| x.id == e.id)) {
                    out.push((
                        vec![PathSeg::Key("events"), PathSeg::Index(i), PathSeg::Key("target")],
                        format!("the target {} matches no pod of the generator", e.selector()),
                    ));
                }
            }
        }
        out
    }

    /// Exact numbers of series and samples.
    pub fn size(&self, ctx: &Context) -> (u64, u64) {
        let buckets = self.buckets.len() as u64 + 1;
        let plans = self.plan(ctx);
        let nodes = (self.clusters().len() * self.nodes_per_cluster) as u64;
        let kubelets = nodes * SERIES_PER_TARGET;
        let series = (plans.len() as u64).saturating_mul(buckets + SERIES_PER_POD).saturating_add(kubelets);
        let samples = plans
            .iter()
            .map(|p| p.samples(ctx, buckets))
            .fold(kubelets.saturating_mul(ctx.steps()), u64::saturating_add);
        (series, samples)
    }

    /// Generates every pod's series, then the kubelets' scrape reports.
    pub fn generate(&self, ctx: &Context) -> Result<Storage, String> {
        let mut storage = Storage::new();
        let mut kubelets = self.kubelets(ctx);
        for plan in self.plan(ctx) {
            self.simulate(&mut storage, ctx, &plan, &mut kubelets)?;
        }
        kubelets.write(&mut storage, ctx, self.seed)?;
        Ok(storage)
    }

    /// One kubelet target per node of every cluster the deployments run in.
    fn kubelets(&self, ctx: &Context) -> Kubelets {
        let mut k = Kubelets::new(ctx);
        for cluster in self.clusters() {
            for n in 0..self.nodes_per_cluster {
                k.add_node(cluster, &node_name(cluster, n as u64));
            }
        }
        k
    }

    /// The clusters the deployments run in.
    fn clusters(&self) -> BTreeSet<&str> {
        self.deployments.iter().map(|d| d.cluster.as_str()).collect()
    }

    /// Names every pod, places it on a node and collects the events that target it.
    fn plan<'a>(&'a self, ctx: &'a Context) -> Vec<PodPlan<'a>> {
        let mut out = Vec::new();
        for d in &self.deployments {
            let mut names =
                Rng::stream(self.seed, &format!("{}/{}/{}/{}", d.model, d.version, d.environment, d.cluster));
            let template_hash = names.alnum(10);
            for i in 0..d.pods {
                let name = format!("{}-{}-{template_hash}-{}", d.model, d.version, names.alnum(5));
                let node_no = names.below(self.nodes_per_cluster.max(1) as u64);
                let node = node_name(&d.cluster, node_no);
                let ip = format!("10.{}.{node_no}.{}:8080", names.below(250) + 1, names.below(250) + 2);
                let common = [
                    ("model", d.model.as_str()),
                    ("version", d.version.as_str()),
                    ("environment", d.environment.as_str()),
                    ("namespace", d.namespace.as_str()),
                    ("cluster", d.cluster.as_str()),
                    ("pod", name.as_str()),
                    ("node", node.as_str()),
                ];
                let (model_labels, container_labels) = scrape_labels(&common, ip, &node);
                let events: Vec<&Event> = ctx
                    .events
                    .iter()
                    .filter(|e| e.kind != EventKind::Note)
                    .filter(|e| e.pod_index.is_none_or(|n| n == i))
                    .filter(|e| e.target.iter().all(|(k, v)| model_labels.get(k) == Some(v.as_str())))
                    .collect();
                let mut restarts: Vec<u64> = events
                    .iter()
                    .filter(|e| e.kind == EventKind::Restart)
                    .filter_map(|e| grid_step(ctx, e.start))
                    .collect();
                restarts.sort_unstable();
                restarts.dedup();
                out.push(PodPlan {
                    deployment: d,
                    name,
                    node,
                    model_labels,
                    container_labels,
                    events,
                    restarts,
                });
            }
        }
        out
    }

    /// Runs one pod over the whole time grid: the process, and what each scrape sees.
    fn simulate(
        &self,
        storage: &mut Storage,
        ctx: &Context,
        plan: &PodPlan,
        kubelets: &mut Kubelets,
    ) -> Result<(), String> {
        let d = plan.deployment;
        let mut rng = Rng::stream(self.seed, &plan.name);
        let share = jitter(&mut rng, 0.08) / d.pods.max(1) as f64;
        let memory_base = d.memory_bytes * jitter(&mut rng, 0.03);
        let interval_s = ctx.interval as f64 / 1000.0;
        let interval_h = interval_s / 3600.0;
        let mut pod = Pod::new(storage, &plan.model_labels, &plan.container_labels, &self.buckets);
        let report_rng = Rng::stream(self.seed, &format!("{}/scrape", plan.name));
        let mut target = Target::new(storage, &plan.model_labels, report_rng, MODEL_SCRAPE_SECONDS);
        let mut scraped_before = false;
        let mut leaked = 0.0;
        for ((i, t), (scrape, prev)) in ctx.times().enumerate().zip(plan.scrapes(ctx)) {
            // Draw the same amount of noise at every step, so events change only what they
            // are about.
            let noise = [rng.normal(), rng.normal(), rng.normal(), rng.normal(), rng.normal(), rng.normal()];
            let busy = self.daily.busy(hour_of_day(t));
            let load = self.daily.trough + (1.0 - self.daily.trough) * busy;
            let mut traffic = 1.0;
            let mut errors: Option<f64> = None;
            let mut slow = 1.0;
            for e in plan.events.iter().filter(|e| e.active(t)) {
                let v = e.value.unwrap_or(0.0);
                match e.kind {
                    EventKind::Traffic => traffic *= v,
                    EventKind::Stop => traffic = 0.0,
                    EventKind::Errors => errors = Some(errors.map_or(v, |x: f64| x.max(v))),
                    EventKind::Latency => slow *= v,
                    EventKind::MemoryLeak => leaked += v * interval_h,
                    EventKind::Note | EventKind::Restart | EventKind::Unreachable => {}
                }
            }
            if scrape == PodScrape::Restarting {
                pod.reset();
                leaked = 0.0;
            } else {
                let requests =
                    d.peak_rps * load * share * traffic * interval_s * (1.0 + 0.06 * noise[0]).max(0.0);
                let error_ratio = match errors {
                    Some(v) => v * (1.0 + 0.05 * noise[1]),
                    None => d.error_ratio * (1.0 + 0.3 * noise[1]).max(0.0),
                };
                pod.advance(&Step {
                    requests,
                    median: d.latency_median
                        * (1.0 + (d.peak_slowdown - 1.0) * busy)
                        * slow
                        * (1.0 + 0.03 * noise[2]),
                    error_ratio,
                    hit_ratio: d.cache_hit_ratio + 0.015 * noise[3],
                    memory: memory_base * (1.0 + 0.04 * busy) * (1.0 + 0.003 * noise[4]) + leaked,
                    overhead: RUNTIME_OVERHEAD_BYTES + 0.1 * memory_base,
                    features: d.features,
                    cpu: requests * d.cpu_per_prediction * (1.0 + 0.05 * noise[5]).max(0.0)
                        + IDLE_CPU * interval_s,
                });
            }
            // The model server's target.
            let report = match scrape {
                PodScrape::Up => {
                    pod.write_model(storage, t)?;
                    let n = pod.model_series_count();
                    let added = if std::mem::replace(&mut scraped_before, true) { 0 } else { n };
                    Scrape::Ok { scraped: n, kept: n, added }
                }
                PodScrape::Restarting => Scrape::Failed { seconds: REFUSED_SECONDS },
                PodScrape::Unreachable => Scrape::Failed { seconds: TIMEOUT_SECONDS },
            };
            if scrape != PodScrape::Up && prev == Some(PodScrape::Up) {
                mark_stale(storage, pod.model_series(), t)?;
            }
            target.record(storage, t, report)?;
            // The kubelet's view of the container.
            let step = i as u64;
            if scrape == PodScrape::Restarting {
                if prev.is_some_and(|p| p != PodScrape::Restarting) {
                    mark_stale(storage, pod.container_series(), t)?;
                }
            } else {
                pod.write_container(storage, t)?;
                let new = prev.is_none_or(|p| p == PodScrape::Restarting);
                kubelets.exposed(&plan.node, step, CONTAINER_SERIES as u32, new);
            }
        }
        Ok(())
    }
}

impl Deployment {
    /// Problems with the numbers, each with the key it concerns.
    fn problems(&self) -> Vec<(Option<&'static str>, String)> {
        let mut out = Vec::new();
        for (name, v) in [
            ("model", &self.model),
            ("version", &self.version),
            ("environment", &self.environment),
            ("namespace", &self.namespace),
            ("cluster", &self.cluster),
        ] {
            if v.is_empty() || v.len() > 100 {
                out.push((Some(name), format!("{name} must be 1 to 100 characters")));
            }
        }
        if !(1..=1000).contains(&self.pods) {
            out.push((Some("pods"), "pods must be 1 to 1000".into()));
        }
        let checks = [
            ("peak_rps", self.peak_rps, 0.0, 1e6),
            ("latency_median", self.latency_median, 1e-6, 1e3),
            ("peak_slowdown", self.peak_slowdown, 1.0, 100.0),
            ("error_ratio", self.error_ratio, 0.0, 1.0),
            ("cache_hit_ratio", self.cache_hit_ratio, 0.0, 1.0),
            ("memory_bytes", self.memory_bytes, 0.0, 1e13),
            ("features", self.features, 0.0, 1e9),
            ("cpu_per_prediction", self.cpu_per_prediction, 0.0, 100.0),
        ];
        for (key, v, lo, hi) in checks {
            if let Err(e) = check_range(key, v, lo, hi) {
                out.push((Some(key), e));
            }
        }
        out
    }
}

/// Hours since midnight UTC of `t`, as a float in `[0, 24)`.
pub fn hour_of_day(t: Millis) -> f64 {
    t.rem_euclid(86_400_000) as f64 / 3_600_000.0
}

/// The grid step an instant event lands on: the first sample time at or after it.
pub fn grid_step(ctx: &Context, t: Millis) -> Option<u64> {
    if t < ctx.start || t > ctx.end || ctx.interval <= 0 {
        return None;
    }
    let step = ((t - ctx.start) + ctx.interval - 1) / ctx.interval;
    (step < ctx.steps() as i64).then_some(step as u64)
}
