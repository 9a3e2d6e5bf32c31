//! Native histograms: Prometheus's `FloatHistogram` (schema, zero bucket, count, sum, sparse
//! positive/negative buckets, or custom bucket bounds for schema -53), with the operations
//! PromQL applies to them. The layout follows `model/histogram/float_histogram.go`: buckets
//! are absolute counts, spans give their indexes (the first span's offset is absolute, later
//! offsets are gaps). Operations that change the layout work on `(index, count)` lists and
//! write spans back in canonical form (adjacent buckets in one span).

pub mod accumulate;
pub mod arith;
pub mod bounds;
mod bounds_table;
pub mod notes;
pub mod stats;

use super::gofmt::{format_g, format_v};
use bounds::Bucket;

/// The schema of native histograms with custom bucket bounds (NHCB).
pub const CUSTOM_BUCKETS_SCHEMA: i32 = -53;
/// The exponential schemas Prometheus accepts.
pub const EXPONENTIAL_SCHEMA_MIN: i32 = -4;
pub const EXPONENTIAL_SCHEMA_MAX: i32 = 8;

/// What a histogram says about counter resets (Prometheus's `CounterResetHint`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CounterResetHint {
    #[default]
    Unknown,
    CounterReset,
    NotCounterReset,
    Gauge,
}

/// A run of consecutive buckets: `offset` from the end of the previous span (from index 0
/// for the first span), `length` buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub offset: i32,
    pub length: u32,
}

/// A native histogram sample with float counts.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FloatHistogram {
    pub counter_reset_hint: CounterResetHint,
    pub schema: i32,
    pub zero_threshold: f64,
    pub zero_count: f64,
    pub count: f64,
    pub sum: f64,
    pub positive_spans: Vec<Span>,
    pub positive_buckets: Vec<f64>,
    pub negative_spans: Vec<Span>,
    pub negative_buckets: Vec<f64>,
    /// Upper bounds of the custom buckets (schema -53), the +Inf bucket's implied.
    pub custom_values: Vec<f64>,
}

/// Buckets as `(index, count)` pairs in index order: the form layout changes work on.
pub type Indexed = Vec<(i32, f64)>;

/// Why a histogram is not valid (Prometheus refuses to store such a sample).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InvalidHistogram {
    #[error("invalid schema {0}")]
    Schema(i32),
    #[error("spans describe {spans} buckets, but there are {buckets}")]
    SpanMismatch { spans: u64, buckets: usize },
    #[error("span offsets after the first must not be negative")]
    NegativeOffset,
    #[error("negative bucket count")]
    NegativeBucket,
    #[error("negative observation count")]
    NegativeCount,
    #[error("custom buckets: {0}")]
    Custom(&'static str),
}

impl FloatHistogram {
    /// True for the custom-bounds schema (NHCB).
    pub fn uses_custom_buckets(&self) -> bool {
        self.schema == CUSTOM_BUCKETS_SCHEMA
    }

    /// Multiplies counts, sum and buckets by `factor` (`h * s`); a negative factor makes it a
    /// gauge histogram.
    pub fn mul(&mut self, factor: f64) -> &mut Self {
        self.zero_count *= factor;
        self.count *= factor;
        self.sum *= factor;
        self.positive_buckets.iter_mut().for_each(|b| *b *= factor);
        self.negative_buckets.iter_mut().for_each(|b| *b *= factor);
        if factor < 0.0 {
            self.counter_reset_hint = CounterResetHint::Gauge;
        }
        self
    }

    /// Divides like [`FloatHistogram::mul`] multiplies; dividing by zero removes all buckets.
    pub fn div(&mut self, scalar: f64) -> &mut Self {
        self.zero_count /= scalar;
        self.count /= scalar;
        self.sum /= scalar;
        if scalar == 0.0 {
            self.positive_buckets.clear();
            self.negative_buckets.clear();
            self.positive_spans.clear();
            self.negative_spans.clear();
            return self;
        }
        self.positive_buckets.iter_mut().for_each(|b| *b /= scalar);
        self.negative_buckets.iter_mut().for_each(|b| *b /= scalar);
        if scalar < 0.0 {
            self.counter_reset_hint = CounterResetHint::Gauge;
        }
        self
    }

