//! Result comparison: two query values (expected, actual) → what differs, in terms a learner
//! can act on: wrong type, missing or extra series (by label set), wrong values, wrong order.

use std::collections::BTreeMap;

use crate::engine::{Labels, Millis, Point, Sample, Series, Value};

/// Values agree when their relative error is at most this (promqltest's epsilon).
pub const REL_EPS: f64 = 1e-6;
/// ... or when they differ by at most this much: equivalent formulations of a zero (`a - a`,
/// a ratio of equal rates minus one) leave rounding noise that no relative bound accepts.
pub const ABS_EPS: f64 = 1e-12;
/// Most value mismatches kept per comparison (a learner needs a few examples, not 5,000).
pub const MAX_REPORTED: usize = 8;

/// One value that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueMismatch {
    pub labels: Labels,
    pub t: Millis,
    pub expected: f64,
    pub actual: f64,
}

/// A sample present on one side only of a range result.
#[derive(Clone, Debug, PartialEq)]
pub struct PointGap {
    pub labels: Labels,
    pub t: Millis,
    /// True when the expected side has the sample and the answer lacks it; false for an
    /// answer's sample that is not expected.
    pub missing: bool,
}

/// Everything that differs between an expected and an actual value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// `(expected, actual)` type names when the types differ (nothing else is compared then).
    pub type_mismatch: Option<(&'static str, &'static str)>,
    /// Label sets expected but absent from the answer.
    pub missing: Vec<Labels>,
    /// Label sets in the answer that are not expected.
    pub extra: Vec<Labels>,
    /// Values that differ (the first [`MAX_REPORTED`]).
    pub wrong_values: Vec<ValueMismatch>,
    /// Total number of differing values (may exceed `wrong_values.len()`).
    pub wrong_value_count: usize,
    /// Range results: sample timestamps present on one side only, per series.
    pub missing_points: usize,
    pub extra_points: usize,
    /// The first [`MAX_REPORTED`] of those samples, for the feedback to say which and when.
    pub point_gaps: Vec<PointGap>,
    /// Same series, but the exercise asks for an order and the answer's order differs.
    pub wrong_order: bool,
}

impl Diff {
    /// True when the answer matches.
    pub fn is_match(&self) -> bool {
        self.type_mismatch.is_none()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.wrong_value_count == 0
            && self.missing_points == 0
            && self.extra_points == 0
            && !self.wrong_order
    }
}

/// True when `a` and `b` agree within [`REL_EPS`] / [`ABS_EPS`]; NaN equals NaN, infinities
/// equal only themselves.
pub fn almost_equal(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    let diff = (a - b).abs();
    diff <= ABS_EPS || diff <= REL_EPS * a.abs().max(b.abs())
}

/// Compares `actual` with `expected`. `ordered`: the order of vector elements matters
/// (`sort`, `topk`), checked once both hold the same series.
pub fn compare(expected: &Value, actual: &Value, ordered: bool) -> Diff {
    let mut d = Diff::default();
    match (expected, actual) {
        (Value::Scalar { t, v: e }, Value::Scalar { v: a, .. }) => {
            d.value(&Labels::empty(), *t, *e, *a);
        }
        (Value::String { s: e, .. }, Value::String { s: a, .. }) => {
            if e != a {
                d.wrong_value_count = 1;
            }
        }
        (Value::Vector(e), Value::Vector(a)) => {
            let (em, am) = (by_labels(e, |s| &s.labels), by_labels(a, |s| &s.labels));
            d.sets(&em, &am);
            for (labels, es) in &em {
                if let Some(asm) = am.get(labels) {
                    d.value(labels, es.t, es.v, asm.v);
                }
            }
            if ordered && d.is_match() {
                d.wrong_order = e.iter().map(|s| &s.labels).ne(a.iter().map(|s| &s.labels));
            }
        }
        (Value::Matrix(e), Value::Matrix(a)) => {
            let (em, am) = (by_labels(e, |s| &s.labels), by_labels(a, |s| &s.labels));
            d.sets(&em, &am);
            for (labels, es) in &em {
                if let Some(asr) = am.get(labels) {
                    d.points(labels, &es.points, &asr.points);
                }
            }
        }
        (e, a) => d.type_mismatch = Some((e.type_name(), a.type_name())),
    }
    d
}

impl Diff {
    fn value(&mut self, labels: &Labels, t: Millis, expected: f64, actual: f64) {
        if !almost_equal(expected, actual) {
            self.wrong_value_count += 1;
            if self.wrong_values.len() < MAX_REPORTED {
                self.wrong_values.push(ValueMismatch { labels: labels.clone(), t, expected, actual });
            }
        }
    }

    fn sets<E, A>(&mut self, expected: &BTreeMap<&Labels, E>, actual: &BTreeMap<&Labels, A>) {
        self.missing = expected.keys().filter(|l| !actual.contains_key(*l)).map(|l| (*l).clone()).collect();
        self.extra = actual.keys().filter(|l| !expected.contains_key(*l)).map(|l| (*l).clone()).collect();
    }

