//! How `histogram_quantile(s)` and `histogram_fraction` group classic buckets into
//! histograms: by their labels without `le` (the name stays part of the identity, as
//! upstream's signature keeps it), in order of first appearance; samples whose `le` is
//! missing or not a number are skipped with a warning.
//!
//! A range query evaluates the call at every step over input series that rarely change, so
//! each call node keeps its last grouping as a [`BucketPlan`]: the input label sets, each
//! one's histogram and bound. When the next step's input holds the very same label sets
//! (the same shared storage, which the window fast path and the name dropper hand out at
//! every step) in the same order, only the values are gathered; otherwise the plan is made
//! anew.

use std::collections::HashMap;

use super::format::go_q;
use super::histogram::{for_metric_name, parse_go_float, Bucket, BUCKET_LABEL};
use crate::engine::error::Annotations;
use crate::engine::grouping::{pairs_hash, FxHashMap};
use crate::engine::labels::Labels;
use crate::engine::value::Sample;

/// The functions that group buckets.
const GROUPING_FUNCTIONS: [&str; 3] = ["histogram_quantile", "histogram_quantiles", "histogram_fraction"];

/// The plans of a query's call nodes, keyed by the node's address (the expression tree is
/// borrowed, unmoved, for the whole query).
#[derive(Default)]
pub struct BucketGroupCache {
    by_node: HashMap<usize, BucketPlan>,
}

impl BucketGroupCache {
    /// The plan of call node `node`, when function `name` groups buckets.
    pub fn plan(&mut self, node: usize, name: &str) -> Option<&mut BucketPlan> {
        GROUPING_FUNCTIONS.contains(&name).then(|| self.by_node.entry(node).or_default())
    }
}

/// One input's place in a grouping: its histogram and upper bound, or skipped.
type Slot = Option<(usize, f64)>;

/// A grouping of one step's input, reusable for any input with the same label sets.
#[derive(Default)]
pub struct BucketPlan {
    /// The input label sets, kept alive so that no other label set can take their
    /// identity (address) while the plan compares against it.
    inputs: Vec<Labels>,
    slots: Vec<Slot>,
    /// Each histogram's labels and number of buckets.
    groups: Vec<(Labels, usize)>,
    /// The warnings about skipped inputs, in input order.
    warnings: Vec<String>,
}

impl BucketPlan {
    /// Groups `input`'s samples into histograms (labels and buckets), reusing this plan
    /// when `input` has its label sets and remaking it otherwise. Warnings about skipped
    /// samples go to `annotations`, as the grouping met them.
    pub fn group(&mut self, annotations: &mut Annotations, input: &[Sample]) -> Vec<(Labels, Vec<Bucket>)> {
        let fits = self.inputs.len() == input.len()
            && self.inputs.iter().zip(input).all(|(l, s)| l.identity() == s.labels.identity());
        if !fits {
            self.make(input);
        }
        for w in &self.warnings {
            annotations.warn(w.as_str());
        }
        let mut groups: Vec<(Labels, Vec<Bucket>)> =
            self.groups.iter().map(|(l, n)| (l.clone(), Vec::with_capacity(*n))).collect();
        for (s, slot) in input.iter().zip(&self.slots) {
            let Some((g, upper_bound)) = *slot else { continue };
            if let Some((_, buckets)) = groups.get_mut(g) {
                buckets.push(Bucket { upper_bound, count: s.v });
            }
        }
        groups
    }

