//! `rate`, `increase`, `delta`, `irate` and `idelta` over windows of native histograms
//! (Prometheus's `histogramRate` and the histogram half of `extrapolatedRate` and
//! `instantValue`): the difference between the last and first histogram, corrected for
//! counter resets, extrapolated like the float rate; the result is a gauge histogram.
//! Start timestamps are not stored here, so only counter resets the histograms show count.

use super::rate::extrapolation_factor;
use crate::engine::error::Annotations;
use crate::engine::histogram::arith::{reduce, ArithError, Combined};
use crate::engine::histogram::{notes, CounterResetHint, FloatHistogram};
use crate::engine::value::{HPoint, Millis};

/// What the window functions need to know besides the histograms.
pub struct RateCtx<'a> {
    /// The window `(start, end]`.
    pub window: (Millis, Millis),
    /// `rate`/`increase`/`irate` (counters) rather than `delta`/`idelta` (gauges).
    pub is_counter: bool,
    /// Per second (`rate`, `irate`) rather than over the window (`increase`, `delta`, `idelta`).
    pub per_second: bool,
    /// The series' metric name, for annotations.
    pub metric: &'a str,
}

/// `rate`/`increase`/`delta` of a window holding histograms only.
pub fn extrapolated(
    hists: &[HPoint],
    ctx: &RateCtx,
    annotations: &mut Annotations,
) -> Option<FloatHistogram> {
    if hists.len() < 2 {
        return None;
    }
    let (first, last) = (&hists[0], &hists[hists.len() - 1]);
    let mut result = difference(hists, ctx, annotations)?;
    let zero_point =
        (ctx.is_counter && result.count > 0.0 && first.h.count >= 0.0).then(|| first.h.count / result.count);
    let mut factor =
        extrapolation_factor((first.t, last.t), hists.len() - 1, ctx.window, ctx.is_counter, zero_point);
    if ctx.per_second {
        factor /= ctx.window.1.saturating_sub(ctx.window.0) as f64 / 1000.0;
    }
    result.mul(factor);
    Some(result)
}

/// The change from the first to the last histogram (`histogramRate`): for a counter, every
/// reset adds back the histogram before it.
fn difference(hists: &[HPoint], ctx: &RateCtx, annotations: &mut Annotations) -> Option<FloatHistogram> {
    let gauge = |h: &FloatHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
    let last = &hists[hists.len() - 1].h;
    let mut prev: FloatHistogram = (*hists[0].h).clone();
    if ctx.is_counter && (gauge(&prev) || gauge(last)) {
        annotations.warn(not_counter(ctx.metric));
    }
    // After a reset between the first two samples the first one does not matter, layout and all.
    if ctx.is_counter && hists[1].h.detect_reset(&prev) {
        let second = &hists[1].h;
        prev = FloatHistogram {
            schema: second.schema,
            custom_values: second.custom_values.clone(),
            ..FloatHistogram::default()
        };
    }
    let custom = prev.uses_custom_buckets();
    let mixed = || notes::mixed_schemas(ctx.metric);
    if last.uses_custom_buckets() != custom {
        annotations.warn(mixed());
        return None;
    }
    let mut min_schema = last.schema.min(prev.schema);
    if ctx.is_counter {
        for p in &hists[1..hists.len() - 1] {
            if gauge(&p.h) {
                annotations.warn(not_counter(ctx.metric));
            }
            min_schema = min_schema.min(p.h.schema);
            if p.h.uses_custom_buckets() != custom {
                annotations.warn(mixed());
                return None;
            }
        }
    }
    let mut h = copy_to_schema(last, min_schema);
    if !apply(h.sub(&prev), "subtraction", ctx, annotations) {
        return None;
    }
    if ctx.is_counter {
        let mut prev: &FloatHistogram = &prev;
        for p in &hists[1..] {
            if p.h.detect_reset(prev) && !apply(h.add(prev), "addition", ctx, annotations) {
                return None;
            }
            prev = &p.h;
        }
    } else if !gauge(&hists[0].h) || !gauge(last) {
        annotations.warn(not_gauge(ctx.metric));
    }
    h.counter_reset_hint = CounterResetHint::Gauge;
    h.compact(0);
    Some(h)
}

