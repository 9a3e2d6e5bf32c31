//! A classic histogram as a client library keeps it: every observation lands in exactly one
//! bucket, so the exposed `_bucket` counters are cumulative sums of whole per-bucket counts
//! (monotone in `le` at every scrape, and so are their increases over any window), `_count`
//! equals the `+Inf` bucket, and `_sum` lies between the bounds the buckets imply.
//!
//! The generators know how many observations a scrape interval holds (a fraction, from the
//! traffic) and the latency distribution, not the individual observations. [`Histogram`]
//! turns that into whole observations per bucket, deterministically: each bucket's running
//! expected count is tracked, and every interval's whole observations go to the buckets that
//! are furthest behind their expectation.

use super::shape::{latency_cdf, MEAN_OVER_MEDIAN};

/// The running state of one histogram.
#[derive(Clone, Debug)]
pub struct Histogram {
    /// Finite upper bounds, increasing; the `+Inf` bucket comes after them.
    bounds: Vec<f64>,
    /// Fractional observations so far (whole observations are its floor).
    observed: f64,
    /// Expected observations per bucket (non-cumulative), running.
    expected: Vec<f64>,
    /// Whole observations per bucket (non-cumulative), running.
    counts: Vec<u64>,
    /// Sum of all observed values.
    sum: f64,
}

impl Histogram {
    /// An empty histogram with these finite upper bounds (`+Inf` is added).
    pub fn new(bounds: &[f64]) -> Histogram {
        let n = bounds.len() + 1;
        Histogram {
            bounds: bounds.to_vec(),
            observed: 0.0,
            expected: vec![0.0; n],
            counts: vec![0; n],
            sum: 0.0,
        }
    }

    /// The process restarted: everything starts again from zero.
    pub fn reset(&mut self) {
        *self = Histogram::new(&self.bounds);
    }

    /// Records one interval: `n` observations (fractional: whole ones accumulate) of a
    /// log-logistic latency with this `median`.
    pub fn observe(&mut self, n: f64, median: f64) {
        let n = if n.is_finite() { n.max(0.0) } else { 0.0 };
        let before = self.total();
        self.observed += n;
        let whole = self.total() - before;
        let mut below = 0.0;
        for (i, e) in self.expected.iter_mut().enumerate() {
            let cdf = self.bounds.get(i).map_or(1.0, |&le| latency_cdf(le, median));
            *e += n * (cdf - below).max(0.0);
            below = cdf;
        }
        let added = apportion(whole, &self.expected, &self.counts);
        let (mut lower, mut upper) = (0.0, 0.0);
        for (i, (count, &add)) in self.counts.iter_mut().zip(&added).enumerate().filter(|(_, (_, a))| **a > 0)
        {
            *count += add;
            let lo = if i == 0 { 0.0 } else { self.bounds[i - 1] };
            let hi = self.bounds.get(i).copied().unwrap_or(f64::INFINITY);
            lower += add as f64 * lo;
            upper += add as f64 * hi;
        }
        // The distribution's mean, kept inside what the buckets allow for these observations
        // (max then min rather than clamp: never a panic, whatever the inputs).
        self.sum += (whole as f64 * median * MEAN_OVER_MEDIAN).max(lower).min(upper);
    }

    /// Whole observations so far: `_count`, and the `+Inf` bucket.
    pub fn total(&self) -> u64 {
        self.observed.floor() as u64
    }

    /// The exposed `_bucket` values, one per bound then `+Inf`: cumulative whole counts.
    pub fn cumulative(&self) -> impl Iterator<Item = u64> + '_ {
        self.counts.iter().scan(0u64, |acc, c| {
            *acc += c;
            Some(*acc)
        })
    }

    /// The exposed `_sum`.
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

