//! What a recording rule saves and what it costs: a raw query against the recorded series
//! that replaces it, measured for an instant query and a dashboard-style range query (median
//! evaluation time over repeated runs, samples and series touched), and the storage the
//! recorded series take.
//!
//! The engine stays pure: the clock is passed in (`std::time::Instant` natively,
//! `performance.now()` in the browser). Browser clocks are coarse (often 0.1 ms), so each
//! timing runs a query in a batch long enough to measure and divides.

use std::collections::HashMap;

use promql_parser::parser::Expr;
use serde::{Deserialize, Serialize};

use super::ast;
use super::equivalence::{equivalence, Equivalence};
use super::eval::{Evaluation, RuleOutcome};
use super::model::RuleFile;
use crate::engine::{eval, parse, EngineOptions, Millis, QueryStats, Storage, Value};

/// The seed's success bar: recording rules should make queries more than 5× faster.
pub const TARGET_SPEEDUP: f64 = 5.0;

/// Bytes one recorded sample takes on disk: Prometheus's TSDB compresses samples to about
/// 1–2 bytes (its storage documentation); 1.3 is the figure commonly measured. Index and
/// per-series overhead are not included.
pub const BYTES_PER_SAMPLE: f64 = 1.3;

/// The seed's before/after queries (Task 3.2, and Tests 1–4 of benchmark_queries.sh in
/// Task 3.3): a label, the raw query ("" = the recording rule's expression, expanded) and
/// the recorded series that replaces it.
pub const SEED_PAIRS: &[(&str, &str, &str)] = &[
    (
        "Task 3.3 tests 1–2: request rate per model",
        "sum by (model) (rate(model_predictions_total[5m]))",
        "model:predictions:rate5m",
    ),
    (
        "Task 3.3 tests 3–4: p95 latency per model",
        "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
        "model:latency:p95",
    ),
    ("Task 3.2: platform request rate (dashboard)", "", "platform:predictions:rate5m"),
];

/// A raw query and the recorded series that replaces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub label: String,
    pub raw: String,
    pub recorded: String,
    /// True for the seed's own pairs, false for one derived from a rule.
    pub from_seed: bool,
}

/// How to measure.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CostOptions {
    /// Timed batches per query; the median is reported.
    pub runs: usize,
    /// Shortest batch, in the clock's milliseconds (so a coarse clock still resolves).
    pub min_batch_ms: f64,
    /// Most queries in one batch (bounds the time a very fast query can take to calibrate).
    pub max_batch: usize,
    /// The instant queries' time; default: the end of the evaluated timeline.
    pub at: Option<Millis>,
    /// The range query's length (the dashboard's time range) and step.
    pub range: Millis,
    pub step: Millis,
    pub engine: EngineOptions,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions {
            runs: 7,
            min_batch_ms: 2.0,
            max_batch: 10_000,
            at: None,
            range: 6 * 3_600_000,
            step: 60_000,
            engine: EngineOptions::default(),
        }
    }
}

/// One query's measured cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Median evaluation time of one query, in milliseconds.
    pub median_ms: f64,
    /// Samples and series the query read from storage.
    pub samples: u64,
    pub series: u64,
    /// Series in the result.
    pub result_series: usize,
    /// The query's error, if it failed (then nothing else is meaningful).
    pub error: Option<String>,
}

/// A pair measured both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairCost {
    pub pair: Pair,
    pub instant_raw: Cost,
    pub instant_recorded: Cost,
    pub range_raw: Cost,
    pub range_recorded: Cost,
    /// Whether the two compute the same thing (a speedup counts only then).
    pub equivalence: Equivalence,
}

impl PairCost {
    /// True when the pair is known to compute two different things.
    pub fn differs(&self) -> bool {
        matches!(self.equivalence, Equivalence::Differs(_))
    }

    /// Raw time over recorded time for the instant query (None when either failed).
    pub fn instant_speedup(&self) -> Option<f64> {
        speedup(&self.instant_raw, &self.instant_recorded)
    }

