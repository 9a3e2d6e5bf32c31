//! The differential test's own dataset: a deterministic, seed-shaped ML-serving fleet with the
//! awkward parts a reference comparison must cover (counter resets with and without a gap, a
//! series that starts late, one that stops early, a classic histogram, a NaN sample), written
//! as OpenMetrics that promtool backfills and promplay's OpenMetrics reader loads.
//!
//! Sample times carry a per-pod phase and a small jitter so that no sample ever sits on a whole
//! or half second: evaluation times (`x.5 s`), range starts (`t - r`) and subquery steps (whole
//! multiples of the step) then never coincide with a sample, and the left-open (3.x) versus
//! left-closed (2.42) window difference cannot show.

use std::fmt::Write as _;

/// 2026-01-05T00:00:00Z in milliseconds: the fixture's first scrape slot.
pub const START_MS: i64 = 1_767_571_200_000;
/// Scrape interval.
pub const STEP_MS: i64 = 30_000;
/// Number of scrape slots: 26 hours, so `offset 24h` and `[24h]` have data behind them.
pub const SLOTS: i64 = 26 * 120;

/// One metric family (an OpenMetrics `# TYPE` block).
pub struct Family {
    /// Family name as OpenMetrics declares it (counters without `_total`).
    pub name: &'static str,
    pub kind: &'static str,
    pub series: Vec<SeriesData>,
}

/// One series: sorted labels (including `__name__`) and its samples in time order.
pub struct SeriesData {
    pub labels: Vec<(String, String)>,
    pub points: Vec<(i64, f64)>,
}

/// A pod of the fleet and the events it goes through.
struct Pod {
    model: &'static str,
    version: &'static str,
    replica: u32,
    /// Predictions per second around which the traffic varies.
    rps: f64,
    /// Share of predictions that fail.
    error_ratio: f64,
    /// Share of requests answered from the cache.
    hit_ratio: f64,
    /// Latency scale (seconds) of the exponential latency shape.
    latency: f64,
    /// First and last slot with a scrape.
    first: i64,
    last: i64,
    /// A restart: (slot, gap in slots) after which counters start again from zero.
    restart: Option<(i64, i64)>,
    /// Whether the pod exports an error counter at all.
    has_errors: bool,
}

const PODS: &[Pod] = &[
    pod("fraud-detector", "v1", 0, 40.0, 0.01, 0.85, 0.08, 0, SLOTS, None, true),
    pod("fraud-detector", "v1", 1, 38.0, 0.012, 0.83, 0.09, 0, SLOTS, Some((2950, 0)), true),
    pod("fraud-detector", "v2", 0, 12.0, 0.06, 0.7, 0.15, 600, SLOTS, None, true),
    pod("recommender", "v3", 0, 90.0, 0.002, 0.92, 0.3, 0, SLOTS, Some((1800, 24)), true),
    pod("recommender", "v3", 1, 85.0, 0.003, 0.9, 0.28, 0, SLOTS, None, true),
    pod("churn-predictor", "v1", 0, 5.0, 0.0, 0.6, 0.6, 0, 3000, None, false),
];

#[allow(clippy::too_many_arguments)]
const fn pod(
    model: &'static str,
    version: &'static str,
    replica: u32,
    rps: f64,
    error_ratio: f64,
    hit_ratio: f64,
    latency: f64,
    first: i64,
    last: i64,
    restart: Option<(i64, i64)>,
    has_errors: bool,
) -> Pod {
    Pod { model, version, replica, rps, error_ratio, hit_ratio, latency, first, last, restart, has_errors }
}

/// Upper bounds of the latency histogram's buckets (the last is `+Inf`).
const BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, f64::INFINITY];

/// splitmix64: a tiny deterministic generator, so the fixture is identical on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Pod {
    fn name(&self) -> String {
        format!("{}-{}-{}", self.model, self.version, self.replica)
    }

    /// The pod's base labels (what a scrape target would attach).
    fn labels(&self) -> Vec<(&'static str, String)> {
        let env = if self.model == "churn-predictor" { "dev" } else { "prod" };
        vec![
            ("environment", env.to_string()),
            ("instance", format!("{}:8080", self.name())),
            ("job", "model-serving".to_string()),
            ("model", self.model.to_string()),
            ("namespace", format!("ml-{env}")),
            ("pod", self.name()),
            ("version", self.version.to_string()),
        ]
    }

    /// Scrape slots of this pod, with the restart gap left out.
    fn slots(&self) -> impl Iterator<Item = i64> + '_ {
        (self.first..self.last).filter(move |&s| match self.restart {
            Some((at, gap)) => !(at..at + gap).contains(&s),
            None => true,
        })
    }

    /// True when counters start from zero again at `slot`.
    fn restarts_at(&self, slot: i64) -> bool {
        self.restart.is_some_and(|(at, gap)| slot == at + gap)
    }
}

