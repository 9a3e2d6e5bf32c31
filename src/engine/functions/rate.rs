//! `rate`, `increase`, `delta` (extrapolated over the window, Prometheus 3.x rules) and
//! `irate`, `idelta` (from the last two samples).

use crate::engine::value::{Millis, Point};

/// All that [`extrapolated_rate`] reads of a window: its first and last sample, how many
/// samples it holds and, for a counter, the reset correction. The function table takes
/// them from the window's points ([`Ends::of`]); range queries keep them up to date as the
/// window slides (`functions::resets`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ends {
    pub first: Point,
    pub last: Point,
    pub len: usize,
    /// For a counter, [`reset_correction`] of the window's resets; None for a gauge.
    pub resets: Option<f64>,
}

impl Ends {
    /// The ends of a window's points (None when it is empty); with `is_counter`, its resets
    /// (a value lower than the one before it) corrected for.
    pub fn of(points: &[Point], is_counter: bool) -> Option<Ends> {
        let (first, last) = (*points.first()?, *points.last()?);
        let resets = is_counter
            .then(|| reset_correction(points.windows(2).filter(|w| w[1].v < w[0].v).map(|w| w[0].v)));
        Some(Ends { first, last, len: points.len(), resets })
    }
}

/// What a window's counter resets add to its increase: the value before each reset, summed
/// in time order (as Prometheus adds them). Both ways of finding the resets sum through
/// here, so they round alike.
pub fn reset_correction(values_before_resets: impl Iterator<Item = f64>) -> f64 {
    values_before_resets.sum::<f64>()
}

/// The increase over `window` = `(start, end]` estimated from a window's [`Ends`] (at least
/// two samples), as Prometheus's `extrapolatedRate`: counter resets are corrected for; the
/// sampled interval is extrapolated to a window edge when the first/last sample is within
/// 1.1× the average sample spacing of it, otherwise by half that spacing; and a counter is
/// never extrapolated below zero (the clamp is applied after the threshold decision).
pub(super) fn extrapolated_rate(ends: &Ends, window: (Millis, Millis)) -> Option<f64> {
    if ends.len < 2 {
        return None;
    }
    let (first, last) = (ends.first, ends.last);
    let is_counter = ends.resets.is_some();
    let mut result = last.v - first.v;
    if let Some(correction) = ends.resets {
        result += correction;
    }
    let zero_point = (is_counter && result > 0.0 && first.v >= 0.0).then_some(first.v / result);
    Some(result * extrapolation_factor((first.t, last.t), ends.len - 1, window, is_counter, zero_point))
}

/// [`extrapolated_rate`] as Prometheus 2.x computes it (`EngineOptions::v2_numerics`): the
/// counter's zero point clamps the distance to the window's start before the threshold
/// decision, and a rate's factor is divided by the range before it scales the increase.
pub(super) fn extrapolated_rate_v2(
    ends: &Ends,
    (range_start, range_end): (Millis, Millis),
    is_rate: bool,
) -> Option<f64> {
    if ends.len < 2 {
        return None;
    }
    let (first, last) = (ends.first, ends.last);
    let mut result = last.v - first.v;
    if let Some(correction) = ends.resets {
        result += correction;
    }
    let mut to_start = first.t.saturating_sub(range_start) as f64 / 1000.0;
    let to_end = range_end.saturating_sub(last.t) as f64 / 1000.0;
    let sampled = last.t.saturating_sub(first.t) as f64 / 1000.0;
    let average = sampled / (ends.len - 1) as f64;
    if ends.resets.is_some() && result > 0.0 && first.v >= 0.0 {
        to_start = to_start.min(sampled * (first.v / result));
    }
    let threshold = average * 1.1;
    let mut interval = sampled;
    interval += if to_start < threshold { to_start } else { average / 2.0 };
    interval += if to_end < threshold { to_end } else { average / 2.0 };
    let mut factor = interval / sampled;
    if is_rate {
        factor /= range_end.saturating_sub(range_start) as f64 / 1000.0;
    }
    Some(result * factor)
}

