//! A subquery's inner results held as series on its step grid, shared by every outer step
//! whose window covers them: a range query evaluates each inner step once and each outer
//! step reads its window `(from, to]` out of the held series (what Prometheus gets from
//! evaluating the inner expression as one range query).

use promql_parser::parser::Expr;

use super::step_times;
use crate::engine::eval::{Evaluator, NameDropper};
use crate::engine::grouping::{labels_hash, FxHashSet};
use crate::engine::labels::Labels;
use crate::engine::range::Assembler;
use crate::engine::selector::{count_upto, window_slice_from};
use crate::engine::value::{Millis, Point, Sample, Series, Value};
use crate::engine::QueryError;

/// The inner results of one subquery node.
#[derive(Default)]
pub struct Grid {
    /// The series in order of first appearance, each with its points in time order.
    built: Assembler,
    /// Every grid time in `(lo, hi]` has been evaluated and its results are held; `None`
    /// before the first window (or after a failed one).
    covered: Option<(Millis, Millis)>,
    /// Positions in `built.series`, sorted by labels: the order a subquery returns series in.
    order: Vec<usize>,
    /// Per series: where the previous window's edges fell in its points.
    hints: Vec<(usize, usize)>,
    /// Per series: its labels as the enclosing call's result carries them.
    results: Vec<Labels>,
    result_hashes: FxHashSet<u64>,
    /// True once two result label sets may coincide (then the caller checks every step).
    results_collide: bool,
}

impl Grid {
    /// Evaluates `expr` at the grid times (multiples of `step`) in `(from, to]` that are not
    /// held yet. The windows of consecutive outer steps move forward and overlap, so usually
    /// only the newest times are evaluated, in time order as a per-step evaluation would
    /// first meet them; a window reaching back before what is held starts over.
    pub fn cover(
        &mut self,
        ev: &mut Evaluator,
        expr: &Expr,
        (from, to): (Millis, Millis),
        step: Millis,
    ) -> Result<(), QueryError> {
        let after = match self.covered.take() {
            Some((lo, hi)) if lo <= from => hi.max(from),
            _ => {
                self.clear_points();
                from
            }
        };
        for ts in step_times(after, to, step) {
            match ev.eval(expr, ts)? {
                Value::Vector(vec) => {
                    for (pos, s) in vec.iter().enumerate() {
                        self.built.add(pos, s, ts)?;
                    }
                }
                Value::Scalar { v, .. } => self.built.add(0, &Sample::float(Labels::empty(), ts, v), ts)?,
                other => {
                    return Err(QueryError::eval(format!(
                        "subquery is only allowed on instant vector, got {}",
                        other.type_name()
                    )))
                }
            }
        }
        self.index_new_series();
        self.covered = Some((from, after.max(to)));
        Ok(())
    }

    /// Calls `f` with each series' labels, its result labels (once
    /// [`Grid::result_labels`] has named them) and its points in `(from, to]`, for the
    /// series with points there, in label order.
    pub fn for_each_window(
        &mut self,
        (from, to): (Millis, Millis),
        mut f: impl FnMut(&Labels, Option<&Labels>, &[Point]),
    ) {
        for &i in &self.order {
            let s = &self.built.series[i];
            let points = window_slice_from(&s.points, from, to, &mut self.hints[i]);
            if !points.is_empty() {
                f(&s.labels, self.results.get(i), points);
            }
        }
    }

    /// Whether any held inner result is a native histogram (the window fast path reads
    /// floats only).
    pub fn has_histograms(&self) -> bool {
        self.built.series.iter().any(|s| !s.histograms.is_empty())
    }

    /// The window `(from, to]` as a range vector sorted by labels.
    pub fn matrix(&mut self, (from, to): (Millis, Millis)) -> Vec<Series> {
        let mut out = Vec::new();
        for &i in &self.order {
            let s = &self.built.series[i];
            let points = window_slice_from(&s.points, from, to, &mut self.hints[i]).to_vec();
            let histograms: Vec<_> =
                s.histograms.iter().filter(|p| p.t > from && p.t <= to).cloned().collect();
            if !points.is_empty() || !histograms.is_empty() {
                out.push(Series { labels: s.labels.clone(), points, histograms });
            }
        }
        out
    }

    /// Names the result labels of series not named yet: the inner labels, without the
    /// metric name unless `keeps_name` (one parent call per subquery node, so one rule).
    /// Returns true when all result label sets are distinct, so that no window can yield a
    /// duplicate (series only ever join, so this is worked out once per series).
    pub fn result_labels(&mut self, names: &mut NameDropper, keeps_name: bool) -> bool {
        for s in &self.built.series[self.results.len()..] {
            let mut labels = s.labels.clone();
            if !keeps_name {
                names.drop(&mut labels);
            }
            // A hash collision only costs the per-step check; the check itself is exact.
            self.results_collide |= !self.result_hashes.insert(labels_hash(&labels));
            self.results.push(labels);
        }
        !self.results_collide
    }

    /// Drops points at or before `from`, the start of the window just read: later windows
    /// of a range query start no earlier (one that does is evaluated afresh). A series is
    /// compacted once most of its points are gone, so each point moves O(1) times.
    pub fn evict_upto(&mut self, from: Millis) {
        for (s, hint) in self.built.series.iter_mut().zip(&mut self.hints) {
            s.histograms.retain(|p| p.t > from);
            let gone = count_upto(&s.points, hint.0, from);
            if gone > 0 && gone * 2 >= s.points.len() {
                s.points.drain(..gone);
                *hint = (0, 0);
            }
        }
    }

    /// Forgets every held point (the series and their labels stay).
    fn clear_points(&mut self) {
        self.built.series.iter_mut().for_each(|s| {
            s.points.clear();
            s.histograms.clear();
        });
        self.hints.iter_mut().for_each(|h| *h = (0, 0));
    }

    /// Puts series that joined into the label order.
    fn index_new_series(&mut self) {
        let series = &self.built.series;
        for i in self.order.len()..series.len() {
            let at = self.order.partition_point(|&j| series[j].labels < series[i].labels);
            self.order.insert(at, i);
        }
        self.hints.resize(series.len(), (0, 0));
    }
}
