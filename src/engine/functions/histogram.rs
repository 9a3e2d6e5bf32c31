//! `histogram_quantile(s)` and `histogram_fraction` over classic histograms (`_bucket` series
//! with an `le` label), following Prometheus's `BucketQuantile` / `BucketFraction`: buckets
//! sorted and merged by bound, +Inf bucket required, monotonicity forced with an info.
//! Native histogram samples in the same input are answered by `native_histogram.rs`.

use super::format::go_q;
use super::histogram_groups::BucketPlan;
use super::native_histogram as native;
use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::gofmt::format_g;
use crate::engine::histogram::notes;
use crate::engine::labels::Labels;
use crate::engine::value::{Sample, Value};

type R = Result<Value, QueryError>;

/// The label carrying a classic bucket's upper bound.
pub(super) const BUCKET_LABEL: &str = "le";

/// Relative differences between neighbouring buckets below this are float noise and are
/// evened out silently (upstream's `smallDeltaTolerance`).
const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

const FORCED_MONOTONICITY_INFO: &str = "PromQL info: input to histogram_quantile needed to be fixed for \
     monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)";

/// One classic bucket: upper bound and cumulative count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub upper_bound: f64,
    pub count: f64,
}

/// `histogram_quantile(q, buckets)`: one result per classic histogram.
pub(super) fn histogram_quantile(call: &mut FnCall) -> R {
    let q = call.scalar(0)?;
    let input = call.take_vector(1)?;
    // Upstream warns even when there is nothing to compute.
    warn_invalid_quantile(call, q);
    let (native, classic) = split_inputs(call, input);
    let mut out = Vec::new();
    for s in native {
        out.push((s.labels.clone(), native::quantile(call, q, &s)));
    }
    for (labels, mut buckets) in classic {
        let v = quantile_with_info(call, q, &labels, &mut buckets);
        out.push((labels, v));
    }
    Ok(call.vector(out))
}

/// `histogram_quantiles(v, "label", q1, q2, ...)`: one result per histogram and quantile,
/// labelled with the quantile (written as OpenMetrics writes floats: "0.5", "1.0").
pub(super) fn histogram_quantiles(call: &mut FnCall) -> R {
    let label = call.string(1)?;
    let qs = (2..call.args.len()).map(|i| call.scalar(i)).collect::<Result<Vec<_>, _>>()?;
    qs.iter().for_each(|&q| warn_invalid_quantile(call, q));
    let input = call.take_vector(0)?;
    let (native, groups) = split_inputs(call, input);
    let mut out = Vec::with_capacity(qs.len() * (native.len() + groups.len()));
    for &q in &qs {
        for s in &native {
            let v = native::quantile(call, q, s);
            let mut labels = s.labels.clone();
            labels.set(label.as_str(), format_openmetrics_float(q));
            out.push((labels, v));
        }
        for (labels, buckets) in &groups {
            let v = quantile_with_info(call, q, labels, &mut buckets.clone());
            let mut labels = labels.clone();
            labels.set(label.as_str(), format_openmetrics_float(q));
            out.push((labels, v));
        }
    }
    Ok(call.vector(out))
}

fn warn_invalid_quantile(call: &mut FnCall, q: f64) {
    if q.is_nan() || !(0.0..=1.0).contains(&q) {
        call.annotations
            .warn(format!("PromQL warning: quantile value should be between 0 and 1, got {}", format_g(q)));
    }
}

/// The quantile of one histogram, noting when its buckets had to be made monotonic.
fn quantile_with_info(call: &mut FnCall, q: f64, labels: &Labels, buckets: &mut Vec<Bucket>) -> f64 {
    let result = bucket_quantile(q, buckets);
    if result.forced_monotonic {
        call.annotations.info(format!("{FORCED_MONOTONICITY_INFO}{}", for_metric_name(labels)));
    }
    result.value
}

/// Upstream names the metric in histogram annotations when names are removed late (as its
/// test suite runs the engine); this engine removes them early but keeps the more helpful
/// wording: ` for metric name "x"`, or nothing when the series has no name.
pub(super) fn for_metric_name(labels: &Labels) -> String {
    labels.metric_name().map_or_else(String::new, |n| format!(" for metric name {}", go_q(n)))
}

