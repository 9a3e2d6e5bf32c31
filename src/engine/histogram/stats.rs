//! Statistics read off one native histogram (`histogram_quantile`, `histogram_fraction`,
//! `histogram_stddev`/`stdvar`), following Prometheus's `HistogramQuantile`,
//! `HistogramFraction` and `histogramVariance`.

use super::bounds::{all_buckets, Bucket};
use super::FloatHistogram;
use crate::engine::kahan;

/// A finding about NaN observations, reported as an info by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NanNote {
    /// The quantile is NaN because the rank fell among NaN observations.
    QuantileNaN,
    /// NaN observations skew the quantile higher.
    QuantileSkewed,
    /// NaN observations are left out of every fraction.
    FractionExcludesNaN,
}

/// The `q`-quantile of `h`: interpolated linearly in custom and zero buckets, on a
/// logarithmic scale in exponential ones.
pub fn quantile(q: f64, h: &FloatHistogram) -> (f64, Option<NanNote>) {
    if q < 0.0 {
        return (f64::NEG_INFINITY, None);
    }
    if q > 1.0 {
        return (f64::INFINITY, None);
    }
    if h.count == 0.0 || q.is_nan() {
        return (f64::NAN, None);
    }
    let custom = h.uses_custom_buckets();
    let forward = h.sum.is_nan() || q < 0.5;
    let mut buckets = all_buckets(h);
    if !forward {
        buckets.reverse();
    }
    let mut rank = if forward { q * h.count } else { (1.0 - q) * h.count };
    let mut count = 0.0;
    let mut pos = 0;
    // Without any bucket, Go's zero-valued bucket [0, 0] is what the code below sees.
    let mut bucket = Bucket {
        lower: 0.0,
        upper: 0.0,
        lower_inclusive: false,
        upper_inclusive: false,
        count: 0.0,
        index: 0,
    };
    while pos < buckets.len() {
        bucket = buckets[pos];
        pos += 1;
        if bucket.count == 0.0 {
            continue;
        }
        count += bucket.count;
        if count >= rank {
            break;
        }
    }
    if !custom && bucket.lower < 0.0 && bucket.upper > 0.0 {
        if h.negative_buckets.is_empty() && !h.positive_buckets.is_empty() {
            bucket.lower = 0.0;
        } else if h.positive_buckets.is_empty() && !h.negative_buckets.is_empty() {
            bucket.upper = 0.0;
        }
    } else if custom {
        if bucket.lower == f64::NEG_INFINITY {
            if bucket.upper <= 0.0 {
                return (bucket.upper, None);
            }
            bucket.lower = 0.0;
        } else if bucket.upper == f64::INFINITY {
            return (bucket.lower, None);
        }
    }
    count = count.min(h.count);
    if count < rank {
        if h.sum.is_nan() {
            return (f64::NAN, Some(NanNote::QuantileNaN));
        }
        return (bucket.upper, None);
    }
    if forward {
        rank -= count - bucket.count;
    } else {
        rank = count - rank;
    }
    let mut note = None;
    if h.sum.is_nan() {
        let total = count + buckets[pos..].iter().map(|b| b.count).sum::<f64>();
        if total < h.count {
            note = Some(NanNote::QuantileSkewed);
        }
    }
    let fraction = rank / bucket.count;
    if custom || (bucket.lower <= 0.0 && bucket.upper >= 0.0) {
        return (bucket.lower + (bucket.upper - bucket.lower) * fraction, note);
    }
    let log_lower = bucket.lower.abs().log2();
    let log_upper = bucket.upper.abs().log2();
    if bucket.lower > 0.0 {
        return ((log_lower + (log_upper - log_lower) * fraction).exp2(), note);
    }
    (-(log_upper + (log_lower - log_upper) * (1.0 - fraction)).exp2(), note)
}

