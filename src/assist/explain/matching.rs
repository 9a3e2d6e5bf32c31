//! How a binary operator between two vectors matched its series: on which labels, with which
//! cardinality, how many series of each side found a partner, and for those that did not,
//! the label that differs from the closest series of the other side. An empty match comes
//! with the matching that fixes it (`on(model) group_left`).

use std::collections::{HashMap, HashSet};

use promql_parser::parser::{BinaryExpr, VectorMatchCardinality};
use serde::{Deserialize, Serialize};

use crate::content::explain_empty::{match_signature, mismatch_of};
use crate::engine::{Labels, Sample};

/// Unmatched series shown per side.
const EXAMPLES: usize = 3;

/// A series that found no partner, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// `left` or `right`.
    pub side: String,
    pub series: String,
    pub why: String,
}

/// The matching of one binary operator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchInfo {
    /// Which labels pairs are compared on.
    pub on: String,
    /// `one-to-one`, `many-to-one (group_left)`, `one-to-many (group_right)` or
    /// `many-to-many (set operator)`.
    pub cardinality: String,
    pub left: usize,
    pub right: usize,
    pub matched_left: usize,
    pub matched_right: usize,
    pub unmatched: Vec<Unmatched>,
    /// A problem with the cardinality (several series of the "one" side sharing labels).
    pub problem: Option<String>,
    /// When nothing matches and matching alone can fix it: the operator with its new
    /// matching, e.g. `/ on(model) group_left`.
    pub fix: Option<String>,
}

/// The matching of `b` given its two sides' values.
pub fn match_info(b: &BinaryExpr, left: &[Sample], right: &[Sample]) -> MatchInfo {
    let sig = |s: &Sample| match_signature(b, &s.labels);
    let mut right_by: HashMap<Labels, usize> = HashMap::new();
    for s in right {
        *right_by.entry(sig(s)).or_default() += 1;
    }
    let mut left_by: HashMap<Labels, usize> = HashMap::new();
    for s in left {
        *left_by.entry(sig(s)).or_default() += 1;
    }
    let matched_left = left.iter().filter(|s| right_by.contains_key(&sig(s))).count();
    let matched_right = right.iter().filter(|s| left_by.contains_key(&sig(s))).count();
    let mut unmatched = Vec::new();
    for (side, mine, theirs) in [("left", left, right), ("right", right, left)] {
        let other: HashSet<Labels> = theirs.iter().map(sig).collect();
        let examples: Vec<&Sample> =
            mine.iter().filter(|s| !other.contains(&sig(s))).take(EXAMPLES).collect();
        if examples.is_empty() {
            continue;
        }
        // Sorted, so that the closest series is the same on every run.
        let mut other: Vec<Labels> = other.into_iter().collect();
        other.sort();
        for s in examples {
            unmatched.push(Unmatched {
                side: side.into(),
                series: s.labels.to_string(),
                why: why_unmatched(&sig(s), &other, if side == "left" { "right" } else { "left" }),
            });
        }
    }
    let card = b.modifier.as_ref().map(|m| &m.card);
    let cardinality = match card {
        _ if b.op.is_set_operator() => "many-to-many (set operator)",
        Some(VectorMatchCardinality::ManyToOne(_)) => "many-to-one (group_left)",
        Some(VectorMatchCardinality::OneToMany(_)) => "one-to-many (group_right)",
        _ => "one-to-one",
    };
    let problem = cardinality_problem(b, &left_by, &right_by, card);
    let fix = (matched_left == 0)
        .then(|| mismatch_of(b, left, right))
        .flatten()
        .and_then(|m| m.fix(b.op.is_set_operator()))
        .map(|modifier| format!("{} {modifier}", b.op));
    MatchInfo {
        on: super::sentence::matching(b),
        cardinality: cardinality.into(),
        left: left.len(),
        right: right.len(),
        matched_left,
        matched_right,
        unmatched,
        problem,
        fix,
    }
}

/// Why a series with match signature `mine` found no partner among `others`: the label that
/// differs from the closest one.
fn why_unmatched(mine: &Labels, others: &[Labels], other_side: &str) -> String {
    if others.is_empty() {
        return format!("the {other_side} side is empty");
    }
    let diff = |o: &Labels| -> Vec<String> {
        let mut d = Vec::new();
        for (n, v) in mine.iter() {
            match o.get(n) {
                None => d.push(format!("it has `{n}=\"{v}\"`, which the {other_side} side's series lack")),
                Some(w) if w != v => {
                    d.push(format!("`{n}` is \"{v}\" here, \"{w}\" on the closest {other_side} series"))
                }
                _ => {}
            }
        }
        for (n, w) in o.iter() {
            if mine.get(n).is_none() {
                d.push(format!("the {other_side} side's series have `{n}` (\"{w}\"), this one does not"));
            }
        }
        d
    };
    let closest = others.iter().map(diff).min_by_key(Vec::len).unwrap_or_default();
    if closest.is_empty() {
        format!("no {other_side} series has the same labels")
    } else {
        closest.into_iter().take(2).collect::<Vec<_>>().join("; ")
    }
}

/// Several series of a side that must be unique per match.
fn cardinality_problem(
    b: &BinaryExpr,
    left_by: &HashMap<Labels, usize>,
    right_by: &HashMap<Labels, usize>,
    card: Option<&VectorMatchCardinality>,
) -> Option<String> {
    if b.op.is_set_operator() {
        return None;
    }
    let dup = |by: &HashMap<Labels, usize>, other: &HashMap<Labels, usize>| {
        by.iter().find(|(k, n)| **n > 1 && other.contains_key(*k)).map(|(k, n)| (k.to_string(), *n))
    };
    match card {
        Some(VectorMatchCardinality::ManyToOne(_)) => dup(right_by, left_by).map(|(k, n)| {
            format!("{n} right series share the match labels {k}: with group_left each must be unique on the right")
        }),
        Some(VectorMatchCardinality::OneToMany(_)) => dup(left_by, right_by).map(|(k, n)| {
            format!("{n} left series share the match labels {k}: with group_right each must be unique on the left")
        }),
        _ => match (dup(left_by, right_by), dup(right_by, left_by)) {
            (Some((k, n)), _) => Some(format!(
                "{n} left series share the match labels {k}: one-to-one matching needs them unique (add group_left, or match on more labels)"
            )),
            (_, Some((k, n))) => Some(format!(
                "{n} right series share the match labels {k}: one-to-one matching needs them unique (add group_right, or match on more labels)"
            )),
            _ => None,
        },
    }
}