    fn points(&mut self, labels: &Labels, expected: &[Point], actual: &[Point]) {
        let am: BTreeMap<Millis, f64> = actual.iter().map(|p| (p.t, p.v)).collect();
        let em: BTreeMap<Millis, f64> = expected.iter().map(|p| (p.t, p.v)).collect();
        for (t, e) in &em {
            match am.get(t) {
                Some(a) => self.value(labels, *t, *e, *a),
                None => {
                    self.missing_points += 1;
                    self.gap(labels, *t, true);
                }
            }
        }
        for t in am.keys().filter(|t| !em.contains_key(t)) {
            self.extra_points += 1;
            self.gap(labels, *t, false);
        }
    }

    fn gap(&mut self, labels: &Labels, t: Millis, missing: bool) {
        if self.point_gaps.len() < MAX_REPORTED {
            self.point_gaps.push(PointGap { labels: labels.clone(), t, missing });
        }
    }
}

/// Indexes elements by label set (a query result never holds two elements with one label set;
/// if it did, the last would win, which can only make a wrong answer look more wrong).
fn by_labels<T>(items: &[T], labels: impl Fn(&T) -> &Labels) -> BTreeMap<&Labels, &T> {
    items.iter().map(|i| (labels(i), i)).collect()
}

/// True when a value holds no data: an empty vector or matrix (scalars and strings are never
/// empty).
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Vector(s) => s.is_empty(),
        Value::Matrix(s) => s.iter().all(|s: &Series| s.points.is_empty()),
        Value::Scalar { .. } | Value::String { .. } => false,
    }
}

/// The elements of a vector, for callers that only need samples.
pub fn samples(v: &Value) -> &[Sample] {
    match v {
        Value::Vector(s) => s,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().copied())
    }

    fn vec_of(items: &[(&[(&str, &str)], f64)]) -> Value {
        Value::Vector(items.iter().map(|(p, v)| Sample::float(l(p), 0, *v)).collect())
    }

    #[test]
    fn almost_equal_table() {
        for (a, b, eq) in [
            (1.0, 1.0 + 1e-9, true),
            (1.0, 1.0001, false),
            (0.0, 1e-15, true),
            (0.0, 1e-6, false),
            (f64::NAN, f64::NAN, true),
            (f64::NAN, 0.0, false),
            (f64::INFINITY, f64::INFINITY, true),
            (f64::INFINITY, f64::NEG_INFINITY, false),
            (f64::INFINITY, 1e308, false),
            (-5e9, -5e9 * (1.0 + 5e-7), true),
        ] {
            assert_eq!(almost_equal(a, b), eq, "{a} vs {b}");
        }
    }

    #[test]
    fn vector_differences() {
        let a: &[(&str, &str)] = &[("model", "a")];
        let b: &[(&str, &str)] = &[("model", "b")];
        let c: &[(&str, &str)] = &[("model", "c")];
        let expected = vec_of(&[(a, 1.0), (b, 2.0)]);
        let cases: Vec<(Value, bool, usize, usize, usize, bool)> = vec![
            // actual, ordered, missing, extra, wrong values, wrong order
            (vec_of(&[(b, 2.0), (a, 1.0)]), false, 0, 0, 0, false),
            (vec_of(&[(b, 2.0), (a, 1.0)]), true, 0, 0, 0, true),
            (vec_of(&[(a, 1.0)]), false, 1, 0, 0, false),
            (vec_of(&[(a, 1.0), (b, 2.0), (c, 3.0)]), false, 0, 1, 0, false),
            (vec_of(&[(a, 1.5), (b, 2.0)]), false, 0, 0, 1, false),
            (vec_of(&[]), false, 2, 0, 0, false),
        ];
        for (actual, ordered, missing, extra, wrong, order) in cases {
            let d = compare(&expected, &actual, ordered);
            assert_eq!(
                (d.missing.len(), d.extra.len(), d.wrong_value_count, d.wrong_order),
                (missing, extra, wrong, order),
                "{actual:?}"
            );
            assert_eq!(d.is_match(), missing + extra + wrong == 0 && !order);
        }
    }

    #[test]
    fn type_and_matrix_differences() {
        let d = compare(&Value::Scalar { t: 0, v: 1.0 }, &vec_of(&[]), false);
        assert_eq!(d.type_mismatch, Some(("scalar", "vector")));
        let m = |pts: &[(i64, f64)]| {
            Value::Matrix(vec![Series::floats(
                l(&[("x", "1")]),
                pts.iter().map(|&(t, v)| Point { t, v }).collect(),
            )])
        };
        let d = compare(&m(&[(0, 1.0), (60, 2.0)]), &m(&[(60, 2.5), (120, 3.0)]), false);
        assert_eq!((d.missing_points, d.extra_points, d.wrong_value_count), (1, 1, 1));
        let gaps: Vec<(Millis, bool)> = d.point_gaps.iter().map(|g| (g.t, g.missing)).collect();
        assert_eq!(gaps, vec![(0, true), (120, false)]);
        assert!(compare(&m(&[(0, 1.0)]), &m(&[(0, 1.0)]), false).is_match());
    }
}
