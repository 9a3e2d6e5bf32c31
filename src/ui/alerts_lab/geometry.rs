//! The alerting lab's drawings as plain data: the time scale shared by a rule's chart, its
//! alert rows and the counts, the bars of pending and firing spans, the chart's lines and
//! threshold, which evaluation a pointer position falls on, and the labels that tell a
//! rule's alerts apart. Pure, so it is tested natively; the components draw it as SVG.

use crate::content::time::format_instant;
use crate::engine::{Labels, Millis, Series};
use crate::link::alerts::{InstanceView, SpanView};
use crate::rules::alert_timeline::Ending;

/// The drawing's width in SVG units (it scales to the page), the label column, and heights.
pub const WIDTH: f64 = 1000.0;
pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = 12.0;
pub const ROW: f64 = 18.0;
pub const CHART_HEIGHT: f64 = 120.0;

/// Maps times in `[start, end]` to x in `[LEFT, WIDTH - RIGHT]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScale {
    pub start: Millis,
    pub end: Millis,
}

impl TimeScale {
    pub fn x(&self, t: Millis) -> f64 {
        let span = (self.end - self.start).max(1) as f64;
        LEFT + (t.clamp(self.start, self.end) - self.start) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    /// The time at `x` (clamped to the scale).
    pub fn t(&self, x: f64) -> Millis {
        let f = ((x - LEFT) / (WIDTH - LEFT - RIGHT)).clamp(0.0, 1.0);
        self.start + (f * (self.end - self.start) as f64).round() as Millis
    }

    /// Tick marks: (x, label) every 6 hours (or every hour for short spans), labelled
    /// `Mon 06:00` style (UTC).
    pub fn ticks(&self) -> Vec<(f64, String)> {
        let span = self.end - self.start;
        let every: Millis = if span > 24 * 3_600_000 {
            6 * 3_600_000
        } else if span > 6 * 3_600_000 {
            3_600_000 * 2
        } else {
            3_600_000 / 2
        };
        let first =
            self.start.div_euclid(every) * every + if self.start.rem_euclid(every) == 0 { 0 } else { every };
        (0..)
            .map(|k| first + k * every)
            .take_while(|t| *t <= self.end)
            .map(|t| (self.x(t), short_time(t)))
            .collect()
    }
}

/// `Tue 09:30` (UTC), the way the lab names instants of the two-day dataset.
pub fn short_time(t: Millis) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let day = DAYS[t.div_euclid(86_400_000).rem_euclid(7) as usize];
    let full = format_instant(t);
    format!("{day} {}", full.get(11..16).unwrap_or(""))
}

/// A bar of one alert's life: pending from `x0` to `x1`, then firing to `x2`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub pending: Option<(f64, f64)>,
    pub firing: Option<(f64, f64)>,
    /// True when it ended without firing (its condition went away during `for`).
    pub cancelled: bool,
}

/// The bars of one alert row; spans still active at the end run to `end`.
pub fn bars(spans: &[SpanView], scale: &TimeScale) -> Vec<Bar> {
    spans
        .iter()
        .map(|s| {
            let stop = s.end.map_or(scale.end, |(t, _)| t);
            let fired = s.fired_at.filter(|f| *f < stop);
            let pending_end = fired.unwrap_or(stop);
            let pending = (pending_end > s.active_at).then(|| (scale.x(s.active_at), scale.x(pending_end)));
            let firing = fired.map(|f| (scale.x(f), scale.x(stop).max(scale.x(f) + 1.0)));
            let cancelled = matches!(s.end, Some((_, Ending::Cancelled)));
            // An alert that fired at once has no pending part; one that lasted a single
            // evaluation still gets a visible sliver.
            let pending =
                pending.or((fired.is_none()).then(|| (scale.x(s.active_at), scale.x(s.active_at) + 1.0)));
            Bar { pending, firing, cancelled }
        })
        .collect()
}

/// Maps values to y inside a chart of height [`CHART_HEIGHT`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValueScale {
    pub min: f64,
    pub max: f64,
}

impl ValueScale {
    /// A scale covering the series and the threshold, with a little room above.
    pub fn new(series: &[Series], threshold: Option<f64>) -> ValueScale {
        let values = series.iter().flat_map(|s| s.points.iter().map(|p| p.v)).chain(threshold);
        let (mut min, mut max) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !min.is_finite() {
            (min, max) = (0.0, 1.0);
        }
        if min > 0.0 && min < max * 0.5 {
            min = 0.0;
        }
        if max <= min {
            max = min + 1.0;
        }
        ValueScale { min, max: max + (max - min) * 0.08 }
    }

    pub fn y(&self, v: f64) -> f64 {
        let f = (v - self.min) / (self.max - self.min);
        CHART_HEIGHT - 4.0 - f.clamp(0.0, 1.0) * (CHART_HEIGHT - 10.0)
    }
}

