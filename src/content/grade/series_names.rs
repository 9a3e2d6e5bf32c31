//! Naming series in feedback by the labels that tell them apart: a wrong answer over pods
//! prints `{pod="fraud-detector-1"}`, not nine labels that mostly repeat. The labels kept are
//! a small set that still tells every series compared from every other (a label absent from
//! some series tells them apart too), chosen greedily: the label that splits the series into
//! the most groups first, the familiar ones (`model`, `version`, `le`, `pod`) on ties. A
//! series without any of them is named by all its labels.

use std::collections::{BTreeSet, HashSet};

use crate::engine::Labels;

/// Labels preferred when two split the series equally well, most readable first.
const PREFERRED: &[&str] = &["model", "version", "le", "quantile", "pod", "container", "instance", "job"];

/// Names series of one comparison.
#[derive(Clone, Debug, Default)]
pub struct SeriesNamer {
    /// The label names whose values differ between the series.
    telling: Vec<String>,
}

impl SeriesNamer {
    /// A namer for the series `sets` (every series of both sides of a comparison).
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a Labels>) -> Self {
        let mut sets: Vec<&Labels> = sets.into_iter().collect();
        sets.sort();
        sets.dedup();
        let names: BTreeSet<&str> = sets.iter().flat_map(|l| l.iter().map(|(n, _)| n)).collect();
        let mut candidates: Vec<&str> = names.into_iter().collect();
        candidates.sort_by_key(|n| (PREFERRED.iter().position(|p| p == n).unwrap_or(PREFERRED.len()), *n));
        let mut telling: Vec<String> = Vec::new();
        let mut groups = 1;
        while groups < sets.len() {
            // The candidate that splits the series into the most groups (the first on ties).
            let best = candidates.iter().map(|c| (groups_with(&sets, &telling, c), *c)).fold(
                None,
                |best: Option<(usize, &str)>, (n, c)| match best {
                    Some((m, _)) if m >= n => best,
                    _ => Some((n, c)),
                },
            );
            match best {
                Some((n, c)) if n > groups => {
                    telling.push(c.to_string());
                    candidates.retain(|x| *x != c);
                    groups = n;
                }
                _ => break,
            }
        }
        telling.sort();
        SeriesNamer { telling }
    }

    /// The series as a code span: its telling labels, or all of them when none tells it
    /// apart; `the result` for a series without labels.
    pub fn name(&self, labels: &Labels) -> String {
        if labels.is_empty() {
            return "the result".into();
        }
        let short = labels.keep_only(&self.telling);
        let shown = if short.is_empty() { labels } else { &short };
        format!("`{shown}`")
    }

    /// Up to `n` series named, then `and K more`.
    pub fn list(&self, sets: &[Labels], n: usize) -> String {
        let mut out: Vec<String> = sets.iter().take(n).map(|l| self.name(l)).collect();
        if sets.len() > n {
            out.push(format!("and {} more", sets.len() - n));
        }
        out.join(", ")
    }
}

/// How many distinct series `sets` make when told apart by `chosen` plus `extra` only.
fn groups_with(sets: &[&Labels], chosen: &[String], extra: &str) -> usize {
    let keys: HashSet<Vec<&str>> = sets
        .iter()
        .map(|l| chosen.iter().map(String::as_str).chain([extra]).map(|n| l.get_or_empty(n)).collect())
        .collect();
    keys.len()
}

/// `1 value differs` / `3 values differ`: `n` with the singular or plural phrase.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn keeps_only_the_labels_that_differ() {
        let common = [("job", "model-serving"), ("namespace", "ml"), ("container", "model-server")];
        let pod = |p: &str, m: &str| {
            let mut pairs = common.to_vec();
            pairs.extend([("pod", p), ("model", m)]);
            l(&pairs)
        };
        let (a, b, c) =
            (pod("fd-0", "fraud-detector"), pod("fd-1", "fraud-detector"), pod("rec-0", "recommender"));
        let namer = SeriesNamer::new([&a, &b, &c]);
        // `pod` alone tells the three apart: `model` is left out.
        assert_eq!(namer.name(&a), "`{pod=\"fd-0\"}`");
        assert_eq!(namer.list(&[a.clone(), b, c], 2), "`{pod=\"fd-0\"}`, `{pod=\"fd-1\"}`, and 1 more");
        // One series alone: every label, since none tells it apart.
        let alone = SeriesNamer::new([&a]);
        assert!(alone.name(&a).contains("namespace=\"ml\""));
        assert_eq!(alone.name(&Labels::empty()), "the result");
    }

    #[test]
    fn a_label_missing_on_one_side_tells_series_apart() {
        let with_le = l(&[("model", "a"), ("le", "0.5")]);
        let without = l(&[("model", "a")]);
        let namer = SeriesNamer::new([&with_le, &without]);
        assert_eq!(namer.name(&with_le), "`{le=\"0.5\"}`");
        assert_eq!(namer.name(&without), "`{model=\"a\"}`", "nothing telling: all its labels");
    }

    #[test]
    fn per_pod_answers_against_per_model_expectations_keep_both_labels() {
        let expected: Vec<Labels> = ["a", "b"].iter().map(|m| l(&[("model", m)])).collect();
        let actual: Vec<Labels> = [("a", "a-0"), ("a", "a-1"), ("b", "b-0")]
            .iter()
            .map(|(m, p)| l(&[("job", "serving"), ("model", m), ("pod", p)]))
            .collect();
        let namer = SeriesNamer::new(expected.iter().chain(&actual));
        assert_eq!(namer.name(&expected[0]), "`{model=\"a\"}`");
        assert_eq!(namer.name(&actual[1]), "`{model=\"a\", pod=\"a-1\"}`");
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1, "value differs", "values differ"), "1 value differs");
        assert_eq!(count(3, "value differs", "values differ"), "3 values differ");
        assert_eq!(count(0, "series", "series"), "0 series");
    }
}