/// `irate`/`idelta` of the last two samples, both histograms.
pub fn instant(
    prev: &HPoint,
    last: &HPoint,
    ctx: &RateCtx,
    annotations: &mut Annotations,
) -> Option<FloatHistogram> {
    let interval = last.t.saturating_sub(prev.t);
    if interval == 0 {
        return None;
    }
    let gauge = |h: &FloatHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
    if ctx.is_counter && (gauge(&last.h) || gauge(&prev.h)) {
        annotations.warn(not_counter(ctx.metric));
    }
    if !ctx.is_counter && (!gauge(&last.h) || !gauge(&prev.h)) {
        annotations.warn(not_gauge(ctx.metric));
    }
    let mut h = (*last.h).clone();
    // After a counter reset the rate starts from zero: the last histogram as it is.
    if (!ctx.is_counter || !last.h.detect_reset(&prev.h))
        && !apply(h.sub(&prev.h), "subtraction", ctx, annotations)
    {
        return None;
    }
    h.counter_reset_hint = CounterResetHint::Gauge;
    h.compact(0);
    if ctx.per_second {
        h.div(interval as f64 / 1000.0);
    }
    Some(h)
}

/// Notes what an addition or subtraction reported; false when it failed.
fn apply(
    r: Result<Combined, ArithError>,
    operation: &str,
    ctx: &RateCtx,
    annotations: &mut Annotations,
) -> bool {
    match r {
        Err(ArithError::IncompatibleSchema) => {
            annotations.warn(notes::mixed_schemas(ctx.metric));
            false
        }
        Ok(c) => {
            if c.custom_bounds_reconciled {
                annotations.info(notes::custom_bounds_reconciled(operation));
            }
            true
        }
    }
}

/// A copy of `h` at the lower resolution `schema` (Prometheus's `CopyToSchema`: a changed
/// schema drops the counter reset hint).
fn copy_to_schema(h: &FloatHistogram, schema: i32) -> FloatHistogram {
    if schema == h.schema || h.uses_custom_buckets() {
        return h.clone();
    }
    let mut c = FloatHistogram {
        schema,
        zero_threshold: h.zero_threshold,
        zero_count: h.zero_count,
        count: h.count,
        sum: h.sum,
        ..FloatHistogram::default()
    };
    c.set_positive(&reduce(&h.positive(), h.schema, schema));
    c.set_negative(&reduce(&h.negative(), h.schema, schema));
    c
}

fn not_counter(metric: &str) -> String {
    format!("PromQL warning: this native histogram metric is not a counter: {metric:?}")
}

fn not_gauge(metric: &str) -> String {
    format!("PromQL warning: this native histogram metric is not a gauge: {metric:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::histogram::Span;
    use std::sync::Arc;

    fn hp(t: Millis, count: f64, hint: CounterResetHint) -> HPoint {
        HPoint {
            t,
            h: Arc::new(FloatHistogram {
                count,
                sum: 2.0 * count,
                counter_reset_hint: hint,
                positive_spans: vec![Span { offset: 0, length: 1 }],
                positive_buckets: vec![count],
                ..FloatHistogram::default()
            }),
        }
    }

    fn ctx(is_counter: bool, per_second: bool) -> RateCtx<'static> {
        RateCtx { window: (0, 120_000), is_counter, per_second, metric: "m" }
    }

    #[test]
    fn increase_corrects_resets_and_extrapolates() {
        use CounterResetHint::Unknown;
        let mut a = Annotations::default();
        // 0, 10, 20 at the window's edges: no extrapolation.
        let hs = [hp(0, 0.0, Unknown), hp(60_000, 10.0, Unknown), hp(120_000, 20.0, Unknown)];
        let h = extrapolated(&hs, &ctx(true, false), &mut a).expect("a histogram");
        assert_eq!((h.count, h.sum, h.counter_reset_hint), (20.0, 40.0, CounterResetHint::Gauge));
        // 10, then a reset to 2, then 4: 4 + 10 = 14.
        let hs = [hp(0, 10.0, Unknown), hp(60_000, 2.0, Unknown), hp(120_000, 4.0, Unknown)];
        assert_eq!(extrapolated(&hs, &ctx(true, false), &mut a).map(|h| h.count), Some(4.0));
        let hs = [hp(0, 10.0, Unknown), hp(60_000, 12.0, Unknown), hp(120_000, 4.0, Unknown)];
        assert_eq!(extrapolated(&hs, &ctx(true, true), &mut a).map(|h| h.count), Some(6.0 / 120.0));
        assert!(a.is_empty(), "{a:?}");
    }

    #[test]
    fn type_mismatch_warnings() {
        let mut a = Annotations::default();
        let g = CounterResetHint::Gauge;
        let hs = [hp(0, 1.0, g), hp(60_000, 2.0, g)];
        extrapolated(&hs, &ctx(true, false), &mut a);
        assert_eq!(a.warnings, vec![not_counter("m")]);
        let mut a = Annotations::default();
        let h = instant(&hs[0], &hs[1], &ctx(false, false), &mut a).expect("a histogram");
        assert!(a.is_empty() && h.count == 1.0);
    }
}
