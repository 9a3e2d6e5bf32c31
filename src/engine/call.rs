//! Function calls: evaluates the arguments (range arguments become per-series windows),
//! hands them to the function table, then applies what Prometheus's engine does around a
//! call: name removal, the duplicate-label-set check, and the engine-level annotations
//! (non-counter info for rate/increase, sort in range queries).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use promql_parser::parser::{Call, Expr, MatrixSelector, SubqueryExpr};

use super::eval::{check_duplicates, Evaluator};
use super::functions::resets::SlidingWindow;
use super::functions::window::{self, EndsReducer, MixedWindow, Reducer, WindowCtx};
use super::functions::{FnCall, FnDef};
use super::histogram::CounterResetHint;
use super::labels::{Labels, METRIC_NAME};
use super::selector;
use super::subquery;
use super::value::{is_histogram_placeholder, is_stale, Millis, Point, Sample, Series, Value};
use super::QueryError;

const SORT_FUNCTIONS: &[&str] = &["sort", "sort_desc", "sort_by_label", "sort_by_label_desc"];
const COUNTER_SUFFIXES: &[&str] = &["_total", "_sum", "_count", "_bucket"];

/// Evaluates a function call at `t`.
pub fn eval_call(ev: &mut Evaluator, call: &Call, t: Millis) -> Result<Value, QueryError> {
    let name = call.func.name;
    match name {
        "info" => return super::info::eval_info(ev, call, t),
        // Query-context functions: constants of the query, folded like Prometheus does.
        "start" => return Ok(Value::Scalar { t, v: ev.start as f64 / 1000.0 }),
        "end" => return Ok(Value::Scalar { t, v: ev.end as f64 / 1000.0 }),
        "range" => return Ok(Value::Scalar { t, v: ev.end.saturating_sub(ev.start) as f64 / 1000.0 }),
        "step" => return Ok(Value::Scalar { t, v: ev.step as f64 / 1000.0 }),
        _ => {}
    }
    let def = ev.function(name)?;
    if let Some(v) = eval_window_call(ev, call, def, t)? {
        return Ok(v);
    }
    let exprs = &call.args.args;

    let mut args = Vec::with_capacity(exprs.len());
    let mut range_window = None;
    for e in exprs {
        let v = match unparen(e) {
            // timestamp(selector) reports each sample's own timestamp.
            Expr::VectorSelector(vs) if name == "timestamp" => Value::Vector(ev.vector_selector(vs, t, true)),
            Expr::MatrixSelector(ms) => {
                let (m, w) = ev.matrix_selector(ms, t)?;
                range_window = Some(w);
                Value::Matrix(m)
            }
            Expr::Subquery(sq) => {
                let (mut m, w) = ev.subquery(sq, t)?;
                forget_counter_reset_hints(&mut m);
                range_window = Some(w);
                Value::Matrix(m)
            }
            other => ev.eval(other, t)?,
        };
        args.push(v);
    }

    if ev.is_range && SORT_FUNCTIONS.contains(&name) {
        ev.annotations.warn(
            "PromQL warning: sort is ineffective for range queries since results are always ordered by labels",
        );
    }
    if name == "rate" || name == "increase" {
        non_counter_infos(ev, &args);
    }

    let bucket_plan = ev.bucket_groups.plan(call as *const Call as usize, def.name);
    let mut fc = FnCall {
        name: def.name,
        args,
        exprs,
        t,
        range_window,
        v2_numerics: ev.opts.v2_numerics,
        annotations: &mut ev.annotations,
        bucket_plan,
    };
    let mut out = (def.imp)(&mut fc)?;
    if let Value::Vector(vec) = &mut out {
        if !def.keeps_name {
            vec.iter_mut().for_each(|s| ev.names.drop(&mut s.labels));
        }
        check_duplicates(vec)?;
    }
    Ok(out)
}

/// A subquery may skip the sample where a counter reset happened, or return it several
/// times, so its histograms' "reset"/"not reset" hints would mislead: as in Prometheus, they
/// become "unknown" and the functions detect resets themselves.
fn forget_counter_reset_hints(m: &mut [Series]) {
    for p in m.iter_mut().flat_map(|s| s.histograms.iter_mut()) {
        if matches!(
            p.h.counter_reset_hint,
            CounterResetHint::CounterReset | CounterResetHint::NotCounterReset
        ) {
            Arc::make_mut(&mut p.h).counter_reset_hint = CounterResetHint::Unknown;
        }
    }
}

/// An argument without its enclosing parentheses (Prometheus strips them before evaluation).
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

/// Prometheus notes, per input series that yields a rate, when its name does not look like
/// a counter's.
fn non_counter_infos(ev: &mut Evaluator, args: &[Value]) {
    let Some(Value::Matrix(m)) = args.first() else { return };
    for s in m {
        // A window with histograms gives a histogram rate or nothing: no float to doubt.
        if s.histograms.is_empty() {
            non_counter_info(ev, &s.labels, s.points.len());
        }
    }
}

