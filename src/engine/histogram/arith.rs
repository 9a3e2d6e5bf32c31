//! Histogram arithmetic as Prometheus's `FloatHistogram` does it: `Add`/`Sub` (reconciling
//! zero buckets, schemas and custom bounds), Kahan-compensated `KahanAdd` for `sum`/`avg`,
//! resolution reduction, and `DetectReset`.

use super::bounds::{exponential_bound, target_index};
use super::{CounterResetHint, FloatHistogram, Indexed};
use crate::engine::kahan;

/// Why two histograms cannot be combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithError {
    /// One uses custom bounds, the other an exponential schema
    /// (Prometheus's `ErrHistogramsIncompatibleSchema`).
    #[error("cannot apply this operation on histograms with a mix of exponential and custom bucket schemas")]
    IncompatibleSchema,
}

/// What an addition or subtraction noticed besides its result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Combined {
    /// One side had a counter reset hint of "reset", the other "not reset".
    pub counter_reset_collision: bool,
    /// Custom bounds differed and were reconciled to the bounds both have.
    pub custom_bounds_reconciled: bool,
}

/// A sum under construction with a Kahan compensation term per count (Prometheus keeps the
/// compensation in a second histogram with the same layout).
#[derive(Clone, Debug)]
pub struct KahanSum {
    pub sum: FloatHistogram,
    comp: Compensation,
}

/// The compensation terms of a [`KahanSum`]; bucket lists share the sum's indexes.
#[derive(Clone, Debug, Default)]
struct Compensation {
    zero_count: f64,
    count: f64,
    sum: f64,
    positive: Vec<f64>,
    negative: Vec<f64>,
}

impl FloatHistogram {
    /// `self + other`. The result may hold empty buckets; callers compact it.
    pub fn add(&mut self, other: &FloatHistogram) -> Result<Combined, ArithError> {
        self.combine(other, 1.0)
    }

    /// `self - other`, with the same reconciliation as [`FloatHistogram::add`]. The `-`
    /// operator marks the result as a gauge afterwards; this method does not.
    pub fn sub(&mut self, other: &FloatHistogram) -> Result<Combined, ArithError> {
        self.combine(other, -1.0)
    }

    fn combine(&mut self, other: &FloatHistogram, sign: f64) -> Result<Combined, ArithError> {
        check_schemas(self, other)?;
        let mut out =
            Combined { counter_reset_collision: self.adjust_counter_reset(other), ..Combined::default() };
        if !self.uses_custom_buckets() {
            let (other_zero, _) = self.reconcile_zero_buckets(other, None);
            self.zero_count += sign * other_zero;
        }
        self.count += sign * other.count;
        self.sum += sign * other.sum;
        if self.uses_custom_buckets() {
            if self.custom_values == other.custom_values {
                let merged = merge(&self.positive(), &other.positive(), sign, None);
                self.set_positive(&merged.0);
            } else {
                out.custom_bounds_reconciled = true;
                let bounds = intersect_bounds(&self.custom_values, &other.custom_values);
                let merged = map_custom(
                    &self.positive(),
                    &self.custom_values,
                    None,
                    &other.positive(),
                    &other.custom_values,
                    sign,
                    &bounds,
                );
                self.set_positive(&merged.0);
                self.custom_values = bounds;
            }
            return Ok(out);
        }
        let schema = self.schema.min(other.schema);
        let (mut hp, mut hn) = (self.positive(), self.negative());
        let (mut op, mut on) = (other.positive(), other.negative());
        if schema < self.schema {
            hp = reduce(&hp, self.schema, schema);
            hn = reduce(&hn, self.schema, schema);
        }
        if schema < other.schema {
            op = reduce(&op, other.schema, schema);
            on = reduce(&on, other.schema, schema);
        }
        self.schema = schema;
        let t = self.zero_threshold;
        let p = merge(&hp, &above_threshold(op, schema, t), sign, None);
        let n = merge(&hn, &above_threshold(on, schema, t), sign, None);
        self.set_positive(&p.0);
        self.set_negative(&n.0);
        Ok(out)
    }