/// SVG path data of one series (`M x y L x y ...`, a gap in the points starts a new `M`).
pub fn path(series: &Series, step: Millis, scale: &TimeScale, values: &ValueScale) -> String {
    let mut d = String::new();
    let mut last: Option<Millis> = None;
    for p in &series.points {
        if !p.v.is_finite() {
            last = None;
            continue;
        }
        let cmd = if last.is_some_and(|l| p.t - l <= step) { 'L' } else { 'M' };
        d.push_str(&format!("{cmd}{:.1} {:.1} ", scale.x(p.t), values.y(p.v)));
        last = Some(p.t);
    }
    d.trim_end().to_string()
}

/// The evaluation a pointer at time `t` reads: the last one at or before `t` on the grid
/// of `interval` (ticks at its multiples), never before `start`.
pub fn evaluation_at(t: Millis, start: Millis, interval: Millis) -> Millis {
    let step = interval.max(1);
    (t.div_euclid(step) * step).max(start)
}

/// The labels that tell one alert of a rule from the others: all but `alertname` and those
/// every alert of the rule has with the same value (when there are several alerts).
pub fn distinguishing(labels: &Labels, all: &[InstanceView]) -> String {
    let shared = |n: &str, v: &str| all.len() > 1 && all.iter().all(|i| i.labels.get(n) == Some(v));
    let shown: Vec<String> = labels
        .iter()
        .filter(|(n, v)| *n != "alertname" && !shared(n, v))
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    if shown.is_empty() {
        "(one alert)".into()
    } else {
        shown.join(", ")
    }
}

/// A duration for people: `1h 24m`, `4m 30s`, `30s`.
pub fn human_duration(ms: Millis) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (sec, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.into_iter().take(2).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Point;

    const H: Millis = 3_600_000;
    const MON: Millis = 1_767_571_200_000; // 2026-01-05T00:00:00Z

    #[test]
    fn scales_and_ticks() {
        let scale = TimeScale { start: MON, end: MON + 48 * H };
        assert_eq!(scale.x(MON), LEFT);
        assert_eq!(scale.x(MON + 48 * H), WIDTH - RIGHT);
        assert_eq!(scale.t(scale.x(MON + 33 * H)), MON + 33 * H);
        let ticks = scale.ticks();
        assert_eq!(ticks.len(), 9);
        assert_eq!(ticks[5].1, "Tue 06:00");
        assert_eq!(short_time(MON + 33 * H + 7 * 60_000), "Tue 09:07");
    }

    #[test]
    fn bars_of_spans() {
        let scale = TimeScale { start: 0, end: 1000 * 60_000 };
        let x = |m: Millis| scale.x(m * 60_000);
        let spans = [
            SpanView { active_at: 60_000, fired_at: Some(300_000), end: Some((600_000, Ending::Resolved)) },
            SpanView {
                active_at: 700 * 60_000,
                fired_at: None,
                end: Some((702 * 60_000, Ending::Cancelled)),
            },
            SpanView { active_at: 900 * 60_000, fired_at: Some(900 * 60_000), end: None },
        ];
        let b = bars(&spans, &scale);
        assert_eq!(b[0], Bar { pending: Some((x(1), x(5))), firing: Some((x(5), x(10))), cancelled: false });
        assert_eq!(b[1], Bar { pending: Some((x(700), x(702))), firing: None, cancelled: true });
        assert_eq!(b[2], Bar { pending: None, firing: Some((x(900), x(1000))), cancelled: false });
    }

    #[test]
    fn values_paths_and_hover() {
        let s = Series {
            labels: Labels::empty(),
            points: vec![Point { t: 0, v: 0.0 }, Point { t: 60_000, v: 1.0 }, Point { t: 180_000, v: 1.0 }],
            histograms: Vec::new(),
        };
        let values = ValueScale::new(std::slice::from_ref(&s), Some(0.5));
        assert_eq!((values.min, values.max), (0.0, 1.08));
        let scale = TimeScale { start: 0, end: 180_000 };
        let d = path(&s, 60_000, &scale, &values);
        assert_eq!(d.matches('M').count(), 2, "a missing step starts a new line: {d}");
        assert_eq!(evaluation_at(95_000, 0, 30_000), 90_000);
        assert_eq!(evaluation_at(-5, 0, 30_000), 0);
    }

    #[test]
    fn labels_and_durations() {
        let inst = |m: &str| InstanceView {
            labels: Labels::from_pairs([("alertname", "A"), ("severity", "page"), ("model", m)]),
            spans: Vec::new(),
        };
        let all = [inst("a"), inst("b")];
        assert_eq!(distinguishing(&all[0].labels, &all), "model=a");
        assert_eq!(distinguishing(&all[0].labels, &all[..1]), "model=a, severity=page");
        assert_eq!(human_duration(84 * 60_000), "1h 24m");
        assert_eq!(human_duration(270_000), "4m 30s");
        assert_eq!(human_duration(0), "0s");
    }
}
