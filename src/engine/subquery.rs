//! Subqueries `expr[range:step] offset o @ t`: the inner expression evaluated at the steps
//! aligned to absolute multiples of `step` inside `(ref - range, ref]`. Inner results are
//! memoised per (node, step time), so the overlapping windows of consecutive range-query
//! steps evaluate each inner step once.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use promql_parser::parser::{Expr, SubqueryExpr};

use super::eval::Evaluator;
use super::labels::Labels;
use super::range::Assembler;
use super::selector::{duration_ms, reference_time};
use super::value::{Millis, Series, Value};
use super::QueryError;

/// Inner results by subquery node and step time.
#[derive(Default)]
pub struct SubqueryCache {
    by_node: HashMap<usize, BTreeMap<Millis, Rc<Value>>>,
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
    let step =
        sq.step.as_ref().map(duration_ms).filter(|s| *s > 0).unwrap_or(ev.opts.default_subquery_step).max(1);
    let to = reference_time(t, &sq.at, &sq.offset, ev.start, ev.end);
    let from = to.saturating_sub(duration_ms(&sq.range));
    let steps = to.saturating_sub(from) / step + 1;
    if usize::try_from(steps).map_or(true, |n| n > ev.opts.max_samples) {
        return Err(QueryError::TooManySamples("query execution"));
    }

    let node = sq as *const SubqueryExpr as usize;
    let mut out = Assembler::default();
    for ts in step_times(from, to, step) {
        let value = inner_at(ev, node, &sq.expr, ts)?;
        match value.as_ref() {
            Value::Vector(vec) => {
                for (pos, s) in vec.iter().enumerate() {
                    out.add(pos, &s.labels, ts, s.v)?;
                }
            }
            Value::Scalar { v, .. } => out.add(0, &Labels::empty(), ts, *v)?,
            other => {
                return Err(QueryError::eval(format!(
                    "subquery is only allowed on instant vector, got {}",
                    other.type_name()
                )))
            }
        }
    }
    evict_before(ev, node, from);
    Ok((out.into_sorted(), (from, to)))
}

/// The inner expression at `ts`, from the memo or freshly evaluated.
fn inner_at(ev: &mut Evaluator, node: usize, expr: &Expr, ts: Millis) -> Result<Rc<Value>, QueryError> {
    if let Some(v) = ev.subqueries.by_node.get(&node).and_then(|m| m.get(&ts)) {
        return Ok(v.clone());
    }
    let v = Rc::new(ev.eval(expr, ts)?);
    ev.subqueries.by_node.entry(node).or_default().insert(ts, v.clone());
    Ok(v)
}

/// Drops memoised steps at or before `from`: range queries move forward in time, so they
/// will not be asked for again (and if they are, they are simply recomputed).
fn evict_before(ev: &mut Evaluator, node: usize, from: Millis) {
    if let Some(m) = ev.subqueries.by_node.get_mut(&node) {
        let keep = m.split_off(&from.saturating_add(1));
        *m = keep;
    }
}

#[cfg(test)]
mod tests {
    use super::step_times;

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
}
