//! The evaluator: one match over the expression tree at one instant. Range queries loop
//! over it (see `range.rs`); selectors, subqueries, calls, operators and aggregations live
//! in their own modules. Follows Prometheus's engine with delayed name removal off.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use promql_parser::parser::{Expr, MatrixSelector, VectorSelector};

use super::functions;
use super::grouping::{labels_hash, FxHashMap, FxHashSet, FxHasher};
use super::labels::{Labels, METRIC_NAME};
use super::selector::{self, SelectorCache};
use super::shared::{Entry, SharedResults};
use super::storage::{SeriesId, Storage, StoredSeries};
use super::subquery::SubqueryCache;
use super::value::{is_histogram_placeholder, is_stale, HPoint, Millis, Sample, Series, Value};
use super::{aggregate, binop, call, histogram_stats, range};
use super::{Annotations, EngineOptions, QueryError, QueryOutput, QueryStats};

/// Prometheus's wording for a vector holding two elements with one label set.
pub const DUPLICATE_LABELSET: &str = "vector cannot contain metrics with the same labelset";

/// Evaluates `expr` at instant `t`.
pub fn eval_instant(
    storage: &Storage,
    expr: &Expr,
    t: Millis,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    eval_instant_shared(storage, expr, t, opts, None)
}

/// [`eval_instant`], sharing subexpression results with the other queries of a rule
/// evaluation when `shared` is given (`shared.rs`).
pub fn eval_instant_shared(
    storage: &Storage,
    expr: &Expr,
    t: Millis,
    opts: &EngineOptions,
    shared: Option<&SharedResults>,
) -> Result<QueryOutput, QueryError> {
    let mut ev = Evaluator::new(storage, opts, t, t, 0);
    ev.stats_only = histogram_stats::stats_selectors(expr);
    ev.shared = shared.and_then(|s| SharedLink::new(s, expr));
    let mut value = ev.eval(expr, t)?;
    if let Value::Matrix(m) = &mut value {
        m.sort_by(|a, b| a.labels.cmp(&b.labels));
    }
    Ok(ev.finish(value))
}

/// Evaluates `expr` over `[start, end]` every `step`.
pub fn eval_range(
    storage: &Storage,
    expr: &Expr,
    start: Millis,
    end: Millis,
    step: Millis,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    range::eval_range(storage, expr, start, end, step, opts)
}

/// A query's view of a rule evaluation's shared results: which of its nodes are shared.
pub struct SharedLink<'a> {
    pub results: &'a SharedResults,
    /// Node address → shared subexpression id.
    pub nodes: FxHashMap<usize, u32>,
    /// Shared nodes whose selectors this query has selected (counted as touched).
    selected: FxHashSet<usize>,
}

impl<'a> SharedLink<'a> {
    /// The shared nodes of `expr` (the query about to run).
    pub fn new(results: &'a SharedResults, expr: &Expr) -> Option<Self> {
        let nodes = results.nodes_of(expr);
        (!nodes.is_empty()).then(|| SharedLink { results, nodes, selected: FxHashSet::default() })
    }
}

pub use super::range::eval_range_shared;

