//! Window functions over windows that hold native histograms, as Prometheus 3.x treats
//! them: counting and first/last functions take histograms as samples, sums and averages
//! add them up (and refuse a mix with floats), float statistics read the floats and note
//! the histograms they ignored, `changes`/`resets` compare consecutive histograms, and
//! rates take the difference of histograms (`rate_hist.rs`).

use std::sync::Arc;

use super::rate_hist::{self, RateCtx};
use super::window::{MixedWindow, Reduced, Reducer};
use crate::engine::error::{Annotations, QueryError};
use crate::engine::histogram::accumulate::Accumulator;
use crate::engine::histogram::arith::ArithError;
use crate::engine::histogram::{notes, FloatHistogram};
use crate::engine::value::{HPoint, Point};

/// Reduces one series' window holding at least one histogram with window function `name`
/// (`f` is its float reducer). `metric` names the series in annotations.
pub fn reduce(
    name: &str,
    f: Reducer,
    w: &MixedWindow,
    annotations: &mut Annotations,
) -> Result<Option<Reduced>, QueryError> {
    let MixedWindow { floats, hists, ctx, metric } = *w;
    let float = |v: f64| Ok(Some(Reduced::Float(v)));
    let (first_f, last_f) = (floats.first(), floats.last());
    let (first_h, last_h) = (hists.first(), hists.last());
    match name {
        "count_over_time" => float((floats.len() + hists.len()) as f64),
        "present_over_time" => float(1.0),
        "last_over_time" => Ok(match (last_f, last_h) {
            (Some(p), Some(h)) if h.t < p.t => Some(Reduced::Float(p.v)),
            (_, Some(h)) => Some(Reduced::Histogram(h.h.clone())),
            (Some(p), None) => Some(Reduced::Float(p.v)),
            (None, None) => None,
        }),
        "first_over_time" => Ok(match (first_f, first_h) {
            (Some(p), Some(h)) if p.t < h.t => Some(Reduced::Float(p.v)),
            (_, Some(h)) => Some(Reduced::Histogram(h.h.clone())),
            (Some(p), None) => Some(Reduced::Float(p.v)),
            (None, None) => None,
        }),
        "ts_of_first_over_time" => {
            let t = first_f.map_or(i64::MAX, |p| p.t).min(first_h.map_or(i64::MAX, |h| h.t));
            float(t as f64 / 1000.0)
        }
        "ts_of_last_over_time" => {
            let t = last_f.map_or(0, |p| p.t).max(last_h.map_or(0, |h| h.t));
            float(t as f64 / 1000.0)
        }
        "max_over_time"
        | "min_over_time"
        | "ts_of_max_over_time"
        | "ts_of_min_over_time"
        | "stddev_over_time"
        | "stdvar_over_time" => {
            if floats.is_empty() {
                return Ok(None);
            }
            annotations.info(notes::ignored_in_mixed_range(metric));
            Ok(f(floats, ctx).map(Reduced::Float))
        }
        "deriv" | "predict_linear" => {
            if floats.len() < 2 {
                if floats.len() == 1 {
                    annotations.info(notes::ignored_in_mixed_range(metric));
                }
                return Ok(None);
            }
            annotations.info(notes::ignored_in_mixed_range(metric));
            Ok(f(floats, ctx).map(Reduced::Float))
        }
        "sum_over_time" | "avg_over_time" => {
            if !floats.is_empty() {
                annotations.warn(notes::mixed_floats_histograms(metric));
                return Ok(None);
            }
            Ok(accumulate(hists, name == "avg_over_time", metric, annotations).map(Reduced::Histogram))
        }
        "rate" | "increase" | "delta" => {
            if !floats.is_empty() {
                annotations.warn(notes::mixed_floats_histograms(metric));
                return Ok(None);
            }
            let rc = RateCtx {
                window: ctx.window,
                is_counter: name != "delta",
                per_second: name == "rate",
                metric,
            };
            Ok(rate_hist::extrapolated(hists, &rc, annotations).map(|h| Reduced::Histogram(Arc::new(h))))
        }
        "irate" | "idelta" => last_two(name, f, w, annotations),
        "changes" => float(count_transitions(
            floats,
            hists,
            |a, b| !b.equals(a),
            |a, b| a != b && !(a.is_nan() && b.is_nan()),
        )),
        "resets" => float(count_transitions(floats, hists, |prev, cur| cur.detect_reset(prev), |a, b| b < a)),
        _ => Err(QueryError::unsupported(format!("{name}()"))),
    }
}

/// `irate`/`idelta`: only the last two samples matter. Two floats give the float answer
/// however many histograms came before; two histograms need histogram subtraction; a
/// float and a histogram do not mix.
fn last_two(
    name: &str,
    f: Reducer,
    w: &MixedWindow,
    annotations: &mut Annotations,
) -> Result<Option<Reduced>, QueryError> {
    let MixedWindow { floats, hists, ctx, metric } = *w;
    if floats.len() + hists.len() < 2 {
        return Ok(None);
    }
    let mut times: Vec<(i64, bool)> = floats.iter().rev().take(2).map(|p| (p.t, false)).collect();
    times.extend(hists.iter().rev().take(2).map(|h| (h.t, true)));
    times.sort_by_key(|&(t, _)| std::cmp::Reverse(t));
    match (times[0].1, times[1].1) {
        (false, false) => Ok(f(floats, ctx).map(Reduced::Float)),
        (true, true) => {
            let (prev, last) = (&hists[hists.len() - 2], &hists[hists.len() - 1]);
            let rc = RateCtx {
                window: ctx.window,
                is_counter: name == "irate",
                per_second: name == "irate",
                metric,
            };
            Ok(rate_hist::instant(prev, last, &rc, annotations).map(|h| Reduced::Histogram(Arc::new(h))))
        }
        _ => {
            annotations.warn(notes::mixed_floats_histograms(metric));
            Ok(None)
        }
    }
}