/// The fraction of observations of `h` between `lower` and `upper`.
pub fn fraction(lower: f64, upper: f64, h: &FloatHistogram) -> (f64, Option<NanNote>) {
    if h.count == 0.0 || lower.is_nan() || upper.is_nan() {
        return (f64::NAN, None);
    }
    if lower >= upper {
        return (0.0, None);
    }
    let custom = h.uses_custom_buckets();
    let buckets = all_buckets(h);
    let (mut count, mut rank) = (0.0, 0.0);
    let (mut lower_rank, mut upper_rank): (Option<f64>, Option<f64>) = (None, None);
    let mut pos = 0;
    while pos < buckets.len() {
        let mut b = buckets[pos];
        pos += 1;
        count += b.count;
        let mut zero_bucket = false;
        if b.lower <= 0.0 && b.upper >= 0.0 {
            zero_bucket = true;
            if h.negative_buckets.is_empty() && !h.positive_buckets.is_empty() {
                b.lower = 0.0;
            } else if h.positive_buckets.is_empty() && !h.negative_buckets.is_empty() {
                b.upper = 0.0;
            }
        }
        let interpolate = |v: f64| {
            if custom || zero_bucket {
                if b.lower == f64::NEG_INFINITY {
                    return b.count;
                }
                rank + b.count * b.fraction_below(v, true)
            } else {
                rank + b.count * b.fraction_below(v, false)
            }
        };
        if lower_rank.is_none() && b.lower >= lower {
            lower_rank = Some(rank);
        }
        if upper_rank.is_none() && b.lower >= upper {
            upper_rank = Some(rank);
        }
        if lower_rank.is_some() && upper_rank.is_some() {
            break;
        }
        if lower_rank.is_none() && b.lower < lower && b.upper > lower {
            lower_rank = Some(interpolate(lower));
        }
        if upper_rank.is_none() && b.lower < upper && b.upper > upper {
            upper_rank = Some(interpolate(upper));
        }
        if lower_rank.is_some() && upper_rank.is_some() {
            break;
        }
        rank += b.count;
    }
    let mut note = None;
    if h.sum.is_nan() {
        count += buckets[pos..].iter().map(|b| b.count).sum::<f64>();
        if count < h.count {
            note = Some(NanNote::FractionExcludesNaN);
        }
    } else {
        count = h.count;
    }
    let clamp = |r: Option<f64>| r.filter(|&r| r <= count).unwrap_or(count);
    ((clamp(upper_rank) - clamp(lower_rank)) / h.count, note)
}

/// The estimated variance of the observations: each bucket's count at its midpoint
/// (arithmetic for custom buckets, 0 for the zero bucket, geometric otherwise).
pub fn variance(h: &FloatHistogram) -> f64 {
    let mean = h.sum / h.count;
    let (mut var, mut c) = (0.0, 0.0);
    for b in all_buckets(h) {
        if b.count == 0.0 {
            continue;
        }
        let val = if h.uses_custom_buckets() {
            (b.upper + b.lower) / 2.0
        } else if b.lower <= 0.0 && b.upper >= 0.0 {
            0.0
        } else {
            let g = (b.upper * b.lower).sqrt();
            if b.upper < 0.0 {
                -g
            } else {
                g
            }
        };
        let delta = val - mean;
        (var, c) = kahan::inc(b.count * delta * delta, var, c);
    }
    (var + c) / h.count
}

#[cfg(test)]
mod tests {
    use super::super::{Span, CUSTOM_BUCKETS_SCHEMA};
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(1.0)
    }

    fn custom(bounds: &[f64], buckets: &[f64]) -> FloatHistogram {
        FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            custom_values: bounds.to_vec(),
            count: buckets.iter().sum(),
            positive_spans: vec![Span { offset: 0, length: buckets.len() as u32 }],
            positive_buckets: buckets.to_vec(),
            ..FloatHistogram::default()
        }
    }

    #[test]
    fn custom_bucket_quantiles_interpolate_linearly() {
        // Buckets (-Inf,1]:10 (1,2]:10 (2,+Inf]:0, like the classic histogram 1:10 2:20 +Inf:20.
        let h = custom(&[1.0, 2.0], &[10.0, 10.0, 0.0]);
        for (q, want) in [(0.25, 0.5), (0.5, 1.0), (0.75, 1.5), (0.0, 0.0), (1.0, 2.0)] {
            let (got, note) = quantile(q, &h);
            assert!(close(got, want) && note.is_none(), "q={q}: {got}");
        }
        // In the +Inf bucket, the answer is its lower bound.
        assert_eq!(quantile(0.99, &custom(&[1.0], &[1.0, 9.0])).0, 1.0);
        assert_eq!(quantile(-1.0, &h).0, f64::NEG_INFINITY);
    }

    #[test]
    fn exponential_quantiles_interpolate_logarithmically() {
        // One bucket (1, 2] (schema 0, index 1) holding everything.
        let h = FloatHistogram {
            count: 4.0,
            sum: 6.0,
            positive_spans: vec![Span { offset: 1, length: 1 }],
            positive_buckets: vec![4.0],
            ..FloatHistogram::default()
        };
        assert!(close(quantile(0.5, &h).0, 2f64.sqrt()));
        assert!(close(fraction(1.0, 2f64.sqrt(), &h).0, 0.5));
        assert!(close(fraction(f64::NEG_INFINITY, f64::INFINITY, &h).0, 1.0));
        assert!(close(variance(&h), (2f64.sqrt() - 1.5).powi(2)));
    }

    #[test]
    fn nan_observations_are_noted() {
        // One observation in (1, 2], one NaN (counted, in no bucket).
        let h = FloatHistogram {
            count: 2.0,
            sum: f64::NAN,
            positive_spans: vec![Span { offset: 1, length: 1 }],
            positive_buckets: vec![1.0],
            ..FloatHistogram::default()
        };
        let (v, note) = quantile(0.9, &h);
        assert!(v.is_nan() && note == Some(NanNote::QuantileNaN));
        assert_eq!(fraction(0.0, 10.0, &h).1, Some(NanNote::FractionExcludesNaN));
    }
}