/// The factor that scales the change between the first and last sample (at `first_t`,
/// `last_t`, `intervals` sampling intervals apart) to the whole window `(start, end]`
/// (Prometheus's `extrapolatedRate`). `zero_point` is the first sample's share of the change
/// for a counter that may be extrapolated back to zero but not below.
pub(super) fn extrapolation_factor(
    (first_t, last_t): (Millis, Millis),
    intervals: usize,
    (range_start, range_end): (Millis, Millis),
    is_counter: bool,
    zero_point: Option<f64>,
) -> f64 {
    // Saturating: a window built from extreme `@`/offset values must not overflow.
    let mut duration_to_start = first_t.saturating_sub(range_start) as f64 / 1000.0;
    let mut duration_to_end = range_end.saturating_sub(last_t) as f64 / 1000.0;
    let sampled_interval = last_t.saturating_sub(first_t) as f64 / 1000.0;
    let average_between_samples = sampled_interval / intervals as f64;
    let threshold = average_between_samples * 1.1;

    if duration_to_start >= threshold {
        duration_to_start = average_between_samples / 2.0;
    }
    if is_counter {
        // Counters cannot be negative: if extrapolating back would cross zero, start at the
        // zero point instead.
        let duration_to_zero = zero_point.map_or(duration_to_start, |share| sampled_interval * share);
        if duration_to_zero < duration_to_start {
            duration_to_start = duration_to_zero;
        }
    }
    if duration_to_end >= threshold {
        duration_to_end = average_between_samples / 2.0;
    }
    if sampled_interval != 0.0 {
        (sampled_interval + duration_to_start + duration_to_end) / sampled_interval
    } else {
        1.0
    }
}

/// `irate`/`idelta` from the last two samples: a counter reset makes the rate start from
/// zero; equal timestamps give nothing.
pub(super) fn instant_value(points: &[Point], is_rate: bool) -> Option<f64> {
    let (prev, last) = match points {
        [.., prev, last] => (*prev, *last),
        _ => return None,
    };
    let interval = last.t.saturating_sub(prev.t);
    if interval == 0 {
        return None;
    }
    let mut v = if is_rate && last.v < prev.v { last.v } else { last.v - prev.v };
    if is_rate {
        v /= interval as f64 / 1000.0;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(samples: &[(Millis, f64)]) -> Vec<Point> {
        samples.iter().map(|&(t, v)| Point { t, v }).collect()
    }

    #[test]
    fn extrapolation_cases() {
        // (points, window, counter, expected increase)
        type Case<'a> = (&'a [(Millis, f64)], (Millis, Millis), bool, f64);
        let cases: &[Case] = &[
            // Samples every 60s covering the 5m window exactly up to the edges: no scaling.
            (&[(0, 0.0), (60_000, 10.0), (120_000, 20.0)], (0, 120_000), true, 20.0),
            // Window edges 30s away (< 1.1 * 60s): extrapolate all the way, 20 * 180/120.
            (&[(60_000, 100.0), (120_000, 110.0), (180_000, 120.0)], (30_000, 210_000), true, 30.0),
            // Edge 90s away (>= 66s): extrapolate half an interval only, 20 * 180/120.
            (&[(90_000, 100.0), (150_000, 110.0), (210_000, 120.0)], (0, 240_000), true, 30.0),
            // Zero-point clamp: counter from 5 rising 10 per minute can only start 30s early.
            (&[(60_000, 5.0), (120_000, 15.0)], (0, 120_000), true, 15.0),
            // The same for a gauge: plain extrapolation, 10 * 120/60.
            (&[(60_000, 5.0), (120_000, 15.0)], (0, 120_000), false, 20.0),
            // A reset adds the value before it.
            (&[(0, 10.0), (60_000, 2.0), (120_000, 4.0)], (0, 120_000), true, 4.0),
        ];
        for (i, &(samples, window, counter, want)) in cases.iter().enumerate() {
            let got = Ends::of(&pts(samples), counter).and_then(|e| extrapolated_rate(&e, window));
            assert!(got.is_some_and(|g| (g - want).abs() < 1e-9), "case {i}: {got:?} != {want}");
        }
        let one = Ends::of(&pts(&[(0, 1.0)]), true);
        assert_eq!(one.and_then(|e| extrapolated_rate(&e, (0, 60_000))), None);
    }

    #[test]
    fn last_two_samples() {
        assert_eq!(instant_value(&pts(&[(0, 1.0), (10_000, 5.0), (20_000, 2.0)]), true), Some(0.2));
        assert_eq!(instant_value(&pts(&[(0, 1.0), (10_000, 5.0), (20_000, 2.0)]), false), Some(-3.0));
        assert_eq!(instant_value(&pts(&[(0, 1.0)]), true), None);
    }
}