/// Prometheus's `FormatOpenMetricsFloat`: Go's shortest `%g`, plus ".0" when that has
/// neither a '.' nor an exponent (-0 included, written "0.0").
fn format_openmetrics_float(v: f64) -> String {
    if v == 0.0 {
        return "0.0".into();
    }
    let s = format_g(v);
    if v.is_finite() && !s.contains(['.', 'e']) {
        format!("{s}.0")
    } else {
        s
    }
}

/// `histogram_fraction(lower, upper, buckets)`: the share of observations in between.
pub(super) fn histogram_fraction(call: &mut FnCall) -> R {
    let (lower, upper) = (call.scalar(0)?, call.scalar(1)?);
    let input = call.take_vector(2)?;
    let (native, classic) = split_inputs(call, input);
    let mut out: Vec<(Labels, f64)> =
        native.iter().map(|s| (s.labels.clone(), native::fraction(call, lower, upper, s))).collect();
    out.extend(classic.into_iter().map(|(l, mut b)| (l, bucket_fraction(lower, upper, &mut b))));
    Ok(call.vector(out))
}

/// Splits the input of `histogram_quantile`/`fraction` as Prometheus does: native
/// histogram samples, and classic histograms grouped from the float samples. A native
/// histogram with the same labels as a classic one (without `le`) makes both unusable.
fn split_inputs(call: &mut FnCall, input: Vec<Sample>) -> (Vec<Sample>, Vec<(Labels, Vec<Bucket>)>) {
    let (mut native, floats): (Vec<Sample>, Vec<Sample>) = input.into_iter().partition(|s| s.h.is_some());
    let mut classic = group_buckets(call, floats);
    native.retain(|s| {
        let Some(pos) = classic.iter().position(|(l, b)| l == &s.labels && !b.is_empty()) else {
            return true;
        };
        classic.remove(pos);
        call.annotations.warn(notes::mixed_classic_native(s.labels.metric_name().unwrap_or_default()));
        false
    });
    (native, classic)
}

/// Groups samples into histograms (see `histogram_groups`), with the call node's plan from
/// the previous step when there is one.
fn group_buckets(call: &mut FnCall, input: Vec<Sample>) -> Vec<(Labels, Vec<Bucket>)> {
    match call.bucket_plan.as_deref_mut() {
        Some(plan) => plan.group(call.annotations, &input),
        None => BucketPlan::default().group(call.annotations, &input),
    }
}

/// Go's `strconv.ParseFloat` for the forms bucket bounds take: decimals, exponents,
/// `Inf`/`+Inf`/`-Inf`/`Infinity` and `NaN` in any case.
pub(super) fn parse_go_float(s: &str) -> Option<f64> {
    // Rust's parser accepts the same decimal and special forms; Go additionally accepts
    // hex floats and `_` separators only with a base prefix, which bucket bounds never use.
    s.parse::<f64>().ok()
}

/// What [`bucket_quantile`] found besides the value.
#[derive(Debug, PartialEq)]
pub struct BucketQuantile {
    pub value: f64,
    /// A bucket had a lower count than one below it and was raised.
    pub forced_monotonic: bool,
}

