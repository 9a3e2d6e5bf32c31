//! The benchmark of the seed exercise's queries, shared by `promplay bench` (native) and the
//! engine module's `bench` export (the same table measured inside a browser): each query as
//! an instant query and as a 6-hour dashboard range query, the median evaluation time over
//! N runs, the samples it read and samples per second. Pure apart from the clock passed in.

use std::time::Duration;

use crate::engine::{self, EngineOptions, Millis, QueryOutput, QueryStats, Storage};

/// The seed's queries (exercise 07: Tasks 1–5, the recording rules' expressions and the
/// queries of its `benchmark_queries.sh`), recording-rule names written out.
pub const QUERIES: &[&str] = &[
    "rate(model_predictions_total[5m])",
    "sum by (model) (rate(model_predictions_total[5m]))",
    "sum by (model) (increase(model_predictions_total[1h]))",
    "rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m])",
    "topk(1, rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m]))",
    "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
    "histogram_quantile(0.50, rate(model_prediction_duration_seconds_bucket[5m]))",
    "histogram_quantile(0.50, sum(rate(model_prediction_duration_seconds_bucket[5m])) by (le)) \
     or histogram_quantile(0.95, sum(rate(model_prediction_duration_seconds_bucket[5m])) by (le)) \
     or histogram_quantile(0.99, sum(rate(model_prediction_duration_seconds_bucket[5m])) by (le))",
    "sum by (model) (rate(model_prediction_duration_seconds_sum[5m])) \
     / sum by (model) (rate(model_prediction_duration_seconds_count[5m]))",
    "sum by (model) (rate(model_cache_hits_total[5m])) \
     / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
    "rate(model_predictions_total[5m]) / rate(model_predictions_total[5m] offset 24h)",
    "avg_over_time(rate(model_predictions_total[5m])[1h:5m])",
    "predict_linear(model_predictions_total[1h], 3600)",
    "deriv(container_memory_usage_bytes{container=\"model-server\"}[1h])",
    "sum by (model) (rate(model_predictions_total[5m])) / on (model) group_left \
     sum by (model) (rate(container_cpu_usage_seconds_total[5m]))",
    "sum by (model) (increase(model_predictions_total[24h]))",
    "abs(sum(rate(model_predictions_total[5m])) - avg_over_time(sum(rate(model_predictions_total[5m]))[1h:])) \
     > (2 * stddev_over_time(sum(rate(model_predictions_total[5m]))[1h:]))",
    "count({__name__=~\".+\"})",
    "count by (job) ({__name__=~\".+\"})",
];

/// Width of the dashboard range and its step (a Grafana panel over 6 h).
const RANGE: Millis = 6 * 3600 * 1000;
const STEP: Millis = 60 * 1000;

/// How one benchmark case is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Instant(Millis),
    Range { start: Millis, end: Millis, step: Millis },
}

/// The measurements of one query in one mode.
pub struct Row {
    pub query: &'static str,
    pub mode: Mode,
    pub median: Duration,
    pub stats: QueryStats,
    /// Set when the query failed (then the timing is meaningless).
    pub error: Option<String>,
}

impl Row {
    /// Samples read per second of median evaluation time.
    pub fn samples_per_second(&self) -> f64 {
        self.stats.samples_touched as f64 / self.median.as_secs_f64().max(1e-9)
    }
}

/// The instant the benchmark evaluates at: an hour before the data ends, 7.5 s past a scrape
/// slot, so it falls between samples.
pub fn instant_for(end: Millis) -> Millis {
    end - end.rem_euclid(30_000) - 3600 * 1000 + 7_500
}

fn eval(storage: &Storage, query: &str, mode: Mode, opts: &EngineOptions) -> Result<QueryOutput, String> {
    let r = match mode {
        Mode::Instant(t) => engine::instant_query(storage, query, t, opts),
        Mode::Range { start, end, step } => engine::range_query(storage, query, start, end, step, opts),
    };
    r.map_err(|e| e.to_string())
}

/// Runs one query `runs` times (after one warm-up run) and keeps the median; `clock` reads
/// milliseconds (`Instant` natively, `performance.now()` in the browser).
pub fn measure(
    storage: &Storage,
    query: &'static str,
    mode: Mode,
    runs: usize,
    clock: &dyn Fn() -> f64,
) -> Row {
    let opts = EngineOptions::default();
    measure_with(query, mode, runs, clock, &|q, m| eval(storage, q, m, &opts).map(|out| out.stats))
}

