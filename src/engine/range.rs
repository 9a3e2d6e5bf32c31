//! Range queries: validate the parameters the way Prometheus's HTTP API does, evaluate the
//! instant expression at every step, and assemble a matrix sorted by labels.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use promql_parser::parser::value::ValueType;
use promql_parser::parser::Expr;

use super::eval::{sample_count, Evaluator, SharedLink, DUPLICATE_LABELSET};
use super::grouping::FxHasher;
use super::labels::Labels;
use super::shared::SharedResults;
use super::storage::Storage;
use super::value::{HPoint, Millis, Point, Sample, Series, Value};
use super::{EngineOptions, QueryError, QueryOutput};

/// Checks start/end/step like Prometheus's `/api/v1/query_range` handler.
pub fn validate(start: Millis, end: Millis, step: Millis, opts: &EngineOptions) -> Result<(), QueryError> {
    if end < start {
        return Err(QueryError::BadParams("end timestamp must not be before start time".into()));
    }
    if step <= 0 {
        return Err(QueryError::BadParams(
            "zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
        ));
    }
    let steps = end.saturating_sub(start) / step;
    if usize::try_from(steps).map_or(true, |n| n > opts.max_range_steps) {
        return Err(QueryError::BadParams(format!(
            "exceeded maximum resolution of {} points per timeseries. Try decreasing the query resolution (?step=XX)",
            thousands(opts.max_range_steps as u64)
        )));
    }
    Ok(())
}

/// An integer with thousands separators: `11000` → `11,000` (Prometheus's wording of the
/// resolution limit; the site and the rules lab print counts the same way).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Evaluates `expr` at `start, start+step, ..., <= end`.
pub fn eval_range(
    storage: &Storage,
    expr: &Expr,
    start: Millis,
    end: Millis,
    step: Millis,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    eval_range_paths(storage, expr, (start, end, step), opts, true, None)
}

/// [`eval_range`] sharing subexpression results with the other queries of a rule
/// evaluation (`shared.rs`).
pub fn eval_range_shared(
    storage: &Storage,
    expr: &Expr,
    (start, end, step): (Millis, Millis, Millis),
    opts: &EngineOptions,
    shared: &SharedResults,
) -> Result<QueryOutput, QueryError> {
    eval_range_paths(storage, expr, (start, end, step), opts, true, Some(shared))
}

/// [`eval_range`], with the window-function fast path on or off.
fn eval_range_paths(
    storage: &Storage,
    expr: &Expr,
    (start, end, step): (Millis, Millis, Millis),
    opts: &EngineOptions,
    window_fast_path: bool,
    shared: Option<&SharedResults>,
) -> Result<QueryOutput, QueryError> {
    validate(start, end, step, opts)?;
    match expr.value_type() {
        ValueType::Scalar | ValueType::Vector => {}
        other => {
            return Err(QueryError::BadParams(format!(
                "invalid expression type \"{}\" for range query, must be Scalar or instant Vector",
                type_word(other)
            )))
        }
    }
    let mut ev = Evaluator::new(storage, opts, start, end, step);
    ev.window_fast_path = window_fast_path;
    ev.shared = shared.and_then(|s| SharedLink::new(s, expr));
    ev.stats_only = super::histogram_stats::stats_selectors(expr);
    let mut out = Assembler::default();
    let mut t = start;
    while t <= end {
        let base = out.samples;
        ev.current_samples = base;
        let value = ev.eval(expr, t)?;
        match value {
            Value::Scalar { v, .. } => out.add(0, &Sample::float(Labels::empty(), t, v), t)?,
            Value::Vector(vec) => {
                for (pos, s) in vec.iter().enumerate() {
                    out.add(pos, s, t)?;
                }
            }
            other => {
                return Err(QueryError::eval(format!(
                    "invalid expression type \"{}\" for range query, must be Scalar or instant Vector",
                    other.type_name()
                )))
            }
        }
        ev.current_samples = out.samples;
        ev.check_samples()?;
        let Some(next) = t.checked_add(step) else { break };
        t = next;
    }
    let samples = out.samples;
    let value = Value::Matrix(out.into_sorted());
    debug_assert_eq!(sample_count(&value), samples);
    Ok(ev.finish(value))
}

/// Prometheus's name for a value type in API errors.
fn type_word(t: ValueType) -> &'static str {
    match t {
        ValueType::Matrix => "range vector",
        ValueType::Vector => "instant vector",
        ValueType::Scalar => "scalar",
        ValueType::String => "string",
    }
}

/// Series assembled step by step from instant results: each step appends at most one sample
/// (float or histogram) per label set. Consecutive steps usually list the same series in the same order, so the
/// position in the previous step is tried before the label-set index.
#[derive(Default)]
pub struct Assembler {
    pub series: Vec<Series>,
    index: HashMap<Labels, usize, BuildHasherDefault<FxHasher>>,
    hints: Vec<usize>,
    pub samples: usize,
}

