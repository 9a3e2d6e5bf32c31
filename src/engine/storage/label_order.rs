//! Every series' place in label order, so that a selector sorts the series it picked by
//! comparing two numbers rather than two label sets (string by string: the most expensive
//! part of an instant query over many series, and more so in WebAssembly, whose `memcmp`
//! compares byte by byte).

use super::{SeriesId, StoredSeries};

/// The series ids sorted by labels, and each id's position in that order.
#[derive(Clone, Debug, Default)]
pub struct LabelOrder {
    sorted: Vec<SeriesId>,
    rank: Vec<u32>,
}

impl LabelOrder {
    /// The order of `series` (label sets are distinct in a store).
    pub fn of(series: &[StoredSeries]) -> Self {
        let mut sorted: Vec<SeriesId> = (0..series.len()).collect();
        sorted.sort_unstable_by(|&a, &b| series[a].labels.cmp(&series[b].labels));
        let mut rank = vec![0; series.len()];
        for (pos, &id) in sorted.iter().enumerate() {
            rank[id] = pos as u32;
        }
        LabelOrder { sorted, rank }
    }

    /// Takes in the series just added as the last of `series` (its id is `series.len() - 1`):
    /// one binary search and a shift of the later ranks, so a store that grows while it is
    /// queried (the recording rules' results) never sorts everything again.
    pub fn push_last(&mut self, series: &[StoredSeries]) {
        let id = series.len() - 1;
        let labels = &series[id].labels;
        let pos = self.sorted.partition_point(|&other| series[other].labels < *labels);
        self.sorted.insert(pos, id);
        self.rank.push(pos as u32);
        for &later in &self.sorted[pos + 1..] {
            self.rank[later] += 1;
        }
    }

    /// Each series' place in label order, by id.
    pub fn ranks(&self) -> &[u32] {
        &self.rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::labels::Labels;

    fn series(names: &[&str]) -> Vec<StoredSeries> {
        names
            .iter()
            .map(|n| StoredSeries { labels: Labels::from_pairs([("a", *n)]), ..StoredSeries::default() })
            .collect()
    }

    #[test]
    fn ranks_follow_labels_as_series_are_added() {
        let names = ["m", "c", "x", "a", "d", "z", "b"];
        let mut order = LabelOrder::of(&series(&names[..3]));
        for n in 4..=names.len() {
            order.push_last(&series(&names[..n]));
            assert_eq!(order.rank, LabelOrder::of(&series(&names[..n])).rank, "after {n} series");
        }
        let all = series(&names);
        let mut by_rank: Vec<SeriesId> = (0..all.len()).collect();
        by_rank.sort_by_key(|&id| order.ranks()[id]);
        let sorted: Vec<&str> = by_rank.iter().map(|&id| all[id].labels.get_or_empty("a")).collect();
        assert_eq!(sorted, ["a", "b", "c", "d", "m", "x", "z"]);
    }
}
