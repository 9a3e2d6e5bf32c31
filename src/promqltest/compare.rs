//! Compares a query result with an eval's expectations, the way upstream's `compareResult`
//! does: floats at relative error 1e-6, NaN equal to NaN, staleness markers only equal to
//! each other, native histograms compacted and compared field by field at the same
//! tolerance, every series accounted for; all differences listed, not only the first.

use std::collections::HashMap;

use crate::engine::histogram::FloatHistogram;
use crate::engine::value::{format_float, is_stale, HPoint};
use crate::engine::{Labels, Millis, Point, Sample, Series, Value};

use super::notation::SeqValue;
use super::script::Expectations;

/// Relative error allowed between expected and actual values.
pub const EPSILON: f64 = 1e-6;

/// Most difference lines reported for one eval.
const MAX_DIFFS: usize = 12;

/// Upstream's `almost.Equal`.
pub fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    if is_stale(a) || is_stale(b) {
        return is_stale(a) && is_stale(b);
    }
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let min_normal = f64::MIN_POSITIVE;
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < min_normal {
        return diff < epsilon * min_normal;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

/// The timestamps expected values refer to: instant `t`, or `start + i*step` up to `end`.
#[derive(Clone, Copy, Debug)]
pub enum Grid {
    Instant(Millis),
    Range { start: Millis, end: Millis, step: Millis },
}

/// Compares `got` with `ex`; `Err` holds a multi-line description of every difference.
pub fn compare(got: &Value, ex: &Expectations, grid: Grid) -> Result<(), String> {
    let mut diffs = Diffs::default();
    match got {
        Value::Matrix(series) => compare_matrix(series, ex, grid, &mut diffs),
        Value::Vector(samples) => compare_vector(samples, ex, &mut diffs),
        Value::Scalar { v, .. } => match ex.scalar {
            Some(want) if almost_equal(want, *v, EPSILON) => {}
            Some(want) => diffs.push(format!("expected scalar {}, got {}", fmt(want), fmt(*v))),
            None => diffs.push(format!("expected {}, got scalar {}", expected_kind(ex), fmt(*v))),
        },
        Value::String { s, .. } => match &ex.string {
            Some(want) if want == s => {}
            Some(want) => diffs.push(format!("expected string {want:?}, got {s:?}")),
            None => diffs.push(format!("expected {}, got string {s:?}", expected_kind(ex))),
        },
    }
    diffs.finish()
}

#[derive(Default)]
struct Diffs(Vec<String>);

impl Diffs {
    fn push(&mut self, d: String) {
        self.0.push(d);
    }

    fn finish(self) -> Result<(), String> {
        if self.0.is_empty() {
            return Ok(());
        }
        let n = self.0.len();
        let mut lines: Vec<String> = self.0.into_iter().take(MAX_DIFFS).collect();
        if n > MAX_DIFFS {
            lines.push(format!("... and {} more differences", n - MAX_DIFFS));
        }
        Err(lines.join("\n"))
    }
}

fn expected_kind(ex: &Expectations) -> &'static str {
    if ex.scalar.is_some() {
        "a scalar"
    } else if ex.string.is_some() {
        "a string"
    } else if ex.range_vector.is_some() {
        "a range vector"
    } else {
        "a vector"
    }
}

/// Formats a value for messages (staleness markers named as such).
pub fn fmt(v: f64) -> String {
    if is_stale(v) {
        "stale".to_string()
    } else {
        format_float(v)
    }
}

fn expected_index(ex: &Expectations) -> HashMap<&Labels, (usize, &[SeqValue])> {
    ex.series.iter().enumerate().map(|(i, s)| (&s.desc.labels, (i + 1, s.desc.values.as_slice()))).collect()
}

fn compare_vector(samples: &[Sample], ex: &Expectations, diffs: &mut Diffs) {
    if ex.scalar.is_some() || ex.string.is_some() {
        diffs.push(format!("expected {}, got a vector of {} samples", expected_kind(ex), samples.len()));
        return;
    }
    let expected = expected_index(ex);
    let mut seen = vec![false; ex.series.len()];
    for (pos, s) in samples.iter().enumerate() {
        let Some(&(want_pos, values)) = expected.get(&s.labels) else {
            diffs.push(format!("unexpected {} {}", s.labels, sample_fmt(s)));
            continue;
        };
        if seen[want_pos - 1] {
            diffs.push(format!("duplicate {} in result", s.labels));
        }
        seen[want_pos - 1] = true;
        if ex.ordered && want_pos != pos + 1 {
            diffs.push(format!("{} at position {}, expected at {}", s.labels, pos + 1, want_pos));
        }
        match (values.first(), &s.h) {
            (Some(SeqValue::Float(want)), None) if almost_equal(*want, s.v, EPSILON) => {}
            (Some(SeqValue::Histogram { h: want, hint_set }), Some(got))
                if histograms_match(want, got, *hint_set) => {}
            (Some(want), _) => {
                diffs.push(format!("{}: expected {}, got {}", s.labels, seq_fmt(want), sample_fmt(s)))
            }
            (None, _) => diffs.push(format!("{}: expected no sample, got {}", s.labels, sample_fmt(s))),
        }
    }
    for (i, s) in ex.series.iter().enumerate() {
        if !seen[i] {
            let want = s.desc.values.first().map_or("nothing".to_string(), seq_fmt);
            diffs.push(format!("missing {} {}", s.desc.labels, want));
        }
    }
}