/// The sum or mean of the histograms of a window.
fn accumulate(
    hists: &[HPoint],
    mean: bool,
    metric: &str,
    annotations: &mut Annotations,
) -> Option<Arc<FloatHistogram>> {
    let (first, rest) = hists.split_first()?;
    let mut acc = Accumulator::new(&first.h);
    let mut failed = false;
    for h in rest {
        let r = if mean { acc.add_to_mean(&h.h) } else { acc.add(&h.h) };
        if let Err(ArithError::IncompatibleSchema) = r {
            failed = true;
            break;
        }
    }
    if acc.counter_reset_collision() {
        annotations.warn(notes::counter_reset_collision("aggregation"));
    }
    if acc.custom_bounds_reconciled {
        annotations.info(notes::custom_bounds_reconciled("aggregation"));
    }
    if failed {
        annotations.warn(notes::mixed_schemas(metric));
        return None;
    }
    Some(Arc::new(if mean { acc.mean() } else { acc.sum() }))
}

/// How many consecutive pairs of samples (floats and histograms merged in time order)
/// count: a float following a histogram or the other way round always does, two
/// histograms when `hist_counts(prev, cur)`, two floats when `float_counts(prev, cur)`.
fn count_transitions(
    floats: &[Point],
    hists: &[HPoint],
    hist_counts: impl Fn(&FloatHistogram, &FloatHistogram) -> bool,
    float_counts: impl Fn(f64, f64) -> bool,
) -> f64 {
    enum S<'a> {
        F(f64),
        H(&'a FloatHistogram),
    }
    let (mut i, mut j) = (0, 0);
    let mut prev: Option<S> = None;
    let mut n = 0;
    while i < floats.len() || j < hists.len() {
        let cur = if j >= hists.len() || (i < floats.len() && floats[i].t < hists[j].t) {
            i += 1;
            S::F(floats[i - 1].v)
        } else {
            j += 1;
            S::H(&hists[j - 1].h)
        };
        let counts = match (&prev, &cur) {
            (None, _) => false,
            (Some(S::F(a)), S::F(b)) => float_counts(*a, *b),
            (Some(S::H(a)), S::H(b)) => hist_counts(a, b),
            _ => true,
        };
        n += usize::from(counts);
        prev = Some(cur);
    }
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::window::{reducer, WindowCtx};
    use crate::engine::histogram::Span;

    fn hp(t: i64, count: f64) -> HPoint {
        HPoint {
            t,
            h: Arc::new(FloatHistogram {
                count,
                positive_spans: vec![Span { offset: 0, length: 1 }],
                positive_buckets: vec![count],
                ..FloatHistogram::default()
            }),
        }
    }

    fn run(name: &str, floats: &[Point], hists: &[HPoint]) -> (Option<Reduced>, Annotations) {
        let (f, _) = reducer(name).expect("a window function");
        let ctx = WindowCtx { window: (0, 100_000), t: 100_000, param: 0.0, v2_numerics: false };
        let mut a = Annotations::default();
        let w = MixedWindow { floats, hists, ctx: &ctx, metric: "m" };
        let r = reduce(name, f, &w, &mut a).expect("supported");
        (r, a)
    }

    fn float_of(r: Option<Reduced>) -> Option<f64> {
        match r {
            Some(Reduced::Float(v)) => Some(v),
            _ => None,
        }
    }

    #[test]
    fn counting_and_picking() {
        let floats = [Point { t: 1000, v: 1.0 }, Point { t: 3000, v: 3.0 }];
        let hists = [hp(2000, 2.0), hp(4000, 4.0)];
        assert_eq!(float_of(run("count_over_time", &floats, &hists).0), Some(4.0));
        assert_eq!(float_of(run("first_over_time", &floats, &hists).0), Some(1.0));
        assert!(matches!(run("last_over_time", &floats, &hists).0, Some(Reduced::Histogram(_))));
        assert_eq!(float_of(run("ts_of_last_over_time", &floats, &hists).0), Some(4.0));
        // float, hist, float, hist: every neighbour differs in type.
        assert_eq!(float_of(run("changes", &floats, &hists).0), Some(3.0));
        assert_eq!(float_of(run("resets", &[], &hists).0), Some(0.0));
        assert_eq!(float_of(run("resets", &[], &[hp(1000, 3.0), hp(2000, 1.0)]).0), Some(1.0));
    }

    #[test]
    fn float_statistics_ignore_histograms_with_an_info() {
        let floats = [Point { t: 1000, v: 1.0 }, Point { t: 3000, v: 3.0 }];
        let (r, a) = run("max_over_time", &floats, &[hp(2000, 9.0)]);
        assert_eq!(float_of(r), Some(3.0));
        assert_eq!(a.infos, vec![notes::ignored_in_mixed_range("m")]);
        let (r, a) = run("max_over_time", &[], &[hp(2000, 9.0)]);
        assert!(r.is_none() && a.is_empty());
    }

    #[test]
    fn sums_refuse_mixed_windows() {
        let (r, a) = run("sum_over_time", &[Point { t: 1000, v: 1.0 }], &[hp(2000, 9.0)]);
        assert!(r.is_none());
        assert_eq!(a.warnings, vec![notes::mixed_floats_histograms("m")]);
        let (r, _) = run("avg_over_time", &[], &[hp(1000, 2.0), hp(2000, 4.0)]);
        assert!(matches!(r, Some(Reduced::Histogram(h)) if h.count == 3.0));
    }
}
