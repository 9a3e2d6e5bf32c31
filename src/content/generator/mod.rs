//! Deterministic data generators. A dataset file names one generator and its parameters;
//! the same parameters give bit-identical samples on every platform (seeded PRNG, no clock,
//! no transcendental functions). Samples go straight into [`Storage`], series by series in
//! time order, because generation runs in the browser at page load.

pub mod cardinality;
pub mod histogram;
pub mod ml_serving;
pub mod pod;
pub mod prng;
pub mod scrape;
pub mod shape;

use serde::Deserialize;

use super::dataset::{Event, Metric, MetricType};
use super::yaml::Seg;
use crate::engine::{Millis, Storage};

/// What every generator gets: the time grid and the documented events.
#[derive(Clone, Debug)]
pub struct Context {
    /// First sample time.
    pub start: Millis,
    /// Last sample time (inclusive).
    pub end: Millis,
    pub interval: Millis,
    pub events: Vec<Event>,
}

impl Context {
    /// Number of sample times on the grid.
    pub fn steps(&self) -> u64 {
        if self.interval <= 0 || self.end < self.start {
            return 0;
        }
        ((self.end - self.start) / self.interval) as u64 + 1
    }

    /// The sample times.
    pub fn times(&self) -> impl Iterator<Item = Millis> + '_ {
        (0..self.steps() as i64).map(move |i| self.start + i * self.interval)
    }
}

/// One step of a path inside a generator spec, for placing a problem on its line.
#[derive(Clone, Debug, PartialEq)]
pub enum PathSeg {
    Key(&'static str),
    Index(usize),
}

impl PathSeg {
    /// The borrowed form the YAML locator takes.
    pub fn as_seg(&self) -> Seg<'_> {
        match self {
            PathSeg::Key(k) => Seg::Key(k),
            PathSeg::Index(i) => Seg::Index(*i),
        }
    }
}

/// A problem in a generator spec: where (path from the top of the dataset file) and why.
pub type SpecProblem = (Vec<PathSeg>, String);

/// The generators a dataset file can name (`generator: {ml_serving: {...}}`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(try_from = "GeneratorKey")]
pub enum GeneratorSpec {
    /// Model-serving deployments with a daily cycle and the dataset's events.
    MlServing(ml_serving::MlServingSpec),
    /// Short-lived pods with high-cardinality labels and runtime metrics.
    Cardinality(cardinality::CardinalitySpec),
}

/// The written form: one key naming the generator. (A struct rather than an externally
/// tagged enum: the YAML reader, [`crate::content::yaml_de`], reads enums from a name only.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneratorKey {
    ml_serving: Option<ml_serving::MlServingSpec>,
    cardinality: Option<cardinality::CardinalitySpec>,
}

impl TryFrom<GeneratorKey> for GeneratorSpec {
    type Error = String;

    fn try_from(k: GeneratorKey) -> Result<Self, String> {
        match (k.ml_serving, k.cardinality) {
            (Some(s), None) => Ok(GeneratorSpec::MlServing(s)),
            (None, Some(s)) => Ok(GeneratorSpec::Cardinality(s)),
            _ => Err("name exactly one generator: `ml_serving` or `cardinality`".into()),
        }
    }
}

impl GeneratorSpec {
    /// Every problem with the parameters (empty when the spec can be generated).
    pub fn validate(&self, ctx: &Context) -> Vec<SpecProblem> {
        match self {
            GeneratorSpec::MlServing(s) => s.validate(ctx),
            GeneratorSpec::Cardinality(s) => s.validate(ctx),
        }
    }

    /// Exact number of series and samples the spec generates (checked against the caps
    /// before anything is generated).
    pub fn size(&self, ctx: &Context) -> (u64, u64) {
        match self {
            GeneratorSpec::MlServing(s) => s.size(ctx),
            GeneratorSpec::Cardinality(s) => s.size(ctx),
        }
    }

    /// The metric families the generator writes.
    pub fn metrics(&self) -> Vec<Metric> {
        let runtime: &[(&str, MetricType, &str)] = match self {
            GeneratorSpec::MlServing(_) => &[],
            GeneratorSpec::Cardinality(s) if s.runtime_metrics => cardinality::RUNTIME_METRICS,
            GeneratorSpec::Cardinality(_) => &[],
        };
        let list = pod::POD_METRICS.iter().chain(runtime).chain(scrape::SCRAPE_METRICS);
        list.map(|&(n, k, h)| Metric { name: n.into(), kind: k, help: h.into() }).collect()
    }

    /// Generates the samples.
    pub fn generate(&self, ctx: &Context) -> Result<Storage, String> {
        match self {
            GeneratorSpec::MlServing(s) => s.generate(ctx),
            GeneratorSpec::Cardinality(s) => s.generate(ctx),
        }
    }
}

/// Checks a list of histogram bucket bounds: finite, positive, strictly increasing.
pub fn check_buckets(buckets: &[f64]) -> Result<(), String> {
    if buckets.is_empty() || buckets.len() > 50 {
        return Err("buckets: give 1 to 50 finite upper bounds (+Inf is added)".into());
    }
    if buckets.iter().any(|b| !b.is_finite() || *b <= 0.0) || buckets.windows(2).any(|w| w[0] >= w[1]) {
        return Err("buckets must be positive, finite and strictly increasing".into());
    }
    Ok(())
}

/// Checks that a number lies in `[lo, hi]`.
pub fn check_range(name: &str, v: f64, lo: f64, hi: f64) -> Result<(), String> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(format!("{name} must be between {lo} and {hi}"))
    }
}