fn seq_fmt(v: &SeqValue) -> String {
    match v {
        SeqValue::Omitted => "_".to_string(),
        SeqValue::Float(f) => fmt(*f),
        SeqValue::Histogram { h, .. } => h.to_go_string(),
    }
}

fn sample_fmt(s: &Sample) -> String {
    s.h.as_ref().map_or_else(|| fmt(s.v), |h| h.to_go_string())
}

fn points_fmt(points: &[Point]) -> String {
    let shown: Vec<String> = points.iter().take(20).map(|p| format!("{}@{}", fmt(p.v), p.t)).collect();
    let more = if points.len() > 20 { format!(" ... ({} points)", points.len()) } else { String::new() };
    format!("[{}]{more}", shown.join(" "))
}

fn hpoints_fmt(points: &[HPoint]) -> String {
    let shown: Vec<String> =
        points.iter().take(5).map(|p| format!("{}@{}", p.h.to_go_string(), p.t)).collect();
    let more = if points.len() > 5 { format!(" ... ({} histograms)", points.len()) } else { String::new() };
    format!("[{}]{more}", shown.join(" "))
}

/// Upstream's `compareNativeHistogram` on compacted copies: same schema, custom bounds,
/// zero threshold and bucket layout; counts, sum and bucket values within [`EPSILON`]; the
/// counter reset hint only when the expected literal names one.
pub fn histograms_match(want: &FloatHistogram, got: &FloatHistogram, hint_set: bool) -> bool {
    let (mut want, mut got) = (want.clone(), got.clone());
    want.compact(0);
    got.compact(0);
    let close = |a: f64, b: f64| almost_equal(a, b, EPSILON);
    let lists = |a: Vec<(i32, f64)>, b: Vec<(i32, f64)>| {
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.0 == y.0 && close(x.1, y.1))
    };
    want.schema == got.schema
        && close(want.count, got.count)
        && close(want.sum, got.sum)
        && (!want.uses_custom_buckets() || want.custom_values == got.custom_values)
        && want.zero_threshold == got.zero_threshold
        && close(want.zero_count, got.zero_count)
        && lists(want.negative(), got.negative())
        && lists(want.positive(), got.positive())
        && (!hint_set || want.counter_reset_hint == got.counter_reset_hint)
}

fn compare_matrix(series: &[Series], ex: &Expectations, grid: Grid, diffs: &mut Diffs) {
    if ex.ordered {
        diffs.push("expected an ordered result, but the query returned a matrix".to_string());
        return;
    }
    if ex.scalar.is_some() || ex.string.is_some() {
        diffs.push(format!("expected {}, got a matrix of {} series", expected_kind(ex), series.len()));
        return;
    }
    if let Some(w) = series.windows(2).find(|w| w[0].labels > w[1].labels) {
        diffs.push(format!("matrix not sorted by labels: {} before {}", w[0].labels, w[1].labels));
    }
    let expected = expected_index(ex);
    let mut seen = vec![false; ex.series.len()];
    for s in series {
        let Some(&(pos, values)) = expected.get(&s.labels) else {
            diffs.push(format!(
                "unexpected {} {} {}",
                s.labels,
                points_fmt(&s.points),
                hpoints_fmt(&s.histograms)
            ));
            continue;
        };
        seen[pos - 1] = true;
        match expected_points(values, grid) {
            Ok((want, want_h)) => {
                compare_points(&s.labels, &want, &s.points, diffs);
                compare_hpoints(&s.labels, &want_h, &s.histograms, diffs);
            }
            Err(e) => diffs.push(format!("{}: {e}", s.labels)),
        }
    }
    for (i, s) in ex.series.iter().enumerate() {
        if !seen[i] {
            let want = expected_points(&s.desc.values, grid)
                .map(|(p, h)| {
                    format!(
                        "{} {}",
                        points_fmt(&p),
                        hpoints_fmt(&h.into_iter().map(|x| x.0).collect::<Vec<_>>())
                    )
                })
                .unwrap_or_default();
            diffs.push(format!("missing {} {want}", s.desc.labels));
        }
    }
}

/// An expected histogram point and whether its literal named the counter reset hint.
type ExpectedHPoint = (HPoint, bool);

