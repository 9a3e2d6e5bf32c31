//! Subexpression results shared between the queries of one rule evaluation. The seed's three
//! latency-quantile rules each compute `sum by (le, model) (rate(…_bucket[5m]))` at the same
//! ticks, and its cache-hit ratio computes `rate(model_cache_hits_total[5m])` twice: a node
//! that occurs more than once among the rules is evaluated once per instant and its result
//! reused. Only nodes whose value depends on nothing but the instant and series no rule
//! writes are shared, and a reuse reports the counters, annotations and limits a real
//! evaluation would (samples read, series touched, peak samples held), so every rule's
//! reported cost stays exactly what Prometheus's evaluation of it alone would give.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use promql_parser::parser::{Expr, VectorSelector};

use super::grouping::{FxHashMap, FxHashSet};
use super::labels::Labels;
use super::storage::Storage;
use super::value::{Millis, Sample, Value};
use super::walk::{walk, walk_pruned};

/// Functions whose value depends on more than the instant (the query's range or step, or
/// range-query-only annotations): nodes containing them are never shared.
const CONTEXT_FUNCTIONS: [&str; 8] =
    ["sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "start", "end", "range", "step"];

/// Shared results of one rule evaluation: which subexpressions are shared, and their values
/// by instant, up to a limit on the values held.
pub struct SharedResults {
    /// Canonical text of each shared subexpression → its id.
    ids: FxHashMap<String, u32>,
    entries: RefCell<FxHashMap<(u32, Millis), Entry>>,
    /// Per id, the label sets of its latest stored vector: consecutive instants usually
    /// return the same series, so they share one list.
    last_labels: RefCell<FxHashMap<u32, Rc<[Labels]>>>,
    held: Cell<usize>,
    limit: usize,
    reuses: Cell<u64>,
}

/// One subexpression's value at one instant and what computing it cost.
pub struct Entry {
    value: Stored,
    /// Samples read from storage.
    pub samples: u64,
    /// The most samples held above the query's count while computing it.
    pub peak_above: usize,
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
}

/// A value as kept: a float vector stamped with its instant (the usual case) as label sets
/// shared between instants plus one float per sample; anything else as it is.
enum Stored {
    Floats { labels: Rc<[Labels]>, values: Box<[f64]> },
    Value(Value),
}

impl Entry {
    pub fn new(
        value: Value,
        samples: u64,
        peak_above: usize,
        annotations: (Vec<String>, Vec<String>),
    ) -> Self {
        let (warnings, infos) = annotations;
        Entry { value: Stored::Value(value), samples, peak_above, warnings, infos }
    }

    /// The value at `t`.
    pub fn value(&self, t: Millis) -> Value {
        match &self.value {
            Stored::Value(v) => v.clone(),
            Stored::Floats { labels, values } => Value::Vector(
                labels.iter().zip(values.iter()).map(|(l, &v)| Sample::float(l.clone(), t, v)).collect(),
            ),
        }
    }
}

impl SharedResults {
    /// The subexpressions of `exprs` (in evaluation order) worth sharing: aggregations and
    /// function calls evaluated at least twice — an occurrence inside another shared node
    /// counts only in that node's first evaluation, since later ones reuse the outer
    /// result — and reading only selectors for which `stable` holds (series nothing writes
    /// during the evaluation). Nothing is shared over storage holding native histograms,
    /// where a selector's reading depends on the whole query's shape (`histogram_stats.rs`).
    /// At most `limit` values are kept; with 0 nothing is shared.
    pub fn new(
        storage: &Storage,
        exprs: &[&Expr],
        stable: &dyn Fn(&VectorSelector) -> bool,
        limit: usize,
    ) -> Self {
        let mut chosen: FxHashSet<String> = FxHashSet::default();
        if limit > 0 && !storage.has_histograms() {
            let mut counts: FxHashMap<String, u32> = FxHashMap::default();
            for e in exprs {
                walk(e, &mut |n| {
                    if is_shareable_kind(n) && instant_only(n, stable) {
                        *counts.entry(n.to_string()).or_default() += 1;
                    }
                });
            }
            chosen = counts.into_iter().filter(|(_, n)| *n >= 2).map(|(text, _)| text).collect();
            // Dropping a node may expose the occurrences inside it: repeat until stable.
            loop {
                let uses = evaluated_uses(exprs, &chosen);
                let before = chosen.len();
                chosen.retain(|text| uses.get(text).is_some_and(|&n| n >= 2));
                if chosen.len() == before {
                    break;
                }
            }
        }
        let ids = chosen.into_iter().enumerate().map(|(i, text)| (text, i as u32)).collect();
        SharedResults {
            ids,
            entries: RefCell::default(),
            last_labels: RefCell::default(),
            held: Cell::new(0),
            limit,
            reuses: Cell::new(0),
        }
    }

    /// The shared nodes of `expr`, by node address → id (for one query over `expr`).
    pub fn nodes_of(&self, expr: &Expr) -> FxHashMap<usize, u32> {
        let mut out = FxHashMap::default();
        if !self.ids.is_empty() {
            walk(expr, &mut |e| {
                if is_shareable_kind(e) {
                    if let Some(&id) = self.ids.get(&e.to_string()) {
                        out.insert(e as *const Expr as usize, id);
                    }
                }
            });
        }
        out
    }

    /// Calls `f` with the stored entry of subexpression `id` at `t`, if there is one (a
    /// reuse, counted).
    pub fn with<R>(&self, id: u32, t: Millis, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let out = self.entries.borrow().get(&(id, t)).map(f);
        if out.is_some() {
            self.reuses.set(self.reuses.get() + 1);
        }
        out
    }

    /// Keeps `entry` as subexpression `id`'s value at `t`, unless the limit is reached.
    pub fn store(&self, id: u32, t: Millis, mut entry: Entry) {
        let mut size = 1;
        if let Stored::Value(Value::Vector(v)) = &entry.value {
            size = v.len().max(1);
            if v.iter().all(|s| s.t == t && s.h.is_none()) {
                let mut last = self.last_labels.borrow_mut();
                let same = last
                    .get(&id)
                    .is_some_and(|l| l.len() == v.len() && l.iter().zip(v).all(|(a, s)| *a == s.labels));
                if !same {
                    last.insert(id, v.iter().map(|s| s.labels.clone()).collect());
                    size += v.len();
                }
                let labels = last.get(&id).cloned().unwrap_or_else(|| Rc::from(Vec::new()));
                entry.value = Stored::Floats { labels, values: v.iter().map(|s| s.v).collect() };
            }
        }
        if self.held.get() + size <= self.limit {
            self.held.set(self.held.get() + size);
            self.entries.borrow_mut().insert((id, t), entry);
        }
    }

    /// Stored results used instead of evaluating again, so far.
    pub fn reuses(&self) -> u64 {
        self.reuses.get()
    }

    /// Values (and label-set references) held in stored results.
    pub fn held(&self) -> usize {
        self.held.get()
    }
}

/// How many times each chosen node is really evaluated: every occurrence, except those
/// inside a chosen node evaluated before (which will be reused whole).
fn evaluated_uses(exprs: &[&Expr], chosen: &FxHashSet<String>) -> FxHashMap<String, u32> {
    let mut uses: FxHashMap<String, u32> = FxHashMap::default();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    for e in exprs {
        walk_pruned(e, &mut |n| {
            if !is_shareable_kind(n) {
                return true;
            }
            let text = n.to_string();
            if !chosen.contains(&text) {
                return true;
            }
            *uses.entry(text.clone()).or_default() += 1;
            seen.insert(text)
        });
    }
    uses
}

/// Aggregations and function calls: the nodes whose results are worth keeping.
fn is_shareable_kind(e: &Expr) -> bool {
    matches!(e, Expr::Aggregate(_) | Expr::Call(_))
}

/// True when `expr`'s value at an instant depends on nothing else: no subquery, no `@`,
/// no function of the query's range or step, and only stable selectors.
fn instant_only(expr: &Expr, stable: &dyn Fn(&VectorSelector) -> bool) -> bool {
    let mut ok = true;
    walk(expr, &mut |e| match e {
        Expr::VectorSelector(vs) => ok &= vs.at.is_none() && stable(vs),
        Expr::MatrixSelector(ms) => ok &= ms.vs.at.is_none() && stable(&ms.vs),
        Expr::Subquery(_) | Expr::Extension(_) => ok = false,
        Expr::Call(c) => ok &= !CONTEXT_FUNCTIONS.contains(&c.func.name),
        _ => {}
    });
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;

    /// The subexpressions shared among `queries` when the rules write `written`.
    fn shared(queries: &[&str], written: &[&str]) -> Vec<String> {
        let exprs: Vec<Expr> = queries.iter().map(|q| parse(q).unwrap()).collect();
        let refs: Vec<&Expr> = exprs.iter().collect();
        let stable = |vs: &VectorSelector| vs.name.as_deref().is_none_or(|n| !written.contains(&n));
        let results = SharedResults::new(&Storage::new(), &refs, &stable, 1000);
        let mut out: Vec<String> = results.ids.into_keys().collect();
        out.sort();
        out
    }

    #[test]
    fn a_repeated_node_is_shared_but_not_what_only_it_reads() {
        let q = [
            "histogram_quantile(0.5, sum by (le) (rate(x[5m])))",
            "histogram_quantile(0.9, sum by (le) (rate(x[5m])))",
        ];
        assert_eq!(shared(&q, &[]), ["sum by (le) (rate(x[5m]))"]);
        // Read once more outside the sum, the rate is evaluated twice: shared too.
        let q = [q[0], q[1], "rate(x[5m]) > 1"];
        assert_eq!(shared(&q, &[]), ["rate(x[5m])", "sum by (le) (rate(x[5m]))"]);
        // Twice in one expression.
        assert_eq!(shared(&["rate(a[5m]) / (rate(a[5m]) + rate(b[5m]))"], &[]), ["rate(a[5m])"]);
    }

    #[test]
    fn nodes_depending_on_more_than_the_instant_are_not_shared() {
        assert!(
            shared(&["sum(rate(x[5m]))", "sum(rate(x[5m])) > 2"], &["x"]).is_empty(),
            "written by a rule"
        );
        assert!(shared(&["sum(x @ 100)", "sum(x @ 100)"], &[]).is_empty(), "@");
        // A subquery's window depends on its steps; what it evaluates, on its instant only.
        let sub = "max_over_time(rate(x[5m])[1h:])";
        assert_eq!(shared(&[sub, sub], &[]), ["rate(x[5m])"]);
        assert_eq!(shared(&["sort(rate(x[5m]))", "sort(rate(x[5m]))"], &[]), ["rate(x[5m])"]);
        assert!(shared(&["sum(x)"], &[]).is_empty(), "once only");
    }
}
