//! The expected-vs-actual chart: the range it covers and the series of both sides it draws
//! (the chart pairs them up by label set: one colour each, the reference dashed).

use serde::{Deserialize, Serialize};

use super::{Plan, RangeParams};
use crate::engine::{Millis, Series, Value};

/// Most series drawn per side (a chart of hundreds of lines teaches nothing).
pub const MAX_SERIES: usize = 24;
/// About this many steps across the chart.
const STEPS: Millis = 120;

/// The range to chart: the exercise's own range if it has one, else from an hour before the
/// first instant to the last instant, clamped to the data `(start, end)`.
pub fn chart_range(plan: &Plan, data: (Millis, Millis)) -> Option<RangeParams> {
    if let Some(r) = plan.range {
        return Some(r);
    }
    let lo = plan.instants.iter().copied().min()?;
    let hi = plan.instants.iter().copied().max()?;
    let start = (lo - 3_600_000).max(data.0);
    let end = hi.min(data.1);
    if end <= start {
        return None;
    }
    // A round step (a multiple of 30 s) so samples line up with the scrape grid.
    let step = (((end - start) / STEPS).max(30_000) / 30_000) * 30_000;
    Some(RangeParams { start, end, step })
}

/// Both sides of the chart, at most [`MAX_SERIES`] series each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overlay {
    pub expected: Vec<Series>,
    pub actual: Vec<Series>,
}

/// The series of both results. `None` unless both are range-query results (matrices).
pub fn overlay(expected: &Value, actual: &Value) -> Option<Overlay> {
    let (Value::Matrix(e), Value::Matrix(a)) = (expected, actual) else { return None };
    let capped = |series: &[Series]| series.iter().take(MAX_SERIES).cloned().collect();
    Some(Overlay { expected: capped(e), actual: capped(a) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Labels, Point};

    #[test]
    fn ranges() {
        let plan = Plan { instants: vec![10 * 3_600_000, 12 * 3_600_000], range: None, ordered: false };
        let r = chart_range(&plan, (0, 48 * 3_600_000)).expect("a range");
        assert_eq!((r.start, r.end, r.step), (9 * 3_600_000, 12 * 3_600_000, 90_000));
        let r = chart_range(&plan, (11 * 3_600_000, 48 * 3_600_000)).expect("a range");
        assert_eq!(r.start, 11 * 3_600_000);
        let with = Plan { range: Some(RangeParams { start: 1, end: 2, step: 1 }), ..plan };
        assert_eq!(chart_range(&with, (0, 10)).map(|r| r.end), Some(2));
    }

    #[test]
    fn keeps_both_sides_capped() {
        let one = |m: &str| Series::floats(Labels::from_pairs([("model", m)]), vec![Point { t: 0, v: 1.0 }]);
        let many: Vec<Series> = (0..MAX_SERIES + 5).map(|i| one(&i.to_string())).collect();
        let out = overlay(&Value::Matrix(vec![one("a")]), &Value::Matrix(many)).expect("matrices");
        assert_eq!(out.expected, vec![one("a")]);
        assert_eq!(out.actual.len(), MAX_SERIES);
        assert!(overlay(&Value::Scalar { t: 0, v: 1.0 }, &Value::Matrix(vec![])).is_none());
    }
}