    /// Prometheus's `adjustCounterReset`: the hint of a sum, and whether the two hints
    /// contradicted each other.
    fn adjust_counter_reset(&mut self, other: &FloatHistogram) -> bool {
        use CounterResetHint::*;
        match (self.counter_reset_hint, other.counter_reset_hint) {
            (a, b) if a == b => false,
            (Gauge, _) => false,
            (_, Gauge) => {
                self.counter_reset_hint = Gauge;
                false
            }
            (Unknown, _) => false,
            (_, Unknown) => {
                self.counter_reset_hint = Unknown;
                false
            }
            _ => {
                self.counter_reset_hint = Unknown;
                true
            }
        }
    }

    /// Widens the zero bucket of `self` or accounts for a wider one in `other` until both
    /// thresholds agree; returns the zero count (and its compensation) `other` would have.
    fn reconcile_zero_buckets(
        &mut self,
        other: &FloatHistogram,
        mut comp: Option<&mut Compensation>,
    ) -> (f64, f64) {
        let (mut other_zero, mut other_comp) = (other.zero_count, 0.0);
        let mut other_threshold = other.zero_threshold;
        // Each round only raises a threshold, so this ends; the bound keeps a malformed
        // histogram from looping.
        for _ in 0..64 {
            if other_threshold == self.zero_threshold {
                break;
            }
            if self.zero_threshold > other_threshold {
                (other_zero, other_threshold, other_comp) =
                    other.zero_count_for_larger_threshold(self.zero_threshold, None);
            }
            if other_threshold > self.zero_threshold {
                let (zero, threshold, c) =
                    self.zero_count_for_larger_threshold(other_threshold, comp.as_deref());
                self.zero_count = zero;
                self.zero_threshold = threshold;
                if let Some(comp) = comp.as_deref_mut() {
                    comp.zero_count = c;
                }
                self.trim_buckets_in_zero_bucket(comp.as_deref_mut());
            }
        }
        (other_zero, other_comp)
    }

