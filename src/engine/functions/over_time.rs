//! The `*_over_time` family, `changes` and `resets`: each reduces one series' window to a
//! single value, with upstream's numerics (Kahan sums, NaN ordering, incremental means).

use super::args::per_series_floats;
use super::FnCall;
use crate::engine::aggregate::quantile;
use crate::engine::error::QueryError;
use crate::engine::gofmt::format_g;
use crate::engine::kahan;
use crate::engine::value::{Point, Value};

type R = Result<Value, QueryError>;

pub(super) fn quantile_over_time(call: &mut FnCall) -> R {
    let q = call.scalar(0)?;
    let result = per_series_floats(call, 1, |s| {
        Some(quantile(q, &mut s.points.iter().map(|p| p.v).collect::<Vec<_>>()))
    })?;
    if matches!(&result, Value::Vector(v) if !v.is_empty()) && !(0.0..=1.0).contains(&q) {
        call.annotations
            .warn(format!("PromQL warning: quantile value should be between 0 and 1, got {}", format_g(q)));
    }
    Ok(result)
}

/// Median absolute deviation; any NaN makes it NaN.
pub(super) fn mad_over_time(call: &mut FnCall) -> R {
    per_series_floats(call, 0, |s| {
        if s.points.iter().any(|p| p.v.is_nan()) {
            return Some(f64::NAN);
        }
        let mut values: Vec<f64> = s.points.iter().map(|p| p.v).collect();
        let median = quantile(0.5, &mut values);
        values.iter_mut().for_each(|v| *v = (*v - median).abs());
        Some(quantile(0.5, &mut values))
    })
}

/// How often the value changed (NaN to NaN is no change).
pub(super) fn changes_in(points: &[Point]) -> f64 {
    let n = points.windows(2).filter(|w| w[1].v != w[0].v && !(w[1].v.is_nan() && w[0].v.is_nan()));
    n.count() as f64
}

/// How often the value decreased.
pub(super) fn resets_in(points: &[Point]) -> f64 {
    points.windows(2).filter(|w| w[1].v < w[0].v).count() as f64
}

/// Upstream's `compareOverTime`: walks the points keeping the one `better` prefers; a NaN
/// kept so far is always replaced, so NaN only wins when every value is NaN.
pub(super) fn select(points: &[Point], better: impl Fn(f64, f64) -> bool) -> Option<Point> {
    let mut best = *points.first()?;
    for p in points {
        if better(p.v, best.v) || best.v.is_nan() {
            best = *p;
        }
    }
    Some(best)
}

/// A running Kahan-compensated sum.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct KahanSum {
    pub sum: f64,
    pub c: f64,
}

impl KahanSum {
    /// Adds `v` (inlined for the reason [`kahan::inc`] is).
    #[inline(always)]
    pub fn add(&mut self, v: f64) {
        (self.sum, self.c) = kahan::inc(v, self.sum, self.c);
    }

    /// The compensated total; an overflowed sum stays ±Inf (adding `c` could make it NaN).
    pub fn value(&self) -> f64 {
        if self.sum.is_infinite() {
            self.sum
        } else {
            self.sum + self.c
        }
    }
}

/// The mean with Kahan compensation, switching to an incremental mean once the running sum
/// would overflow (upstream's `avg_over_time`).
pub(super) fn average(points: &[Point]) -> f64 {
    let Some(first) = points.first() else { return f64::NAN };
    let (mut sum, mut c) = (first.v, 0.0);
    let (mut mean, mut incremental) = (0.0, false);
    let mut count = 1.0;
    for (i, p) in points.iter().enumerate().skip(1) {
        count = (i + 1) as f64;
        if !incremental {
            let (new_sum, new_c) = kahan::inc(p.v, sum, c);
            if !new_sum.is_infinite() {
                (sum, c) = (new_sum, new_c);
                continue;
            }
            incremental = true;
            mean = sum / (count - 1.0);
            c /= count - 1.0;
        }
        let q = (count - 1.0) / count;
        (mean, c) = kahan::inc(p.v / count, q * mean, q * c);
    }
    if incremental {
        mean + c
    } else {
        sum / count + c / count
    }
}

/// The mean the way Prometheus 2.x's `avg_over_time` computes it: a Kahan-compensated
/// incremental mean, an infinite mean kept unless a NaN or an opposite infinity comes.
pub(super) fn incremental_average(points: &[Point]) -> f64 {
    let (mut mean, mut c, mut count) = (0.0f64, 0.0, 0.0);
    for p in points {
        count += 1.0;
        if mean.is_infinite() {
            let same_infinity = p.v.is_infinite() && (mean > 0.0) == (p.v > 0.0);
            if same_infinity || (!p.v.is_infinite() && !p.v.is_nan()) {
                continue;
            }
        }
        (mean, c) = kahan::inc(p.v / count - mean / count, mean, c);
    }
    if mean.is_infinite() {
        mean
    } else {
        mean + c
    }
}

/// Population variance by Welford's method with Kahan-compensated accumulators
/// (upstream's `varianceOverTime`); Inf or NaN inputs give NaN.
pub(super) fn variance(points: &[Point]) -> f64 {
    let (mut count, mut mean, mut c_mean, mut aux, mut c_aux) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for p in points {
        count += 1.0;
        let delta = p.v - (mean + c_mean);
        (mean, c_mean) = kahan::inc(delta / count, mean, c_mean);
        (aux, c_aux) = kahan::inc(delta * (p.v - (mean + c_mean)), aux, c_aux);
    }
    (aux + c_aux) / count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(values: &[f64]) -> Vec<Point> {
        values.iter().enumerate().map(|(i, &v)| Point { t: i as i64 * 1000, v }).collect()
    }

    fn same(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn averages_and_variances() {
        // (values, mean, population variance)
        let cases: &[(&[f64], f64, f64)] = &[
            (&[1.0, 2.0, 3.0, 4.0], 2.5, 1.25),
            (&[5.0], 5.0, 0.0),
            (&[1.0, f64::INFINITY], f64::INFINITY, f64::NAN),
            (&[1.0, f64::NAN], f64::NAN, f64::NAN),
        ];
        for &(values, mean, var) in cases {
            assert!(same(average(&pts(values)), mean), "avg {values:?}");
            assert!(same(variance(&pts(values)), var), "var {values:?}");
        }
    }

    #[test]
    fn average_survives_overflow() {
        // The running sum overflows at the second value; the incremental mean does not.
        let got = average(&pts(&[f64::MAX, f64::MAX, -f64::MAX]));
        assert!(same(got, f64::MAX / 3.0), "{got}");
    }

    #[test]
    fn selection_skips_nan() {
        let p = pts(&[f64::NAN, 3.0, 1.0, 3.0]);
        assert_eq!(select(&p, |a, b| a > b).map(|p| p.t), Some(1000));
        assert_eq!(select(&p, |a, b| a >= b).map(|p| p.t), Some(3000));
        assert!(select(&pts(&[f64::NAN]), |a, b| a > b).is_some_and(|p| p.v.is_nan()));
    }
}
