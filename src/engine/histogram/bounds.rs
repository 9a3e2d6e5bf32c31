//! Bucket boundaries and bucket iteration: exponential schemas (bucket `i` of schema `s`
//! ends at 2^(i / 2^s)), custom bounds, and the zero bucket, in the orders Prometheus's
//! bucket iterators use.

use super::bounds_table::FRACTIONS;
use super::{FloatHistogram, CUSTOM_BUCKETS_SCHEMA};

/// One bucket with its boundaries (Prometheus's `Bucket[float64]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub lower: f64,
    pub upper: f64,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
    pub count: f64,
    /// The bucket's index in its schema (meaningless for the zero bucket).
    pub index: i32,
}

impl Bucket {
    /// The fraction of the bucket's width at or below `v` (strictly inside finite bounds):
    /// linear, or on a logarithmic scale for exponential buckets (mirrored when negative).
    pub fn fraction_below(&self, v: f64, linear: bool) -> f64 {
        if linear {
            return (v - self.lower) / (self.upper - self.lower);
        }
        let log_lower = self.lower.abs().log2();
        let log_upper = self.upper.abs().log2();
        let log_v = v.abs().log2();
        if v > 0.0 {
            (log_v - log_lower) / (log_upper - log_lower)
        } else {
            1.0 - (log_v - log_upper) / (log_lower - log_upper)
        }
    }
}

/// The upper bound of bucket `idx` (Prometheus's `getBound`). Out-of-range custom indexes
/// clamp to ±Inf instead of failing: a validated histogram never has them.
pub fn bound(idx: i32, schema: i32, custom_values: &[f64]) -> f64 {
    if schema == CUSTOM_BUCKETS_SCHEMA {
        return match usize::try_from(idx) {
            Err(_) => f64::NEG_INFINITY,
            Ok(i) => custom_values.get(i).copied().unwrap_or(f64::INFINITY),
        };
    }
    exponential_bound(idx, schema)
}

/// The upper bound of bucket `idx` of exponential schema `schema`. The last bucket for
/// finite values ends at `f64::MAX` rather than +Inf, which is reserved for the bucket of
/// ±Inf observations.
pub fn exponential_bound(idx: i32, schema: i32) -> f64 {
    if schema < 0 {
        let exp = i64::from(idx) << (-schema).clamp(0, 8);
        if exp == 1024 {
            return f64::MAX;
        }
        return ldexp(1.0, exp);
    }
    let schema = schema.clamp(0, 8);
    let frac_idx = idx & ((1 << schema) - 1);
    let fractions = FRACTIONS[schema as usize];
    let frac = fractions.get(frac_idx as usize).copied().unwrap_or(0.5);
    let exp = i64::from(idx >> schema) + 1;
    if frac == 0.5 && exp == 1025 {
        return f64::MAX;
    }
    ldexp(frac, exp)
}

/// `frac * 2^exp`, saturating to 0 or ±Inf like Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i64) -> f64 {
    let mut v = frac;
    let mut e = exp.clamp(-1100, 1100);
    // Scale in steps that stay representable.
    while e > 1000 {
        v *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        v *= 2f64.powi(-1000);
        e += 1000;
    }
    v * 2f64.powi(e as i32)
}

/// The index of the bucket of schema `target` that bucket `idx` of schema `origin` falls in
/// (`target <= origin`).
pub fn target_index(idx: i32, origin: i32, target: i32) -> i32 {
    let shift = (origin - target).clamp(0, 31);
    (idx.saturating_sub(1) >> shift).saturating_add(1)
}

/// The zero bucket `[-threshold, threshold]`.
pub fn zero_bucket(h: &FloatHistogram) -> Bucket {
    Bucket {
        lower: -h.zero_threshold,
        upper: h.zero_threshold,
        lower_inclusive: true,
        upper_inclusive: true,
        count: h.zero_count,
        index: 0,
    }
}

/// A positive bucket by index.
fn positive_bucket(h: &FloatHistogram, idx: i32, count: f64) -> Bucket {
    let (lower, upper) =
        (bound(idx.saturating_sub(1), h.schema, &h.custom_values), bound(idx, h.schema, &h.custom_values));
    let custom = h.uses_custom_buckets();
    Bucket {
        lower,
        upper,
        lower_inclusive: if custom { idx == 0 } else { lower < 0.0 },
        upper_inclusive: if custom { true } else { upper > 0.0 },
        count,
        index: idx,
    }
}