    /// The zero count this histogram would have with the (larger) threshold `larger`, and
    /// the threshold actually needed: one inside a populated bucket moves up to that
    /// bucket's upper bound.
    fn zero_count_for_larger_threshold(&self, larger: f64, comp: Option<&Compensation>) -> (f64, f64, f64) {
        let mut threshold = larger;
        let base_comp = comp.map_or(0.0, |c| c.zero_count);
        if threshold == self.zero_threshold {
            return (self.zero_count, threshold, base_comp);
        }
        let (positive, negative) = (self.positive(), self.negative());
        'outer: loop {
            let (mut zero, mut c) = (self.zero_count, base_comp);
            for (i, &(idx, count)) in positive.iter().enumerate() {
                let (lower, upper) = (
                    exponential_bound(idx.saturating_sub(1), self.schema),
                    exponential_bound(idx, self.schema),
                );
                if lower >= threshold {
                    break;
                }
                (zero, c) = kahan::inc(count, zero, c);
                if let Some(comp) = comp {
                    (zero, c) = kahan::inc(comp.positive.get(i).copied().unwrap_or(0.0), zero, c);
                }
                if upper > threshold {
                    if count != 0.0 {
                        threshold = upper;
                    }
                    break;
                }
            }
            for (i, &(idx, count)) in negative.iter().enumerate() {
                let (lower, upper) = (
                    -exponential_bound(idx, self.schema),
                    -exponential_bound(idx.saturating_sub(1), self.schema),
                );
                if upper <= -threshold {
                    break;
                }
                (zero, c) = kahan::inc(count, zero, c);
                if let Some(comp) = comp {
                    (zero, c) = kahan::inc(comp.negative.get(i).copied().unwrap_or(0.0), zero, c);
                }
                if lower < -threshold {
                    if count != 0.0 {
                        // The positive side has to be redone with the new threshold.
                        threshold = -lower;
                        continue 'outer;
                    }
                    break;
                }
            }
            return (zero, threshold, c);
        }
    }

    /// Drops the buckets now inside the zero bucket (their counts were added to it), then
    /// compacts, as Prometheus does.
    fn trim_buckets_in_zero_bucket(&mut self, comp: Option<&mut Compensation>) {
        let t = self.zero_threshold;
        let schema = self.schema;
        let mut p = self.positive();
        let mut n = self.negative();
        let mut cp = comp.as_ref().map(|c| c.positive.clone()).unwrap_or_default();
        let mut cn = comp.as_ref().map(|c| c.negative.clone()).unwrap_or_default();
        for (i, b) in p.iter_mut().enumerate() {
            if exponential_bound(b.0.saturating_sub(1), schema) >= t {
                break;
            }
            b.1 = 0.0;
            if let Some(c) = cp.get_mut(i) {
                *c = 0.0;
            }
        }
        for (i, b) in n.iter_mut().enumerate() {
            if -exponential_bound(b.0.saturating_sub(1), schema) <= -t {
                break;
            }
            b.1 = 0.0;
            if let Some(c) = cn.get_mut(i) {
                *c = 0.0;
            }
        }
        match comp {
            Some(comp) => {
                let (p, cp) = compact_with(&p, &cp);
                let (n, cn) = compact_with(&n, &cn);
                self.set_positive(&p);
                self.set_negative(&n);
                comp.positive = cp;
                comp.negative = cn;
            }
            None => {
                self.set_positive(&super::compact_list(&p, 0));
                self.set_negative(&super::compact_list(&n, 0));
            }
        }
    }

    /// Prometheus's `DetectReset`: whether `self`, following `previous`, shows a counter reset
    /// (a count went down, a populated bucket disappeared, the resolution went up or the zero
    /// bucket shrank), unless the hint says so outright.
    pub fn detect_reset(&self, previous: &FloatHistogram) -> bool {
        match self.counter_reset_hint {
            CounterResetHint::CounterReset => return true,
            CounterResetHint::NotCounterReset => return false,
            _ => {}
        }
        if self.count < previous.count {
            return true;
        }
        if self.uses_custom_buckets() {
            if !previous.uses_custom_buckets() {
                return true;
            }
            if self.custom_values != previous.custom_values {
                let bounds = intersect_bounds(&self.custom_values, &previous.custom_values);
                let cur = map_custom(&self.positive(), &self.custom_values, None, &[], &[], 1.0, &bounds).0;
                let prev =
                    map_custom(&previous.positive(), &previous.custom_values, None, &[], &[], 1.0, &bounds).0;
                return buckets_decreased(&cur, &prev);
            }
        } else if previous.uses_custom_buckets() {
            return true;
        }
        if self.schema > previous.schema || self.zero_threshold < previous.zero_threshold {
            return true;
        }
        if self.uses_custom_buckets() {
            return buckets_decreased(&self.positive(), &previous.positive());
        }
        let (prev_zero, threshold, _) = previous.zero_count_for_larger_threshold(self.zero_threshold, None);
        if threshold != self.zero_threshold || self.zero_count < prev_zero {
            return true;
        }
        let t = self.zero_threshold;
        let side = |cur: Indexed, prev: Indexed| {
            let prev = above_threshold(reduce(&prev, previous.schema, self.schema), self.schema, t);
            buckets_decreased(&above_threshold(cur, self.schema, t), &prev)
        };
        side(self.positive(), previous.positive()) || side(self.negative(), previous.negative())
    }
}

impl KahanSum {
    /// A sum starting at `first`.
    pub fn new(first: FloatHistogram) -> Self {
        let comp = Compensation {
            positive: vec![0.0; first.positive_buckets.len()],
            negative: vec![0.0; first.negative_buckets.len()],
            ..Compensation::default()
        };
        KahanSum { sum: first, comp }
    }

