//! Function calls: evaluates the arguments (range arguments become per-series windows),
//! hands them to the function table, then applies what Prometheus's engine does around a
//! call: name removal, the duplicate-label-set check, and the engine-level annotations
//! (non-counter info for rate/increase, sort in range queries).

use promql_parser::parser::{Call, Expr};

use super::eval::{check_duplicates, Evaluator};
use super::functions::FnCall;
use super::labels::METRIC_NAME;
use super::value::{Millis, Value};
use super::QueryError;

const SORT_FUNCTIONS: &[&str] = &["sort", "sort_desc", "sort_by_label", "sort_by_label_desc"];
const COUNTER_SUFFIXES: &[&str] = &["_total", "_sum", "_count", "_bucket"];

/// Evaluates a function call at `t`.
pub fn eval_call(ev: &mut Evaluator, call: &Call, t: Millis) -> Result<Value, QueryError> {
    let name = call.func.name;
    match name {
        "info" => return super::info::eval_info(ev, call, t),
        // Query-context functions: constants of the query, folded like Prometheus does.
        "start" => return Ok(Value::Scalar { t, v: ev.start as f64 / 1000.0 }),
        "end" => return Ok(Value::Scalar { t, v: ev.end as f64 / 1000.0 }),
        "range" => return Ok(Value::Scalar { t, v: ev.end.saturating_sub(ev.start) as f64 / 1000.0 }),
        "step" => return Ok(Value::Scalar { t, v: ev.step as f64 / 1000.0 }),
        _ => {}
    }
    let def = ev.function(name)?;
    let exprs = &call.args.args;

    let mut args = Vec::with_capacity(exprs.len());
    let mut range_window = None;
    for e in exprs {
        let v = match unparen(e) {
            // timestamp(selector) reports each sample's own timestamp.
            Expr::VectorSelector(vs) if name == "timestamp" => Value::Vector(ev.vector_selector(vs, t, true)),
            Expr::MatrixSelector(ms) => {
                let (m, w) = ev.matrix_selector(ms, t)?;
                range_window = Some(w);
                Value::Matrix(m)
            }
            Expr::Subquery(sq) => {
                let (m, w) = ev.subquery(sq, t)?;
                range_window = Some(w);
                Value::Matrix(m)
            }
            other => ev.eval(other, t)?,
        };
        args.push(v);
    }

    if ev.is_range && SORT_FUNCTIONS.contains(&name) {
        ev.annotations.warn(
            "PromQL warning: sort is ineffective for range queries since results are always ordered by labels",
        );
    }
    if name == "rate" || name == "increase" {
        non_counter_infos(ev, &args);
    }

    let mut fc = FnCall { name: def.name, args, exprs, t, range_window, annotations: &mut ev.annotations };
    let mut out = (def.imp)(&mut fc)?;
    if let Value::Vector(vec) = &mut out {
        if !def.keeps_name {
            vec.iter_mut().for_each(|s| ev.names.drop(&mut s.labels));
        }
        check_duplicates(vec)?;
    }
    Ok(out)
}

/// An argument without its enclosing parentheses (Prometheus strips them before evaluation).
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

/// Prometheus notes, per input series that yields a rate, when its name does not look like
/// a counter's.
fn non_counter_infos(ev: &mut Evaluator, args: &[Value]) {
    let Some(Value::Matrix(m)) = args.first() else { return };
    for s in m {
        let Some(metric) = s.labels.get(METRIC_NAME) else { continue };
        if s.points.len() >= 2 && !COUNTER_SUFFIXES.iter().any(|suf| metric.ends_with(suf)) {
            ev.annotations.info(format!(
                "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {metric:?}"
            ));
        }
    }
}