/// The φ-quantile of a classic histogram (Prometheus's `BucketQuantile`). Sorts and merges
/// `buckets` in place. Linear interpolation inside the bucket holding the rank, 0 as the
/// lower edge of a lowest bucket with a positive bound; in the +Inf bucket the answer is
/// the highest finite bound. NaN when q is NaN, there is no +Inf bucket, fewer than two
/// buckets, or no observations; ±Inf when q is outside [0, 1].
pub fn bucket_quantile(q: f64, buckets: &mut Vec<Bucket>) -> BucketQuantile {
    let done = |value| BucketQuantile { value, forced_monotonic: false };
    if q.is_nan() {
        return done(f64::NAN);
    }
    if q < 0.0 {
        return done(f64::NEG_INFINITY);
    }
    if q > 1.0 {
        return done(f64::INFINITY);
    }
    if !sort_and_merge(buckets) {
        return done(f64::NAN);
    }
    let forced_monotonic = ensure_monotonic(buckets, SMALL_DELTA_TOLERANCE);
    let with = |value| BucketQuantile { value, forced_monotonic };
    let n = buckets.len();
    if n < 2 {
        return with(f64::NAN);
    }
    let observations = buckets[n - 1].count;
    if observations == 0.0 {
        return with(f64::NAN);
    }
    let mut rank = q * observations;
    // The first bucket (the +Inf one excluded) whose count reaches the rank.
    let b = buckets[..n - 1].partition_point(|bucket| bucket.count < rank);
    if b == n - 1 {
        return with(buckets[n - 2].upper_bound);
    }
    if b == 0 && buckets[0].upper_bound <= 0.0 {
        return with(buckets[0].upper_bound);
    }
    let (mut start, end, mut count) = (0.0, buckets[b].upper_bound, buckets[b].count);
    if b > 0 {
        start = buckets[b - 1].upper_bound;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    with(start + (end - start) * (rank / count))
}

/// The fraction of observations between `lower` and `upper` (Prometheus's
/// `BucketFraction`), interpolating linearly inside buckets.
pub fn bucket_fraction(lower: f64, upper: f64, buckets: &mut Vec<Bucket>) -> f64 {
    if !sort_and_merge(buckets) {
        return f64::NAN;
    }
    let count = buckets[buckets.len() - 1].count;
    if count == 0.0 || lower.is_nan() || upper.is_nan() {
        return f64::NAN;
    }
    if lower >= upper {
        return 0.0;
    }
    let (mut rank, mut lower_rank, mut upper_rank) = (0.0, None, None);
    // A lowest bucket with a positive bound starts at 0, otherwise at -Inf.
    let mut lower_bound = if buckets[0].upper_bound <= 0.0 { f64::NEG_INFINITY } else { 0.0 };
    for (i, b) in buckets.iter().enumerate() {
        if i > 0 {
            lower_bound = buckets[i - 1].upper_bound;
        }
        let upper_bound = b.upper_bound;
        // Inside a bucket with an infinite edge nothing can be interpolated: the +Inf bucket
        // contributes nothing (the formula yields `rank`), the -Inf one everything.
        let interpolate = |v: f64| {
            if lower_bound == f64::NEG_INFINITY {
                b.count
            } else {
                rank + (b.count - rank) * (v - lower_bound) / (upper_bound - lower_bound)
            }
        };
        if lower_rank.is_none() && lower_bound >= lower {
            lower_rank = Some(rank);
        }
        if upper_rank.is_none() && lower_bound >= upper {
            upper_rank = Some(rank);
        }
        if lower_rank.is_some() && upper_rank.is_some() {
            break;
        }
        if lower_rank.is_none() && lower_bound < lower && upper_bound > lower {
            lower_rank = Some(interpolate(lower));
        }
        if upper_rank.is_none() && lower_bound < upper && upper_bound > upper {
            upper_rank = Some(interpolate(upper));
        }
        if lower_rank.is_some() && upper_rank.is_some() {
            break;
        }
        rank = b.count;
    }
    let clamp = |r: Option<f64>| r.filter(|&r| r <= count).unwrap_or(count);
    (clamp(upper_rank) - clamp(lower_rank)) / count
}

/// Sorts by upper bound and merges buckets with equal bounds (adding their counts).
/// False when the highest bucket is not +Inf (or there are no buckets).
fn sort_and_merge(buckets: &mut Vec<Bucket>) -> bool {
    buckets.sort_by(|a, b| a.upper_bound.total_cmp(&b.upper_bound));
    if !buckets.last().is_some_and(|b| b.upper_bound == f64::INFINITY) {
        return false;
    }
    let mut merged: Vec<Bucket> = Vec::with_capacity(buckets.len());
    for b in buckets.drain(..) {
        match merged.last_mut() {
            Some(last) if last.upper_bound == b.upper_bound => last.count += b.count,
            _ => merged.push(b),
        }
    }
    *buckets = merged;
    true
}

/// Evens out differences between neighbouring counts that are float noise (relative
/// difference below `tolerance`), then raises any count lower than the one before it.
/// Returns whether a real decrease had to be removed.
fn ensure_monotonic(buckets: &mut [Bucket], tolerance: f64) -> bool {
    let mut forced = false;
    let Some(first) = buckets.first() else { return false };
    let mut prev = first.count;
    for b in buckets.iter_mut().skip(1) {
        let curr = b.count;
        if curr == prev {
            continue;
        }
        if almost_equal(prev, curr, tolerance) {
            b.count = prev;
            continue;
        }
        if curr < prev {
            b.count = prev;
            forced = true;
            continue;
        }
        prev = curr;
    }
    forced
}

/// Prometheus's `almost.Equal`: relative difference below `epsilon` (NaNs equal each other).
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE;
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < epsilon * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn buckets(pairs: &[(f64, f64)]) -> Vec<Bucket> {
        pairs.iter().map(|&(upper_bound, count)| Bucket { upper_bound, count }).collect()
    }

    fn same(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() < 1e-9
    }

    #[test]
    fn quantiles() {
        // (q, buckets in any order, expected value, monotonicity forced)
        type Case<'a> = (f64, &'a [(f64, f64)], f64, bool);
        let cases: &[Case] = &[
            (0.5, &[(1.0, 10.0), (2.0, 20.0), (INF, 20.0)], 1.0, false),
            (0.75, &[(2.0, 20.0), (INF, 20.0), (1.0, 10.0)], 1.5, false),
            (0.25, &[(1.0, 10.0), (2.0, 20.0), (INF, 20.0)], 0.5, false),
            // The rank lands in the +Inf bucket: the highest finite bound.
            (0.99, &[(1.0, 10.0), (2.0, 20.0), (INF, 40.0)], 2.0, false),
            // A lowest bucket with a non-positive bound is returned as is.
            (0.1, &[(-1.0, 10.0), (INF, 20.0)], -1.0, false),
            // Duplicate bounds are merged.
            (0.5, &[(1.0, 5.0), (1.0, 5.0), (2.0, 20.0), (INF, 20.0)], 1.0, false),
            // No +Inf bucket, no observations, one bucket only.
            (0.5, &[(1.0, 10.0), (2.0, 20.0)], f64::NAN, false),
            (0.5, &[(1.0, 0.0), (INF, 0.0)], f64::NAN, false),
            (0.5, &[(INF, 10.0)], f64::NAN, false),
            (f64::NAN, &[(1.0, 10.0), (INF, 10.0)], f64::NAN, false),
            (-1.0, &[(1.0, 10.0), (INF, 10.0)], f64::NEG_INFINITY, false),
            (2.0, &[(1.0, 10.0), (INF, 10.0)], INF, false),
            // A decreasing count is raised, and flagged.
            (0.5, &[(1.0, 10.0), (2.0, 8.0), (3.0, 20.0), (INF, 20.0)], 1.0, true),
            // Float noise is evened out without a flag.
            (0.5, &[(1.0, 10.0), (2.0, 10.0 - 1e-14), (INF, 20.0)], 1.0, false),
        ];
        for &(q, pairs, want, forced) in cases {
            let got = bucket_quantile(q, &mut buckets(pairs));
            assert!(same(got.value, want), "q={q} {pairs:?}: {}", got.value);
            assert_eq!(got.forced_monotonic, forced, "q={q} {pairs:?}");
        }
    }

    #[test]
    fn fractions() {
        let h = [(1.0, 10.0), (2.0, 20.0), (INF, 40.0)];
        // (lower, upper, expected)
        let cases: &[(f64, f64, f64)] = &[
            (0.0, 1.0, 0.25),
            (0.5, 1.5, 0.25),
            (0.0, INF, 1.0),
            (f64::NEG_INFINITY, 2.0, 0.5),
            (2.0, 1.0, 0.0),
            (f64::NAN, 1.0, f64::NAN),
            // Nothing is interpolated inside the +Inf bucket.
            (2.0, 100.0, 0.0),
        ];
        for &(lower, upper, want) in cases {
            let got = bucket_fraction(lower, upper, &mut buckets(&h));
            assert!(same(got, want), "[{lower}, {upper}]: {got}");
        }
        assert!(bucket_fraction(0.0, 1.0, &mut buckets(&[(1.0, 1.0)])).is_nan());
    }

    #[test]
    fn openmetrics_floats() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "0.0"),
            (1.0, "1.0"),
            (0.25, "0.25"),
            (-0.1, "-0.1"),
            (1e6, "1e+06"),
            (f64::NAN, "NaN"),
        ];
        for &(v, want) in cases {
            assert_eq!(format_openmetrics_float(v), want);
        }
    }

    #[test]
    fn almost_equal_like_upstream() {
        assert!(almost_equal(1.0, 1.0 + 1e-15, 1e-12));
        assert!(!almost_equal(1.0, 1.0 + 1e-9, 1e-12));
        assert!(!almost_equal(0.0, 1e-300, 1e-12));
        assert!(almost_equal(f64::NAN, f64::NAN, 1e-12));
    }
}
