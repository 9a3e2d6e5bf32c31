//! Naming series in feedback by the labels that tell them apart: a wrong answer over pods
//! prints `{pod="fraud-detector-1"}`, not nine labels of which eight are the same for every
//! series. The labels kept are those whose value differs between the series compared (a
//! label absent from some series differs too); a series they do not tell apart from the
//! others is named by all its labels.

use std::collections::BTreeSet;

use crate::engine::Labels;

/// Names series of one comparison.
#[derive(Clone, Debug, Default)]
pub struct SeriesNamer {
    /// The label names whose values differ between the series.
    telling: Vec<String>,
}

impl SeriesNamer {
    /// A namer for the series `sets` (every series of both sides of a comparison).
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a Labels>) -> Self {
        let sets: Vec<&Labels> = sets.into_iter().collect();
        let names: BTreeSet<&str> = sets.iter().flat_map(|l| l.iter().map(|(n, _)| n)).collect();
        let telling = names
            .into_iter()
            .filter(|n| {
                let first = sets.first().map_or("", |l| l.get_or_empty(n));
                sets.iter().any(|l| l.get_or_empty(n) != first)
            })
            .map(str::to_string)
            .collect();
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
        let (a, b, c) = (pod("fd-0", "fraud-detector"), pod("fd-1", "fraud-detector"), pod("rec-0", "recommender"));
        let namer = SeriesNamer::new([&a, &b, &c]);
        assert_eq!(namer.name(&a), "`{model=\"fraud-detector\", pod=\"fd-0\"}`");
        assert_eq!(namer.list(&[a.clone(), b, c], 2), "`{model=\"fraud-detector\", pod=\"fd-0\"}`, `{model=\"fraud-detector\", pod=\"fd-1\"}`, and 1 more");
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
    fn plurals() {
        assert_eq!(count(1, "value differs", "values differ"), "1 value differs");
        assert_eq!(count(3, "value differs", "values differ"), "3 values differ");
        assert_eq!(count(0, "series", "series"), "0 series");
    }
}