    /// Adds `other` with compensation (Prometheus's `KahanAdd`).
    pub fn add(&mut self, other: &FloatHistogram) -> Result<Combined, ArithError> {
        let h = &mut self.sum;
        check_schemas(h, other)?;
        let mut out =
            Combined { counter_reset_collision: h.adjust_counter_reset(other), ..Combined::default() };
        let c = &mut self.comp;
        if !h.uses_custom_buckets() {
            let (other_zero, other_comp) = h.reconcile_zero_buckets(other, Some(c));
            (h.zero_count, c.zero_count) = kahan::inc(other_zero, h.zero_count, c.zero_count);
            (h.zero_count, c.zero_count) = kahan::inc(other_comp, h.zero_count, c.zero_count);
        }
        (h.count, c.count) = kahan::inc(other.count, h.count, c.count);
        (h.sum, c.sum) = kahan::inc(other.sum, h.sum, c.sum);
        if h.uses_custom_buckets() {
            let (list, comp) = if h.custom_values == other.custom_values {
                merge(&h.positive(), &other.positive(), 1.0, Some((&c.positive, None)))
            } else {
                out.custom_bounds_reconciled = true;
                let bounds = intersect_bounds(&h.custom_values, &other.custom_values);
                let merged = map_custom(
                    &h.positive(),
                    &h.custom_values,
                    Some(&c.positive),
                    &other.positive(),
                    &other.custom_values,
                    1.0,
                    &bounds,
                );
                h.custom_values = bounds;
                merged
            };
            h.set_positive(&list);
            c.positive = comp;
            return Ok(out);
        }
        let schema = h.schema.min(other.schema);
        let (mut hp, mut hn) = ((h.positive(), c.positive.clone()), (h.negative(), c.negative.clone()));
        let (mut op, mut on) = ((other.positive(), Vec::new()), (other.negative(), Vec::new()));
        if schema < h.schema {
            hp = kahan_reduce(&hp.0, &hp.1, h.schema, schema);
            hn = kahan_reduce(&hn.0, &hn.1, h.schema, schema);
        }
        if schema < other.schema {
            op = kahan_reduce(&op.0, &vec![0.0; op.0.len()], other.schema, schema);
            on = kahan_reduce(&on.0, &vec![0.0; on.0.len()], other.schema, schema);
        }
        h.schema = schema;
        let t = h.zero_threshold;
        let (op, opc) = above_threshold_with(op, schema, t);
        let (on, onc) = above_threshold_with(on, schema, t);
        let p = merge(&hp.0, &op, 1.0, Some((&hp.1, Some(&opc))));
        let n = merge(&hn.0, &on, 1.0, Some((&hn.1, Some(&onc))));
        h.set_positive(&p.0);
        h.set_negative(&n.0);
        c.positive = p.1;
        c.negative = n.1;
        Ok(out)
    }

    /// Divides sum and compensation (for an average).
    pub fn div(&mut self, d: f64) {
        self.sum.div(d);
        let c = &mut self.comp;
        for v in [&mut c.zero_count, &mut c.count, &mut c.sum]
            .into_iter()
            .chain(&mut c.positive)
            .chain(&mut c.negative)
        {
            *v /= d;
        }
    }

    /// Multiplies sum and compensation (for an incremental mean).
    pub fn mul(&mut self, f: f64) {
        self.sum.mul(f);
        let c = &mut self.comp;
        for v in [&mut c.zero_count, &mut c.count, &mut c.sum]
            .into_iter()
            .chain(&mut c.positive)
            .chain(&mut c.negative)
        {
            *v *= f;
        }
    }

    /// The compensated sum: the compensation added once, then compacted.
    pub fn finish(self) -> FloatHistogram {
        let (mut h, c) = (self.sum, self.comp);
        h.zero_count += c.zero_count;
        h.count += c.count;
        h.sum += c.sum;
        let add = |list: Indexed, comp: &[f64]| -> Indexed {
            list.into_iter()
                .enumerate()
                .map(|(i, (idx, v))| (idx, v + comp.get(i).copied().unwrap_or(0.0)))
                .collect()
        };
        let (p, n) = (add(h.positive(), &c.positive), add(h.negative(), &c.negative));
        h.set_positive(&p);
        h.set_negative(&n);
        h.compact(0);
        h
    }
}

fn check_schemas(a: &FloatHistogram, b: &FloatHistogram) -> Result<(), ArithError> {
    if a.uses_custom_buckets() != b.uses_custom_buckets() {
        return Err(ArithError::IncompatibleSchema);
    }
    Ok(())
}

/// Buckets merged into schema `target` (`<= origin`), counts of merged buckets added up.
pub fn reduce(list: &[(i32, f64)], origin: i32, target: i32) -> Indexed {
    let mut out: Indexed = Vec::with_capacity(list.len());
    for &(idx, c) in list {
        let t = target_index(idx, origin, target);
        match out.last_mut() {
            Some(last) if last.0 == t => last.1 += c,
            _ => out.push((t, c)),
        }
    }
    out
}

