//! Window reducers: the range-vector functions that turn one series' window into one value
//! from the points alone. The function table calls them through [`reduce_call`]; the
//! evaluator's range fast path (`engine::call`) calls them on borrowed windows straight out
//! of storage, so both paths run the very same arithmetic. Windows holding native
//! histograms go through [`reduce_series`] to `window_hist.rs`.

use std::sync::Arc;

use super::over_time::{average, changes_in, incremental_average, resets_in, select, variance, KahanSum};
use super::rate::{extrapolated_rate, extrapolated_rate_v2, instant_value, Ends};
use super::trend::linear_regression;
use super::window_hist;
use super::FnCall;
use crate::engine::error::{Annotations, QueryError};
use crate::engine::histogram::FloatHistogram;
use crate::engine::value::{HPoint, Millis, Point, Sample, Value};

/// What a reducer knows besides the points.
#[derive(Clone, Copy, Debug)]
pub struct WindowCtx {
    /// The window `(start, end]` after `offset` and `@`.
    pub window: (Millis, Millis),
    /// The evaluation timestamp.
    pub t: Millis,
    /// The scalar parameter (`predict_linear`'s duration), else 0.
    pub param: f64,
    /// Prometheus 2.x means (`EngineOptions::v2_numerics`).
    pub v2_numerics: bool,
}

/// Reduces a non-empty, staleness-free window of floats to a value; `None` drops the series.
pub type Reducer = fn(&[Point], &WindowCtx) -> Option<f64>;

/// What a window reduces to.
pub enum Reduced {
    Float(f64),
    Histogram(Arc<FloatHistogram>),
}

impl Reduced {
    /// The result as a sample of series `labels` at `t`.
    pub fn into_sample(self, labels: crate::engine::Labels, t: Millis) -> Sample {
        match self {
            Reduced::Float(v) => Sample::float(labels, t, v),
            Reduced::Histogram(h) => Sample::histogram(labels, t, h),
        }
    }
}

/// One series' window split into its float samples and its histograms, with the window's
/// context and the series' metric name (for annotations).
#[derive(Clone, Copy)]
pub struct MixedWindow<'a> {
    pub floats: &'a [Point],
    pub hists: &'a [HPoint],
    pub ctx: &'a WindowCtx,
    pub metric: &'a str,
}

/// Reduces one series' window (not empty) with window function `name`, whose float
/// reducer is `f`: floats only go straight to `f`; windows holding histograms follow
/// Prometheus's rules for them. `metric` names the series in annotations.
pub fn reduce_series(
    name: &str,
    f: Reducer,
    w: &MixedWindow,
    annotations: &mut Annotations,
) -> Result<Option<Reduced>, QueryError> {
    if w.hists.is_empty() {
        return Ok(f(w.floats, w.ctx).map(Reduced::Float));
    }
    window_hist::reduce(name, f, w, annotations)
}

/// The reducer of function `name`, and whether it takes a scalar second argument.
pub fn reducer(name: &str) -> Option<(Reducer, bool)> {
    let r: Reducer = match name {
        "rate" => |p, c| by_ends(RATE, p, c),
        "increase" => |p, c| by_ends(INCREASE, p, c),
        "delta" => |p, c| by_ends(DELTA, p, c),
        "irate" => |p, _| instant_value(p, true),
        "idelta" => |p, _| instant_value(p, false),
        "sum_over_time" => |p, _| {
            let mut sum = KahanSum::default();
            p.iter().for_each(|p| sum.add(p.v));
            Some(sum.value())
        },
        "avg_over_time" => |p, c| Some(if c.v2_numerics { incremental_average(p) } else { average(p) }),
        "count_over_time" => |p, _| Some(p.len() as f64),
        "present_over_time" => |_, _| Some(1.0),
        "last_over_time" => |p, _| p.last().map(|p| p.v),
        "first_over_time" => |p, _| p.first().map(|p| p.v),
        "ts_of_first_over_time" => |p, _| p.first().map(|p| p.t as f64 / 1000.0),
        "ts_of_last_over_time" => |p, _| p.last().map(|p| p.t as f64 / 1000.0),
        "max_over_time" => |p, _| select(p, |cur, best| cur > best).map(|p| p.v),
        "min_over_time" => |p, _| select(p, |cur, best| cur < best).map(|p| p.v),
        // The timestamp of the last occurrence of the maximum / minimum.
        "ts_of_max_over_time" => |p, _| select(p, |cur, best| cur >= best).map(|p| p.t as f64 / 1000.0),
        "ts_of_min_over_time" => |p, _| select(p, |cur, best| cur <= best).map(|p| p.t as f64 / 1000.0),
        "stddev_over_time" => |p, _| Some(variance(p).sqrt()),
        "stdvar_over_time" => |p, _| Some(variance(p)),
        "changes" => |p, _| Some(changes_in(p)),
        "resets" => |p, _| Some(resets_in(p)),
        "deriv" => |p, _| {
            let first = p.first()?;
            (p.len() >= 2).then(|| linear_regression(p, first.t).0)
        },
        "predict_linear" => {
            return Some((
                |p, c| {
                    (p.len() >= 2).then(|| {
                        let (slope, intercept) = linear_regression(p, c.t);
                        slope * c.param + intercept
                    })
                },
                true,
            ))
        }
        _ => return None,
    };
    Some((r, false))
}

