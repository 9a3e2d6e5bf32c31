//! Argument access for function implementations, and the two drivers most functions are
//! written against: "map every float of an instant vector" and "reduce every series of a
//! range vector to one value".

use promql_parser::parser::Expr;

use super::FnCall;
use crate::engine::error::QueryError;
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

    /// Wraps samples computed at this call's timestamp as the call's result.
    pub(super) fn vector(&self, out: Vec<(Labels, f64)>) -> Value {
        Value::Vector(out.into_iter().map(|(labels, v)| Sample { labels, t: self.t, v }).collect())
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

/// Applies `f` to every value of the first (instant-vector) argument, keeping the labels
/// (the evaluator drops the name afterwards).
pub(super) fn map_values(call: &mut FnCall, f: impl Fn(f64) -> f64) -> Result<Value, QueryError> {
    let mut vector = call.take_vector(0)?;
    for s in &mut vector {
        s.v = f(s.v);
        s.t = call.t;
    }
    Ok(Value::Vector(vector))
}

/// Reduces every series of range argument `arg` that has samples in its window to one value;
/// `None` drops the series from the result.
pub(super) fn per_series(
    call: &mut FnCall,
    arg: usize,
    mut f: impl FnMut(&Series) -> Option<f64>,
) -> Result<Value, QueryError> {
    let matrix = call.take_matrix(arg)?;
    let out = matrix
        .into_iter()
        .filter(|s| !s.points.is_empty())
        .filter_map(|s| f(&s).map(|v| (s.labels, v)))
        .collect();
    Ok(call.vector(out))
}