/// [`reduce`] with a compensation term per bucket, merged buckets summed with Kahan.
fn kahan_reduce(list: &[(i32, f64)], comp: &[f64], origin: i32, target: i32) -> (Indexed, Vec<f64>) {
    let mut out: Indexed = Vec::with_capacity(list.len());
    let mut out_c: Vec<f64> = Vec::with_capacity(list.len());
    for (i, &(idx, v)) in list.iter().enumerate() {
        let t = target_index(idx, origin, target);
        let cv = comp.get(i).copied().unwrap_or(0.0);
        match (out.last_mut(), out_c.last_mut()) {
            (Some(last), Some(lc)) if last.0 == t => {
                (last.1, *lc) = kahan::inc(v, last.1, *lc);
                (last.1, *lc) = kahan::inc(cv, last.1, *lc);
            }
            _ => {
                out.push((t, v));
                out_c.push(cv);
            }
        }
    }
    (out, out_c)
}

/// Drops the leading buckets whose upper bound is within the zero threshold (already part
/// of the zero count after reconciliation).
fn above_threshold(list: Indexed, schema: i32, threshold: f64) -> Indexed {
    above_threshold_with((list, Vec::new()), schema, threshold).0
}

fn above_threshold_with(
    (list, comp): (Indexed, Vec<f64>),
    schema: i32,
    threshold: f64,
) -> (Indexed, Vec<f64>) {
    let skip = list.iter().take_while(|b| exponential_bound(b.0, schema) <= threshold).count();
    let comp = if comp.is_empty() { vec![0.0; list.len()] } else { comp };
    (list[skip..].to_vec(), comp.get(skip..).map(<[f64]>::to_vec).unwrap_or_default())
}

/// The union of two bucket lists, `b` scaled by `sign` and added into `a`. With
/// compensations (`a`'s, and optionally `b`'s), additions are Kahan-compensated and the
/// compensations of the result are returned alongside.
fn merge(
    a: &[(i32, f64)],
    b: &[(i32, f64)],
    sign: f64,
    comp: Option<(&[f64], Option<&[f64]>)>,
) -> (Indexed, Vec<f64>) {
    let mut out: Indexed = Vec::with_capacity(a.len() + b.len());
    let mut out_c: Vec<f64> = Vec::with_capacity(a.len() + b.len());
    let ca = |i: usize| comp.and_then(|c| c.0.get(i).copied()).unwrap_or(0.0);
    let cb = |j: usize| comp.and_then(|c| c.1).and_then(|c| c.get(j).copied()).unwrap_or(0.0) * sign;
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].0 < b[j].0);
        let take_b = i >= a.len() || (j < b.len() && b[j].0 < a[i].0);
        if take_a {
            out.push(a[i]);
            out_c.push(ca(i));
            i += 1;
        } else if take_b {
            out.push((b[j].0, sign * b[j].1));
            out_c.push(cb(j));
            j += 1;
        } else {
            let (mut v, mut c) = (a[i].1, ca(i));
            if comp.is_some() {
                (v, c) = kahan::inc(sign * b[j].1, v, c);
                if cb(j) != 0.0 {
                    (v, c) = kahan::inc(cb(j), v, c);
                }
            } else {
                v += sign * b[j].1;
            }
            out.push((a[i].0, v));
            out_c.push(c);
            i += 1;
            j += 1;
        }
    }
    (out, out_c)
}