/// The "might not be a counter" info for one input series with `len` samples in its window.
fn non_counter_info(ev: &mut Evaluator, labels: &Labels, len: usize) {
    if len >= 2 && !counter_named(labels) {
        let metric = labels.get_or_empty(METRIC_NAME);
        ev.annotations.info(format!(
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {metric:?}"
        ));
    }
}

/// True when a series never earns that info: it has no name, or a counter's name.
fn counter_named(labels: &Labels) -> bool {
    labels.get(METRIC_NAME).is_none_or(|metric| COUNTER_SUFFIXES.iter().any(|suf| metric.ends_with(suf)))
}

/// Per call node: the result labels of each series its selector selects, and whether they
/// are pairwise distinct (then no subset of them can hold a duplicate, and the per-step
/// check is skipped). Label sets do not change between steps, so this is worked out once.
/// Also the sliding windows of `rate`, `increase` and `delta`.
#[derive(Default)]
pub struct WindowCallCache {
    by_node: HashMap<usize, Rc<(Vec<Labels>, bool)>>,
    /// Per matrix selector under `rate`/`increase`/`delta`, per selected series: its window
    /// as the previous step left it, and whether its name is a counter's (see
    /// [`counter_named`]; worked out once rather than per step).
    sliding: HashMap<usize, Vec<(SlidingWindow, bool)>>,
}