/// The timestamp of `slot` for pod number `i`: a phase per pod plus jitter, never on a whole
/// or half second (see the module doc).
fn timestamp(i: usize, slot: i64, rng: &mut Rng) -> i64 {
    let phase = 1_234 + 4_321 * i as i64;
    let jitter = (rng.next() * 400.0) as i64 - 200;
    let t = START_MS + slot * STEP_MS + phase + jitter;
    if t % 500 == 0 {
        t + 7
    } else {
        t
    }
}

/// Traffic shape over the day: a smooth daily wave plus noise, never negative.
fn traffic(slot: i64, rng: &mut Rng) -> f64 {
    let day = (slot as f64 / 2880.0) * std::f64::consts::TAU;
    (1.0 + 0.4 * day.sin() + 0.15 * (rng.next() - 0.5)).max(0.05)
}

/// Series under construction, keyed by metric name and extra labels.
#[derive(Default)]
struct Builder {
    series: Vec<(&'static str, &'static str, SeriesData)>,
}

impl Builder {
    fn push(
        &mut self,
        family: &'static str,
        kind: &'static str,
        name: &str,
        labels: Vec<(&str, String)>,
    ) -> usize {
        let mut pairs: Vec<(String, String)> = labels.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        pairs.push(("__name__".to_string(), name.to_string()));
        pairs.sort();
        self.series.push((family, kind, SeriesData { labels: pairs, points: Vec::new() }));
        self.series.len() - 1
    }

    fn add(&mut self, id: usize, t: i64, v: f64) {
        self.series[id].2.points.push((t, v));
    }

    /// Groups the series into families in first-seen order.
    fn families(self) -> Vec<Family> {
        let mut out: Vec<Family> = Vec::new();
        for (name, kind, s) in self.series {
            match out.iter_mut().find(|f| f.name == name) {
                Some(f) => f.series.push(s),
                None => out.push(Family { name, kind, series: vec![s] }),
            }
        }
        out
    }
}

/// Ids of one pod's series inside the builder.
struct PodSeries {
    predictions: usize,
    errors: Option<usize>,
    hits: usize,
    misses: usize,
    features: usize,
    memory: usize,
    drift: usize,
    buckets: Vec<usize>,
    sum: usize,
    count: usize,
    cpu: [usize; 2],
    container_memory: [usize; 2],
}

fn declare(b: &mut Builder, p: &Pod) -> PodSeries {
    let l = || p.labels();
    let with = |extra: (&'static str, String)| {
        let mut v = p.labels();
        v.push(extra);
        v
    };
    let container = |c: &str| {
        vec![
            ("container", c.to_string()),
            ("namespace", p.labels()[4].1.clone()),
            ("pod", p.name()),
            ("model", p.model.to_string()),
        ]
    };
    PodSeries {
        predictions: b.push("model_predictions", "counter", "model_predictions_total", l()),
        errors: p
            .has_errors
            .then(|| b.push("model_prediction_errors", "counter", "model_prediction_errors_total", l())),
        hits: b.push("model_cache_hits", "counter", "model_cache_hits_total", l()),
        misses: b.push("model_cache_misses", "counter", "model_cache_misses_total", l()),
        features: b.push("model_input_features_count", "gauge", "model_input_features_count", l()),
        memory: b.push("model_memory_usage_bytes", "gauge", "model_memory_usage_bytes", l()),
        drift: b.push("model_drift_score", "gauge", "model_drift_score", l()),
        buckets: BUCKETS
            .iter()
            .map(|&le| {
                let le = if le.is_infinite() { "+Inf".to_string() } else { le.to_string() };
                b.push(
                    "model_prediction_duration_seconds",
                    "histogram",
                    "model_prediction_duration_seconds_bucket",
                    with(("le", le)),
                )
            })
            .collect(),
        sum: b.push(
            "model_prediction_duration_seconds",
            "histogram",
            "model_prediction_duration_seconds_sum",
            l(),
        ),
        count: b.push(
            "model_prediction_duration_seconds",
            "histogram",
            "model_prediction_duration_seconds_count",
            l(),
        ),
        cpu: ["model-server", "sidecar"].map(|c| {
            b.push(
                "container_cpu_usage_seconds",
                "counter",
                "container_cpu_usage_seconds_total",
                container(c),
            )
        }),
        container_memory: ["model-server", "sidecar"].map(|c| {
            b.push("container_memory_usage_bytes", "gauge", "container_memory_usage_bytes", container(c))
        }),
    }
}

