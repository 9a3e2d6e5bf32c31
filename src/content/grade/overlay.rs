//! The expected-vs-actual chart: the range it covers and the series it draws, each tagged
//! with a `source` label (`expected` / `your answer`) so both can share one chart and legend.

use super::{Plan, RangeParams};
use crate::engine::{Millis, Series, Value};

/// The label that tells the two sides apart.
pub const SOURCE_LABEL: &str = "source";
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

/// The series of both results, tagged, at most [`MAX_SERIES`] per side. `None` unless both
/// are range-query results (matrices).
pub fn tagged(expected: &Value, actual: &Value) -> Option<Vec<Series>> {
    let (Value::Matrix(e), Value::Matrix(a)) = (expected, actual) else { return None };
    let tag = |series: &[Series], source: &str| -> Vec<Series> {
        series
            .iter()
            .take(MAX_SERIES)
            .map(|s| {
                let mut labels = s.labels.clone();
                labels.set(SOURCE_LABEL, source);
                Series { labels, points: s.points.clone() }
            })
            .collect()
    };
    let mut out = tag(e, "expected");
    out.extend(tag(a, "your answer"));
    Some(out)
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
    fn tags_both_sides() {
        let s = Series { labels: Labels::from_pairs([("model", "a")]), points: vec![Point { t: 0, v: 1.0 }] };
        let out = tagged(&Value::Matrix(vec![s.clone()]), &Value::Matrix(vec![s])).expect("matrices");
        let sources: Vec<&str> = out.iter().filter_map(|s| s.labels.get(SOURCE_LABEL)).collect();
        assert_eq!(sources, ["expected", "your answer"]);
        assert!(tagged(&Value::Scalar { t: 0, v: 1.0 }, &Value::Matrix(vec![])).is_none());
    }
}
