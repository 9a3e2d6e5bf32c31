//! What the chart draws, computed without any drawing: one line per series split at gaps,
//! the axis bounds, the series colours, and which series a pointer position is nearest to.

use crate::engine::{Millis, Series};

use super::format;

/// Series colours, chosen to stay distinguishable on light and dark backgrounds.
pub const PALETTE: &[(u8, u8, u8)] = &[
    (37, 99, 235),
    (220, 38, 38),
    (22, 163, 74),
    (217, 119, 6),
    (147, 51, 234),
    (8, 145, 178),
    (219, 39, 119),
    (101, 163, 13),
    (234, 88, 12),
    (79, 70, 229),
    (13, 148, 136),
    (190, 24, 93),
];

/// The colour of the `i`-th series.
pub fn color(i: usize) -> (u8, u8, u8) {
    PALETTE[i % PALETTE.len()]
}

/// The colour as CSS.
pub fn css_color(i: usize) -> String {
    let (r, g, b) = color(i);
    format!("rgb({r}, {g}, {b})")
}

/// One series ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The legend text (`name{label="value"}`).
    pub label: String,
    /// Runs of consecutive finite points; a missing step or a non-finite value ends a run.
    pub segments: Vec<Vec<(Millis, f64)>>,
    /// Index into the palette (see [`color`]); lines of one label set may share it.
    pub color: usize,
    /// Drawn dashed (the reference side of an overlay).
    pub dashed: bool,
    /// A short word shown before the label in the legend and tooltip ("expected", "yours").
    pub tag: Option<&'static str>,
}

/// The whole chart: lines and axis bounds (never empty or zero-width, so always drawable).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub lines: Vec<Line>,
    pub x: (Millis, Millis),
    pub y: (f64, f64),
}

impl Model {
    /// Builds the chart of a range query's result over `[start, end]` every `step`.
    pub fn new(series: &[Series], start: Millis, end: Millis, step: Millis) -> Model {
        let lines = series.iter().enumerate().map(|(i, s)| line(s, step, i, false, None)).collect();
        Model::from_lines(lines, start, end)
    }

    /// Builds an expected-vs-actual chart: the reference's series dashed, the learner's solid,
    /// and a label set present on both sides drawn in one colour so the pair reads as one.
    pub fn overlay(
        expected: &[Series],
        actual: &[Series],
        start: Millis,
        end: Millis,
        step: Millis,
    ) -> Model {
        let mut lines: Vec<Line> =
            expected.iter().enumerate().map(|(i, s)| line(s, step, i, true, Some("expected"))).collect();
        let mut next = expected.len();
        for s in actual {
            let color = expected.iter().position(|e| e.labels == s.labels).unwrap_or_else(|| {
                next += 1;
                next - 1
            });
            lines.push(line(s, step, color, false, Some("yours")));
        }
        Model::from_lines(lines, start, end)
    }

    fn from_lines(lines: Vec<Line>, start: Millis, end: Millis) -> Model {
        let x = if end > start { (start, end) } else { (start - 1, start + 1) };
        Model { y: y_bounds(&lines), lines, x }
    }
}

fn line(s: &Series, step: Millis, color: usize, dashed: bool, tag: Option<&'static str>) -> Line {
    Line { label: format::labels(&s.labels), segments: segments(s, step), color, dashed, tag }
}

/// Splits a series into runs: consecutive points more than one step apart, or non-finite
/// values, break the line (a series absent at some steps must not be drawn across the gap).
fn segments(s: &Series, step: Millis) -> Vec<Vec<(Millis, f64)>> {
    let mut out: Vec<Vec<(Millis, f64)>> = Vec::new();
    let mut run: Vec<(Millis, f64)> = Vec::new();
    let mut last_t: Option<Millis> = None;
    for p in &s.points {
        let gap = last_t.is_some_and(|t| p.t - t > step.max(1));
        if (gap || !p.v.is_finite()) && !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
        if p.v.is_finite() {
            run.push((p.t, p.v));
        }
        last_t = Some(p.t);
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// The value range with 5 % headroom, widened when flat so a constant line is centred.
fn y_bounds(lines: &[Line]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, v) in lines.iter().flat_map(|l| l.segments.iter().flatten()) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    // Values that are all non-negative keep a floor of zero when it is close: counters and
    // rates read better from zero.
    let lo = if lo >= 0.0 && lo - pad < 0.0 { 0.0 } else { lo - pad };
    (lo, hi + pad)
}

/// Tick spacings a time axis may use, so ticks fall on round clock times (UTC).
const TICK_STEPS: &[Millis] = &[
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
];

/// Round times within `[from, to]` for time-axis ticks, at most `max` of them (at least one
/// whenever the range is non-empty and `max > 0`).
pub fn time_ticks(from: Millis, to: Millis, max: usize) -> Vec<Millis> {
    if to < from || max == 0 {
        return Vec::new();
    }
    let span = to - from;
    let max = max as i64;
    let step = TICK_STEPS.iter().copied().find(|s| span / s < max).unwrap_or_else(|| {
        let week = 604_800_000;
        week * (span / (week * max) + 1)
    });
    let first = from.div_euclid(step) * step + if from.rem_euclid(step) == 0 { 0 } else { step };
    let ticks: Vec<Millis> = (0..).map(|i| first + i * step).take_while(|t| *t <= to).collect();
    if ticks.is_empty() {
        vec![from]
    } else {
        ticks
    }
}

/// Where the plotting area sits on the canvas, in CSS pixels, to map pointer positions back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// The point under a pointer: which line, and the sample nearest to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub line: usize,
    pub t: Millis,
    pub v: f64,
}

