//! Subqueries `expr[range:step] offset o @ t`: the inner expression evaluated at the steps
//! aligned to absolute multiples of `step` inside `(ref - range, ref]`. Each subquery node
//! keeps its inner results as series ([`Grid`]), so the overlapping windows of consecutive
//! range-query steps evaluate each inner step once and read their windows from shared data.

mod grid;

use std::collections::HashMap;

use promql_parser::parser::SubqueryExpr;

pub use grid::Grid;

use super::eval::Evaluator;
use super::selector::{duration_ms, reference_time};
use super::value::{Millis, Series};
use super::QueryError;

/// Inner results by subquery node (keyed by the node's address, like the selector cache).
#[derive(Default)]
pub struct SubqueryCache {
    by_node: HashMap<usize, Grid>,
}

/// The step times of a subquery window `(from, to]` with step `step` (> 0): the first
/// multiple of `step` after `from`, then every `step` up to `to`.
pub fn step_times(from: Millis, to: Millis, step: Millis) -> impl Iterator<Item = Millis> {
    let first = from.div_euclid(step).saturating_add(1).saturating_mul(step);
    let count = if first > to { 0 } else { (to - first) / step + 1 };
    (0..count).map(move |i| first + i * step)
}

/// Evaluates a subquery at `t`; returns its series (sorted by labels) and its window.
pub fn eval_subquery(
    ev: &mut Evaluator,
    sq: &SubqueryExpr,
    t: Millis,
) -> Result<(Vec<Series>, (Millis, Millis)), QueryError> {
    with_window(ev, sq, t, |_, grid, w| Ok((grid.matrix(w.read()), w.nominal())))
}

/// A subquery's window at one evaluation: `(from, to]` as written (what extrapolation
/// measures against), and `after`, the exclusive bound steps and samples are read after
/// (`from`, or just before it with closed windows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub after: Millis,
    pub from: Millis,
    pub to: Millis,
}

impl Window {
    /// The span read: `(after, to]`.
    pub fn read(self) -> (Millis, Millis) {
        (self.after, self.to)
    }

    /// The span as written: `(from, to]`.
    pub fn nominal(self) -> (Millis, Millis) {
        (self.from, self.to)
    }
}

/// Brings the subquery's inner results up to its window at `t`, then lets `read` take the
/// window from them (the grid is out of the evaluator meanwhile, so `read` may use both).
pub fn with_window<R>(
    ev: &mut Evaluator,
    sq: &SubqueryExpr,
    t: Millis,
    read: impl FnOnce(&mut Evaluator, &mut Grid, Window) -> Result<R, QueryError>,
) -> Result<R, QueryError> {
    let step =
        sq.step.as_ref().map(duration_ms).filter(|s| *s > 0).unwrap_or(ev.opts.default_subquery_step).max(1);
    let to = reference_time(t, &sq.at, &sq.offset, ev.start, ev.end);
    let from = to.saturating_sub(duration_ms(&sq.range));
    let after = ev.opts.window_after(to, duration_ms(&sq.range));
    let steps = to.saturating_sub(after) / step + 1;
    if usize::try_from(steps).map_or(true, |n| n > ev.opts.max_samples) {
        return Err(QueryError::TooManySamples("query execution".into()));
    }

    let node = sq as *const SubqueryExpr as usize;
    let mut grid = ev.subqueries.by_node.remove(&node).unwrap_or_default();
    let window = Window { after, from, to };
    let out = grid.cover(ev, &sq.expr, (after, to), step).and_then(|()| read(ev, &mut grid, window));
    grid.evict_upto(after);
    ev.subqueries.by_node.insert(node, grid);
    out
}

#[cfg(test)]
mod tests {
    use super::{eval_subquery, step_times};
    use crate::engine::eval::Evaluator;
    use crate::engine::{EngineOptions, Labels, Storage};
    use promql_parser::parser::Expr;

    #[test]
    fn steps_align_to_absolute_multiples() {
        let cases: &[(i64, i64, i64, &[i64])] = &[
            (0, 30, 10, &[10, 20, 30]),
            (5, 30, 10, &[10, 20, 30]),
            (-25, 0, 10, &[-20, -10, 0]),
            (-30, -10, 10, &[-20, -10]),
            (31, 39, 10, &[]),
        ];
        for &(from, to, step, want) in cases {
            assert_eq!(step_times(from, to, step).collect::<Vec<_>>(), want, "({from}, {to}] / {step}");
        }
    }

    /// Range queries move windows forward; a window that jumps ahead or moves back (which
    /// no query shape produces today) must still read exactly what a fresh evaluation does.
    #[test]
    fn windows_in_any_order_read_what_a_fresh_evaluation_reads() {
        let mut st = Storage::new();
        for (a, every) in [("1", 10_000), ("2", 25_000)] {
            let l = Labels::from_pairs([("__name__", "x"), ("a", a)]);
            for i in 0..60 {
                st.add(&l, i * every, (i * i) as f64).unwrap();
            }
        }
        let Ok(Expr::Subquery(sq)) = promql_parser::parser::parse("rate(x[30s])[1m:10s]") else {
            panic!("not a subquery")
        };
        let opts = EngineOptions::default();
        let mut shared = Evaluator::new(&st, &opts, 0, 900_000, 1_000);
        let mut evaluated = 0;
        for t in [300_000, 305_000, 330_000, 100_000, 101_000, 700_000, 650_000, 655_000, 900_000, 0] {
            let got = eval_subquery(&mut shared, &sq, t).unwrap();
            let mut fresh = Evaluator::new(&st, &opts, 0, 900_000, 1_000);
            assert_eq!(got, eval_subquery(&mut fresh, &sq, t).unwrap(), "at {t}");
            evaluated += usize::from(!got.0.is_empty());
        }
        assert!(evaluated >= 8, "{evaluated}");
    }
}