    /// The positive buckets as `(index, count)` pairs.
    pub fn positive(&self) -> Indexed {
        indexed(&self.positive_spans, &self.positive_buckets)
    }

    /// The negative buckets as `(index, count)` pairs (index grows away from zero).
    pub fn negative(&self) -> Indexed {
        indexed(&self.negative_spans, &self.negative_buckets)
    }

    /// Replaces the positive buckets.
    pub fn set_positive(&mut self, list: &[(i32, f64)]) {
        (self.positive_spans, self.positive_buckets) = spans_of(list);
    }

    /// Replaces the negative buckets.
    pub fn set_negative(&mut self, list: &[(i32, f64)]) {
        (self.negative_spans, self.negative_buckets) = spans_of(list);
    }

    /// Removes empty buckets, keeping runs of at most `max_empty` empty buckets between
    /// populated ones (Prometheus's `Compact`).
    pub fn compact(&mut self, max_empty: usize) -> &mut Self {
        let (p, n) = (compact_list(&self.positive(), max_empty), compact_list(&self.negative(), max_empty));
        self.set_positive(&p);
        self.set_negative(&n);
        self
    }

    /// Prometheus's `Equals`: same schema, bounds, zero bucket, bucket layout and values, with
    /// counts compared bit for bit (this is data equality, not numeric equality).
    pub fn equals(&self, other: &FloatHistogram) -> bool {
        let bits_eq = |a: f64, b: f64| a.to_bits() == b.to_bits();
        let lists_eq = |a: &Indexed, b: &Indexed| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && bits_eq(x.1, y.1))
        };
        self.schema == other.schema
            && bits_eq(self.count, other.count)
            && bits_eq(self.sum, other.sum)
            && (!self.uses_custom_buckets() || self.custom_values == other.custom_values)
            && self.zero_threshold == other.zero_threshold
            && bits_eq(self.zero_count, other.zero_count)
            && lists_eq(&self.negative(), &other.negative())
            && lists_eq(&self.positive(), &other.positive())
    }

    /// True when any count or the sum is infinite (an aggregation overflowed).
    pub fn has_overflow(&self) -> bool {
        [self.zero_count, self.count, self.sum]
            .iter()
            .chain(&self.positive_buckets)
            .chain(&self.negative_buckets)
            .chain(&self.custom_values)
            .any(|v| v.is_infinite())
    }

    /// How many float samples this histogram weighs for the `max_samples` limit
    /// (Prometheus's `HPoint.size`: its memory footprint plus a timestamp, in 16-byte units).
    pub fn sample_weight(&self) -> usize {
        const STRUCT_SIZE: usize = 168;
        let slices = self.positive_spans.len()
            + self.negative_spans.len()
            + self.positive_buckets.len()
            + self.negative_buckets.len()
            + self.custom_values.len();
        (STRUCT_SIZE + 8 * slices + 8) / 16
    }

    /// Checks what Prometheus checks before storing a histogram, so that everything later
    /// (bounds, iteration) can rely on a consistent layout.
    pub fn validate(&self) -> Result<(), InvalidHistogram> {
        check_spans(&self.positive_spans, self.positive_buckets.len())?;
        if self.uses_custom_buckets() {
            if self.zero_count != 0.0 || self.zero_threshold != 0.0 {
                return Err(InvalidHistogram::Custom("histograms with custom buckets have no zero bucket"));
            }
            if !self.negative_spans.is_empty() || !self.negative_buckets.is_empty() {
                return Err(InvalidHistogram::Custom(
                    "histograms with custom buckets have no negative buckets",
                ));
            }
            if self.custom_values.iter().any(|v| v.is_nan() || v.is_infinite())
                || self.custom_values.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(InvalidHistogram::Custom("bounds must be finite and increasing"));
            }
            let positive = self.positive();
            if positive.first().is_some_and(|b| b.0 < 0)
                || positive.last().is_some_and(|b| b.0 as usize > self.custom_values.len())
            {
                return Err(InvalidHistogram::Custom("more buckets than bounds"));
            }
        } else {
            if !(EXPONENTIAL_SCHEMA_MIN..=EXPONENTIAL_SCHEMA_MAX).contains(&self.schema) {
                return Err(InvalidHistogram::Schema(self.schema));
            }
            check_spans(&self.negative_spans, self.negative_buckets.len())?;
            if self.negative_buckets.iter().any(|b| *b < 0.0) || self.zero_count < 0.0 {
                return Err(InvalidHistogram::NegativeBucket);
            }
        }
        if self.positive_buckets.iter().any(|b| *b < 0.0) {
            return Err(InvalidHistogram::NegativeBucket);
        }
        if self.count < 0.0 {
            return Err(InvalidHistogram::NegativeCount);
        }
        Ok(())
    }

    /// Prometheus's `String()`: `{count:4, sum:10, [-1,-0.5):2, [-0.001,0.001]:1, (0.5,1]:1}`,
    /// populated buckets only, from the lowest to the highest.
    pub fn to_go_string(&self) -> String {
        let mut s = format!("{{count:{}, sum:{}", format_g(self.count), format_g(self.sum));
        let negative: Vec<Bucket> = bounds::negative_buckets(self).filter(|b| b.count != 0.0).collect();
        for b in negative.iter().rev() {
            s.push_str(", ");
            s.push_str(&bucket_string(b));
        }
        if !self.uses_custom_buckets() && self.zero_count != 0.0 {
            s.push_str(", ");
            s.push_str(&bucket_string(&bounds::zero_bucket(self)));
        }
        for b in bounds::positive_buckets(self).filter(|b| b.count != 0.0) {
            s.push_str(", ");
            s.push_str(&bucket_string(&b));
        }
        s.push('}');
        s
    }
}