/// Reduces a window's [`Ends`] to a value (see [`ends_reducer`]).
pub type EndsReducer = fn(&Ends, &WindowCtx) -> Option<f64>;

/// The functions that only read a window's [`Ends`], each with whether its ends correct for
/// counter resets.
const RATE: (EndsReducer, bool) = (
    |e, c| match c.v2_numerics {
        true => extrapolated_rate_v2(e, c.window, true),
        false => extrapolated_rate(e, c.window).map(|v| v / range_seconds(c.window)),
    },
    true,
);
const INCREASE: (EndsReducer, bool) = (increase, true);
const DELTA: (EndsReducer, bool) = (increase, false);

/// `increase` and `delta`: the extrapolated change over the window.
fn increase(e: &Ends, c: &WindowCtx) -> Option<f64> {
    match c.v2_numerics {
        true => extrapolated_rate_v2(e, c.window, false),
        false => extrapolated_rate(e, c.window),
    }
}

/// `rate`, `increase` and `delta` as functions of a window's [`Ends`] (and whether those
/// count counter resets): range queries keep the ends of each series' window up to date as
/// it slides (`functions::resets`) instead of reading every point of it at every step.
pub fn ends_reducer(name: &str) -> Option<(EndsReducer, bool)> {
    match name {
        "rate" => Some(RATE),
        "increase" => Some(INCREASE),
        "delta" => Some(DELTA),
        _ => None,
    }
}

/// An [`EndsReducer`] over a window's points.
fn by_ends((f, is_counter): (EndsReducer, bool), points: &[Point], ctx: &WindowCtx) -> Option<f64> {
    f(&Ends::of(points, is_counter)?, ctx)
}

/// A window's length in seconds (what `rate` divides by).
fn range_seconds((start, end): (Millis, Millis)) -> f64 {
    end.saturating_sub(start) as f64 / 1000.0
}

/// The table implementation of every function [`reducer`] knows: reduces each series of the
/// range argument.
pub(super) fn reduce_call(call: &mut FnCall) -> Result<Value, QueryError> {
    let Some((f, takes_param)) = reducer(call.name) else {
        return Err(QueryError::eval(format!("{}(): not a window function", call.name)));
    };
    let param = if takes_param { call.scalar(1)? } else { 0.0 };
    // Functions with a rate need the window; the others work without one.
    let window = if matches!(call.name, "rate" | "increase" | "delta") {
        call.window()?
    } else {
        call.range_window.unwrap_or((0, 0))
    };
    let ctx = WindowCtx { window, t: call.t, param, v2_numerics: call.v2_numerics };
    let mut out = Vec::new();
    for s in call.take_matrix(0)? {
        if s.histograms.is_empty() {
            // Floats only (the usual case): straight to the reducer, which wants some.
            if let Some(v) = Some(&s.points).filter(|p| !p.is_empty()).and_then(|p| f(p, &ctx)) {
                out.push(Sample::float(s.labels, call.t, v));
            }
            continue;
        }
        let metric = s.labels.metric_name().unwrap_or_default().to_string();
        if let Some(r) = reduce_series(
            call.name,
            f,
            &MixedWindow { floats: &s.points, hists: &s.histograms, ctx: &ctx, metric: &metric },
            call.annotations,
        )? {
            out.push(r.into_sample(s.labels, call.t));
        }
    }
    Ok(Value::Vector(out))
}
