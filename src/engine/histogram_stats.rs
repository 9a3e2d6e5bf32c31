//! Prometheus reads histograms that only feed `histogram_count`, `histogram_sum` or
//! `histogram_avg` through its `HistogramStatsIterator`: count and sum only, no buckets, and a
//! counter reset hint detected against the previous histogram it read where the stored one
//! says "unknown". The difference shows (a "reset" hint can meet a "not reset" one in a sum,
//! and Prometheus warns), so selectors in that position read histograms the same way.

use std::collections::HashSet;
use std::sync::Arc;

use promql_parser::parser::{Expr, VectorSelector};

use super::histogram::{CounterResetHint, FloatHistogram};
use super::value::{is_stale, HPoint, Millis};

/// The selector nodes (by address) that read histogram statistics only: below a call of
/// `histogram_count`/`sum`/`avg`, with no subquery and no `histogram_quantile(s)`/`fraction`
/// on the way up (those need the buckets).
pub fn stats_selectors(expr: &Expr) -> HashSet<usize> {
    let mut out = HashSet::new();
    walk(expr, false, &mut out);
    out
}

fn walk(expr: &Expr, stats: bool, out: &mut HashSet<usize>) {
    match expr {
        Expr::VectorSelector(vs) => mark(vs, stats, out),
        Expr::MatrixSelector(ms) => mark(&ms.vs, stats, out),
        // Under a subquery the buckets are always read: nothing below is marked.
        Expr::Subquery(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        Expr::Paren(p) => walk(&p.expr, stats, out),
        Expr::Unary(u) => walk(&u.expr, stats, out),
        Expr::Binary(b) => {
            walk(&b.lhs, stats, out);
            walk(&b.rhs, stats, out);
        }
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk(p, stats, out);
            }
            walk(&a.expr, stats, out);
        }
        Expr::Call(c) => {
            let stats = match c.func.name {
                "histogram_count" | "histogram_sum" | "histogram_avg" => true,
                "histogram_quantile" | "histogram_quantiles" | "histogram_fraction" => return,
                _ => stats,
            };
            c.args.args.iter().for_each(|a| walk(a, stats, out));
        }
    }
}

fn mark(vs: &VectorSelector, stats: bool, out: &mut HashSet<usize>) {
    if stats {
        out.insert(vs as *const VectorSelector as usize);
    }
}

/// Histogram `hists[i]` as the statistics iterator returns it, having read the histograms
/// after `walk_start` before it: schema, count and sum, and the counter reset hint.
pub fn stats_view(hists: &[HPoint], i: usize, walk_start: Millis) -> Arc<FloatHistogram> {
    let Some(cur) = hists.get(i) else { return Arc::new(FloatHistogram::default()) };
    let h = &cur.h;
    let mut hint = h.counter_reset_hint;
    if hint == CounterResetHint::Unknown && !is_stale(h.sum) {
        let last = hists[..i].iter().rev().take_while(|p| p.t > walk_start).find(|p| !is_stale(p.h.sum));
        if let Some(last) = last {
            hint = if h.detect_reset(&last.h) {
                CounterResetHint::CounterReset
            } else {
                CounterResetHint::NotCounterReset
            };
        }
    }
    Arc::new(FloatHistogram {
        counter_reset_hint: hint,
        schema: h.schema,
        count: h.count,
        sum: h.sum,
        ..FloatHistogram::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(q: &str) -> usize {
        let expr = promql_parser::parser::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        stats_selectors(&expr).len()
    }

    #[test]
    fn which_selectors_read_statistics() {
        let cases: &[(&str, usize)] = &[
            ("histogram_count(x)", 1),
            ("histogram_sum(sum(rate(x[5m])))", 1),
            ("histogram_avg(x) + y", 1),
            ("histogram_count(histogram_quantile(0.5, x))", 0),
            ("histogram_count(rate(x[5m:1m]))", 0),
            ("histogram_quantile(0.5, histogram_count(x))", 0),
            ("sum(x)", 0),
        ];
        for &(q, want) in cases {
            assert_eq!(marked(q), want, "{q}");
        }
    }

    #[test]
    fn hints_are_detected_against_the_previous_histogram() {
        let hp = |t: Millis, count: f64| HPoint {
            t,
            h: Arc::new(FloatHistogram { count, ..FloatHistogram::default() }),
        };
        let hists = [hp(0, 3.0), hp(1000, 1.0), hp(2000, 2.0)];
        let hint = |i, start| stats_view(&hists, i, start).counter_reset_hint;
        assert_eq!(hint(1, -1), CounterResetHint::CounterReset);
        assert_eq!(hint(2, -1), CounterResetHint::NotCounterReset);
        assert_eq!(hint(0, -1), CounterResetHint::Unknown);
        // The previous histogram was not read: nothing to compare with.
        assert_eq!(hint(1, 0), CounterResetHint::Unknown);
        assert!(stats_view(&hists, 2, -1).positive_buckets.is_empty());
    }
}