/// Splits `whole` new observations over the buckets: each bucket first gets what it lags
/// behind its expectation in whole units, then the rest (or the excess, taken back) goes by
/// the largest remaining lag. Every share is a whole number ≥ 0 and the shares add up to
/// `whole`. The lags stay below one observation, so the counts follow the distribution.
fn apportion(whole: u64, expected: &[f64], counts: &[u64]) -> Vec<u64> {
    let lag = |i: usize, add: u64| expected[i] - (counts[i] + add) as f64;
    let mut add: Vec<u64> = (0..expected.len()).map(|i| lag(i, 0).floor().max(0.0) as u64).collect();
    let given: u64 = add.iter().fold(0, |a, b| a.saturating_add(*b));
    // Whole lags differ from `whole` by less than one per bucket; anything else means the
    // inputs were not finite, and then one bucket takes all (the counts stay consistent).
    if given.abs_diff(whole) > add.len() as u64 {
        let most = (0..add.len()).max_by(|&a, &b| lag(a, 0).total_cmp(&lag(b, 0))).unwrap_or(0);
        add.iter_mut().enumerate().for_each(|(i, a)| *a = if i == most { whole } else { 0 });
        return add;
    }
    for _ in whole..given {
        // Take back from the bucket that is furthest ahead of its expectation.
        let ahead =
            (0..add.len()).filter(|&i| add[i] > 0).min_by(|&a, &b| lag(a, add[a]).total_cmp(&lag(b, add[b])));
        if let Some(i) = ahead {
            add[i] -= 1;
        }
    }
    for _ in given..whole {
        if let Some(i) = (0..add.len()).max_by(|&a, &b| lag(a, add[a]).total_cmp(&lag(b, add[b]))) {
            add[i] += 1;
        }
    }
    add
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: [f64; 4] = [0.01, 0.05, 0.1, 0.5];

    /// Observes `steps` intervals of `n` predictions and checks the invariants after each.
    fn run(steps: usize, n: impl Fn(usize) -> f64, median: impl Fn(usize) -> f64) -> Histogram {
        let mut h = Histogram::new(&BOUNDS);
        let mut last: Vec<u64> = h.cumulative().collect();
        for s in 0..steps {
            h.observe(n(s), median(s));
            let now: Vec<u64> = h.cumulative().collect();
            assert!(now.windows(2).all(|w| w[0] <= w[1]), "not monotone in le at {s}: {now:?}");
            assert_eq!(now.last().copied(), Some(h.total()), "+Inf is the count at {s}");
            // Each bucket's own count never decreases: increases are monotone in le too.
            let own =
                |c: &[u64]| c.iter().scan(0, |p, &x| Some(x - std::mem::replace(p, x))).collect::<Vec<_>>();
            assert!(own(&now).iter().zip(own(&last)).all(|(a, b)| *a >= b), "a bucket shrank at {s}");
            last = now;
        }
        h
    }

    #[test]
    fn counts_are_whole_cumulative_and_follow_the_distribution() {
        let h = run(2000, |s| 3.7 + (s % 7) as f64 * 0.9, |s| 0.04 + (s % 13) as f64 * 0.003);
        assert_eq!(h.total(), h.observed.floor() as u64);
        // Each bucket stays within one observation of its expectation.
        for (c, e) in h.counts.iter().zip(&h.expected) {
            assert!((*c as f64 - e).abs() <= 1.0 + 1e-9, "{c} vs {e}");
        }
    }

    #[test]
    fn sum_stays_within_the_bucket_bounds() {
        let h = run(500, |_| 2.3, |s| if s < 250 { 0.002 } else { 0.9 });
        let counts = &h.counts;
        let lower: f64 = counts.iter().enumerate().skip(1).map(|(i, c)| *c as f64 * BOUNDS[i - 1]).sum();
        let upper: f64 = counts.iter().zip(BOUNDS).map(|(c, b)| *c as f64 * b).sum();
        assert!(h.sum() >= lower * (1.0 - 1e-12), "{} < {lower}", h.sum());
        // The +Inf bucket has no upper bound; without observations there the finite one holds.
        assert!(counts[BOUNDS.len()] > 0 || h.sum() <= upper * (1.0 + 1e-12));
    }

    #[test]
    fn small_and_odd_inputs() {
        let h = run(100, |s| if s % 3 == 0 { 0.4 } else { 0.0 }, |_| 0.03);
        // 34 intervals of 0.4 observations: 13.6, so 13 whole ones.
        assert_eq!(h.total(), 13);
        let mut h = Histogram::new(&BOUNDS);
        for bad in [f64::NAN, -5.0, f64::INFINITY] {
            h.observe(bad, 0.03);
        }
        assert_eq!((h.total(), h.sum()), (0, 0.0));
        h.observe(10.0, 0.03);
        h.reset();
        assert_eq!(h.cumulative().collect::<Vec<_>>(), vec![0; 5]);
    }
}
