//! The `ml_serving` generator: model-serving deployments (model × version × environment, a
//! few pods each) with a daily traffic cycle, latency that rises with load, and the dataset's
//! events (error incidents, traffic drops, stops, memory leaks, restarts) applied to the pods
//! their targets match.

use serde::Deserialize;

use super::pod::{jitter, scrape_labels, Pod, Step};
use super::prng::Rng;
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

/// Series each pod exposes besides its histogram buckets.
const SERIES_PER_POD: u64 = 10;
/// Container memory the serving runtime adds on top of the model.
const RUNTIME_OVERHEAD_BYTES: f64 = 180e6;
/// CPU a pod burns while idle, per second.
const IDLE_CPU: f64 = 0.002;

/// One pod to simulate: its labels and the events that concern it.
struct PodPlan<'a> {
    deployment: &'a Deployment,
    name: String,
    model_labels: Labels,
    container_labels: Labels,
    events: Vec<&'a Event>,
    /// Grid steps at which the pod restarts (its scrape is missed).
    restarts: Vec<u64>,
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
        if let Err(e) =
            check_size(pods.saturating_mul(per_pod), pods.saturating_mul(per_pod).saturating_mul(ctx.steps()))
        {
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
        let per_pod = self.buckets.len() as u64 + 1 + SERIES_PER_POD;
        let plans = self.plan(ctx);
        let series = (plans.len() as u64).saturating_mul(per_pod);
        let samples = plans
            .iter()
            .map(|p| ctx.steps().saturating_sub(p.restarts.len() as u64).saturating_mul(per_pod))
            .fold(0u64, u64::saturating_add);
        (series, samples)
    }

    /// Generates every pod's series.
    pub fn generate(&self, ctx: &Context) -> Result<Storage, String> {
        let mut storage = Storage::new();
        for plan in self.plan(ctx) {
            self.simulate(&mut storage, ctx, &plan)?;
        }
        Ok(storage)
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
                let node = format!("{}-node-{node_no}", d.cluster);
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
                out.push(PodPlan { deployment: d, name, model_labels, container_labels, events, restarts });
            }
        }
        out
    }

    /// Runs one pod over the whole time grid.
    fn simulate(&self, storage: &mut Storage, ctx: &Context, plan: &PodPlan) -> Result<(), String> {
        let d = plan.deployment;
        let mut rng = Rng::stream(self.seed, &plan.name);
        let share = jitter(&mut rng, 0.08) / d.pods.max(1) as f64;
        let memory_base = d.memory_bytes * jitter(&mut rng, 0.03);
        let interval_s = ctx.interval as f64 / 1000.0;
        let interval_h = interval_s / 3600.0;
        let mut pod = Pod::new(storage, &plan.model_labels, &plan.container_labels, &self.buckets);
        let mut leaked = 0.0;
        let mut next_restart = plan.restarts.iter().peekable();
        for (i, t) in ctx.times().enumerate() {
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
                    EventKind::Note | EventKind::Restart => {}
                }
            }
            if next_restart.peek().is_some_and(|&&s| s == i as u64) {
                next_restart.next();
                pod.reset();
                leaked = 0.0;
                continue;
            }
            let requests =
                d.peak_rps * load * share * traffic * interval_s * (1.0 + 0.06 * noise[0]).max(0.0);
            let error_ratio = match errors {
                Some(v) => v * (1.0 + 0.05 * noise[1]),
                None => d.error_ratio * (1.0 + 0.3 * noise[1]).max(0.0),
            };
            let step = Step {
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
            };
            pod.step(storage, t, &step)?;
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
