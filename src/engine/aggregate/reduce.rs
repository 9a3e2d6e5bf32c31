//! The reducing aggregations: sum, avg, count, group, min, max, stddev, stdvar, quantile.
//! One output per group, in the order groups are first seen, labelled with the grouping
//! labels. Follows Prometheus's `aggregation`: sums and averages are Kahan-compensated
//! (switching to an incremental mean on overflow) and work on native histograms too; the
//! others ignore histograms with an info, except count and group, which count them.

use std::sync::Arc;

use super::AggOp;
use crate::engine::error::Annotations;
use crate::engine::grouping::{FxHashMap, Grouping, KeyMemo};
use crate::engine::histogram::accumulate::Accumulator;
use crate::engine::histogram::arith::ArithError;
use crate::engine::histogram::{notes, FloatHistogram};
use crate::engine::kahan;
use crate::engine::labels::Labels;
use crate::engine::value::{Millis, Sample};

/// Running state of one group.
struct Acc {
    labels: Labels,
    /// False until the group takes a sample (and again while only ignored histograms came).
    seen: bool,
    value: f64,
    mean: f64,
    comp: f64,
    count: f64,
    incremental: bool,
    values: Vec<f64>,
    has_float: bool,
    has_histogram: bool,
    /// Boxed: rare, and large next to the float state every group carries.
    hist: Option<Box<HistAcc>>,
}

/// The histogram part of a sum or average.
struct HistAcc {
    acc: Accumulator,
    /// A histogram could not be added (exponential and custom buckets mixed).
    incompatible: bool,
}

/// Evaluates a reducing aggregation over `input` at `t` (`q`: quantile's parameter;
/// `naive`: Prometheus 2.x sums and means, see `EngineOptions::v2_numerics`); `memo` holds
/// the grouping keys of the node's previous step.
pub(super) fn reduce(
    op: AggOp,
    input: &[Sample],
    (grouping, memo): (Grouping, &mut KeyMemo),
    (q, naive): (f64, bool),
    t: Millis,
    annotations: &mut Annotations,
) -> Vec<Sample> {
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut groups: Vec<Acc> = Vec::new();
    memo.use_grouping(grouping);
    for (pos, s) in input.iter().enumerate() {
        let key = memo.key(grouping, pos, &s.labels);
        let Some(&gi) = index.get(&key) else {
            index.insert(key, groups.len());
            groups.push(Acc {
                labels: memo.group_labels(grouping, pos, &s.labels),
                seen: false,
                value: 0.0,
                mean: 0.0,
                comp: 0.0,
                count: 0.0,
                incremental: false,
                values: Vec::new(),
                has_float: false,
                has_histogram: false,
                hist: None,
            });
            if let Some(g) = groups.last_mut() {
                start(op, g, s, annotations);
            }
            continue;
        };
        let g = &mut groups[gi];
        if g.seen {
            add(op, g, s, naive, annotations);
        } else {
            start(op, g, s, annotations);
        }
    }
    groups.into_iter().filter(|g| g.seen).filter_map(|g| finish(op, g, q, t, annotations)).collect()
}

/// The first sample of a group (or the first after ignored histograms).
#[inline]
fn start(op: AggOp, g: &mut Acc, s: &Sample, annotations: &mut Annotations) {
    // A histogram sample's float value means nothing; Prometheus's is 0.
    let f = if s.h.is_some() { 0.0 } else { s.v };
    g.seen = true;
    g.value = f;
    g.mean = f;
    g.comp = 0.0;
    g.count = 1.0;
    g.incremental = false;
    match op {
        AggOp::Sum | AggOp::Avg => match &s.h {
            None => g.has_float = true,
            Some(h) => {
                g.has_histogram = true;
                g.hist = Some(Box::new(HistAcc { acc: Accumulator::new(h), incompatible: false }));
            }
        },
        AggOp::Stddev | AggOp::Stdvar | AggOp::Quantile | AggOp::Min | AggOp::Max if s.h.is_some() => {
            g.seen = false;
            annotations.info(notes::ignored_in_aggregation(op.name()));
        }
        AggOp::Stddev | AggOp::Stdvar => g.value = if f.is_nan() || f.is_infinite() { f64::NAN } else { 0.0 },
        AggOp::Quantile => g.values = vec![f],
        AggOp::Group => g.value = 1.0,
        _ => {}
    }
}

/// Every further sample of a group.
#[inline]
fn add(op: AggOp, g: &mut Acc, s: &Sample, naive: bool, annotations: &mut Annotations) {
    // Once histograms could not be added, the group has no result: nothing more counts.
    if g.hist.as_ref().is_some_and(|h| h.incompatible) {
        return;
    }
    let f = s.v;
    match (op, &s.h) {
        (AggOp::Sum, Some(h)) => add_histogram(g, h, false, &s.labels, annotations),
        (AggOp::Sum, None) if naive => {
            g.has_float = true;
            g.value += f;
        }
        (AggOp::Sum, None) => {
            g.has_float = true;
            (g.value, g.comp) = kahan::inc(f, g.value, g.comp);
        }
        (AggOp::Avg, Some(h)) => {
            g.count += 1.0;
            add_histogram(g, h, true, &s.labels, annotations);
        }
        (AggOp::Avg, None) if naive => {
            g.has_float = true;
            avg_add_incremental(g, f);
        }
        (AggOp::Avg, None) => {
            g.has_float = true;
            avg_add(g, f);
        }
        (AggOp::Count, _) => g.count += 1.0,
        (AggOp::Group, _) => {}
        (AggOp::Max | AggOp::Min | AggOp::Stddev | AggOp::Stdvar | AggOp::Quantile, Some(_)) => {
            annotations.info(notes::ignored_in_aggregation(op.name()));
        }
        (AggOp::Max, None) if g.value < f || g.value.is_nan() => g.value = f,
        (AggOp::Min, None) if g.value > f || g.value.is_nan() => g.value = f,
        (AggOp::Stddev | AggOp::Stdvar, None) => {
            g.count += 1.0;
            let delta = f - g.mean;
            g.mean += delta / g.count;
            g.value += delta * (f - g.mean);
        }
        (AggOp::Quantile, None) => g.values.push(f),
        _ => {}
    }
}

