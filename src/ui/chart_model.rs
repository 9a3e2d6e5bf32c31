//! What the chart draws, computed without any drawing: one line per series split at gaps,
//! the axis bounds and the result's unit, the series colours, the window a drag zooms to,
//! which series a pointer position is nearest to, where the tooltip goes, and which series a
//! legend filter keeps.

use crate::assist::units::Unit;
use crate::engine::{Millis, Series};

use super::colour::{palette, Rgb};
use super::format;

/// The colour of the `i`-th series in the light or dark theme.
pub fn color(i: usize, dark: bool) -> Rgb {
    let p = palette(dark);
    p[i % p.len()]
}

/// The colour as CSS.
pub fn css_color(i: usize, dark: bool) -> String {
    let (r, g, b) = color(i, dark);
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

/// The whole chart: lines, axis bounds (never empty or zero-width, so always drawable) and
/// the unit of the values.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub lines: Vec<Line>,
    pub x: (Millis, Millis),
    pub y: (f64, f64),
    pub unit: Unit,
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
        Model { y: y_bounds(&lines), lines, x, unit: Unit::None }
    }

    /// The same chart with the value axis fitted to the lines `visible` keeps (to all lines
    /// when it keeps none), so hiding a large series brings the others into view.
    pub fn fit_values(mut self, visible: &dyn Fn(usize) -> bool) -> Model {
        let shown: Vec<&Line> =
            self.lines.iter().enumerate().filter(|(i, _)| visible(*i)).map(|(_, l)| l).collect();
        if !shown.is_empty() {
            self.y = y_bounds(shown);
        }
        self
    }

    /// The same chart with its values in `unit`.
    pub fn with_unit(self, unit: Unit) -> Model {
        Model { unit, ..self }
    }

    /// The chart cut to `[from, to]` (a drag on the time axis), the value axis fitted to what
    /// remains. The window is ordered, kept within the chart, and at least [`MIN_ZOOM`] wide.
    pub fn zoomed(&self, from: Millis, to: Millis) -> Model {
        let (from, to) = (from.min(to).max(self.x.0), from.max(to).min(self.x.1));
        let (from, to) = if to - from < MIN_ZOOM {
            let mid = from + (to - from) / 2;
            let from = (mid - MIN_ZOOM / 2).max(self.x.0);
            (from, (from + MIN_ZOOM).min(self.x.1))
        } else {
            (from, to)
        };
        let lines = self
            .lines
            .iter()
            .map(|l| Line {
                segments: l
                    .segments
                    .iter()
                    .map(|seg| {
                        seg.iter().copied().filter(|(t, _)| (from..=to).contains(t)).collect::<Vec<_>>()
                    })
                    .filter(|seg| !seg.is_empty())
                    .collect(),
                ..l.clone()
            })
            .collect();
        Model { unit: self.unit, ..Model::from_lines(lines, from, to) }
    }
}