    /// Works out the grouping of `input`. Histograms are found by a hash of the labels
    /// without `le` and confirmed on the labels themselves, so a label set is only built
    /// for each new histogram.
    fn make(&mut self, input: &[Sample]) {
        self.inputs = input.iter().map(|s| s.labels.clone()).collect();
        self.slots.clear();
        self.groups.clear();
        self.warnings.clear();
        // Per histogram: the input it was first seen in (what others are compared with).
        let mut first_seen: Vec<usize> = Vec::new();
        let mut index: FxHashMap<u64, usize> = FxHashMap::default();
        for (i, s) in input.iter().enumerate() {
            let le = s.labels.get_or_empty(BUCKET_LABEL);
            let Some(upper_bound) = parse_go_float(le) else {
                self.warnings.push(format!(
                    "PromQL warning: bucket label \"le\" is missing or has a malformed value of {}{}",
                    go_q(le),
                    for_metric_name(&s.labels)
                ));
                self.slots.push(None);
                continue;
            };
            let same = |g: &usize| {
                let first = first_seen.get(*g).and_then(|&j| input.get(j));
                first.is_some_and(|f| same_but_le(&f.labels, &s.labels))
            };
            let hash = pairs_hash(without_le(&s.labels));
            let found = match index.get(&hash) {
                Some(g) if same(g) => Some(*g),
                // A hash collision: look the histogram up among all of them.
                Some(_) => (0..first_seen.len()).find(|g| same(g)),
                None => None,
            };
            let g = found.unwrap_or_else(|| {
                let mut key = s.labels.clone();
                key.remove(BUCKET_LABEL);
                self.groups.push((key, 0));
                first_seen.push(i);
                index.entry(hash).or_insert(self.groups.len() - 1);
                self.groups.len() - 1
            });
            if let Some(group) = self.groups.get_mut(g) {
                group.1 += 1;
            }
            self.slots.push(Some((g, upper_bound)));
        }
    }
}

/// A label set's pairs without `le`.
fn without_le(labels: &Labels) -> impl Iterator<Item = (&str, &str)> {
    labels.iter().filter(|(n, _)| *n != BUCKET_LABEL)
}

/// True when two label sets differ at most in `le`.
fn same_but_le(a: &Labels, b: &Labels) -> bool {
    without_le(a).eq(without_le(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(pairs: &[(&str, &str)], v: f64) -> Sample {
        Sample::float(Labels::from_pairs(pairs.iter().copied()), 0, v)
    }

    /// Groups built afresh and groups from a reused plan, on the same and on other inputs.
    #[test]
    fn reused_plans_group_like_fresh_ones() {
        let a = |le: &str, v| sample(&[("__name__", "h"), ("a", "1"), ("le", le)], v);
        let b = |le: &str, v| sample(&[("__name__", "h"), ("a", "2"), ("le", le)], v);
        let input = vec![a("1", 1.0), b("+Inf", 2.0), a("x", 3.0), a("+Inf", 4.0), b("1", 5.0), a("1", 6.0)];
        let mut notes = Annotations::default();
        let mut plan = BucketPlan::default();
        let groups = plan.group(&mut notes, &input);
        let want_a = Labels::from_pairs([("__name__", "h"), ("a", "1")]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, want_a);
        let bounds: Vec<(f64, f64)> = groups[0].1.iter().map(|b| (b.upper_bound, b.count)).collect();
        assert_eq!(bounds, [(1.0, 1.0), (f64::INFINITY, 4.0), (1.0, 6.0)]);
        assert_eq!(notes.warnings.len(), 1, "{notes:?}");

        // Same label sets, new values: the plan is reused and only the counts change.
        let again: Vec<Sample> = input.iter().map(|s| Sample { v: s.v * 10.0, ..s.clone() }).collect();
        let mut notes2 = Annotations::default();
        let reused = plan.group(&mut notes2, &again);
        assert_eq!(reused[1].1.iter().map(|b| b.count).collect::<Vec<_>>(), [20.0, 50.0]);
        assert_eq!(notes2, notes);

        // Other label sets of the same shapes, equal label sets that are other copies, a
        // shorter input: made anew.
        let swapped: Vec<Sample> = input.iter().rev().cloned().collect();
        let copies = vec![b("1", 7.0), a("2", 8.0)];
        let copied: Vec<Sample> =
            input.iter().map(|s| sample(&s.labels.iter().collect::<Vec<_>>(), s.v)).collect();
        for other in [swapped, copies, copied] {
            let fresh = BucketPlan::default().group(&mut Annotations::default(), &other);
            assert_eq!(plan.group(&mut Annotations::default(), &other), fresh);
            assert_eq!(plan.group(&mut Annotations::default(), &other), fresh, "reused");
        }
        assert_eq!(plan.group(&mut Annotations::default(), &input), groups);
    }
}
