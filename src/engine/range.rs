//! Range queries: validate the parameters the way Prometheus's HTTP API does, evaluate the
//! instant expression at every step, and assemble a matrix sorted by labels.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use promql_parser::parser::value::ValueType;
use promql_parser::parser::Expr;

use super::eval::{sample_count, Evaluator, DUPLICATE_LABELSET};
use super::grouping::FxHasher;
use super::labels::Labels;
use super::storage::Storage;
use super::value::{Millis, Point, Series, Value};
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
            thousands(opts.max_range_steps)
        )));
    }
    Ok(())
}

/// `11000` → `11,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
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
    let mut out = Assembler::default();
    let mut t = start;
    while t <= end {
        let base = out.samples;
        ev.current_samples = base;
        let value = ev.eval(expr, t)?;
        match value {
            Value::Scalar { v, .. } => out.add(0, &Labels::empty(), t, v)?,
            Value::Vector(vec) => {
                for (pos, s) in vec.iter().enumerate() {
                    out.add(pos, &s.labels, t, s.v)?;
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

/// Series assembled step by step from instant results: each step appends at most one point
/// per label set. Consecutive steps usually list the same series in the same order, so the
/// position in the previous step is tried before the label-set index.
#[derive(Default)]
pub struct Assembler {
    pub series: Vec<Series>,
    index: HashMap<Labels, usize, BuildHasherDefault<FxHasher>>,
    hints: Vec<usize>,
    pub samples: usize,
}

impl Assembler {
    /// Appends `(t, v)` to the series `labels`, the `pos`-th element of this step's vector.
    pub fn add(&mut self, pos: usize, labels: &Labels, t: Millis, v: f64) -> Result<(), QueryError> {
        let hinted =
            self.hints.get(pos).copied().filter(|&i| self.series.get(i).is_some_and(|s| &s.labels == labels));
        let i = match hinted.or_else(|| self.index.get(labels).copied()) {
            Some(i) => i,
            None => {
                self.series.push(Series { labels: labels.clone(), points: Vec::new() });
                self.index.insert(labels.clone(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        if pos < self.hints.len() {
            self.hints[pos] = i;
        } else {
            self.hints.push(i);
        }
        let points = &mut self.series[i].points;
        if points.last().is_some_and(|p| p.t == t) {
            return Err(QueryError::eval(DUPLICATE_LABELSET));
        }
        points.push(Point { t, v });
        self.samples += 1;
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
}