/// Running counter totals of one pod.
#[derive(Default)]
struct Totals {
    predictions: f64,
    errors: f64,
    hits: f64,
    misses: f64,
    buckets: Vec<f64>,
    sum: f64,
    cpu: [f64; 2],
    /// Slots since the last restart (memory grows from the restart on).
    age: i64,
}

/// Generates every family of the fixture.
pub fn generate() -> Vec<Family> {
    let mut b = Builder::default();
    let mut rng = Rng(0x5eed_0007);
    for (i, p) in PODS.iter().enumerate() {
        let ids = declare(&mut b, p);
        let mut tot = Totals { buckets: vec![0.0; BUCKETS.len()], ..Totals::default() };
        for slot in p.slots() {
            if p.restarts_at(slot) {
                tot = Totals { buckets: vec![0.0; BUCKETS.len()], ..Totals::default() };
            }
            let t = timestamp(i, slot, &mut rng);
            let n = (p.rps * 30.0 * traffic(slot, &mut rng)).floor();
            tot.predictions += n;
            tot.errors += (n * p.error_ratio * 2.0 * rng.next()).round();
            let hits = (n * p.hit_ratio * (0.95 + 0.1 * rng.next())).floor().min(n);
            tot.hits += hits;
            tot.misses += n - hits;
            for (k, le) in BUCKETS.iter().enumerate() {
                let share = if le.is_infinite() { 1.0 } else { 1.0 - (-le / p.latency).exp() };
                tot.buckets[k] += (n * share).floor();
            }
            tot.sum += (n * p.latency * (0.9 + 0.2 * rng.next()) * 1000.0).round() / 1000.0;
            tot.cpu[0] += (n * 0.004 * (0.8 + 0.4 * rng.next()) * 1000.0).round() / 1000.0;
            tot.cpu[1] += 0.15;
            tot.age += 1;
            b.add(ids.predictions, t, tot.predictions);
            if let Some(e) = ids.errors {
                b.add(e, t, tot.errors);
            }
            b.add(ids.hits, t, tot.hits);
            b.add(ids.misses, t, tot.misses);
            b.add(ids.features, t, if slot < 1500 { 128.0 } else { 256.0 });
            let leak = if p.model == "recommender" { 40_000.0 } else { 500.0 };
            let memory = 2.0e9 + leak * tot.age as f64 + (rng.next() * 1.0e6).round();
            b.add(ids.memory, t, memory);
            let drift =
                if i == 0 && slot == 2990 { f64::NAN } else { (rng.next() * 1000.0).round() / 1000.0 };
            b.add(ids.drift, t, drift);
            for (k, &id) in ids.buckets.iter().enumerate() {
                b.add(id, t, tot.buckets[k]);
            }
            b.add(ids.sum, t, tot.sum);
            b.add(ids.count, t, tot.predictions);
            for c in 0..2 {
                b.add(ids.cpu[c], t, tot.cpu[c]);
                let base = if c == 0 { memory * 1.1 } else { 5.0e7 };
                b.add(ids.container_memory[c], t, base.round());
            }
        }
    }
    b.families()
}

/// Formats a float the way OpenMetrics spells it (shortest round-trip digits, `NaN`, `+Inf`).
fn om_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{v}")
    }
}

/// The families' samples with `from <= t <= to` (ms), as OpenMetrics text with timestamps
/// (seconds), ending in `# EOF`.
pub fn to_openmetrics(families: &[Family], from: i64, to: i64) -> String {
    let mut out = String::new();
    for f in families {
        let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind);
        for s in &f.series {
            let name = s.labels.iter().find(|(n, _)| n == "__name__").map(|(_, v)| v.as_str()).unwrap_or("");
            let labels: Vec<String> = s
                .labels
                .iter()
                .filter(|(n, _)| n != "__name__")
                .map(|(n, v)| format!("{n}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            for &(t, v) in s.points.iter().filter(|p| (from..=to).contains(&p.0)) {
                let secs = format!("{}.{:03}", t.div_euclid(1000), t.rem_euclid(1000));
                let _ = writeln!(out, "{name}{{{}}} {} {secs}", labels.join(","), om_float(v));
            }
        }
    }
    out.push_str("# EOF\n");
    out
}