impl Assembler {
    /// Appends sample `s` of this step's vector (the `pos`-th element), at `t`, to the series
    /// of its labels.
    pub fn add(&mut self, pos: usize, s: &Sample, t: Millis) -> Result<(), QueryError> {
        let labels = &s.labels;
        let hinted =
            self.hints.get(pos).copied().filter(|&i| self.series.get(i).is_some_and(|s| &s.labels == labels));
        let i = match hinted.or_else(|| self.index.get(labels).copied()) {
            Some(i) => i,
            None => {
                self.series.push(Series::floats(labels.clone(), Vec::new()));
                self.index.insert(labels.clone(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        if pos < self.hints.len() {
            self.hints[pos] = i;
        } else {
            self.hints.push(i);
        }
        let series = &mut self.series[i];
        if series.points.last().is_some_and(|p| p.t == t)
            || series.histograms.last().is_some_and(|p| p.t == t)
        {
            return Err(QueryError::eval(DUPLICATE_LABELSET));
        }
        match &s.h {
            Some(h) => series.histograms.push(HPoint { t, h: h.clone() }),
            None => series.points.push(Point { t, v: s.v }),
        }
        self.samples += s.weight();
        Ok(())
    }

    /// The series, sorted by labels.
    pub fn into_sorted(self) -> Vec<Series> {
        let mut series = self.series;
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
        series
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_checks_follow_the_api() {
        let o = EngineOptions::default();
        let cases: &[(Millis, Millis, Millis, bool)] = &[
            (0, 10, 1, true),
            (10, 0, 1, false),
            (0, 10, 0, false),
            (0, 11_000, 1, true),
            (0, 11_001, 1, false),
        ];
        for &(s, e, st, ok) in cases {
            assert_eq!(validate(s, e, st, &o).is_ok(), ok, "{s} {e} {st}");
        }
        assert_eq!(thousands(11000), "11,000");
        assert_eq!(thousands(100), "100");
    }

    /// Everything a query returns, with floats as bits so that NaNs compare and any
    /// difference in the last bit shows.
    fn exact(r: &Result<QueryOutput, QueryError>) -> String {
        match r {
            Err(e) => format!("error {e:?}"),
            Ok(out) => {
                let Value::Matrix(m) = &out.value else { return format!("{:?}", out.value) };
                let series: Vec<String> = m
                    .iter()
                    .map(|s| {
                        let pts: Vec<(Millis, u64)> = s.points.iter().map(|p| (p.t, p.v.to_bits())).collect();
                        format!("{:?} {pts:?} {:?}", s.labels, s.histograms)
                    })
                    .collect();
                format!("{series:?} {:?} {:?}", out.annotations, out.stats)
            }
        }
    }

    /// The window-function fast path gives bit-identical results, annotations, counters and
    /// errors to the general path, on data with gaps, staleness markers, NaN, resets and
    /// duplicate label sets after name removal, and on the benchmark's dataset; over
    /// selectors (window_paths.txt) and over subqueries' shared inner results
    /// (subquery_paths.txt).
    #[test]
    fn window_fast_path_matches_general_path() {
        let ml = crate::content::builtin_dataset("ml-platform")
            .ok()
            .and_then(|d| d.storage().ok())
            .expect("ml-platform dataset");
        for file in ["window_paths.txt", "subquery_paths.txt"] {
            let path = format!("{}/tests/testdata/{file}", env!("CARGO_MANIFEST_DIR"));
            let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            compare_window_paths(&data, &ml);
        }
    }

    /// Runs every query of a `load ... --- queries` file both ways on its data and on `ml`.
    fn compare_window_paths(data: &str, ml: &Storage) {
        let mut sections = data.split("\n---\n");
        let load = sections.next().unwrap_or_default();
        let queries: Vec<&str> =
            sections.next().unwrap_or_default().lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(queries.len() > 20, "too few queries");
        let small = crate::promqltest::run::load_storage(load).expect("load block");
        let ml_end = ml.time_bounds().map(|b| b.1).expect("samples");
        let opts = EngineOptions::default();
        let tight = EngineOptions { max_samples: 50, ..EngineOptions::default() };
        let snug = EngineOptions { max_samples: 400, ..EngineOptions::default() };
        let runs: [(&Storage, (Millis, Millis, Millis), &EngineOptions); 5] = [
            (&small, (0, 900_000, 7_000), &opts),
            (&small, (-60_000, 600_000, 60_000), &opts),
            (&small, (0, 900_000, 7_000), &tight),
            (&small, (3_500, 800_000, 20_000), &snug),
            (ml, (ml_end - 6 * 3_600_000, ml_end, 60_000), &opts),
        ];
        let mut compared = 0;
        for q in &queries {
            let expr = promql_parser::parser::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            for (storage, range, o) in runs {
                let fast = eval_range_paths(storage, &expr, range, o, true, None);
                let general = eval_range_paths(storage, &expr, range, o, false, None);
                assert_eq!(exact(&fast), exact(&general), "{q} over {range:?}");
                compared += usize::from(fast.is_ok());
            }
        }
        assert!(compared > queries.len() * 2, "most runs must succeed: {compared}");
    }
}
