//! Trends of one series over its window: `deriv` and `predict_linear` (least-squares line
//! with Kahan-compensated sums) and `double_exponential_smoothing` (Holt's linear method).

use super::format::go_f;
use super::over_time::KahanSum;
use super::trend_x_sums::{x_of, x_sums};
use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::histogram::notes;
use crate::engine::value::{Millis, Point, Value};

type R = Result<Value, QueryError>;

pub(super) fn double_exponential_smoothing(call: &mut FnCall) -> R {
    let (sf, tf) = (call.scalar(1)?, call.scalar(2)?);
    let matrix = call.take_matrix(0)?;
    // Upstream validates the factors only once a series with samples is processed, and a
    // NaN factor passes both comparisons (the result is then NaN).
    if matrix.iter().any(|s| !s.is_empty()) {
        if sf <= 0.0 || sf >= 1.0 {
            return Err(QueryError::eval(format!(
                "invalid smoothing factor. Expected: 0 < sf < 1, got: {}",
                go_f(sf)
            )));
        }
        if tf <= 0.0 || tf >= 1.0 {
            return Err(QueryError::eval(format!(
                "invalid trend factor. Expected: 0 < tf < 1, got: {}",
                go_f(tf)
            )));
        }
    }
    let mut out = Vec::new();
    for s in matrix {
        // Histograms are ignored, with an info once the series has a float to smooth.
        if !s.histograms.is_empty() && !s.points.is_empty() {
            call.annotations.info(notes::ignored_in_mixed_range(s.labels.metric_name().unwrap_or_default()));
        }
        if let Some(v) = holt(&s.points, sf, tf) {
            out.push((s.labels, v));
        }
    }
    Ok(call.vector(out))
}

/// Holt's double exponential smoothing exactly as upstream iterates it; `None` for fewer
/// than two points.
fn holt(points: &[Point], sf: f64, tf: f64) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let (mut s0, mut s1) = (0.0, points[0].v);
    let mut b = points[1].v - points[0].v;
    for (i, p) in points.iter().enumerate().skip(1) {
        let x = sf * p.v;
        // The trend at the first step is the initial difference itself.
        if i > 1 {
            b = tf * (s1 - s0) + (1.0 - tf) * b;
        }
        let y = (1.0 - sf) * (s1 + b);
        (s0, s1) = (s1, x + y);
    }
    Some(s1)
}

/// Slope (per second) and intercept at `intercept_time` of the least-squares line, with
/// upstream's special case: a constant series has slope 0 (NaN if the constant is ±Inf).
pub(super) fn linear_regression(points: &[Point], intercept_time: Millis) -> (f64, f64) {
    let Some(first) = points.first() else { return (f64::NAN, f64::NAN) };
    // The four sums are independent, so adding the x side apart (and often not at all,
    // see trend_x_sums.rs) changes no result.
    let (sx, sx2) = x_sums(points, intercept_time);
    let (mut sy, mut sxy) = (KahanSum::default(), KahanSum::default());
    let const_y = points.iter().all(|p| p.v == first.v);
    for p in points {
        let x = x_of(p.t, intercept_time);
        sy.add(p.v);
        sxy.add(x * p.v);
    }
    if const_y {
        return if first.v.is_infinite() { (f64::NAN, f64::NAN) } else { (0.0, first.v) };
    }
    let n = points.len() as f64;
    // Upstream adds the compensation unconditionally here (no Inf guard).
    let (sx, sy, sxy, sx2) = (sx.sum + sx.c, sy.sum + sy.c, sxy.sum + sxy.c, sx2.sum + sx2.c);
    let cov_xy = sxy - sx * sy / n;
    let var_x = sx2 - sx * sx / n;
    let slope = cov_xy / var_x;
    (slope, sy / n - slope * sx / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(samples: &[(Millis, f64)]) -> Vec<Point> {
        samples.iter().map(|&(t, v)| Point { t, v }).collect()
    }

    #[test]
    fn regression_lines() {
        // (points, intercept time, slope, intercept)
        type Case<'a> = (&'a [(Millis, f64)], Millis, f64, f64);
        let cases: &[Case] = &[
            (&[(0, 0.0), (10_000, 10.0), (20_000, 20.0)], 0, 1.0, 0.0),
            (&[(0, 0.0), (10_000, 10.0), (20_000, 20.0)], 30_000, 1.0, 30.0),
            (&[(0, 5.0), (10_000, 5.0)], 0, 0.0, 5.0),
            (&[(0, 1.0), (10_000, 3.0), (20_000, 2.0)], 0, 0.05, 1.5),
        ];
        for &(samples, at, slope, intercept) in cases {
            let (s, i) = linear_regression(&pts(samples), at);
            assert!((s - slope).abs() < 1e-12 && (i - intercept).abs() < 1e-12, "{samples:?}: {s} {i}");
        }
        let (s, i) = linear_regression(&pts(&[(0, f64::INFINITY), (1000, f64::INFINITY)]), 0);
        assert!(s.is_nan() && i.is_nan());
    }

    #[test]
    fn holt_smoothing() {
        // A straight line is reproduced exactly whatever the factors.
        let line = pts(&[(0, 0.0), (1000, 1.0), (2000, 2.0), (3000, 3.0)]);
        assert!((holt(&line, 0.5, 0.5).unwrap_or(f64::NAN) - 3.0).abs() < 1e-12);
        // By hand: s = 1, b = 1; s = 0.5*2 + 0.5*(1 + 1) = 2; b = 0.5*(2 - 1) + 0.5*1 = 1,
        // s = 0.5*4 + 0.5*(2 + 1) = 3.5; b = 0.5*(3.5 - 2) + 0.5*1 = 1.25,
        // s = 0.5*4 + 0.5*(3.5 + 1.25) = 4.375.
        let bumpy = pts(&[(0, 1.0), (1000, 2.0), (2000, 4.0), (3000, 4.0)]);
        assert_eq!(holt(&bumpy[..3], 0.5, 0.5), Some(3.5));
        assert_eq!(holt(&bumpy, 0.5, 0.5), Some(4.375));
        assert_eq!(holt(&line[..1], 0.5, 0.5), None);
    }
}