/// Per-query evaluation state: inputs, caches, counters and annotations.
pub struct Evaluator<'a> {
    pub storage: &'a Storage,
    pub opts: &'a EngineOptions,
    /// Start and end of the whole query (what `@ start()` / `@ end()` mean).
    pub start: Millis,
    pub end: Millis,
    /// Step of a range query with more than one step, else 0 (what `step()` returns).
    pub step: Millis,
    /// True for a range query with more than one step (sort functions warn there).
    pub is_range: bool,
    pub annotations: Annotations,
    pub stats: QueryStats,
    pub selectors: SelectorCache,
    pub subqueries: SubqueryCache,
    pub names: NameDropper,
    pub window_calls: call::WindowCallCache,
    /// Per histogram function call: its bucket grouping from the previous step.
    pub bucket_groups: functions::histogram_groups::BucketGroupCache,
    /// Per reducing aggregation: its grouping keys from the previous step.
    pub group_keys: super::grouping::FxHashMap<usize, super::grouping::KeyMemo>,
    /// Window functions over a selector reduce windows in place (`call.rs`); off only in
    /// the test that checks the fast path against the general one.
    pub window_fast_path: bool,
    /// Samples currently held (Prometheus's `currentSamples`), checked against max_samples.
    pub current_samples: usize,
    /// Selector nodes that read native histograms as statistics only (`histogram_stats.rs`).
    pub stats_only: HashSet<usize>,
    /// Records every node's value and cost when set (the explain tree, `trace.rs`).
    pub trace: Option<Box<super::trace::Trace>>,
    /// Subexpression results shared with other queries of a rule evaluation (`shared.rs`).
    pub shared: Option<SharedLink<'a>>,
    touched: HashSet<SeriesId>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for a query over `[start, end]` every `step` (0 for an instant query).
    pub fn new(
        storage: &'a Storage,
        opts: &'a EngineOptions,
        start: Millis,
        end: Millis,
        step: Millis,
    ) -> Self {
        let is_range = start != end;
        Evaluator {
            storage,
            opts,
            start,
            end,
            step: if is_range { step } else { 0 },
            is_range,
            annotations: Annotations::default(),
            stats: QueryStats::default(),
            selectors: SelectorCache::default(),
            subqueries: SubqueryCache::default(),
            names: NameDropper::default(),
            window_calls: call::WindowCallCache::default(),
            bucket_groups: Default::default(),
            group_keys: Default::default(),
            window_fast_path: true,
            current_samples: 0,
            stats_only: HashSet::new(),
            trace: None,
            shared: None,
            touched: HashSet::new(),
        }
    }

    /// Wraps up: the value plus annotations and counters.
    pub fn finish(mut self, value: Value) -> QueryOutput {
        self.stats.series_touched = self.touched.len() as u64;
        QueryOutput { value, annotations: self.annotations, stats: self.stats }
    }

    /// Evaluates one node at `t`, keeping the held-samples count as Prometheus does: while a
    /// node runs, its children's results are held; afterwards only its own result is.
    pub fn eval(&mut self, expr: &Expr, t: Millis) -> Result<Value, QueryError> {
        self.check_deadline()?;
        let before = self.current_samples;
        let traced = self.trace.as_ref().map(|tr| tr.start(self.stats.samples_touched));
        let shared = self.shared.as_ref().and_then(|s| s.nodes.get(&(expr as *const Expr as usize)).copied());
        let value = match shared {
            Some(id) => self.eval_shared(expr, id, t)?,
            None => self.eval_node(expr, t)?,
        };
        if let (Some(tr), Some(started)) = (self.trace.as_mut(), traced) {
            tr.record(expr, &value, started, self.stats.samples_touched);
        }
        // Without histograms in storage every sample weighs one: no need to look.
        let held = match &value {
            Value::Vector(v) if !self.storage.has_histograms() => v.len(),
            v => sample_count(v),
        };
        self.current_samples = before + held;
        self.check_samples()?;
        Ok(value)
    }

    /// A shared subexpression at `t`: its stored value when another query (or an earlier
    /// occurrence in this one) computed it, else computed and stored. A reuse reports what
    /// computing it would have: samples read, series selected, annotations, samples held.
    fn eval_shared(&mut self, expr: &Expr, id: u32, t: Millis) -> Result<Value, QueryError> {
        let Some(link) = self.shared.as_mut() else { return self.eval_node(expr, t) };
        let results = link.results;
        let first_use = link.selected.insert(expr as *const Expr as usize);
        let before = self.current_samples;
        let reused = results
            .with(id, t, |e| (e.value(t), e.samples, e.peak_above, e.warnings.clone(), e.infos.clone()));
        if let Some((value, samples, peak_above, warnings, infos)) = reused {
            if first_use {
                for vs in super::walk::selectors(expr) {
                    self.select(vs);
                }
            }
            self.stats.samples_touched += samples;
            warnings.into_iter().for_each(|w| self.annotations.warn(w));
            infos.into_iter().for_each(|i| self.annotations.info(i));
            self.current_samples = before + peak_above;
            self.check_samples()?;
            self.current_samples = before;
            return Ok(value);
        }
        let (outer_peak, samples_before) = (self.stats.peak_samples, self.stats.samples_touched);
        let outer_annotations = std::mem::take(&mut self.annotations);
        self.stats.peak_samples = 0;
        let result = self.eval_node(expr, t);
        let local_peak = self.stats.peak_samples as usize;
        self.stats.peak_samples = self.stats.peak_samples.max(outer_peak);
        let produced = std::mem::replace(&mut self.annotations, outer_annotations);
        produced.warnings.iter().for_each(|w| self.annotations.warn(w.clone()));
        produced.infos.iter().for_each(|i| self.annotations.info(i.clone()));
        let value = result?;
        let entry = Entry::new(
            value.clone(),
            self.stats.samples_touched - samples_before,
            local_peak.saturating_sub(before),
            (produced.warnings, produced.infos),
        );
        results.store(id, t, entry);
        Ok(value)
    }

    /// Enforces the time budget (Prometheus's wording: it checks between steps and nodes).
    #[inline]
    pub fn check_deadline(&self) -> Result<(), QueryError> {
        match &self.opts.deadline {
            Some(d) if d.passed() => Err(QueryError::Timeout("expression evaluation".into())),
            _ => Ok(()),
        }
    }

    /// Records the held-samples peak and enforces `max_samples`.
    pub fn check_samples(&mut self) -> Result<(), QueryError> {
        self.stats.peak_samples = self.stats.peak_samples.max(self.current_samples as u64);
        if self.current_samples > self.opts.max_samples {
            return Err(QueryError::TooManySamples("query execution".into()));
        }
        Ok(())
    }

    fn eval_node(&mut self, expr: &Expr, t: Millis) -> Result<Value, QueryError> {
        match expr {
            Expr::NumberLiteral(n) => Ok(Value::Scalar { t, v: n.val }),
            Expr::StringLiteral(s) => Ok(Value::String { t, s: s.val.clone() }),
            Expr::Paren(p) => self.eval(&p.expr, t),
            Expr::VectorSelector(vs) => Ok(Value::Vector(self.vector_selector(vs, t, false))),
            Expr::MatrixSelector(ms) => Ok(Value::Matrix(self.matrix_selector(ms, t)?.0)),
            Expr::Subquery(sq) => Ok(Value::Matrix(self.subquery(sq, t)?.0)),
            Expr::Unary(u) => self.negate(&u.expr, t),
            Expr::Binary(b) => binop::eval_binary(self, b, t),
            Expr::Aggregate(a) => aggregate::eval_aggregate(self, a, t),
            Expr::Call(c) => call::eval_call(self, c, t),
            Expr::Extension(_) => Err(QueryError::eval("extension expressions are not supported")),
        }
    }

    /// Unary minus: negates values and drops the metric name.
    fn negate(&mut self, inner: &Expr, t: Millis) -> Result<Value, QueryError> {
        match self.eval(inner, t)? {
            Value::Scalar { t, v } => Ok(Value::Scalar { t, v: -v }),
            Value::Vector(mut vec) => {
                for s in &mut vec {
                    match &mut s.h {
                        Some(h) => {
                            Arc::make_mut(h).mul(-1.0);
                        }
                        None => s.v = -s.v,
                    }
                    self.names.drop(&mut s.labels);
                }
                check_duplicates(&vec)?;
                Ok(Value::Vector(vec))
            }
            other => Err(QueryError::eval(format!("unary minus on a {} is not allowed", other.type_name()))),
        }
    }

    /// An instant vector selector at `t`. With `own_timestamps` each sample keeps the
    /// timestamp it was stored at (what `timestamp(selector)` reports); otherwise samples are
    /// stamped with `t`.
    pub fn vector_selector(&mut self, vs: &VectorSelector, t: Millis, own_timestamps: bool) -> Vec<Sample> {
        let ids = self.select(vs);
        let ref_t = selector::reference_time(t, &vs.at, &vs.offset, self.start, self.end);
        let lookback = self.opts.lookback_window();
        let mut hints = self.selectors.take_hints(vs, ids.len());
        let mut out = Vec::with_capacity(ids.len());
        let mut weight = 0usize;
        let with_histograms = self.storage.has_histograms();
        let stats = with_histograms && self.stats_only.contains(&(vs as *const VectorSelector as usize));
        // Where a range query's walk through the series started (what the statistics reader
        // has seen before a sample).
        let walk_start = selector::reference_time(self.start, &vs.at, &vs.offset, self.start, self.end)
            .saturating_sub(lookback);
        for (&id, hint) in ids.iter().zip(hints.iter_mut()) {
            let s = self.storage.get(id);
            if let Some(p) = selector::lookup_instant_from(&s.points, ref_t, lookback, &mut hint.1) {
                let ts = if own_timestamps { p.t } else { t };
                let sample = if is_histogram_placeholder(p.v) {
                    let i = s.histograms.partition_point(|h| h.t < p.t);
                    // A histogram marked stale (its sum is the marker) is no sample.
                    let Some(h) = s.histograms.get(i).filter(|h| h.t == p.t && !is_stale(h.h.sum)) else {
                        continue;
                    };
                    let h = if stats {
                        histogram_stats::stats_view(&s.histograms, i, walk_start)
                    } else {
                        h.h.clone()
                    };
                    Sample::histogram(s.labels.clone(), ts, h)
                } else {
                    Sample::float(s.labels.clone(), ts, p.v)
                };
                if with_histograms {
                    weight += sample.weight();
                }
                out.push(sample);
            }
        }
        self.selectors.put_hints(vs, hints);
        self.stats.samples_touched += if with_histograms { weight } else { out.len() } as u64;
        out
    }

    /// A range selector at `t`: each series' samples in `(ref - range, ref]` (series with an
    /// empty window are left out), plus that window.
    pub fn matrix_selector(
        &mut self,
        ms: &MatrixSelector,
        t: Millis,
    ) -> Result<(Vec<Series>, (Millis, Millis)), QueryError> {
        let vs = &ms.vs;
        let ids = self.select(vs);
        let to = selector::reference_time(t, &vs.at, &vs.offset, self.start, self.end);
        let from = to.saturating_sub(selector::duration_ms(&ms.range));
        // The samples read start after `after`; the window reported (for extrapolation) is
        // `(from, to]` either way.
        let after = self.opts.window_after(to, selector::duration_ms(&ms.range));
        let mut hints = self.selectors.take_hints(vs, ids.len());
        let mut out = Vec::new();
        let mut held = 0usize;
        for (&id, hint) in ids.iter().zip(hints.iter_mut()) {
            let s = self.storage.get(id);
            let points = selector::window_points_from(&s.points, after, to, hint);
            let histograms = self.window_histograms(s, vs, (after, to), selector::duration_ms(&ms.range));
            let series = Series { labels: s.labels.clone(), points, histograms };
            if series.is_empty() {
                continue;
            }
            held += series.weight();
            if self.current_samples + held > self.opts.max_samples {
                return Err(QueryError::TooManySamples("query execution".into()));
            }
            out.push(series);
        }
        self.selectors.put_hints(vs, hints);
        self.stats.samples_touched += held as u64;
        Ok((out, (from, to)))
    }

    /// The histograms of stored series `s` in window `(from, to]` of selector `vs` with range
    /// `range`: as stored, or as statistics where the selector reads only those.
    pub fn window_histograms(
        &self,
        s: &StoredSeries,
        vs: &VectorSelector,
        (from, to): (Millis, Millis),
        range: Millis,
    ) -> Vec<HPoint> {
        let window = s.histogram_window(from, to);
        if window.is_empty() || !self.stats_only.contains(&(vs as *const VectorSelector as usize)) {
            return window.to_vec();
        }
        let first = s.histograms.partition_point(|h| h.t <= from);
        let walk_start = selector::reference_time(self.start, &vs.at, &vs.offset, self.start, self.end)
            .saturating_sub(range);
        (first..first + window.len())
            .map(|i| HPoint {
                t: s.histograms[i].t,
                h: histogram_stats::stats_view(&s.histograms, i, walk_start),
            })
            .collect()
    }

    pub fn select(&mut self, vs: &VectorSelector) -> std::rc::Rc<[SeriesId]> {
        let (ids, fresh) = self.selectors.select(self.storage, vs);
        if fresh {
            self.touched.extend(ids.iter().copied());
        }
        ids
    }

    /// A subquery at `t`: the inner expression's results at the subquery's steps, plus the
    /// window they cover.
    pub fn subquery(
        &mut self,
        sq: &promql_parser::parser::SubqueryExpr,
        t: Millis,
    ) -> Result<(Vec<Series>, (Millis, Millis)), QueryError> {
        super::subquery::eval_subquery(self, sq, t)
    }

    /// Looks a function up; unknown names are an execution error rather than a panic.
    pub fn function(&self, name: &str) -> Result<&'static functions::FnDef, QueryError> {
        functions::lookup(name).ok_or_else(|| QueryError::eval(format!("unknown function: {name}")))
    }
}

