//! The [`Ends`] of a series' window kept up to date as a range query's windows slide
//! forward, so that `rate`, `increase` and `delta` cost the samples that enter and leave
//! the window at each step rather than every sample in it (`increase(x[24h])` on a 6-hour
//! dashboard would otherwise read each sample hundreds of times to find counter resets).
//!
//! The result is bit for bit what [`Ends::of`] gives on the window's float samples: the
//! same first and last sample and count, and the same resets summed in the same order.

use std::collections::VecDeque;

use super::rate::{reset_correction, Ends};
use crate::engine::value::{is_histogram_placeholder, is_stale, Point};

/// One series' window, as positions `[lo, hi)` in its stored points, and what it holds
/// besides floats (staleness markers and native histogram placeholders, which float
/// functions skip). Positions refer to one series' points for the whole query.
#[derive(Clone, Debug, Default)]
pub struct SlidingWindow {
    lo: usize,
    hi: usize,
    /// The positions in the window of samples that are not floats, and whether each is a
    /// native histogram placeholder (counted in the query's stats).
    skipped: VecDeque<(usize, bool)>,
    /// Each counter reset between two consecutive floats of the window: the position of
    /// the float before the reset and its value (what the reset correction adds).
    resets: VecDeque<(usize, f64)>,
    /// The window's last float and its position.
    last: Option<(usize, Point)>,
}

impl SlidingWindow {
    /// Moves the window to positions `[lo, hi)` of `points`. A move forward reads only the
    /// points that enter; any other move (back, or past the old window's end) starts over
    /// at `lo`.
    pub fn slide(&mut self, points: &[Point], lo: usize, hi: usize) {
        let hi = hi.min(points.len());
        let lo = lo.min(hi);
        if lo < self.lo || hi < self.hi || lo > self.hi {
            self.skipped.clear();
            self.resets.clear();
            self.last = None;
            self.hi = lo;
        }
        self.lo = lo;
        while self.skipped.front().is_some_and(|&(i, _)| i < lo) {
            self.skipped.pop_front();
        }
        // A reset whose earlier float left the window is no longer between two of its floats.
        while self.resets.front().is_some_and(|&(i, _)| i < lo) {
            self.resets.pop_front();
        }
        if self.last.is_some_and(|(i, _)| i < lo) {
            self.last = None;
        }
        for (i, p) in points.iter().enumerate().take(hi).skip(self.hi) {
            if is_stale(p.v) || is_histogram_placeholder(p.v) {
                self.skipped.push_back((i, is_histogram_placeholder(p.v)));
                continue;
            }
            if let Some((before, prev)) = self.last {
                if p.v < prev.v {
                    self.resets.push_back((before, prev.v));
                }
            }
            self.last = Some((i, *p));
        }
        self.hi = hi;
    }

    /// How many floats the window holds.
    pub fn floats(&self) -> usize {
        self.hi - self.lo - self.skipped.len()
    }

    /// How many native histogram placeholders the window holds.
    pub fn histograms(&self) -> u64 {
        self.skipped.iter().filter(|s| s.1).count() as u64
    }

    /// The window's ends (None without floats), with its resets corrected for when
    /// `is_counter`. `points` are the points [`SlidingWindow::slide`] was given.
    pub fn ends(&self, points: &[Point], is_counter: bool) -> Option<Ends> {
        let (_, last) = self.last?;
        // The first float: the window's first position that is not skipped.
        let mut first = self.lo;
        for &(i, _) in &self.skipped {
            if i != first {
                break;
            }
            first += 1;
        }
        let resets = is_counter.then(|| reset_correction(self.resets.iter().map(|r| r.1)));
        Some(Ends { first: *points.get(first)?, last, len: self.floats(), resets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::{histogram_placeholder, stale_nan};

    /// Slides over every window `[lo, hi)` in a sequence of moves and compares with
    /// [`Ends::of`] on the window's floats (as bits), and the counts.
    fn check(values: &[f64], moves: &[(usize, usize)]) {
        let points: Vec<Point> =
            values.iter().enumerate().map(|(i, &v)| Point { t: i as i64 * 10, v }).collect();
        let mut w = SlidingWindow::default();
        for &(lo, hi) in moves {
            w.slide(&points, lo, hi);
            let window = points.get(lo..hi.min(points.len())).unwrap_or_default();
            let floats: Vec<Point> =
                window.iter().filter(|p| !is_stale(p.v) && !is_histogram_placeholder(p.v)).copied().collect();
            let histograms = window.iter().filter(|p| is_histogram_placeholder(p.v)).count() as u64;
            for counter in [true, false] {
                let bits =
                    |e: Option<Ends>| e.map(|e| (e.first.t, e.last.t, e.len, e.resets.map(f64::to_bits)));
                assert_eq!(
                    bits(w.ends(&points, counter)),
                    bits(Ends::of(&floats, counter)),
                    "{values:?} [{lo}, {hi})"
                );
            }
            assert_eq!((w.floats(), w.histograms()), (floats.len(), histograms), "{values:?} [{lo}, {hi})");
        }
    }

    #[test]
    fn sliding_agrees_with_reading_the_window() {
        let s = stale_nan();
        let h = histogram_placeholder();
        let series: &[&[f64]] = &[
            // Resets at the first and last position, and in between.
            &[5.0, 1.0, 2.0, 3.0, 0.5, 4.0, 1.0],
            // Markers between a reset's two floats, at the edges, in a row; NaN values.
            &[s, 3.0, s, 1.0, h, 2.0, f64::NAN, 1.0, s, s, 0.0, h],
            // Sums that round differently in another order.
            &[0.1, 0.0, 1e16, 0.0, 0.3, 0.0, -1e16, -2e16, 0.7, 0.0],
            &[],
        ];
        let forward: Vec<(usize, usize)> = (0..14).map(|i| (i / 2, i)).collect();
        let jumps = [(0, 3), (2, 5), (6, 9), (1, 4), (1, 4), (0, 12), (5, 5), (9, 20), (3, 2), (0, 0)];
        for values in series {
            check(values, &forward);
            check(values, &jumps);
            // Every window of every width, each from a fresh start and each after the previous.
            let all: Vec<(usize, usize)> =
                (0..=values.len()).flat_map(|lo| (lo..=values.len()).map(move |hi| (lo, hi))).collect();
            check(values, &all);
        }
    }
}
