//! Argument access for function implementations, and the two drivers most functions are
//! written against: "map every float of an instant vector" and "reduce the floats of every
//! series of a range vector to one value" (native histogram samples handled as Prometheus
//! handles them there).

use promql_parser::parser::Expr;

use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::histogram::notes;
use crate::engine::labels::Labels;
use crate::engine::value::{Sample, Series, Value};

impl FnCall<'_> {
    /// Takes instant-vector argument `i` out of the call (it is not needed twice).
    pub(super) fn take_vector(&mut self, i: usize) -> Result<Vec<Sample>, QueryError> {
        match self.args.get_mut(i) {
            Some(Value::Vector(v)) => Ok(std::mem::take(v)),
            _ => Err(self.type_error(i, "instant vector", self.args.get(i).map(Value::type_name))),
        }
    }

    /// Takes range-vector argument `i` out of the call.
    pub(super) fn take_matrix(&mut self, i: usize) -> Result<Vec<Series>, QueryError> {
        match self.args.get_mut(i) {
            Some(Value::Matrix(m)) => Ok(std::mem::take(m)),
            _ => Err(self.type_error(i, "range vector", self.args.get(i).map(Value::type_name))),
        }
    }

    /// Scalar argument `i`.
    pub(super) fn scalar(&self, i: usize) -> Result<f64, QueryError> {
        match self.args.get(i) {
            Some(Value::Scalar { v, .. }) => Ok(*v),
            other => Err(self.type_error(i, "scalar", other.map(|v| v.type_name()))),
        }
    }

    /// Scalar argument `i`, or `default` when the call has fewer arguments.
    pub(super) fn scalar_or(&self, i: usize, default: f64) -> Result<f64, QueryError> {
        if i < self.args.len() {
            self.scalar(i)
        } else {
            Ok(default)
        }
    }

    /// String argument `i`: the evaluated string, or the literal as written.
    pub(super) fn string(&self, i: usize) -> Result<String, QueryError> {
        match (self.args.get(i), self.exprs.get(i).map(|e| unparen(e))) {
            (Some(Value::String { s, .. }), _) => Ok(s.clone()),
            (_, Some(Expr::StringLiteral(lit))) => Ok(lit.val.clone()),
            (other, _) => Err(self.type_error(i, "string", other.map(|v| v.type_name()))),
        }
    }

    /// The range argument's window `(start, end]`.
    pub(super) fn window(&self) -> Result<(i64, i64), QueryError> {
        self.range_window
            .ok_or_else(|| QueryError::eval(format!("{}(): range argument has no window", self.name)))
    }

    /// Wraps float samples computed at this call's timestamp as the call's result.
    pub(super) fn vector(&self, out: Vec<(Labels, f64)>) -> Value {
        Value::Vector(out.into_iter().map(|(labels, v)| Sample::float(labels, self.t, v)).collect())
    }

    /// Instant-vector argument `i` without its native histogram samples (what functions of
    /// float values read; Prometheus leaves histograms out of their results silently).
    pub(super) fn take_floats(&mut self, i: usize) -> Result<Vec<Sample>, QueryError> {
        let mut v = self.take_vector(i)?;
        v.retain(|s| s.h.is_none());
        Ok(v)
    }

    fn type_error(&self, i: usize, want: &str, got: Option<&'static str>) -> QueryError {
        QueryError::eval(format!(
            "{}(): argument {} must be {want}, got {}",
            self.name,
            i + 1,
            got.unwrap_or("nothing")
        ))
    }
}

fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

/// Applies `f` to every float of the first (instant-vector) argument, keeping the labels
/// (the evaluator drops the name afterwards); histogram samples are left out.
pub(super) fn map_values(call: &mut FnCall, f: impl Fn(f64) -> f64) -> Result<Value, QueryError> {
    let mut vector = call.take_floats(0)?;
    for s in &mut vector {
        s.v = f(s.v);
        s.t = call.t;
    }
    Ok(Value::Vector(vector))
}

/// Reduces the floats of every series of range argument `arg` to one value; `None` drops
/// the series. A series without floats is left out; one whose window also held histograms
/// is reduced over its floats, with Prometheus's info that the histograms were ignored.
pub(super) fn per_series_floats(
    call: &mut FnCall,
    arg: usize,
    mut f: impl FnMut(&Series) -> Option<f64>,
) -> Result<Value, QueryError> {
    let matrix = call.take_matrix(arg)?;
    let mut out = Vec::new();
    for s in matrix {
        if s.points.is_empty() {
            continue;
        }
        if !s.histograms.is_empty() {
            call.annotations.info(notes::ignored_in_mixed_range(s.labels.metric_name().unwrap_or_default()));
        }
        if let Some(v) = f(&s) {
            out.push((s.labels, v));
        }
    }
    Ok(call.vector(out))
}
