//! The functions that read native histogram samples: `histogram_count`, `histogram_sum`,
//! `histogram_avg`, `histogram_stddev`, `histogram_stdvar` (float samples are skipped), and
//! the native half of `histogram_quantile(s)` / `histogram_fraction`.

use super::histogram::for_metric_name;
use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::histogram::stats::{self, NanNote};
use crate::engine::histogram::FloatHistogram;
use crate::engine::value::{Sample, Value};

type R = Result<Value, QueryError>;

/// Applies `f` to every histogram sample of the first argument; floats are left out.
fn per_histogram(call: &mut FnCall, f: fn(&FloatHistogram) -> f64) -> R {
    let out =
        call.take_vector(0)?.into_iter().filter_map(|s| s.h.as_deref().map(|h| (s.labels.clone(), f(h))));
    let out = out.collect();
    Ok(call.vector(out))
}

pub(super) fn histogram_count(call: &mut FnCall) -> R {
    per_histogram(call, |h| h.count)
}

pub(super) fn histogram_sum(call: &mut FnCall) -> R {
    per_histogram(call, |h| h.sum)
}

pub(super) fn histogram_avg(call: &mut FnCall) -> R {
    per_histogram(call, |h| h.sum / h.count)
}

pub(super) fn histogram_stddev(call: &mut FnCall) -> R {
    per_histogram(call, |h| stats::variance(h).sqrt())
}

pub(super) fn histogram_stdvar(call: &mut FnCall) -> R {
    per_histogram(call, stats::variance)
}

/// The `q`-quantile of histogram sample `s`, noting NaN observations.
pub(super) fn quantile(call: &mut FnCall, q: f64, s: &Sample) -> f64 {
    let Some(h) = &s.h else { return f64::NAN };
    let (v, note) = stats::quantile(q, h);
    note_nans(call, note, s);
    v
}

/// The fraction of histogram sample `s`'s observations in `(lower, upper)`.
pub(super) fn fraction(call: &mut FnCall, lower: f64, upper: f64, s: &Sample) -> f64 {
    let Some(h) = &s.h else { return f64::NAN };
    let (v, note) = stats::fraction(lower, upper, h);
    note_nans(call, note, s);
    v
}

fn note_nans(call: &mut FnCall, note: Option<NanNote>, s: &Sample) {
    let text = match note {
        None => return,
        Some(NanNote::QuantileNaN) => "input to histogram_quantile has NaN observations, result is NaN",
        Some(NanNote::QuantileSkewed) => {
            "input to histogram_quantile has NaN observations, result is skewed higher"
        }
        Some(NanNote::FractionExcludesNaN) => {
            "input to histogram_fraction has NaN observations, which are excluded from all fractions"
        }
    };
    call.annotations.info(format!("PromQL info: {text}{}", for_metric_name(&s.labels)));
}