/// Go's `Bucket.String()`: `[lower,upper]:count` with `(`/`)` for exclusive bounds.
fn bucket_string(b: &Bucket) -> String {
    format!(
        "{}{},{}{}:{}",
        if b.lower_inclusive { '[' } else { '(' },
        format_g(b.lower),
        format_g(b.upper),
        if b.upper_inclusive { ']' } else { ')' },
        format_v(b.count)
    )
}

/// Spans must cover exactly the buckets there are, with non-negative gaps after the first.
fn check_spans(spans: &[Span], buckets: usize) -> Result<(), InvalidHistogram> {
    if spans.iter().skip(1).any(|s| s.offset < 0) {
        return Err(InvalidHistogram::NegativeOffset);
    }
    let total: u64 = spans.iter().map(|s| u64::from(s.length)).sum();
    if total != buckets as u64 {
        return Err(InvalidHistogram::SpanMismatch { spans: total, buckets });
    }
    Ok(())
}

/// Spans and buckets as `(index, count)` pairs. Extra buckets or span lengths beyond what the
/// other side holds are ignored (a validated histogram has none).
pub fn indexed(spans: &[Span], buckets: &[f64]) -> Indexed {
    let mut out = Vec::with_capacity(buckets.len());
    let mut idx: i32 = 0;
    let mut counts = buckets.iter();
    for s in spans {
        idx = idx.saturating_add(s.offset);
        for _ in 0..s.length {
            let Some(&c) = counts.next() else { return out };
            out.push((idx, c));
            idx = idx.saturating_add(1);
        }
    }
    out
}

/// Canonical spans for `(index, count)` pairs in increasing index order.
pub fn spans_of(list: &[(i32, f64)]) -> (Vec<Span>, Vec<f64>) {
    let mut spans: Vec<Span> = Vec::new();
    let mut end: Option<i32> = None;
    for &(idx, _) in list {
        match (end, spans.last_mut()) {
            (Some(e), Some(last)) if idx == e => last.length += 1,
            (Some(e), _) => spans.push(Span { offset: idx.saturating_sub(e), length: 1 }),
            (None, _) => spans.push(Span { offset: idx, length: 1 }),
        }
        end = Some(idx.saturating_add(1));
    }
    (spans, list.iter().map(|b| b.1).collect())
}