    /// The same for the range query.
    pub fn range_speedup(&self) -> Option<f64> {
        speedup(&self.range_raw, &self.range_recorded)
    }
}

fn speedup(raw: &Cost, recorded: &Cost) -> Option<f64> {
    (raw.error.is_none() && recorded.error.is_none() && recorded.median_ms > 0.0)
        .then(|| raw.median_ms / recorded.median_ms)
}

/// What a recording rule's output costs to keep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StorageCost {
    pub record: String,
    pub series: usize,
    pub interval: Millis,
    pub samples_per_day: f64,
    pub bytes_per_day: f64,
}

/// The storage cost of one rule's output: series × samples per day × [`BYTES_PER_SAMPLE`].
pub fn storage_cost(rule: &RuleOutcome) -> StorageCost {
    let per_series = 86_400_000.0 / rule.interval.max(1) as f64;
    let samples_per_day = per_series * rule.series.len() as f64;
    StorageCost {
        record: rule.record.clone(),
        series: rule.series.len(),
        interval: rule.interval,
        samples_per_day,
        bytes_per_day: samples_per_day * BYTES_PER_SAMPLE,
    }
}

/// The pairs to measure: the seed's, then one per recording rule whose raw query is its
/// expression with every recorded series it reads expanded into the expression recording
/// it (what a dashboard would run without the rules).
pub fn pairs(file: &RuleFile) -> Vec<Pair> {
    let defs: HashMap<String, Expr> = file
        .rules()
        .filter(|(_, r)| r.is_recording())
        .filter_map(|(_, r)| Some((r.record.clone(), parse::parse(&r.expr).ok()?)))
        .collect();
    let expand = |name: &str| defs.get(name).map(|e| ast::inline(e, &defs).to_string());
    let mut out: Vec<Pair> = SEED_PAIRS
        .iter()
        .filter_map(|(label, raw, recorded)| {
            let raw = if raw.is_empty() { expand(recorded)? } else { raw.to_string() };
            Some(Pair { label: label.to_string(), raw, recorded: recorded.to_string(), from_seed: true })
        })
        .collect();
    for (_, r) in file.rules().filter(|(_, r)| r.is_recording()) {
        let Some(raw) = expand(&r.record) else { continue };
        let selector = if r.labels.is_empty() {
            r.record.clone()
        } else {
            let ms: Vec<String> = r.labels.iter().map(|kv| format!("{}={:?}", kv.name, kv.value)).collect();
            format!("{}{{{}}}", r.record, ms.join(", "))
        };
        out.push(Pair { label: r.record.clone(), raw, recorded: selector, from_seed: false });
    }
    out
}

/// The whole comparison: every pair measured, every rule's storage cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostTable {
    pub pairs: Vec<PairCost>,
    pub storage: Vec<StorageCost>,
    /// The instant queries' time, and the range query's start, end and step.
    pub at: Millis,
    pub range: (Millis, Millis, Millis),
    pub runs: usize,
}

/// Measures every pair of `file` over the evaluated storage, timing with `clock` (a clock in
/// milliseconds).
pub fn compare(
    evaluation: &Evaluation,
    file: &RuleFile,
    opts: &CostOptions,
    clock: &mut dyn FnMut() -> f64,
) -> CostTable {
    let (at, range) = times(evaluation, opts);
    let pairs = pairs(file).into_iter().map(|pair| measure_pair(evaluation, pair, opts, clock)).collect();
    let storage = evaluation.rules.iter().map(storage_cost).collect();
    CostTable { pairs, storage, at, range, runs: opts.runs }
}

/// The instant queries' time and the range query's (start, end, step) for `evaluation`.
pub fn times(evaluation: &Evaluation, opts: &CostOptions) -> (Millis, (Millis, Millis, Millis)) {
    times_ending(evaluation.end, opts)
}