/// The bounds two custom-bucket histograms have in common.
fn intersect_bounds(a: &[f64], b: &[f64]) -> Vec<f64> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i]);
            i += 1;
            j += 1;
        } else if a[i] < b[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Custom-bucket histograms with different bounds mapped onto `bounds` (each bucket goes
/// to the first common bound at or above its own) and added (`b` scaled by `sign`), with
/// Kahan sums per target bucket; empty targets are left out (Prometheus's
/// `addCustomBucketsWithMismatches`).
fn map_custom(
    a: &[(i32, f64)],
    a_bounds: &[f64],
    a_comp: Option<&[f64]>,
    b: &[(i32, f64)],
    b_bounds: &[f64],
    sign: f64,
    bounds: &[f64],
) -> (Indexed, Vec<f64>) {
    let mut target = vec![0.0; bounds.len() + 1];
    let mut target_c = vec![0.0; bounds.len() + 1];
    let mut map = |list: &[(i32, f64)], own: &[f64], s: f64, comp: Option<&[f64]>| {
        for (k, &(idx, v)) in list.iter().enumerate() {
            let t = usize::try_from(idx)
                .ok()
                .and_then(|i| own.get(i))
                .and_then(|&bound| bounds.iter().position(|&x| x >= bound))
                .unwrap_or(bounds.len());
            (target[t], target_c[t]) = kahan::inc(s * v, target[t], target_c[t]);
            if let Some(c) = comp.and_then(|c| c.get(k)) {
                (target[t], target_c[t]) = kahan::inc(*c, target[t], target_c[t]);
            }
        }
    };
    map(a, a_bounds, 1.0, a_comp);
    map(b, b_bounds, sign, None);
    let mut out = Vec::new();
    let mut out_c = Vec::new();
    for (i, (v, c)) in target.into_iter().zip(target_c).enumerate() {
        if v == 0.0 && c == 0.0 {
            continue;
        }
        out.push((i as i32, v));
        out_c.push(c);
    }
    (out, out_c)
}

/// [`super::compact_list`] for a list with parallel compensation terms: a bucket is empty
/// only when both are zero.
fn compact_with(list: &[(i32, f64)], comp: &[f64]) -> (Indexed, Vec<f64>) {
    let keep: Vec<usize> =
        (0..list.len()).filter(|&i| list[i].1 != 0.0 || comp.get(i).is_some_and(|c| *c != 0.0)).collect();
    (
        keep.iter().map(|&i| list[i]).collect(),
        keep.iter().map(|&i| comp.get(i).copied().unwrap_or(0.0)).collect(),
    )
}

/// True when a populated bucket of `prev` is missing from `cur` or holds less there.
pub fn buckets_decreased(cur: &[(i32, f64)], prev: &[(i32, f64)]) -> bool {
    let mut j = 0;
    for &(idx, count) in prev {
        while j < cur.len() && cur[j].0 < idx {
            j += 1;
        }
        let decreased = match cur.get(j) {
            Some(&(ci, cc)) if ci == idx => cc < count,
            _ => count != 0.0,
        };
        if decreased {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::{Span, CUSTOM_BUCKETS_SCHEMA};
    use super::*;

    fn hist(schema: i32, zt: f64, zc: f64, pos: &[(i32, f64)], neg: &[(i32, f64)]) -> FloatHistogram {
        let mut h =
            FloatHistogram { schema, zero_threshold: zt, zero_count: zc, ..FloatHistogram::default() };
        h.set_positive(pos);
        h.set_negative(neg);
        h.count = zc + pos.iter().chain(neg).map(|b| b.1).sum::<f64>();
        h
    }

    #[test]
    fn add_merges_layouts_and_schemas() {
        let mut a = hist(1, 0.0, 0.0, &[(1, 1.0), (2, 2.0)], &[]);
        let b = hist(0, 0.0, 0.0, &[(1, 3.0), (3, 1.0)], &[(0, 1.0)]);
        a.add(&b).unwrap();
        // Schema 1 buckets 1 and 2 both fall into schema 0 bucket 1.
        assert_eq!(a.schema, 0);
        assert_eq!(a.positive(), vec![(1, 6.0), (3, 1.0)]);
        assert_eq!(a.negative(), vec![(0, 1.0)]);
        assert_eq!(a.count, 8.0);
    }

    #[test]
    fn sub_and_counter_reset_hints() {
        let mut a = hist(0, 0.0, 0.0, &[(0, 5.0)], &[]);
        a.counter_reset_hint = CounterResetHint::CounterReset;
        let mut b = hist(0, 0.0, 0.0, &[(0, 2.0), (1, 1.0)], &[]);
        b.counter_reset_hint = CounterResetHint::NotCounterReset;
        let r = a.sub(&b).unwrap();
        assert!(r.counter_reset_collision);
        assert_eq!(a.counter_reset_hint, CounterResetHint::Unknown);
        assert_eq!(a.positive(), vec![(0, 3.0), (1, -1.0)]);
    }

    #[test]
    fn zero_buckets_are_reconciled() {
        // b's zero bucket reaches up to 1.5, inside a's populated bucket (1, 2]: the
        // threshold moves up to 2 and that bucket joins the zero bucket.
        let mut a = hist(0, 0.5, 1.0, &[(0, 1.0), (1, 2.0), (2, 4.0)], &[]);
        let b = hist(0, 1.5, 3.0, &[(2, 1.0)], &[]);
        a.add(&b).unwrap();
        assert_eq!(a.zero_threshold, 2.0);
        assert_eq!(a.zero_count, 1.0 + 1.0 + 2.0 + 3.0);
        assert_eq!(a.positive(), vec![(2, 5.0)]);
    }

    #[test]
    fn mixed_schemas_do_not_combine() {
        let mut a = hist(0, 0.0, 0.0, &[(0, 1.0)], &[]);
        let b = FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            custom_values: vec![1.0],
            ..FloatHistogram::default()
        };
        assert_eq!(a.add(&b), Err(ArithError::IncompatibleSchema));
    }

    #[test]
    fn custom_bounds_are_intersected() {
        let custom = |cv: &[f64], b: &[(i32, f64)]| {
            let mut h = FloatHistogram {
                schema: CUSTOM_BUCKETS_SCHEMA,
                custom_values: cv.to_vec(),
                ..FloatHistogram::default()
            };
            h.set_positive(b);
            h
        };
        let mut a = custom(&[5.0, 10.0], &[(0, 1.0)]);
        let b = custom(&[10.0], &[(0, 1.0)]);
        let r = a.add(&b).unwrap();
        assert!(r.custom_bounds_reconciled);
        assert_eq!(a.custom_values, vec![10.0]);
        assert_eq!(a.positive(), vec![(0, 2.0)]);
    }

    #[test]
    fn kahan_sum_keeps_small_terms() {
        let one = |v: f64, sum: f64| FloatHistogram {
            count: v,
            sum,
            positive_spans: vec![Span { offset: 0, length: 1 }],
            positive_buckets: vec![v],
            ..FloatHistogram::default()
        };
        let mut s = KahanSum::new(one(1e100, 1e100));
        s.add(&one(1.0, 1.0)).unwrap();
        s.add(&one(-1e100, -1e100)).unwrap();
        let h = s.finish();
        assert_eq!((h.count, h.sum, h.positive()), (1.0, 1.0, vec![(0, 1.0)]));
    }

    #[test]
    fn extreme_indexes_do_not_overflow() {
        let mut a = hist(0, 0.0, 0.0, &[(i32::MIN, 1.0), (i32::MAX, 1.0)], &[(i32::MIN, 1.0)]);
        let b = hist(-4, 1.0, 1.0, &[(i32::MIN, 1.0), (0, 2.0)], &[(i32::MAX, 1.0)]);
        let _ = a.clone().add(&b);
        let _ = a.clone().sub(&b);
        let _ = a.detect_reset(&b);
        let mut sum = KahanSum::new(b.clone());
        let _ = sum.add(&a);
        let _ = super::super::stats::quantile(0.5, &a);
        let _ = super::super::stats::fraction(0.0, 1.0, &b);
        let _ = super::super::stats::variance(&a);
        let _ = a.to_go_string();
        a.compact(2);
    }

    #[test]
    fn resets() {
        let a = hist(0, 0.0, 0.0, &[(0, 2.0), (1, 3.0)], &[]);
        let more = hist(0, 0.0, 0.0, &[(0, 2.0), (1, 4.0)], &[]);
        let fewer = hist(0, 0.0, 0.0, &[(0, 3.0), (1, 2.0)], &[]);
        let moved = hist(0, 0.0, 0.0, &[(1, 5.0), (2, 1.0)], &[]);
        assert!(!more.detect_reset(&a));
        assert!(fewer.detect_reset(&a));
        assert!(moved.detect_reset(&a), "bucket 0 disappeared");
        let coarser = hist(-1, 0.0, 0.0, &[(1, 6.0)], &[]);
        assert!(!coarser.detect_reset(&hist(0, 0.0, 0.0, &[(1, 2.0), (2, 3.0)], &[])));
    }
}