/// A negative bucket by index (mirror image of the positive one).
fn negative_bucket(h: &FloatHistogram, idx: i32, count: f64) -> Bucket {
    let (lower, upper) = (-bound(idx, h.schema, &[]), -bound(idx.saturating_sub(1), h.schema, &[]));
    Bucket { lower, upper, lower_inclusive: lower < 0.0, upper_inclusive: upper > 0.0, count, index: idx }
}

/// The positive buckets from the zero bucket upwards.
pub fn positive_buckets(h: &FloatHistogram) -> impl Iterator<Item = Bucket> + '_ {
    h.positive().into_iter().map(move |(i, c)| positive_bucket(h, i, c))
}

/// The negative buckets from the zero bucket downwards.
pub fn negative_buckets(h: &FloatHistogram) -> impl Iterator<Item = Bucket> + '_ {
    h.negative().into_iter().map(move |(i, c)| negative_bucket(h, i, c))
}

/// All buckets from the lowest to the highest (Prometheus's `AllBucketIterator`): negative
/// buckets, the zero bucket when populated, positive buckets. Buckets overlapping the zero
/// bucket are cut at its threshold.
pub fn all_buckets(h: &FloatHistogram) -> Vec<Bucket> {
    let clamp = |mut b: Bucket| {
        if b.upper < 0.0 && b.upper > -h.zero_threshold {
            b.upper = -h.zero_threshold;
        } else if b.lower > 0.0 && b.lower < h.zero_threshold {
            b.lower = h.zero_threshold;
        }
        b
    };
    let mut out: Vec<Bucket> = negative_buckets(h).map(clamp).collect();
    out.reverse();
    if h.zero_count > 0.0 {
        out.push(zero_bucket(h));
    }
    out.extend(positive_buckets(h).map(clamp));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_bounds() {
        let cases: &[(i32, i32, f64)] = &[
            (0, 0, 1.0),
            (1, 0, 2.0),
            (-1, 0, 0.5),
            (1, 1, std::f64::consts::SQRT_2),
            (2, 1, 2.0),
            (1, -1, 4.0),
            (1, -2, 16.0),
            (256, 2, 2f64.powi(64)),
            (1024, 0, f64::MAX),
            (1025, 0, f64::INFINITY),
            (4096, 2, f64::MAX),
        ];
        for &(idx, schema, want) in cases {
            let got = exponential_bound(idx, schema);
            assert!((got - want).abs() <= want * 1e-15 || got == want, "bound({idx}, {schema}) = {got}");
        }
    }

    #[test]
    fn custom_bounds_and_target_indexes() {
        let cv = [1.0, 5.0];
        assert_eq!(bound(-1, CUSTOM_BUCKETS_SCHEMA, &cv), f64::NEG_INFINITY);
        assert_eq!(bound(1, CUSTOM_BUCKETS_SCHEMA, &cv), 5.0);
        assert_eq!(bound(2, CUSTOM_BUCKETS_SCHEMA, &cv), f64::INFINITY);
        // Schema 1 buckets 1, 2 make up schema 0 bucket 1; 3, 4 make up bucket 2.
        let got: Vec<i32> = (-1..=4).map(|i| target_index(i, 1, 0)).collect();
        assert_eq!(got, vec![0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn all_buckets_in_value_order() {
        let h = FloatHistogram {
            zero_threshold: 0.7,
            zero_count: 2.0,
            positive_spans: vec![super::super::Span { offset: 0, length: 2 }],
            positive_buckets: vec![1.0, 3.0],
            negative_spans: vec![super::super::Span { offset: 1, length: 1 }],
            negative_buckets: vec![4.0],
            ..FloatHistogram::default()
        };
        let got: Vec<(f64, f64, f64)> = all_buckets(&h).iter().map(|b| (b.lower, b.upper, b.count)).collect();
        assert_eq!(got, vec![(-2.0, -1.0, 4.0), (-0.7, 0.7, 2.0), (0.7, 1.0, 1.0), (1.0, 2.0, 3.0)]);
    }
}