/// [`times`] for an evaluation whose timeline ends at `end`.
pub fn times_ending(end: Millis, opts: &CostOptions) -> (Millis, (Millis, Millis, Millis)) {
    let at = opts.at.unwrap_or(end);
    (at, (at - opts.range, at, opts.step.max(1)))
}

/// Measures one pair both ways (what [`compare`] does for each pair; the browser calls it
/// pair by pair so the page can repaint in between).
pub fn measure_pair(
    evaluation: &Evaluation,
    pair: Pair,
    opts: &CostOptions,
    clock: &mut dyn FnMut() -> f64,
) -> PairCost {
    measure_pair_in(&evaluation.storage, evaluation.end, pair, opts, clock)
}

/// [`measure_pair`] on the evaluated `storage` of a timeline ending at `end` (the engine
/// module keeps the evaluated storage shared with the playground's queries, apart from the
/// rest of the evaluation).
pub fn measure_pair_in(
    storage: &Storage,
    end: Millis,
    pair: Pair,
    opts: &CostOptions,
    clock: &mut dyn FnMut() -> f64,
) -> PairCost {
    let (at, range) = times_ending(end, opts);
    let mut measure = |query: &str, ranged: bool| -> Cost {
        measure_query(storage, query, if ranged { Some(range) } else { None }, at, opts, clock)
    };
    // Compared where the instant query runs and in the middle of the range query.
    let times = [at, range.0 + (range.1 - range.0) / 2];
    PairCost {
        instant_raw: measure(&pair.raw, false),
        instant_recorded: measure(&pair.recorded, false),
        range_raw: measure(&pair.raw, true),
        range_recorded: measure(&pair.recorded, true),
        equivalence: equivalence(storage, &pair.raw, &pair.recorded, &times, &opts.engine),
        pair,
    }
}

/// One query's cost on `storage`: as an instant query at `at`, or as a range query over
/// `range` (start, end, step) when given; a query that does not parse or fails gives a cost
/// carrying its error.
pub fn measure_query(
    storage: &Storage,
    query: &str,
    range: Option<(Millis, Millis, Millis)>,
    at: Millis,
    opts: &CostOptions,
    clock: &mut dyn FnMut() -> f64,
) -> Cost {
    let Ok(expr) = parse::parse(query) else {
        return Cost { error: Some(format!("does not parse: {query}")), ..Cost::default() };
    };
    let run = || match range {
        None => eval::eval_instant(storage, &expr, at, &opts.engine),
        Some((start, end, step)) => eval::eval_range(storage, &expr, start, end, step, &opts.engine),
    };
    time_query(run, opts, clock)
}

