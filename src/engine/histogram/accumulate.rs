//! Running sums and means of native histograms, as the `sum`/`avg` aggregations and
//! `sum_over_time`/`avg_over_time` compute them: Kahan-compensated, the mean switching to
//! incremental updates once the sum would overflow, counter reset hints tracked.

use super::arith::{ArithError, KahanSum};
use super::{CounterResetHint, FloatHistogram};

/// A sum or mean under construction.
#[derive(Clone, Debug)]
pub struct Accumulator {
    /// The compensated sum, or the compensated mean once `incremental`.
    acc: KahanSum,
    count: f64,
    incremental: bool,
    counter_reset_seen: bool,
    not_counter_reset_seen: bool,
    /// Custom bucket bounds differed somewhere and were reconciled.
    pub custom_bounds_reconciled: bool,
}

impl Accumulator {
    /// Starts with `first`.
    pub fn new(first: &FloatHistogram) -> Self {
        let mut a = Accumulator {
            acc: KahanSum::new(first.clone()),
            count: 1.0,
            incremental: false,
            counter_reset_seen: false,
            not_counter_reset_seen: false,
            custom_bounds_reconciled: false,
        };
        a.track(first);
        a
    }

    fn track(&mut self, h: &FloatHistogram) {
        match h.counter_reset_hint {
            CounterResetHint::CounterReset => self.counter_reset_seen = true,
            CounterResetHint::NotCounterReset => self.not_counter_reset_seen = true,
            _ => {}
        }
    }

    /// Adds `h` to a sum.
    pub fn add(&mut self, h: &FloatHistogram) -> Result<(), ArithError> {
        self.track(h);
        self.count += 1.0;
        let r = self.acc.add(h)?;
        self.custom_bounds_reconciled |= r.custom_bounds_reconciled;
        Ok(())
    }

    /// Adds `h` to a mean: into the compensated sum while it stays finite, then as an
    /// incremental update of the mean.
    pub fn add_to_mean(&mut self, h: &FloatHistogram) -> Result<(), ArithError> {
        self.track(h);
        self.count += 1.0;
        let count = self.count;
        if !self.incremental {
            let mut next = self.acc.clone();
            let r = next.add(h)?;
            self.custom_bounds_reconciled |= r.custom_bounds_reconciled;
            if !next.sum.has_overflow() {
                self.acc = next;
                return Ok(());
            }
            self.incremental = true;
            self.acc.div(count - 1.0);
        }
        self.acc.mul((count - 1.0) / count);
        let mut share = h.clone();
        share.div(count);
        let r = self.acc.add(&share)?;
        self.custom_bounds_reconciled |= r.custom_bounds_reconciled;
        Ok(())
    }

    /// True when one histogram said "counter reset" and another "no counter reset".
    pub fn counter_reset_collision(&self) -> bool {
        self.counter_reset_seen && self.not_counter_reset_seen
    }

    /// The sum, compacted.
    pub fn sum(self) -> FloatHistogram {
        self.acc.finish()
    }

    /// The mean, compacted.
    pub fn mean(mut self) -> FloatHistogram {
        if !self.incremental {
            self.acc.div(self.count);
        }
        self.acc.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Span;
    use super::*;

    fn one(count: f64) -> FloatHistogram {
        FloatHistogram {
            count,
            sum: 2.0 * count,
            positive_spans: vec![Span { offset: 0, length: 1 }],
            positive_buckets: vec![count],
            ..FloatHistogram::default()
        }
    }

    #[test]
    fn sums_and_means() {
        let mut s = Accumulator::new(&one(1.0));
        s.add(&one(3.0)).unwrap();
        let sum = s.sum();
        assert_eq!((sum.count, sum.sum, sum.positive_buckets), (4.0, 8.0, vec![4.0]));
        let mut m = Accumulator::new(&one(1.0));
        m.add_to_mean(&one(3.0)).unwrap();
        assert_eq!(m.mean().count, 2.0);
    }

    #[test]
    fn means_survive_overflow() {
        let mut m = Accumulator::new(&one(f64::MAX));
        m.add_to_mean(&one(f64::MAX)).unwrap();
        assert_eq!(m.mean().count, f64::MAX);
    }

    #[test]
    fn contradicting_hints_are_noticed() {
        let mut a = one(1.0);
        a.counter_reset_hint = CounterResetHint::CounterReset;
        let mut b = one(1.0);
        b.counter_reset_hint = CounterResetHint::NotCounterReset;
        let mut s = Accumulator::new(&a);
        s.add(&b).unwrap();
        assert!(s.counter_reset_collision());
    }
}