/// The narrowest window a drag zooms to (narrower drags are slips of the pointer).
pub const MIN_ZOOM: Millis = 10_000;

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
fn y_bounds<'a>(lines: impl IntoIterator<Item = &'a Line>) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, v) in lines.into_iter().flat_map(|l| l.segments.iter().flatten()) {
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

/// Whether a legend entry matches the legend's filter: every word typed appears in it,
/// ignoring case (`fraud v2` keeps `{model="fraud-detector", version="v2"}`).
pub fn matches_filter(label: &str, filter: &str) -> bool {
    let label = label.to_lowercase();
    filter.split_whitespace().all(|word| label.contains(&word.to_lowercase()))
}

/// How far the tooltip sits from the pointer, in CSS pixels.
const TOOLTIP_OFFSET: f64 = 14.0;

/// The CSS position of the tooltip for a pointer at `(x, y)` in a `width` × `height` box:
/// below and right of the pointer, flipped to its left in the right half of the box (so it
/// never runs past the right edge, even on a phone) and above it in the lower half.
pub fn tooltip_style(x: f64, y: f64, width: f64, height: f64) -> String {
    let horizontal = if x > width / 2.0 {
        format!("right: {}px;", (width - x + TOOLTIP_OFFSET).round())
    } else {
        format!("left: {}px;", (x + TOOLTIP_OFFSET).round())
    };
    let vertical = if y > height * 0.6 {
        format!("bottom: {}px;", (height - y + TOOLTIP_OFFSET).round())
    } else {
        format!("top: {}px;", (y + TOOLTIP_OFFSET).round())
    };
    format!("{horizontal} {vertical}")
}

/// Where the plotting area sits on the canvas, in CSS pixels, to map pointer positions back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Frame {
    /// The time at horizontal pixel `px` of a chart spanning `x`, within the plot.
    pub fn time_at(&self, x: (Millis, Millis), px: f64) -> Millis {
        let width = (self.right - self.left).max(1.0);
        let share = ((px - self.left) / width).clamp(0.0, 1.0);
        x.0 + ((x.1 - x.0) as f64 * share).round() as Millis
    }
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
    fn a_zoom_keeps_the_points_inside_and_refits_the_values() {
        let m = Model::new(
            &[series(&[(0, 1.0), (10_000, 50.0), (20_000, 2.0), (30_000, 3.0)])],
            0,
            30_000,
            10_000,
        )
        .with_unit(Unit::Bytes);
        let z = m.zoomed(25_000, 15_000);
        assert_eq!(z.x, (15_000, 25_000));
        assert_eq!(z.lines[0].segments, [vec![(20_000, 2.0)]]);
        assert_eq!(z.unit, Unit::Bytes);
        assert!(z.y.1 < 10.0, "{:?}", z.y);
        // Outside the chart, and narrower than the least zoom.
        assert_eq!(m.zoomed(-5_000, 40_000).x, (0, 30_000));
        assert_eq!(m.zoomed(12_000, 12_001).x, (7_000, 17_000));
        // The frame maps pixels back to times.
        let f = Frame { left: 10.0, top: 0.0, right: 110.0, bottom: 50.0 };
        assert_eq!(f.time_at(m.x, 60.0), 15_000);
        assert_eq!(f.time_at(m.x, 0.0), 0);
        assert_eq!(f.time_at(m.x, 500.0), 30_000);
    }

    #[test]
    fn hidden_lines_leave_the_value_axis() {
        let big = series(&[(0, 1000.0)]);
        let small = Series { labels: Labels::from_pairs([("job", "b")]), ..series(&[(0, 1.0), (10, 2.0)]) };
        let m = Model::new(&[big, small], 0, 10, 10);
        assert!(m.y.1 > 1000.0);
        let fitted = m.clone().fit_values(&|i| i == 1);
        assert!(fitted.y.1 < 3.0, "{:?}", fitted.y);
        assert_eq!(m.clone().fit_values(&|_| false).y, m.y);
    }

    #[test]
    fn legend_filter_matches_every_word() {
        let label = r#"{model="fraud-detector", pod="fraud-detector-v2-1", version="v2"}"#;
        for (filter, want) in
            [("", true), ("fraud v2", true), ("FRAUD", true), ("fraud v3", false), ("  ", true)]
        {
            assert_eq!(matches_filter(label, filter), want, "{filter:?}");
        }
    }

    #[test]
    fn the_tooltip_flips_at_the_right_and_bottom_edges() {
        assert_eq!(tooltip_style(50.0, 40.0, 340.0, 260.0), "left: 64px; top: 54px;");
        // Near the right edge of a phone-wide chart: anchored by its right side.
        assert_eq!(tooltip_style(330.0, 40.0, 340.0, 260.0), "right: 24px; top: 54px;");
        assert_eq!(tooltip_style(330.0, 250.0, 340.0, 260.0), "right: 24px; bottom: 24px;");
    }

    #[test]
    fn series_colours_follow_the_theme() {
        assert_ne!(color(0, false), color(0, true));
        assert_eq!(color(20, false), color(0, false));
        assert_eq!(css_color(0, false), "rgb(28, 105, 227)");
    }

    #[test]
    fn degenerate_x_range_is_widened() {
        let m = Model::new(&[], 5, 5, 1);
        assert!(m.x.1 > m.x.0);
    }
}
