//! Pure helpers for the Alertmanager lab's views (tested natively): times shown as the
//! dataset's day and clock plus the offset the timeline files use, durations, the receiver ×
//! time chart's geometry, and the headline comparing the runs with and without inhibition.

use crate::engine::Millis;
use crate::link::alertmanager::{NotificationRow, SimulationReport};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// `Tue 09:08:00` (UTC).
pub fn clock(t: Millis) -> String {
    let secs = t.div_euclid(1000);
    let day = DAYS[secs.div_euclid(86_400).rem_euclid(7) as usize];
    let s = secs.rem_euclid(86_400);
    format!("{day} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `33h8m` after the start, as timeline files write offsets (hours, never days).
pub fn offset(t: Millis, start: Millis) -> String {
    let secs = (t - start).max(0) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// A duration as Prometheus writes it (`5m`, `12h`).
pub fn duration(ms: Millis) -> String {
    crate::rules::duration::format(ms)
}

/// The chart's drawing area, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartGeometry {
    pub width: f64,
    /// Where the time axis starts (room for receiver names on the left).
    pub left: f64,
    pub right: f64,
    pub row_height: f64,
    pub top: f64,
}

impl ChartGeometry {
    /// The chart for `rows` receivers, `width` units wide.
    pub fn new(width: f64) -> ChartGeometry {
        ChartGeometry { width, left: 118.0, right: 12.0, row_height: 30.0, top: 22.0 }
    }

    /// x of instant `t` on `[start, end]`.
    pub fn x(&self, t: Millis, start: Millis, end: Millis) -> f64 {
        let span = (end - start).max(1) as f64;
        self.left + (self.width - self.left - self.right) * ((t - start) as f64 / span).clamp(0.0, 1.0)
    }

    /// y of the middle of row `i`.
    pub fn y(&self, i: usize) -> f64 {
        self.top + self.row_height * (i as f64 + 0.5)
    }

    /// The whole height for `rows` rows plus the axis.
    pub fn height(&self, rows: usize) -> f64 {
        self.top + self.row_height * rows as f64 + 24.0
    }

    /// Tick instants every 6 hours from `start`, with their labels (`Mon 06:00`).
    pub fn ticks(&self, start: Millis, end: Millis) -> Vec<(f64, String)> {
        let step = 6 * 3_600_000;
        let mut out = Vec::new();
        let mut t = start;
        while t <= end {
            let label = clock(t);
            out.push((self.x(t, start, end), label[..label.len() - 3].to_string()));
            t += step;
        }
        out
    }
}

/// The headline of a simulation: total notifications with and without inhibition.
pub fn headline(report: &SimulationReport) -> String {
    let with: usize = report.with_inhibition.per_receiver.iter().sum();
    let without: usize = report.without_inhibition.per_receiver.iter().sum();
    let saved = without.saturating_sub(with);
    let effect = match saved {
        0 => "inhibition prevents none of them".to_string(),
        n => format!("inhibition prevents {n} ({:.0} %)", 100.0 * n as f64 / without.max(1) as f64),
    };
    format!(
        "{with} notification{} with the inhibit rules, {without} without: {effect}.",
        if with == 1 { "" } else { "s" }
    )
}

/// A row's alerts in a few words: `2 firing, 1 resolved`.
pub fn alert_counts(row: &NotificationRow) -> String {
    match (row.firing, row.resolved) {
        (f, 0) => format!("{f} firing"),
        (0, r) => format!("{r} resolved"),
        (f, r) => format!("{f} firing, {r} resolved"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::time::DEFAULT_START;

    #[test]
    fn clocks_and_offsets() {
        assert_eq!(clock(DEFAULT_START), "Mon 00:00:00");
        assert_eq!(clock(DEFAULT_START + 33 * 3_600_000 + 480_000), "Tue 09:08:00");
        assert_eq!(offset(DEFAULT_START + 33 * 3_600_000 + 480_000, DEFAULT_START), "33h8m");
    }

    #[test]
    fn geometry() {
        let g = ChartGeometry::new(1000.0);
        let end = DEFAULT_START + 48 * 3_600_000;
        assert_eq!(g.x(DEFAULT_START, DEFAULT_START, end), 118.0);
        assert_eq!(g.x(end, DEFAULT_START, end), 988.0);
        assert_eq!(g.ticks(DEFAULT_START, end).len(), 9);
        assert_eq!(g.ticks(DEFAULT_START, end)[1].1, "Mon 06:00");
    }
}