/// [`measure`] for any evaluator (the local engine, or a remote API): `eval` runs the query
/// and reports its work counters.
pub fn measure_with(
    query: &'static str,
    mode: Mode,
    runs: usize,
    clock: &dyn Fn() -> f64,
    eval: &dyn Fn(&str, Mode) -> Result<QueryStats, String>,
) -> Row {
    let (stats, error) = match eval(query, mode) {
        Ok(stats) => (stats, None),
        Err(e) => (QueryStats::default(), Some(e)),
    };
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t0 = clock();
            let _ = std::hint::black_box(eval(query, mode));
            Duration::from_secs_f64((clock() - t0).max(0.0) / 1000.0)
        })
        .collect();
    times.sort();
    Row { query, mode, median: times[times.len() / 2], stats, error }
}

/// The instant and the dashboard range every query is measured in.
pub fn modes(end_of_data: Millis) -> [Mode; 2] {
    let t = instant_for(end_of_data);
    [Mode::Instant(t), Mode::Range { start: t - RANGE, end: t, step: STEP }]
}

/// Every seed query, instant and over the dashboard range ending at the instant.
pub fn run_all(storage: &Storage, end_of_data: Millis, runs: usize, clock: &dyn Fn() -> f64) -> Vec<Row> {
    let modes = modes(end_of_data);
    QUERIES.iter().flat_map(|q| modes.iter().map(move |&m| measure(storage, q, m, runs, clock))).collect()
}

fn secs(ms: Millis) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// The human-readable table.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:>3}  {:<7}  {:>10}  {:>12}  {:>14}  query\n",
        "#", "mode", "median ms", "samples", "samples/s"
    );
    for (i, r) in rows.iter().enumerate() {
        let mode = if matches!(r.mode, Mode::Instant(_)) { "instant" } else { "range" };
        let query: String = r.query.split_whitespace().collect::<Vec<_>>().join(" ");
        let status = r.error.as_ref().map(|e| format!("  ERROR: {e}")).unwrap_or_default();
        out.push_str(&format!(
            "{:>3}  {mode:<7}  {:>10.3}  {:>12}  {:>14.0}  {query}{status}\n",
            i / 2 + 1,
            r.median.as_secs_f64() * 1000.0,
            r.stats.samples_touched,
            r.samples_per_second(),
        ));
    }
    let total: f64 = rows.iter().map(|r| r.median.as_secs_f64()).sum();
    let samples: u64 = rows.iter().map(|r| r.stats.samples_touched).sum();
    out.push_str(&format!(
        "total {:.3} ms over {} cases, {} samples, {:.0} samples/s\n",
        total * 1000.0,
        rows.len(),
        samples,
        samples as f64 / total.max(1e-9)
    ));
    out
}

/// Tab-separated rows: id, mode, time or start/end/step (seconds), median ms, samples, query.
pub fn tsv(rows: &[Row]) -> String {
    let mut out = String::from("id\tmode\ttime\tstart\tend\tstep\tmedian_ms\tsamples\tquery\n");
    for (i, r) in rows.iter().enumerate() {
        let (mode, times) = match r.mode {
            Mode::Instant(t) => ("instant", format!("{}\t\t\t", secs(t))),
            Mode::Range { start, end, step } => {
                ("range", format!("\t{}\t{}\t{}", secs(start), secs(end), secs(step)))
            }
        };
        let query: String = r.query.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "{}\t{mode}\t{times}\t{:.3}\t{}\t{query}\n",
            i / 2 + 1,
            r.median.as_secs_f64() * 1000.0,
            r.stats.samples_touched
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_falls_between_30s_scrapes() {
        let end = 1_767_744_000_000;
        assert_eq!(instant_for(end), end - 3600 * 1000 + 7_500);
        assert_eq!(instant_for(end + 12_000) % 30_000, 7_500);
    }

    #[test]
    fn every_query_parses() {
        for q in QUERIES {
            assert!(engine::parse::parse(q).is_ok(), "{q}");
        }
    }
}
