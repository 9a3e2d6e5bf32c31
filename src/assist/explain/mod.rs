//! The explain tree: every node of a query with its kind, a sentence saying what it does
//! with its actual arguments, and what evaluating it on the dataset gave: series, labels
//! and their value counts, an example, samples read, time. Binary operators say how their
//! series matched (and how to fix an empty match), aggregations which groups they formed,
//! empty selectors and functions why they are empty (the exercises' why-empty code).
//!
//! One traced evaluation (`engine::trace`) gives every node's value and cost, so explaining
//! costs about what evaluating does.

mod matching;
mod sentence;
mod summary;
mod text;

use promql_parser::parser::Expr;
use serde::{Deserialize, Serialize};

pub use matching::{MatchInfo, Unmatched};
pub use summary::{Groups, LabelCount, Summary};
pub use text::{millis, render_text, result_lines};

use super::format::{bare, string};
use super::spans::{self, Spanned};
use crate::content::explain_empty;
use crate::content::grade::compare::is_empty;
use crate::engine::parse::parse;
use crate::engine::selector::{duration_ms, reference_time, SelectorCache};
use crate::engine::trace::{eval_instant_traced, Trace};
use crate::engine::{EngineOptions, Millis, ParseError, Storage, Value};

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExplainNode {
    /// Position in preorder (the root is 0) and the parent's.
    pub id: usize,
    pub parent: Option<usize>,
    pub depth: usize,
    /// `aggregation`, `function`, `arithmetic`, `range selector`, ...
    pub kind: String,
    /// The node's one-line text (Prometheus's), which is also the query that evaluates it.
    pub text: String,
    /// Byte range of the node in the query.
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    /// The node's value at the explained instant (None when it failed).
    pub result: Option<Summary>,
    /// Samples read by the node and its children, and the time they took (inclusive).
    pub samples: u64,
    pub ms: f64,
    /// Times the node was evaluated (more than once inside a subquery).
    pub evals: usize,
    /// Why the node's result is empty, and other remarks.
    pub notes: Vec<String>,
    pub matching: Option<MatchInfo>,
    pub groups: Option<Groups>,
}

/// A query explained at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub query: String,
    pub time: Millis,
    pub nodes: Vec<ExplainNode>,
    /// The query's own evaluation: samples read, time, error.
    pub samples: u64,
    pub ms: f64,
    pub error: Option<String>,
}

/// How to explain.
#[derive(Clone, Debug)]
pub struct ExplainOptions {
    pub time: Millis,
    pub engine: EngineOptions,
    /// A clock in milliseconds for the per-node times (None: times are 0).
    pub clock: Option<fn() -> f64>,
}

/// Explains `query` on `storage` at `opts.time`.
pub fn explain(query: &str, storage: &Storage, opts: &ExplainOptions) -> Result<Explanation, ParseError> {
    let expr = parse(query)?;
    let tree = spans::align(query, &expr).unwrap_or_else(|| bare(&expr));
    let started = opts.clock.map_or(0.0, |c| c());
    let (result, trace) = eval_instant_traced(storage, &expr, opts.time, &opts.engine, opts.clock);
    let ms = opts.clock.map_or(0.0, |c| c() - started);
    let mut b = Builder { storage, opts, trace: &trace, nodes: Vec::new() };
    b.node(&tree, None, 0, 1);
    let (samples, error) = match &result {
        Ok(out) => (out.stats.samples_touched, None),
        Err(e) => (0, Some(e.to_string())),
    };
    Ok(Explanation { query: query.to_string(), time: opts.time, nodes: b.nodes, samples, ms, error })
}

struct Builder<'a> {
    storage: &'a Storage,
    opts: &'a ExplainOptions,
    trace: &'a Trace,
    nodes: Vec<ExplainNode>,
}

