//! topk, bottomk and limitk: the aggregations that select input elements rather than
//! compute new values, with Go's heap order so ties resolve as in Prometheus.

use super::AggOp;
use crate::engine::error::Annotations;
use crate::engine::grouping::{FxHashMap, Grouping};
use crate::engine::histogram::notes;
use crate::engine::value::Sample;

/// A heap ordered like Go's `container/heap` over Prometheus's value orderings, so ties are
/// resolved exactly as Prometheus resolves them.
struct GoHeap {
    items: Vec<Sample>,
    /// true: min-heap (topk keeps the k largest); false: max-heap (bottomk).
    min: bool,
}

impl GoHeap {
    fn less(&self, i: usize, j: usize) -> bool {
        let (a, b) = (self.items[i].v, self.items[j].v);
        if a.is_nan() {
            return true;
        }
        if self.min {
            a < b
        } else {
            a > b
        }
    }

    fn push(&mut self, s: Sample) {
        self.items.push(s);
        self.up(self.items.len() - 1);
    }

    fn up(&mut self, mut j: usize) {
        while j > 0 {
            let i = (j - 1) / 2;
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            j = i;
        }
    }

    fn down(&mut self, i0: usize) -> bool {
        let n = self.items.len();
        let mut i = i0;
        loop {
            let j1 = 2 * i + 1;
            if j1 >= n {
                break;
            }
            let mut j = j1;
            if j1 + 1 < n && self.less(j1 + 1, j1) {
                j = j1 + 1;
            }
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            i = j;
        }
        i > i0
    }

    fn fix(&mut self, i: usize) {
        if !self.down(i) {
            self.up(i);
        }
    }

    /// Offers `s`: kept while fewer than `k` are held, else it replaces the weakest when
    /// strictly better (a number beats NaN).
    fn offer(&mut self, s: Sample, k: usize) {
        if self.items.len() < k {
            self.push(s);
            return;
        }
        let top = self.items[0].v;
        let better = if self.min { top < s.v } else { top > s.v };
        if better || (top.is_nan() && !s.v.is_nan()) {
            self.items[0] = s;
            if k > 1 {
                self.fix(0);
            }
        }
    }

    /// Best first (largest for topk, smallest for bottomk), NaN last.
    fn into_sorted(self) -> Vec<Sample> {
        let mut items = self.items;
        let min = self.min;
        items.sort_by(|a, b| {
            use std::cmp::Ordering::*;
            match (a.v.is_nan(), b.v.is_nan()) {
                (true, true) => Equal,
                (true, false) => Greater,
                (false, true) => Less,
                _ if min => b.v.total_cmp(&a.v),
                _ => a.v.total_cmp(&b.v),
            }
        });
        items
    }
}

/// topk, bottomk, limitk: up to `k` input elements per group, labels kept as they are.
/// topk and bottomk order by float value, so they leave histogram samples out (with an
/// info); limitk keeps whatever comes first.
pub(super) fn select_k(
    op: AggOp,
    input: Vec<Sample>,
    k: usize,
    grouping: Grouping,
    annotations: &mut Annotations,
) -> Vec<Sample> {
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut groups: Vec<GoHeap> = Vec::new();
    for s in input {
        let key = grouping.key(&s.labels);
        let gi = *index.entry(key).or_insert_with(|| {
            groups.push(GoHeap { items: Vec::new(), min: op != AggOp::Bottomk });
            groups.len() - 1
        });
        let g = &mut groups[gi];
        match op {
            AggOp::Limitk => {
                if g.items.len() < k {
                    g.items.push(s);
                }
            }
            _ if s.h.is_some() => annotations.info(notes::ignored_in_aggregation(op.name())),
            _ => g.offer(s, k),
        }
    }
    groups.into_iter().flat_map(|g| if op == AggOp::Limitk { g.items } else { g.into_sorted() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::labels::Labels;

    #[test]
    fn topk_keeps_earlier_ties_like_go_heap() {
        let s = |n: &str, v: f64| Sample::float(Labels::from_pairs([("n", n)]), 0, v);
        let input = vec![s("a", 5.0), s("b", 5.0), s("c", 5.0), s("d", 6.0)];
        let got: Vec<String> =
            select_k(AggOp::Topk, input, 2, Grouping::By(&[]), &mut Annotations::default())
                .iter()
                .map(|s| s.labels.get_or_empty("n").to_string())
                .collect();
        // Go's heap holds [a, b] with a on top; d replaces a.
        assert_eq!(got, vec!["d", "b"]);
    }
}