/// The float and histogram points an expected line stands for on `grid`.
fn expected_points(values: &[SeqValue], grid: Grid) -> Result<(Vec<Point>, Vec<ExpectedHPoint>), String> {
    let mut out = Vec::new();
    let mut hists = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let t = match grid {
            Grid::Range { start, end, step } => {
                let t = start + i as Millis * step;
                if t > end {
                    return Err(format!("{} expected values, more than the time range holds", values.len()));
                }
                t
            }
            Grid::Instant(_) => {
                return Err(
                    "an instant query cannot return a range vector without 'expect range vector'".into()
                )
            }
        };
        match v {
            SeqValue::Float(f) => out.push(Point { t, v: *f }),
            SeqValue::Omitted => {}
            SeqValue::Histogram { h, hint_set } => hists.push((HPoint { t, h: h.clone() }, *hint_set)),
        }
    }
    Ok((out, hists))
}

fn compare_hpoints(labels: &Labels, want: &[ExpectedHPoint], got: &[HPoint], diffs: &mut Diffs) {
    let same = want.len() == got.len()
        && want
            .iter()
            .zip(got)
            .all(|((w, hint_set), g)| w.t == g.t && histograms_match(&w.h, &g.h, *hint_set));
    if !same {
        let want: Vec<HPoint> = want.iter().map(|w| w.0.clone()).collect();
        diffs.push(format!(
            "{labels}:\n    expected {}\n    got      {}",
            hpoints_fmt(&want),
            hpoints_fmt(got)
        ));
    }
}

fn compare_points(labels: &Labels, want: &[Point], got: &[Point], diffs: &mut Diffs) {
    let same = want.len() == got.len()
        && want.iter().zip(got).all(|(w, g)| w.t == g.t && almost_equal(w.v, g.v, EPSILON));
    if !same {
        diffs.push(format!("{labels}:\n    expected {}\n    got      {}", points_fmt(want), points_fmt(got)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::stale_nan;
    use crate::promqltest::script::{parse_script, Command};

    fn expectations(block: &str) -> Expectations {
        let script = parse_script(&format!("eval range from 0 to 2m step 1m x\n{block}\n"));
        match script.commands.into_iter().next() {
            Some(Command::Eval(e)) => e.expect,
            _ => panic!("no eval in {block}"),
        }
    }

    fn labels(s: &str) -> Labels {
        crate::promqltest::notation::parse_metric(s).unwrap().0
    }

    #[test]
    fn almost_equal_like_upstream() {
        assert!(almost_equal(1.0, 1.0 + 1e-9, EPSILON));
        assert!(!almost_equal(1.0, 1.001, EPSILON));
        assert!(almost_equal(f64::NAN, f64::NAN, EPSILON));
        assert!(!almost_equal(stale_nan(), f64::NAN, EPSILON));
        assert!(almost_equal(stale_nan(), stale_nan(), EPSILON));
        assert!(!almost_equal(0.0, 1e-300, EPSILON));
        assert!(almost_equal(f64::INFINITY, f64::INFINITY, EPSILON));
    }

    #[test]
    fn vectors() {
        let ex = expectations("  a{x=\"1\"} 1\n  a{x=\"2\"} NaN");
        let v = |x: f64| Sample::float(labels("a{x=\"1\"}"), 0, x);
        let nan = Sample::float(labels("a{x=\"2\"}"), 0, f64::NAN);
        assert!(compare(&Value::Vector(vec![v(1.0), nan.clone()]), &ex, Grid::Instant(0)).is_ok());
        let e = compare(&Value::Vector(vec![v(2.0)]), &ex, Grid::Instant(0)).unwrap_err();
        assert!(e.contains("expected 1, got 2") && e.contains("missing a{x=\"2\"} NaN"), "{e}");
        let mut unexpected = nan.clone();
        unexpected.labels = labels("b");
        let e = compare(&Value::Vector(vec![v(1.0), nan, unexpected]), &ex, Grid::Instant(0)).unwrap_err();
        assert_eq!(e, "unexpected b NaN");
    }

    #[test]
    fn matrices_and_scalars() {
        let ex = expectations("  a 1 _ 3");
        let grid = Grid::Range { start: 0, end: 120_000, step: 60_000 };
        let series = |pts: &[(Millis, f64)]| {
            Series::floats(labels("a"), pts.iter().map(|&(t, v)| Point { t, v }).collect())
        };
        assert!(compare(&Value::Matrix(vec![series(&[(0, 1.0), (120_000, 3.0)])]), &ex, grid).is_ok());
        assert!(compare(&Value::Matrix(vec![series(&[(0, 1.0), (60_000, 3.0)])]), &ex, grid).is_err());
        assert!(compare(&Value::Matrix(vec![]), &ex, grid).is_err());
        assert!(compare(&Value::Scalar { t: 0, v: 1.0 }, &ex, grid).is_err());
        let scalar = expectations("  0.5");
        assert!(compare(&Value::Scalar { t: 0, v: 0.5 }, &scalar, grid).is_ok());
        assert!(compare(&Value::Vector(vec![]), &scalar, grid).is_err());
        assert!(compare(&Value::Vector(vec![]), &expectations(""), grid).is_ok());
    }
}