impl Builder<'_> {
    /// Adds `node` and its subtree; `evals` is how many times its parent ran it.
    fn node(&mut self, node: &Spanned, parent: Option<usize>, depth: usize, evals: usize) {
        let id = self.nodes.len();
        let traced = self.trace.node(node.expr);
        let evals = traced.map_or(evals, |t| t.evals);
        let mut n = ExplainNode {
            id,
            parent,
            depth,
            kind: sentence::kind(node.expr).into(),
            text: string(node),
            start: node.span.0,
            end: node.span.1,
            sentence: sentence::sentence(node.expr),
            result: None,
            samples: traced.map_or(0, |t| t.samples),
            ms: traced.map_or(0.0, |t| t.ms),
            evals,
            notes: Vec::new(),
            matching: None,
            groups: None,
        };
        match traced.and_then(|t| t.value.as_ref()) {
            Some(value) => {
                n.result = Some(summary::summarize(value));
                if evals > 1 {
                    n.notes.push(format!(
                        "Evaluated {evals} times (once per subquery step): samples and time are totals, the result shown is the last step's."
                    ));
                }
            }
            None => self.untraced(node, &mut n),
        }
        self.details(node, &mut n);
        self.nodes.push(n);
        for c in &node.children {
            self.node(c, Some(id), depth + 1, evals);
        }
    }

    /// Nodes their parent reads in place (a range selector or subquery given to a function,
    /// parentheses around an argument): worked out from the storage or their child.
    fn untraced(&self, node: &Spanned, n: &mut ExplainNode) {
        match node.expr {
            Expr::MatrixSelector(ms) => {
                // The series the evaluation selected (resolving them again costs a sort).
                let ids = match self.trace.selectors.cached(&ms.vs) {
                    Some(ids) => ids,
                    None => SelectorCache::default().select(self.storage, &ms.vs).0,
                };
                let to =
                    reference_time(self.opts.time, &ms.vs.at, &ms.vs.offset, self.opts.time, self.opts.time);
                let from = to.saturating_sub(duration_ms(&ms.range));
                let mut samples = 0;
                let series: Vec<&crate::engine::Labels> = ids
                    .iter()
                    .map(|&id| self.storage.get(id))
                    .filter(|s| {
                        let w = s.window(from, to).len();
                        samples += w as u64;
                        w > 0
                    })
                    .map(|s| &s.labels)
                    .collect();
                let mut s = summary::of_label_sets("range vector", series.into_iter());
                s.example_value = None;
                n.result = Some(s);
                n.samples = samples;
                n.notes.push(
                    "Read in place by the function around it: its time is part of that function's.".into(),
                );
            }
            Expr::Subquery(_) => {
                let inner = node.children.first().and_then(|c| self.trace.node(c.expr));
                if let Some(inner) = inner {
                    n.result = Some(summary::of_label_sets("range vector", inner.label_sets.iter()));
                    n.samples = inner.samples;
                    n.ms = inner.ms;
                    n.evals = 1;
                }
            }
            Expr::Paren(_) => {
                if let Some(inner) = node.children.first().and_then(|c| self.trace.node(c.expr)) {
                    n.result = inner.value.as_ref().map(summary::summarize);
                    n.samples = inner.samples;
                    n.ms = inner.ms;
                }
            }
            _ => {}
        }
    }

    /// Matching, groups and why-empty notes.
    fn details(&self, node: &Spanned, n: &mut ExplainNode) {
        let value_of = |i: usize| node.children.get(i).and_then(|c| self.value(c));
        match node.expr {
            Expr::Binary(b) => {
                if let (Some(Value::Vector(l)), Some(Value::Vector(r))) = (value_of(0), value_of(1)) {
                    n.matching = Some(matching::match_info(b, l, r));
                }
            }
            Expr::Aggregate(a) => {
                if let Some(input) = node.children.last().and_then(|c| self.value(c)) {
                    n.groups = summary::groups(a, input);
                }
            }
            _ => {}
        }
        let empty = n.result.as_ref().is_some_and(|r| r.series == 0 && r.kind.ends_with("vector"));
        let children_empty = node.children.iter().any(|c| self.value(c).is_some_and(is_empty));
        if empty && !children_empty {
            // Why-empty reasons, worked out on the node's own text as a query.
            n.notes.extend(explain_empty::explain(self.storage, &n.text, self.opts.time, &self.opts.engine));
        }
    }

    /// A child's value: traced, or (parentheses) its own child's.
    fn value(&self, node: &Spanned) -> Option<&Value> {
        match self.trace.node(node.expr).and_then(|t| t.value.as_ref()) {
            Some(v) => Some(v),
            None if matches!(node.expr, Expr::Paren(_)) => node.children.first().and_then(|c| self.value(c)),
            None => None,
        }
    }
}

/// One node of a query's outline: the explain tree's kind, text and sentence, without
/// evaluating anything (what the query library prints next to each query).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineNode {
    /// Nesting depth, counting only the nodes that are not parentheses (so an outline read
    /// without its parentheses nodes still nests correctly).
    pub depth: usize,
    pub kind: String,
    pub text: String,
    pub sentence: String,
}

/// Every node of `query` in the explain tree's order with its kind and sentence; no data is
/// read, so it costs a parse.
pub fn outline(query: &str) -> Result<Vec<OutlineNode>, ParseError> {
    fn walk(node: &Spanned, depth: usize, out: &mut Vec<OutlineNode>) {
        out.push(OutlineNode {
            depth,
            kind: sentence::kind(node.expr).into(),
            text: string(node),
            sentence: sentence::sentence(node.expr),
        });
        let below = if matches!(node.expr, Expr::Paren(_)) { depth } else { depth + 1 };
        for c in &node.children {
            walk(c, below, out);
        }
    }
    let expr = parse(query)?;
    let tree = spans::align(query, &expr).unwrap_or_else(|| bare(&expr));
    let mut out = Vec::new();
    walk(&tree, 0, &mut out);
    Ok(out)
}

/// Explains a query given as text at `time`, for callers without their own options.
pub fn explain_at(
    query: &str,
    storage: &Storage,
    time: Millis,
    clock: Option<fn() -> f64>,
) -> Result<Explanation, ParseError> {
    explain(query, storage, &ExplainOptions { time, engine: EngineOptions::default(), clock })
}

#[cfg(test)]
mod tests;