/// Drops empty buckets except runs of at most `max_empty` between populated buckets, which
/// become explicit empty buckets (gaps included).
pub fn compact_list(list: &[(i32, f64)], max_empty: usize) -> Indexed {
    let mut out: Indexed = Vec::with_capacity(list.len());
    let mut pending: Vec<(i32, f64)> = Vec::new();
    for &(idx, c) in list {
        if c == 0.0 {
            pending.push((idx, c));
            continue;
        }
        if let Some(&(prev, _)) = out.last() {
            let gap = i64::from(idx) - i64::from(prev) - 1;
            if gap <= max_empty as i64 {
                // Keep the run, filling indexes that had no bucket with empty ones.
                let mut fill = pending.iter().peekable();
                for i in prev + 1..idx {
                    let explicit = fill.next_if(|p| p.0 == i).map_or(0.0, |p| p.1);
                    out.push((i, explicit));
                }
            }
        }
        pending.clear();
        out.push((idx, c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(spans: &[(i32, u32)], buckets: &[f64]) -> FloatHistogram {
        FloatHistogram {
            positive_spans: spans.iter().map(|&(offset, length)| Span { offset, length }).collect(),
            positive_buckets: buckets.to_vec(),
            ..FloatHistogram::default()
        }
    }

    #[test]
    fn spans_round_trip_through_index_lists() {
        let x = h(&[(-2, 2), (3, 1), (0, 2)], &[1.0, 2.0, 3.0, 4.0, 5.0]);
        let list = x.positive();
        assert_eq!(list, vec![(-2, 1.0), (-1, 2.0), (3, 3.0), (4, 4.0), (5, 5.0)]);
        let (spans, buckets) = spans_of(&list);
        assert_eq!(spans, vec![Span { offset: -2, length: 2 }, Span { offset: 3, length: 3 }]);
        assert_eq!(buckets, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn compaction_keeps_short_runs_of_empty_buckets() {
        let list = vec![(0, 0.0), (1, 1.0), (2, 0.0), (4, 2.0), (5, 0.0), (9, 3.0), (10, 0.0)];
        assert_eq!(compact_list(&list, 0), vec![(1, 1.0), (4, 2.0), (9, 3.0)]);
        assert_eq!(compact_list(&list, 2), vec![(1, 1.0), (2, 0.0), (3, 0.0), (4, 2.0), (9, 3.0)]);
    }

    #[test]
    fn equality_is_bitwise_and_layout_aware() {
        let a = h(&[(0, 2)], &[1.0, 0.0]);
        let mut b = a.clone();
        assert!(a.equals(&b));
        b.compact(0);
        assert!(!a.equals(&b), "an explicit empty bucket is part of the layout");
        let nan = FloatHistogram { sum: f64::NAN, ..a.clone() };
        assert!(nan.equals(&nan.clone()));
    }

    #[test]
    fn go_string_lists_populated_buckets() {
        let x = FloatHistogram {
            schema: 0,
            count: 4.0,
            sum: 10.0,
            zero_threshold: 0.001,
            zero_count: 1.0,
            positive_spans: vec![Span { offset: 0, length: 2 }],
            positive_buckets: vec![2.0, 0.0],
            negative_spans: vec![Span { offset: 1, length: 1 }],
            negative_buckets: vec![1.0],
            ..FloatHistogram::default()
        };
        assert_eq!(x.to_go_string(), "{count:4, sum:10, [-2,-1):1, [-0.001,0.001]:1, (0.5,1]:2}");
    }

    #[test]
    fn validation_catches_inconsistent_layouts() {
        assert!(h(&[(0, 2)], &[1.0, 2.0]).validate().is_ok());
        assert!(h(&[(0, 3)], &[1.0, 2.0]).validate().is_err());
        assert!(h(&[(0, 1), (-1, 1)], &[1.0, 2.0]).validate().is_err());
        assert!(h(&[(0, 1)], &[-1.0]).validate().is_err());
        let custom = FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            custom_values: vec![1.0],
            ..h(&[(0, 3)], &[1.0; 3])
        };
        assert!(custom.validate().is_err(), "two bounds' worth of buckets, one bound");
        assert_eq!(
            FloatHistogram { schema: 9, ..FloatHistogram::default() }.validate(),
            Err(InvalidHistogram::Schema(9))
        );
    }
}