impl Model {
    /// Maps a point to canvas pixels within `f`.
    pub fn to_px(&self, f: &Frame, t: Millis, v: f64) -> (f64, f64) {
        let fx = (t - self.x.0) as f64 / (self.x.1 - self.x.0) as f64;
        let fy = (v - self.y.0) / (self.y.1 - self.y.0);
        (f.left + fx * (f.right - f.left), f.bottom - fy * (f.bottom - f.top))
    }

    /// The sample of a visible line nearest to pixel `(px, py)`, if one lies within `max`
    /// pixels (measured in both directions, so crowded charts still pick the closest line).
    pub fn nearest(
        &self,
        f: &Frame,
        px: f64,
        py: f64,
        max: f64,
        visible: &dyn Fn(usize) -> bool,
    ) -> Option<Hit> {
        let mut best: Option<(f64, Hit)> = None;
        for (i, line) in self.lines.iter().enumerate().filter(|(i, _)| visible(*i)) {
            for &(t, v) in line.segments.iter().flatten() {
                let (x, y) = self.to_px(f, t, v);
                let d = (x - px).hypot(y - py);
                if d <= max && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, Hit { line: i, t, v }));
                }
            }
        }
        best.map(|(_, h)| h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Labels, Point};

    /// Sample points of a test series.
    type Points<'a> = &'a [(Millis, f64)];

    fn series(points: Points) -> Series {
        Series::floats(
            Labels::from_pairs([("job", "a")]),
            points.iter().map(|&(t, v)| Point { t, v }).collect(),
        )
    }

    #[test]
    fn lines_split_at_gaps_and_non_finite_values() {
        let cases: &[(Points, &[usize])] = &[
            (&[(0, 1.0), (10, 2.0), (20, 3.0)], &[3]),
            (&[(0, 1.0), (10, 2.0), (40, 3.0)], &[2, 1]),
            (&[(0, 1.0), (10, f64::NAN), (20, 3.0)], &[1, 1]),
            (&[(0, f64::INFINITY)], &[]),
            (&[], &[]),
        ];
        for (points, want) in cases {
            let m = Model::new(&[series(points)], 0, 40, 10);
            let lens: Vec<usize> = m.lines[0].segments.iter().map(Vec::len).collect();
            assert_eq!(&lens, want, "{points:?}");
        }
    }

    #[test]
    fn y_bounds_are_padded_and_never_flat() {
        let cases: &[(Points, (f64, f64))] = &[
            (&[(0, 10.0), (10, 110.0)], (5.0, 115.0)),
            (&[(0, 1.0), (10, 101.0)], (0.0, 106.0)),
            (&[(0, -10.0), (10, 10.0)], (-11.0, 11.0)),
            (&[(0, 5.0)], (4.5, 5.5)),
            (&[(0, 0.0)], (-1.0, 1.0)),
            (&[], (0.0, 1.0)),
        ];
        for (points, want) in cases {
            let m = Model::new(&[series(points)], 0, 10, 10);
            assert!((m.y.0 - want.0).abs() < 1e-9 && (m.y.1 - want.1).abs() < 1e-9, "{points:?}: {:?}", m.y);
        }
    }

    #[test]
    fn nearest_picks_the_closest_visible_line() {
        let a = series(&[(0, 0.0), (10, 0.0)]);
        let b = series(&[(0, 10.0), (10, 10.0)]);
        let m = Model::new(&[a, b], 0, 10, 10);
        let f = Frame { left: 0.0, top: 0.0, right: 100.0, bottom: 100.0 };
        let all = |_: usize| true;
        let top_y = m.to_px(&f, 0, 10.0).1;
        let hit = m.nearest(&f, 1.0, top_y + 2.0, 20.0, &all).expect("hit");
        assert_eq!((hit.line, hit.t), (1, 0));
        // With the closest line hidden, the other one is too far away.
        let only_first = |i: usize| i == 0;
        assert_eq!(m.nearest(&f, 1.0, top_y + 2.0, 20.0, &only_first), None);
    }

    #[test]
    fn time_ticks_fall_on_round_times() {
        let h = 3_600_000;
        let cases: &[(Millis, Millis, usize, &[Millis])] = &[
            (0, 6 * h, 7, &[0, h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h]),
            (0, 24 * h, 5, &[0, 6 * h, 12 * h, 18 * h, 24 * h]),
            (h / 2, 3 * h, 4, &[h, 2 * h, 3 * h]),
            (1_500, 4_000, 8, &[2_000, 3_000, 4_000]),
            (5, 5, 3, &[5]),
            (10, 0, 3, &[]),
        ];
        for (from, to, max, want) in cases {
            assert_eq!(time_ticks(*from, *to, *max), *want, "{from}..{to} max {max}");
        }
        // Beyond the largest listed step, ticks stay within the limit.
        let year = 365 * 24 * h;
        assert!(time_ticks(0, 10 * year, 6).len() <= 6);
    }

    #[test]
    fn overlay_pairs_label_sets_by_colour() {
        let other = Series { labels: Labels::from_pairs([("job", "b")]), ..series(&[(0, 2.0)]) };
        let m = Model::overlay(&[series(&[(0, 1.0)])], &[other, series(&[(0, 1.5)])], 0, 10, 10);
        let style: Vec<(usize, bool, Option<&str>)> =
            m.lines.iter().map(|l| (l.color, l.dashed, l.tag)).collect();
        assert_eq!(
            style,
            [(0, true, Some("expected")), (1, false, Some("yours")), (0, false, Some("yours"))]
        );
        assert!((m.y.0 - 0.95).abs() < 1e-12 && (m.y.1 - 2.05).abs() < 1e-12, "{:?}", m.y);
    }

    #[test]
    fn degenerate_x_range_is_widened() {
        let m = Model::new(&[], 5, 5, 1);
        assert!(m.x.1 > m.x.0);
    }
}
