//! Label-subset keys shared by aggregation grouping (`by` / `without`) and binary-operator
//! vector matching (`on` / `ignoring`): a cheap 64-bit hash of the selected pairs, and the
//! label set those pairs form.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::labels::{Labels, METRIC_NAME};

/// Which labels identify a group or a match.
#[derive(Clone, Copy, Debug)]
pub enum Grouping<'a> {
    /// Only these labels (`by`, `on`).
    By(&'a [String]),
    /// All labels except these and the metric name (`without`, `ignoring`).
    Without(&'a [String]),
}

impl Grouping<'_> {
    fn keeps(&self, name: &str) -> bool {
        match self {
            Grouping::By(names) => names.iter().any(|n| n == name),
            Grouping::Without(names) => name != METRIC_NAME && !names.iter().any(|n| n == name),
        }
    }

    /// Hash of the kept (name, value) pairs; equal label subsets hash equally.
    pub fn key(&self, labels: &Labels) -> u64 {
        pairs_hash(labels.iter().filter(|(n, _)| self.keeps(n)))
    }

    /// The kept labels as a label set.
    pub fn labels(&self, labels: &Labels) -> Labels {
        Labels::from_pairs(labels.iter().filter(|(n, _)| self.keeps(n)))
    }
}

/// Grouping keys remembered across the steps of a range query, by position in the input
/// vector: consecutive steps usually list the same series (the same shared label sets) in
/// the same order, so an input whose label set is the very one seen at its position in the
/// previous step reuses that step's key and group labels instead of hashing again. Each
/// entry keeps its label set alive, so an identity is never reused for other labels.
#[derive(Default)]
pub struct KeyMemo {
    /// The grouping the keys were made for (`by` or not, and its names).
    grouping: Option<(bool, Vec<String>)>,
    by_position: Vec<Memo>,
}

struct Memo {
    input: Labels,
    key: u64,
    /// The group's label set, made the first time a group needs it.
    group: Option<Labels>,
}

impl KeyMemo {
    /// Forgets the keys unless they were made for `grouping` (call before a step's keys).
    pub fn use_grouping(&mut self, grouping: Grouping) {
        let (by, names) = match grouping {
            Grouping::By(n) => (true, n),
            Grouping::Without(n) => (false, n),
        };
        if self.grouping.as_ref().is_some_and(|(b, n)| *b == by && n.as_slice() == names) {
            return;
        }
        self.grouping = Some((by, names.to_vec()));
        self.by_position.clear();
    }

    /// The key of `labels`, the `pos`-th input of this step.
    pub fn key(&mut self, grouping: Grouping, pos: usize, labels: &Labels) -> u64 {
        if let Some(m) = self.by_position.get(pos).filter(|m| m.input.identity() == labels.identity()) {
            return m.key;
        }
        let memo = Memo { input: labels.clone(), key: grouping.key(labels), group: None };
        let key = memo.key;
        match self.by_position.get_mut(pos) {
            Some(slot) => *slot = memo,
            None => self.by_position.push(memo),
        }
        key
    }

    /// The group labels of the `pos`-th input, whose key [`KeyMemo::key`] just gave.
    pub fn group_labels(&mut self, grouping: Grouping, pos: usize, labels: &Labels) -> Labels {
        match self.by_position.get_mut(pos) {
            Some(m) if m.input.identity() == labels.identity() => {
                m.group.get_or_insert_with(|| grouping.labels(labels)).clone()
            }
            _ => grouping.labels(labels),
        }
    }
}

/// Hash of a whole label set (used to detect duplicate result series cheaply).
pub fn labels_hash(labels: &Labels) -> u64 {
    pairs_hash(labels.iter())
}

/// Hash of (name, value) pairs, e.g. a label set's pairs minus some; equal sequences hash
/// equally and value boundaries count.
pub fn pairs_hash<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut h = FxHasher::default();
    for (n, v) in pairs {
        h.write(n.as_bytes());
        h.write_u8(0xff);
        h.write(v.as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

/// A map with [`FxHasher`]: for per-step lookups keyed by label hashes or label sets, where
/// the default SipHash costs more than the lookup itself (never iterated, so the order of
/// results does not depend on the hasher).
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A set with [`FxHasher`] (see [`FxHashMap`]).
pub type FxHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash rustc uses internally: fast on short keys, good enough for
/// label keys (a collision would merge two groups, as in Prometheus's own 64-bit keys).
#[derive(Default)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i) | 0x100);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_kept_labels() {
        let a = Labels::from_pairs([("__name__", "x"), ("job", "a"), ("i", "1")]);
        let b = Labels::from_pairs([("__name__", "y"), ("job", "a"), ("i", "2")]);
        let job = vec!["job".to_string()];
        let i = vec!["i".to_string()];
        assert_eq!(Grouping::By(&job).key(&a), Grouping::By(&job).key(&b));
        assert_ne!(Grouping::By(&i).key(&a), Grouping::By(&i).key(&b));
        assert_eq!(Grouping::Without(&i).key(&a), Grouping::Without(&i).key(&b));
        assert_eq!(Grouping::Without(&i).labels(&a), Labels::from_pairs([("job", "a")]));
        // Value boundaries matter: {a="bc"} differs from {ab="c"}.
        let x = Labels::from_pairs([("a", "bc")]);
        let y = Labels::from_pairs([("ab", "c")]);
        assert_ne!(labels_hash(&x), labels_hash(&y));
    }
}