/// Metadata labels that go with the metric name: when an operation changes what a series
/// measures, all of them are dropped (Prometheus's `DropReserved(IsMetadataLabel)`).
const METADATA_LABELS: [&str; 3] = [METRIC_NAME, "__type__", "__unit__"];

/// Removes the metric name and its metadata labels (`__type__`, `__unit__`).
pub fn drop_metric_name(labels: &mut Labels) {
    for n in METADATA_LABELS {
        labels.remove(n);
    }
}

/// Name removal with a memo: the same input label set (shared storage) maps to one shared
/// result, so a range query does not copy every series' labels at every step. The results'
/// hashes are kept too: the duplicate check after an operation that drops names hashes the
/// same results again at every step otherwise.
#[derive(Default)]
pub struct NameDropper {
    /// Input identity → (the input, kept alive so its address stays unique; the result).
    memo: HashMap<usize, (Labels, Labels), BuildHasherDefault<FxHasher>>,
    /// Result identity (kept alive by `memo`) → its [`labels_hash`].
    hashes: HashMap<usize, u64, BuildHasherDefault<FxHasher>>,
}

impl NameDropper {
    /// Drops the metric name and metadata labels from `labels`. The memo is asked first: a
    /// label set it knows costs one lookup by address, not a search for the names.
    pub fn drop(&mut self, labels: &mut Labels) {
        if let Some((_, dropped)) = self.memo.get(&labels.identity()) {
            *labels = dropped.clone();
            return;
        }
        // Unchanged label sets are not remembered: they may be made afresh at each step
        // (an aggregation's groups), and the memo would grow with the steps.
        if METADATA_LABELS.iter().all(|n| labels.get(n).is_none()) {
            return;
        }
        let original = labels.clone();
        drop_metric_name(labels);
        self.hashes.insert(labels.identity(), labels_hash(labels));
        self.memo.insert(original.identity(), (original, labels.clone()));
    }

