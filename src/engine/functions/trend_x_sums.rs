//! The timestamp side of `deriv`'s and `predict_linear`'s least-squares line: Σx and Σx²
//! (Kahan-compensated, x = seconds from the intercept time). They depend only on where the
//! window's timestamps lie relative to the intercept time, and when the timestamps are evenly
//! spaced, as scrapes are, that is three numbers: every series scraped on the same beat
//! shares them at a step. They are computed once per such shape and looked up after; a
//! lookup stands for the very same additions in the same order, so results are
//! bit-identical. Half of the regression's sums go, and with them a third of its time.

use std::cell::RefCell;

use super::over_time::KahanSum;
use crate::engine::value::{Millis, Point};

/// An evenly spaced window: (first timestamp − intercept time, spacing, number of points).
/// It fixes every x of the window, so it fixes the sums.
type Shape = (Millis, Millis, usize);

/// Shapes remembered: a range query's step meets one or two (series scraped on different
/// beats), and each step of `predict_linear` may bring a new one.
const SLOTS: usize = 4;

#[derive(Default)]
struct Recent {
    slots: [Option<(Shape, KahanSum, KahanSum)>; SLOTS],
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// The x of a point, as upstream computes it.
#[inline(always)]
pub(super) fn x_of(t: Millis, intercept_time: Millis) -> f64 {
    t.saturating_sub(intercept_time) as f64 / 1e3
}

/// Σx and Σx² over `points` (Kahan sums, added in order, as the regression adds them).
pub(super) fn x_sums(points: &[Point], intercept_time: Millis) -> (KahanSum, KahanSum) {
    let Some(shape) = shape_of(points, intercept_time) else { return sum_xs(points, intercept_time) };
    let hit = RECENT
        .with_borrow(|r| r.slots.iter().flatten().find(|(s, ..)| *s == shape).map(|&(_, sx, sx2)| (sx, sx2)));
    if let Some(sums) = hit {
        return sums;
    }
    let (sx, sx2) = sum_xs(points, intercept_time);
    RECENT.with_borrow_mut(|r| {
        let slot = r.next;
        r.slots[slot] = Some((shape, sx, sx2));
        r.next = (slot + 1) % SLOTS;
    });
    (sx, sx2)
}

/// The sums, added up.
fn sum_xs(points: &[Point], intercept_time: Millis) -> (KahanSum, KahanSum) {
    let (mut sx, mut sx2) = (KahanSum::default(), KahanSum::default());
    for p in points {
        let x = x_of(p.t, intercept_time);
        sx.add(x);
        sx2.add(x * x);
    }
    (sx, sx2)
}

/// The window's shape when its timestamps are evenly spaced (two points or more).
fn shape_of(points: &[Point], intercept_time: Millis) -> Option<Shape> {
    let (first, second) = (points.first()?, points.get(1)?);
    let spacing = second.t.checked_sub(first.t)?;
    let even = points.windows(2).all(|w| w[1].t.checked_sub(w[0].t) == Some(spacing));
    even.then_some((first.t.checked_sub(intercept_time)?, spacing, points.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(s: KahanSum) -> (u64, u64) {
        (s.sum.to_bits(), s.c.to_bits())
    }

    /// Remembered sums are the sums of the window at hand, bit for bit, across windows that
    /// share a shape, windows that do not, uneven windows and extreme timestamps.
    #[test]
    fn remembered_sums_are_the_windows_own() {
        let mut windows: Vec<(Vec<Millis>, Millis)> = Vec::new();
        for n in [1, 2, 3, 120, 121] {
            for start in [0, 15_000, 1_700_000_000_000] {
                let even: Vec<Millis> = (0..n).map(|i| start + i * 30_000).collect();
                for intercept in [start, start + 7_500, start - 3_600_000] {
                    windows.push((even.clone(), intercept));
                }
                let mut uneven = even.clone();
                if let Some(last) = uneven.last_mut() {
                    *last += 1;
                }
                windows.push((uneven, start));
            }
        }
        windows.push((vec![Millis::MIN, 0, Millis::MAX], 0));
        windows.push((vec![Millis::MIN + 1, Millis::MIN + 2, Millis::MIN + 3], Millis::MAX));
        // Twice over, so the second round is answered from the memo where shapes repeat.
        for (ts, intercept) in windows.iter().chain(windows.iter()) {
            let points: Vec<Point> = ts.iter().map(|&t| Point { t, v: 0.0 }).collect();
            let (sx, sx2) = x_sums(&points, *intercept);
            let (want_sx, want_sx2) = sum_xs(&points, *intercept);
            assert_eq!((bits(sx), bits(sx2)), (bits(want_sx), bits(want_sx2)), "{ts:?} at {intercept}");
        }
    }
}