/// The fast path for a window function applied directly to a matrix selector
/// (`rate(x[5m])`, `max_over_time(x[1h])`, `predict_linear(x[1h], 60)`) or to a subquery
/// (`avg_over_time(rate(x[5m])[1h:5m])`): each series' window is reduced where it lies, in
/// storage or in the subquery's shared inner results, instead of being copied into a matrix
/// first. Everything observable (results, order, annotations, counters, limits) is what the
/// general path produces; `None` when the call does not have this shape.
fn eval_window_call(
    ev: &mut Evaluator,
    call: &Call,
    def: &FnDef,
    t: Millis,
) -> Result<Option<Value>, QueryError> {
    if !ev.window_fast_path {
        return Ok(None);
    }
    let Some((f, takes_param)) = window::reducer(def.name) else { return Ok(None) };
    let exprs = &call.args.args;
    let param = match (takes_param, exprs.len(), exprs.get(1).map(|e| unparen(e))) {
        (false, 1, _) => 0.0,
        (true, 2, Some(Expr::NumberLiteral(n))) => n.val,
        _ => return Ok(None),
    };
    let counter_info = matches!(def.name, "rate" | "increase");
    let (out, distinct) = match exprs.first().map(|e| unparen(e)) {
        Some(Expr::MatrixSelector(ms)) => {
            let labels = result_labels(ev, call, ms, def.keeps_name);
            let ends = window::ends_reducer(def.name);
            (reduce_windows(ev, ms, (def.name, f, ends), param, t, &labels.0, counter_info)?, labels.1)
        }
        Some(Expr::Subquery(sq)) => match reduce_subquery(ev, sq, f, param, t, def.keeps_name, counter_info)?
        {
            Some(reduced) => reduced,
            // Native histograms in the inner results: the general path handles them.
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    if takes_param {
        // The general path holds the evaluated scalar argument while the call runs.
        ev.current_samples += 1;
        ev.check_samples()?;
    }
    if !distinct {
        check_duplicates(&out)?;
    }
    Ok(Some(Value::Vector(out)))
}

/// The result labels of `call`'s input series (see [`WindowCallCache`]).
fn result_labels(
    ev: &mut Evaluator,
    call: &Call,
    ms: &MatrixSelector,
    keeps_name: bool,
) -> Rc<(Vec<Labels>, bool)> {
    let key = call as *const Call as usize;
    if let Some(cached) = ev.window_calls.by_node.get(&key) {
        return cached.clone();
    }
    let ids = ev.select(&ms.vs);
    let mut labels = Vec::with_capacity(ids.len());
    for &id in ids.iter() {
        let mut l = ev.storage.get(id).labels.clone();
        if !keeps_name {
            ev.names.drop(&mut l);
        }
        labels.push(l);
    }
    let mut sorted: Vec<&Labels> = labels.iter().collect();
    sorted.sort_unstable();
    let distinct = sorted.windows(2).all(|w| w[0] != w[1]);
    let entry = Rc::new((labels, distinct));
    ev.window_calls.by_node.insert(key, entry.clone());
    entry
}

/// Reduces every selected series' window `(ref - range, ref]` with function `name`, whose
/// float reducer is `f`, as the matrix selector plus the function table would: staleness
/// markers are left out (a window of floats without any is borrowed as is), a window holding
/// native histograms takes them from the series' side table, empty windows are skipped, the
/// samples held count against `max_samples`. A function that only reads the window's ends
/// (`ends`: rate, increase, delta) gets them from each series' [`SlidingWindow`], which
/// reads only the samples that entered or left since the previous step.
fn reduce_windows(
    ev: &mut Evaluator,
    ms: &MatrixSelector,
    (name, f, ends): (&str, Reducer, Option<(EndsReducer, bool)>),
    param: f64,
    t: Millis,
    labels: &[Labels],
    counter_info: bool,
) -> Result<Vec<Sample>, QueryError> {
    let vs = &ms.vs;
    let ids = ev.select(vs);
    let to = selector::reference_time(t, &vs.at, &vs.offset, ev.start, ev.end);
    let from = to.saturating_sub(selector::duration_ms(&ms.range));
    let after = ev.opts.window_after(to, selector::duration_ms(&ms.range));
    let ctx = WindowCtx { window: (from, to), t, param, v2_numerics: ev.opts.v2_numerics };
    let mut hints = ev.selectors.take_hints(vs, ids.len());
    let node = ms as *const MatrixSelector as usize;
    let mut sliding = Vec::new();
    if ends.is_some() {
        sliding = ev.window_calls.sliding.remove(&node).unwrap_or_default();
        if sliding.len() != ids.len() {
            let named = |&id| counter_named(&ev.storage.get(id).labels);
            sliding = ids.iter().map(|id| (SlidingWindow::default(), named(id))).collect();
        }
    }
    let mut scratch: Vec<Point> = Vec::new();
    let mut out = Vec::new();
    let mut held = 0usize;
    for (i, ((&id, hint), labels)) in ids.iter().zip(hints.iter_mut()).zip(labels).enumerate() {
        let s = ev.storage.get(id);
        let raw = selector::window_slice_from(&s.points, after, to, hint);
        // A sliding window keeps in step whichever route this step takes.
        let slid = match (ends, sliding.get_mut(i)) {
            (Some(_), Some((w, _))) => {
                w.slide(&s.points, hint.0, hint.1);
                Some(w.histograms())
            }
            _ => None,
        };
        let has_histograms = match slid {
            Some(n) => n > 0,
            None => raw.iter().any(|p| is_histogram_placeholder(p.v)),
        };
        if has_histograms {
            let hists = ev.window_histograms(s, vs, (after, to), selector::duration_ms(&ms.range));
            scratch.clear();
            scratch.extend(raw.iter().filter(|p| !is_stale(p.v) && !is_histogram_placeholder(p.v)));
            held += scratch.len() + hists.iter().map(|p| p.h.sample_weight()).sum::<usize>();
            if ev.current_samples + held > ev.opts.max_samples {
                return Err(QueryError::TooManySamples("query execution".into()));
            }
            let metric = s.labels.metric_name().unwrap_or_default();
            if let Some(r) = window::reduce_series(
                name,
                f,
                &MixedWindow { floats: &scratch, hists: &hists, ctx: &ctx, metric },
                &mut ev.annotations,
            )? {
                out.push(r.into_sample(labels.clone(), t));
            }
            continue;
        }
        let (len, value, counter_name) = match (ends, sliding.get_mut(i)) {
            (Some((g, is_counter)), Some((w, named))) => {
                (w.floats(), w.ends(&s.points, is_counter).and_then(|e| g(&e, &ctx)), *named)
            }
            _ => {
                let points: &[Point] = if raw.iter().any(|p| is_stale(p.v)) {
                    scratch.clear();
                    scratch.extend(raw.iter().filter(|p| !is_stale(p.v)));
                    &scratch
                } else {
                    raw
                };
                (points.len(), if points.is_empty() { None } else { f(points, &ctx) }, false)
            }
        };
        if len == 0 {
            continue;
        }
        held += len;
        if ev.current_samples + held > ev.opts.max_samples {
            return Err(QueryError::TooManySamples("query execution".into()));
        }
        if counter_info && !counter_name {
            non_counter_info(ev, &s.labels, len);
        }
        if let Some(v) = value {
            out.push(Sample::float(labels.clone(), t, v));
        }
    }
    ev.selectors.put_hints(vs, hints);
    if ends.is_some() {
        ev.window_calls.sliding.insert(node, sliding);
    }
    ev.stats.samples_touched += held as u64;
    Ok(out)
}

/// [`reduce_windows`] over a subquery's windows, read from its shared inner results. As on
/// the general path, the points are reduced as they are (computed values, not storage: no
/// staleness filter) and nothing is held beyond what the inner evaluations counted. Also
/// returns whether the result label sets are known to be distinct; `None` when the inner
/// results hold native histograms (the general path reduces those).
fn reduce_subquery(
    ev: &mut Evaluator,
    sq: &SubqueryExpr,
    f: Reducer,
    param: f64,
    t: Millis,
    keeps_name: bool,
    counter_info: bool,
) -> Result<Option<(Vec<Sample>, bool)>, QueryError> {
    subquery::with_window(ev, sq, t, |ev, grid, window| {
        if grid.has_histograms() {
            return Ok(None);
        }
        let distinct = grid.result_labels(&mut ev.names, keeps_name);
        let ctx = WindowCtx { window: window.nominal(), t, param, v2_numerics: ev.opts.v2_numerics };
        let mut out = Vec::new();
        grid.for_each_window(window.read(), |labels, result, points| {
            if counter_info {
                non_counter_info(ev, labels, points.len());
            }
            if let Some(v) = f(points, &ctx) {
                out.push(Sample::float(result.unwrap_or(labels).clone(), t, v));
            }
        });
        Ok(Some((out, distinct)))
    })
}