    /// [`labels_hash`] of `labels`, looked up when they are one of this memo's results.
    pub fn hash(&self, labels: &Labels) -> u64 {
        self.hashes.get(&labels.identity()).copied().unwrap_or_else(|| labels_hash(labels))
    }
}

/// Samples a value holds (a scalar counts as one, as in Prometheus's per-step matrices; a
/// histogram by its size, see [`Sample::weight`]).
pub fn sample_count(v: &Value) -> usize {
    match v {
        Value::Scalar { .. } => 1,
        Value::String { .. } => 0,
        Value::Vector(vec) => vec.iter().map(Sample::weight).sum(),
        Value::Matrix(m) => m.iter().map(Series::weight).sum(),
    }
}

/// Fails when two elements of `vec` share a label set.
pub fn check_duplicates(vec: &[Sample]) -> Result<(), QueryError> {
    check_duplicates_hashed(vec, labels_hash)
}

/// [`check_duplicates`] with the label sets' hashes from `hash` (a memo, e.g.
/// [`NameDropper::hash`]; it must agree with [`labels_hash`] on equal label sets).
pub fn check_duplicates_hashed(vec: &[Sample], hash: impl Fn(&Labels) -> u64) -> Result<(), QueryError> {
    if vec.len() < 2 {
        return Ok(());
    }
    let mut seen: FxHashSet<u64> = FxHashSet::with_capacity_and_hasher(vec.len(), Default::default());
    let mut collided = false;
    for s in vec {
        if !seen.insert(hash(&s.labels)) {
            collided = true;
            break;
        }
    }
    if !collided {
        return Ok(());
    }
    // A hash collision is not a duplicate: confirm on the label sets themselves.
    let mut sorted: Vec<&Labels> = vec.iter().map(|s| &s.labels).collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(QueryError::eval(DUPLICATE_LABELSET));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Storage {
        let mut st = Storage::new();
        for (job, step) in [("a", 10_000), ("b", 20_000)] {
            let l = Labels::from_pairs([("__name__", "up"), ("job", job)]);
            for i in 0..10 {
                st.add(&l, i * step, i as f64).unwrap();
            }
        }
        st
    }

    #[test]
    fn counts_work_and_enforces_max_samples() {
        let st = store();
        let expr = promql_parser::parser::parse("sum(up)").unwrap();
        let out = eval_instant(&st, &expr, 90_000, &EngineOptions::default()).unwrap();
        assert_eq!(out.stats.series_touched, 2);
        assert_eq!(out.stats.samples_touched, 2);
        assert_eq!(out.value, Value::Vector(vec![Sample::float(Labels::empty(), 90_000, 13.0)]));

        let tight = EngineOptions { max_samples: 1, ..EngineOptions::default() };
        let err = eval_instant(&st, &expr, 90_000, &tight).unwrap_err();
        assert_eq!(err, QueryError::TooManySamples("query execution".into()));
    }

    /// Prometheus 2.x windows include the sample at `t - r` (and at `t - 5m` for the
    /// lookback); 3.x windows leave it out. Instant and range queries agree on both.
    #[test]
    fn closed_windows_include_the_left_edge() {
        let mut st = Storage::new();
        let x = Labels::from_pairs([("__name__", "x")]);
        for i in 0..=10 {
            st.add(&x, i * 60_000, i as f64).unwrap();
        }
        let y = Labels::from_pairs([("__name__", "y")]);
        st.add(&y, 0, 1.0).unwrap();
        let closed = EngineOptions { closed_windows: true, ..EngineOptions::default() };
        let open = EngineOptions::default();
        // (query, time, 3.x answer, 2.x answer); None: no sample.
        let cases: &[(&str, Millis, Option<f64>, Option<f64>)] = &[
            ("count_over_time(x[2m])", 300_000, Some(2.0), Some(3.0)),
            ("count_over_time(x[2m:1m])", 300_000, Some(2.0), Some(3.0)),
            ("count_over_time(x[2m:1m] offset 1m)", 300_000, Some(2.0), Some(3.0)),
            ("y", 300_000, None, Some(1.0)),
            ("y", 300_001, None, None),
            // The extrapolation is measured against the window as written either way.
            ("rate(x[2m])", 300_000, Some(1.0 / 60.0), Some(1.0 / 60.0)),
            ("sum_over_time(rate(x[2m])[2m:1m])", 300_000, Some(2.0 / 60.0), Some(3.0 / 60.0)),
        ];
        for &(q, t, want_open, want_closed) in cases {
            let expr = promql_parser::parser::parse(q).unwrap();
            for (opts, want) in [(&open, want_open), (&closed, want_closed)] {
                let value = |v: Value| match v {
                    Value::Vector(v) => v.first().map(|s| s.v),
                    Value::Matrix(m) => {
                        m.first().and_then(|s| s.points.last()).filter(|p| p.t == t).map(|p| p.v)
                    }
                    _ => None,
                };
                let got = value(eval_instant(&st, &expr, t, opts).unwrap().value);
                // The last step of a range query, whose windows slide into place.
                let ranged = value(eval_range(&st, &expr, t - 240_000, t, 60_000, opts).unwrap().value);
                let close = |a: Option<f64>| match (a, want) {
                    (Some(a), Some(b)) => (a - b).abs() < 1e-12,
                    (a, b) => a == b,
                };
                assert!(close(got), "{q} at {t} closed={}: {got:?} != {want:?}", opts.closed_windows);
                assert!(close(ranged), "{q} ranged closed={}: {ranged:?}", opts.closed_windows);
            }
        }
    }

    #[test]
    fn duplicate_label_sets_are_an_error() {
        let mut st = store();
        st.add(&Labels::from_pairs([("__name__", "down"), ("job", "a")]), 0, 1.0).unwrap();
        // Both `up{job="a"}` and `down{job="a"}` become `{job="a"}` once the name goes.
        let expr = promql_parser::parser::parse(r#"-{job="a"}"#).unwrap();
        let err = eval_instant(&st, &expr, 90_000, &EngineOptions::default()).unwrap_err();
        assert_eq!(err, QueryError::eval(DUPLICATE_LABELSET));
    }
}
