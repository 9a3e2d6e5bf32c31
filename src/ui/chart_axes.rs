//! The chart's axes without any drawing: time ticks on round clock times, value ticks on
//! round numbers of the result's unit (powers of two for bytes, clock steps for durations,
//! whole percents for ratios) with labels just precise enough to tell apart, and label
//! placement that keeps every label inside the canvas.

use crate::assist::units::Unit;
use crate::engine::Millis;

use super::format::{in_unit, sample_value};

/// Tick spacings a time axis may use, so ticks fall on round clock times (UTC).
const TIME_STEPS: &[Millis] = &[
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
    let step = TIME_STEPS.iter().copied().find(|s| span / s < max).unwrap_or_else(|| {
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

/// A value-axis tick: where, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub v: f64,
    pub label: String,
}

/// Ticks on round values of `unit` within `[lo, hi]`, at most `max` (and at least two when
/// `max` allows), labelled with as few decimals as keep them apart.
pub fn value_ticks(lo: f64, hi: f64, max: usize, unit: Unit) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max < 2 {
        return Vec::new();
    }
    let raw = (hi - lo) / max as f64;
    let mut step = value_step(raw, unit);
    let mut values = multiples(lo, hi, step);
    // Rounding up to a nice step can still leave one tick too many.
    while values.len() > max {
        step = value_step(step * 1.01, unit);
        values = multiples(lo, hi, step);
    }
    // Values too close for the unit's notation fall back to their exact decimal form.
    let labels = (0..=12)
        .map(|decimals| values.iter().map(|v| in_unit(*v, unit, decimals)).collect::<Vec<_>>())
        .find(|labels| labels.windows(2).all(|w| w[0] != w[1]))
        .unwrap_or_else(|| values.iter().map(|v| sample_value(*v)).collect());
    values.into_iter().zip(labels).map(|(v, label)| Tick { v, label }).collect()
}

/// The multiples of `step` within `[lo, hi]`, allowing for rounding (0.6 / 0.2 is
/// 2.9999999999999996), and zero exactly.
fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| if i == 0 { 0.0 } else { (i as f64 * step).clamp(lo, hi) }).collect()
}

