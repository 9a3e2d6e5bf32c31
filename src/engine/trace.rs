//! An evaluation that also records what every node of the expression produced: its last
//! value, the samples it read and the time it took (both including its children). One pass
//! gives the explain tree the result and cost of every subexpression, so explaining a query
//! costs about what evaluating it does.
//!
//! Nodes are keyed by address in the expression tree. A node evaluated several times (inside
//! a subquery) adds up its samples and time and keeps its last value and every label set it
//! returned. Some nodes are read in place by their parent rather than evaluated on their own
//! (a range selector or subquery given to a function): they have no entry.

use std::collections::{BTreeSet, HashMap};

use promql_parser::parser::Expr;

use super::eval::Evaluator;
use super::labels::Labels;
use super::selector::SelectorCache;
use super::value::{Millis, Value};
use super::{EngineOptions, QueryError, QueryOutput, Storage};

/// What one node did during the evaluation.
#[derive(Clone, Debug, Default)]
pub struct NodeTrace {
    /// Times the node was evaluated.
    pub evals: usize,
    /// Samples read from storage by the node and its children, over all evaluations.
    pub samples: u64,
    /// Milliseconds spent in the node and its children (0 without a clock).
    pub ms: f64,
    /// The node's value at its last evaluation.
    pub value: Option<Value>,
    /// Every label set the node returned, gathered once it is evaluated a second time.
    pub label_sets: BTreeSet<Labels>,
}

/// The recorded nodes of one evaluation.
#[derive(Default)]
pub struct Trace {
    clock: Option<fn() -> f64>,
    nodes: HashMap<usize, NodeTrace>,
    /// The series every selector resolved to (also those read in place by a function).
    pub selectors: SelectorCache,
}

impl Trace {
    /// A trace timed with `clock` (milliseconds; `None`: no times).
    pub fn new(clock: Option<fn() -> f64>) -> Trace {
        Trace { clock, nodes: HashMap::new(), selectors: SelectorCache::default() }
    }

    /// What `expr` (a node of the evaluated tree) did, if it was evaluated on its own.
    pub fn node(&self, expr: &Expr) -> Option<&NodeTrace> {
        self.nodes.get(&key(expr))
    }

    /// Called before a node is evaluated: the clock and the samples read so far.
    pub(crate) fn start(&self, samples: u64) -> (f64, u64) {
        (self.clock.map_or(0.0, |c| c()), samples)
    }

    /// Called after: records the node's value and cost.
    pub(crate) fn record(&mut self, expr: &Expr, value: &Value, (t0, s0): (f64, u64), samples: u64) {
        let elapsed = self.clock.map_or(0.0, |c| c() - t0);
        let n = self.nodes.entry(key(expr)).or_default();
        n.evals += 1;
        n.samples += samples.saturating_sub(s0);
        n.ms += elapsed;
        // Label sets are gathered from the second evaluation on (the first one's are in its
        // value): most nodes run once, and the set costs comparisons.
        if n.evals > 1 {
            for v in [n.value.as_ref(), Some(value)].into_iter().flatten() {
                if let Value::Vector(v) = v {
                    n.label_sets.extend(v.iter().map(|s| s.labels.clone()));
                }
            }
        }
        n.value = Some(value.clone());
    }
}

fn key(expr: &Expr) -> usize {
    expr as *const Expr as usize
}

/// Evaluates `expr` at `t` like [`super::eval::eval_instant`], recording every node.
pub fn eval_instant_traced(
    storage: &Storage,
    expr: &Expr,
    t: Millis,
    opts: &EngineOptions,
    clock: Option<fn() -> f64>,
) -> (Result<QueryOutput, QueryError>, Trace) {
    let mut ev = Evaluator::new(storage, opts, t, t, 0);
    ev.stats_only = super::histogram_stats::stats_selectors(expr);
    ev.trace = Some(Box::new(Trace::new(clock)));
    let result = ev.eval(expr, t);
    let mut trace = ev.trace.take().map(|b| *b).unwrap_or_default();
    trace.selectors = std::mem::take(&mut ev.selectors);
    let result = result.map(|mut value| {
        if let Value::Matrix(m) = &mut value {
            m.sort_by(|a, b| a.labels.cmp(&b.labels));
        }
        ev.finish(value)
    });
    (result, trace)
}