/// Runs `run` once for its counters, then `opts.runs` timed batches; the median per query.
fn time_query<F>(run: F, opts: &CostOptions, clock: &mut dyn FnMut() -> f64) -> Cost
where
    F: Fn() -> Result<crate::engine::QueryOutput, crate::engine::QueryError>,
{
    let output = match run() {
        Ok(o) => o,
        Err(e) => return Cost { error: Some(e.to_string()), ..Cost::default() },
    };
    let result_series = match &output.value {
        Value::Vector(v) => v.len(),
        Value::Matrix(m) => m.len(),
        Value::Scalar { .. } | Value::String { .. } => 1,
    };
    let QueryStats { samples_touched, series_touched, .. } = output.stats;
    // Calibrate: double the batch until it lasts long enough for the clock to resolve.
    let mut batch = 1usize;
    loop {
        let t0 = clock();
        (0..batch).for_each(|_| drop(run()));
        let took = clock() - t0;
        if took >= opts.min_batch_ms || batch >= opts.max_batch {
            break;
        }
        batch = (batch * 2).min(opts.max_batch);
    }
    let mut times: Vec<f64> = (0..opts.runs.max(1))
        .map(|_| {
            let t0 = clock();
            (0..batch).for_each(|_| drop(run()));
            (clock() - t0) / batch as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    Cost {
        median_ms: times[times.len() / 2],
        samples: samples_touched,
        series: series_touched,
        result_series,
        error: None,
    }
}

/// The comparison as a text table (what `promplay rules bench` prints), followed by the
/// storage cost of every rule and the assumptions behind it.
pub fn render(table: &CostTable) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Instant query at t={}s; range query over the last {} with step {}s; median of {} timed batches.\n\n",
        table.at / 1000,
        super::duration::format(table.range.1 - table.range.0),
        table.range.2 / 1000,
        table.runs
    ));
    let header = ["query", "raw µs", "rec µs", "raw smp", "rec smp", "raw ser", "rec ser", "speedup", ">5x"];
    out.push_str(&format!("{:<44}", "pair (raw query -> recorded series)"));
    for (h, w) in header.iter().zip(WIDTHS) {
        out.push_str(&format!(" {h:>w$}"));
    }
    out.push('\n');
    for pc in &table.pairs {
        for (kind, raw, rec, speed) in [
            ("inst", &pc.instant_raw, &pc.instant_recorded, pc.instant_speedup()),
            ("6h", &pc.range_raw, &pc.range_recorded, pc.range_speedup()),
        ] {
            let (ratio, verdict) = match speed {
                // Nothing recorded: there is nothing to compare with.
                Some(_) if rec.result_series == 0 => ("-".to_string(), "empty"),
                // Not a replacement: the speedup does not count.
                Some(s) if pc.differs() => (format!("{s:.1}x"), "differs"),
                Some(s) => (format!("{s:.1}x"), if s > TARGET_SPEEDUP { "yes" } else { "no" }),
                None => ("-".to_string(), "-"),
            };
            let cells = [
                kind.to_string(),
                micros(raw),
                micros(rec),
                raw.samples.to_string(),
                rec.samples.to_string(),
                raw.series.to_string(),
                rec.series.to_string(),
                ratio,
                verdict.to_string(),
            ];
            out.push_str(&format!("{:<44}", truncate(&pc.pair.label, 44)));
            for (c, w) in cells.iter().zip(WIDTHS) {
                out.push_str(&format!(" {c:>w$}"));
            }
            out.push('\n');
        }
    }
    for pc in &table.pairs {
        if let Equivalence::Differs(why) = &pc.equivalence {
            out.push_str(&format!(
                "note: {}: not the same query: {why}; its speedup does not count.\n",
                pc.pair.label
            ));
        }
    }
    out.push_str(&format!(
        "\n{:<44} {:>7} {:>9} {:>14} {:>12}\n",
        "recorded series storage", "series", "interval", "samples/day", "bytes/day"
    ));
    for s in &table.storage {
        out.push_str(&format!(
            "{:<44} {:>7} {:>9} {:>14.0} {:>12.0}\n",
            truncate(&s.record, 44),
            s.series,
            super::duration::format(s.interval),
            s.samples_per_day,
            s.bytes_per_day
        ));
    }
    let total: f64 = table.storage.iter().map(|s| s.bytes_per_day).sum();
    out.push_str(&format!(
        "{:<44} {:>7} {:>9} {:>14} {:>12.0}\n\nStorage assumes {BYTES_PER_SAMPLE} bytes per sample (Prometheus TSDB compresses \
         samples to about 1-2 bytes), one sample per series per evaluation, index overhead not included.\n",
        "total",
        table.storage.iter().map(|s| s.series).sum::<usize>(),
        "",
        "",
        total
    ));
    for pc in &table.pairs {
        for (what, c) in [("raw", &pc.instant_raw), ("recorded", &pc.instant_recorded)] {
            if let Some(e) = &c.error {
                out.push_str(&format!("{}: the {what} query failed: {e}\n", pc.pair.label));
            }
        }
    }
    out
}

/// Column widths of the pair table after the label.
const WIDTHS: [usize; 9] = [5, 10, 10, 9, 9, 7, 7, 8, 6];

fn micros(c: &Cost) -> String {
    if c.error.is_some() {
        "error".into()
    } else {
        format!("{:.1}", c.median_ms * 1000.0)
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