/// The round step at least `raw` for `unit`.
fn value_step(raw: f64, unit: Unit) -> f64 {
    match unit {
        // Powers of two of a byte read as round binary multiples (256 MiB, 1 GiB).
        Unit::Bytes | Unit::BytesPerSecond if raw >= 1.0 => 2f64.powi(raw.log2().ceil() as i32),
        // Clock steps from a second up; decimal fractions below.
        Unit::Seconds if raw >= 1.0 => {
            const CLOCK: &[f64] = &[
                1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
                10800.0, 21600.0, 43200.0, 86400.0,
            ];
            CLOCK.iter().copied().find(|s| *s >= raw).unwrap_or_else(|| 86400.0 * decimal_step(raw / 86400.0))
        }
        _ => decimal_step(raw),
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`.
fn decimal_step(raw: f64) -> f64 {
    let magnitude = 10f64.powi(raw.log10().floor() as i32);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Places labels of the given `(centre, width)` along an axis: each is centred on its tick
/// but moved inside `[lo, hi]` when it would stick out, and a label that would then overlap
/// the one before (closer than `gap`) is left out, except the last, which names the end of
/// the range and replaces the ones it overlaps. Returns the left edge of each label kept, by
/// index.
pub fn place_labels(labels: &[(f64, f64)], lo: f64, hi: f64, gap: f64) -> Vec<(usize, f64)> {
    let left_of = |(centre, width): (f64, f64)| (centre - width / 2.0).min(hi - width).max(lo);
    let mut placed: Vec<(usize, f64)> = Vec::new();
    let mut right_of_last = f64::NEG_INFINITY;
    for (i, &label) in labels.iter().enumerate() {
        let left = left_of(label);
        if left < right_of_last + gap {
            continue;
        }
        right_of_last = left + label.1;
        placed.push((i, left));
    }
    if let Some(last) = labels.len().checked_sub(1) {
        if placed.last().map(|p| p.0) != Some(last) {
            let left = left_of(labels[last]);
            placed.retain(|&(i, l)| l + labels[i].1 + gap <= left);
            placed.push((last, left));
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn labels(lo: f64, hi: f64, max: usize, unit: Unit) -> Vec<String> {
        value_ticks(lo, hi, max, unit).into_iter().map(|t| t.label).collect()
    }

    #[test]
    fn value_ticks_are_round_in_the_unit() {
        let gib = 1024.0 * 1024.0 * 1024.0;
        assert_eq!(labels(0.0, 1.1 * gib, 6, Unit::Bytes), ["0 B", "256 MiB", "512 MiB", "768 MiB", "1 GiB"]);
        assert_eq!(
            labels(1.5 * gib, 1.56 * gib, 6, Unit::Bytes),
            ["1.5 GiB", "1.52 GiB", "1.53 GiB", "1.55 GiB"]
        );
        assert_eq!(labels(0.0, 0.6, 6, Unit::Seconds), ["0s", "200ms", "400ms", "600ms"]);
        assert_eq!(labels(0.0, 400.0, 5, Unit::Seconds), ["0s", "2m", "4m", "6m"]);
        assert_eq!(labels(0.55, 0.82, 6, Unit::Ratio), ["55%", "60%", "65%", "70%", "75%", "80%"]);
        assert_eq!(labels(0.6152, 0.6158, 4, Unit::Ratio), ["61.52%", "61.54%", "61.56%", "61.58%"]);
        assert_eq!(labels(0.0, 1100.0, 6, Unit::None), ["0", "200", "400", "600", "800", "1k"]);
        assert_eq!(labels(-11.0, 11.0, 6, Unit::None), ["-10", "-5", "0", "5", "10"]);
        assert_eq!(labels(1000.0, 1004.0, 5, Unit::None), ["1k", "1.001k", "1.002k", "1.003k", "1.004k"]);
        for (lo, hi, max) in [(0.0, 1e9, 6), (3.0, 3.0000001, 6), (-1e-9, 1e-9, 4), (0.0, 7e12, 3)] {
            for unit in [Unit::None, Unit::Bytes, Unit::Seconds, Unit::Ratio, Unit::BytesPerSecond] {
                let ticks = value_ticks(lo, hi, max, unit);
                assert!((1..=max).contains(&ticks.len()), "{lo}..{hi} {unit:?}: {ticks:?}");
                assert!(ticks.iter().all(|t| t.v >= lo && t.v <= hi), "{lo}..{hi} {unit:?}: {ticks:?}");
                assert!(ticks.windows(2).all(|w| w[0].label != w[1].label), "{lo}..{hi} {unit:?}: {ticks:?}");
            }
        }
        assert!(value_ticks(1.0, 1.0, 6, Unit::None).is_empty());
        assert!(value_ticks(0.0, f64::INFINITY, 6, Unit::None).is_empty());
    }

    #[test]
    fn labels_stay_inside_and_apart() {
        // A 2-day chart 800 px wide: the last label ("01-07 00:00", 70 px) is centred on the
        // right edge of the plot, which is 24 px from the canvas edge.
        let placed = place_labels(&[(60.0, 70.0), (418.0, 70.0), (776.0, 70.0)], 0.0, 800.0, 8.0);
        assert_eq!(placed, [(0, 25.0), (1, 383.0), (2, 730.0)]);
        // The first label is pushed right of the canvas edge; a crowded one is dropped.
        let placed = place_labels(&[(10.0, 60.0), (60.0, 60.0), (120.0, 60.0)], 0.0, 800.0, 8.0);
        assert_eq!(placed, [(0, 0.0), (2, 90.0)]);
        // The last label wins over the one before it.
        assert_eq!(place_labels(&[(10.0, 60.0), (70.0, 60.0)], 0.0, 100.0, 8.0), [(1, 40.0)]);
        assert!(place_labels(&[], 0.0, 100.0, 4.0).is_empty());
    }
}