/// One more histogram into a sum or an average. A group that started with a float has no
/// histogram sum (it is dropped as mixed at the end), so there is nothing to add to.
fn add_histogram(g: &mut Acc, h: &FloatHistogram, avg: bool, labels: &Labels, annotations: &mut Annotations) {
    g.has_histogram = true;
    let Some(hist) = g.hist.as_mut() else { return };
    let reconciled_before = hist.acc.custom_bounds_reconciled;
    let result = if avg { hist.acc.add_to_mean(h) } else { hist.acc.add(h) };
    match result {
        Ok(()) => {
            if hist.acc.custom_bounds_reconciled && !reconciled_before {
                annotations.info(notes::custom_bounds_reconciled("aggregation"));
            }
        }
        Err(ArithError::IncompatibleSchema) => {
            hist.incompatible = true;
            annotations.warn(notes::mixed_schemas(labels.metric_name().unwrap_or("")));
        }
    }
}

/// The group's result, or `None` when it has none (mixed floats and histograms, or
/// histograms that could not be added).
fn finish(op: AggOp, mut g: Acc, q: f64, t: Millis, annotations: &mut Annotations) -> Option<Sample> {
    if matches!(op, AggOp::Sum | AggOp::Avg) {
        if g.has_float && g.has_histogram {
            annotations.warn(notes::MIXED_IN_AGGREGATION);
            return None;
        }
        if let Some(hist) = g.hist.take() {
            if hist.incompatible {
                return None;
            }
            if hist.acc.counter_reset_collision() {
                annotations.warn(notes::counter_reset_collision("aggregation"));
            }
            let h = if op == AggOp::Avg { hist.acc.mean() } else { hist.acc.sum() };
            return Some(Sample::histogram(g.labels, t, Arc::new(h)));
        }
    }
    let v = match op {
        AggOp::Sum => g.value + g.comp,
        AggOp::Avg if g.incremental => g.mean + g.comp,
        AggOp::Avg => g.value / g.count + g.comp / g.count,
        AggOp::Count => g.count,
        AggOp::Stdvar => g.value / g.count,
        AggOp::Stddev => (g.value / g.count).sqrt(),
        AggOp::Quantile => quantile(q, &mut g.values),
        _ => g.value,
    };
    Some(Sample::float(g.labels, t, v))
}

/// One more value into an average: a compensated running sum while it stays finite, then
/// (once it would overflow) a compensated incremental mean.
fn avg_add(g: &mut Acc, f: f64) {
    g.count += 1.0;
    if !g.incremental {
        let (sum, c) = kahan::inc(f, g.value, g.comp);
        if !sum.is_infinite() {
            g.value = sum;
            g.comp = c;
            return;
        }
        g.incremental = true;
        g.mean = g.value / (g.count - 1.0);
        g.comp /= g.count - 1.0;
    }
    let q = (g.count - 1.0) / g.count;
    (g.mean, g.comp) = kahan::inc(f / g.count, q * g.mean, q * g.comp);
}

/// One more value into an average the way Prometheus 2.x averages: an incremental mean from
/// the first value on, an infinite mean kept as it is unless a NaN or an opposite infinity
/// comes.
fn avg_add_incremental(g: &mut Acc, f: f64) {
    g.count += 1.0;
    if !g.incremental {
        g.incremental = true;
        g.mean = g.value;
    }
    if g.mean.is_infinite() {
        let same_infinity = f.is_infinite() && (g.mean > 0.0) == (f > 0.0);
        if same_infinity || (!f.is_infinite() && !f.is_nan()) {
            return;
        }
    }
    g.mean += f / g.count - g.mean / g.count;
}

/// Prometheus's `quantile`: linear interpolation between the closest ranks, NaN sorted first.
pub fn quantile(q: f64, values: &mut [f64]) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.total_cmp(b),
    });
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates() {
        let cases: &[(f64, &[f64], f64)] = &[
            (0.5, &[1.0, 2.0, 3.0, 4.0], 2.5),
            (0.0, &[3.0, 1.0], 1.0),
            (1.0, &[3.0, 1.0], 3.0),
            (0.9, &[], f64::NAN),
        ];
        for &(q, vals, want) in cases {
            let got = quantile(q, &mut vals.to_vec());
            assert!(got == want || (got.is_nan() && want.is_nan()), "q={q} {vals:?}: {got}");
        }
        assert_eq!(quantile(-1.0, &mut [1.0]), f64::NEG_INFINITY);
    }
}
