//! Running relabel rules over one label set, as Prometheus's `relabel.ProcessBuilder` does:
//! rules in order on one mutable set, the first rejecting `keep`/`drop`/`keepequal`/`dropequal`
//! stops everything. [`trace`] records the labels after every rule for the simulator.

use serde::{Deserialize, Serialize};

use super::builder::{Builder, Change};
use super::case::{to_lower, to_upper};
use super::expand::{expand, has_reference};
use super::model::{Action, NameScheme, Rule, RuleSet, Semantics, DEFAULT_REGEX};
use super::names::is_valid;

/// A label set as relabeling sees it: name/value pairs sorted by name.
pub type LabelPairs = Vec<(String, String)>;

/// What relabeling did to one label set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The labels after the last rule.
    Kept(LabelPairs),
    /// Rule `rule` (0-based) dropped the set; later rules did not run.
    Dropped { rule: usize },
}

impl Outcome {
    /// The labels, if kept.
    pub fn labels(&self) -> Option<&LabelPairs> {
        match self {
            Outcome::Kept(l) => Some(l),
            Outcome::Dropped { .. } => None,
        }
    }
}

/// One rule's effect in a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// The labels after the rule (`None`: the rule dropped the set).
    pub after: Option<LabelPairs>,
    /// Whether the rule changed anything.
    pub changed: bool,
}

/// A label set followed rule by rule. Rules after a drop are not evaluated and have no step
/// (Prometheus's `relabel_steps` reports them as `keep: false` with no output).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub input: LabelPairs,
    pub steps: Vec<TraceStep>,
    pub outcome: Outcome,
}

/// Runs `set` over `labels`.
pub fn process(set: &RuleSet, labels: impl IntoIterator<Item = (String, String)>) -> Outcome {
    let mut lb = Builder::new(labels);
    for (i, rule) in set.rules.iter().enumerate() {
        if !apply(rule, &mut lb, set.scheme, set.semantics) {
            return Outcome::Dropped { rule: i };
        }
    }
    Outcome::Kept(lb.labels())
}

/// Runs `set` over `labels`, calling `seen(rule, changes)` after every rule that changed
/// something (the dataset report counts what each rule removed).
pub fn process_recorded(
    set: &RuleSet,
    labels: impl IntoIterator<Item = (String, String)>,
    mut seen: impl FnMut(usize, Vec<Change>),
) -> Outcome {
    let mut lb = Builder::new(labels);
    lb.record();
    for (i, rule) in set.rules.iter().enumerate() {
        let keep = apply(rule, &mut lb, set.scheme, set.semantics);
        let changes = lb.take_changes();
        if !changes.is_empty() {
            seen(i, changes);
        }
        if !keep {
            return Outcome::Dropped { rule: i };
        }
    }
    Outcome::Kept(lb.labels())
}

/// Runs `set` over `labels`, keeping the labels after every rule.
pub fn trace(set: &RuleSet, labels: impl IntoIterator<Item = (String, String)>) -> Trace {
    let mut lb = Builder::new(labels);
    let input = lb.labels();
    let mut steps = Vec::new();
    let mut before = input.clone();
    for (i, rule) in set.rules.iter().enumerate() {
        if !apply(rule, &mut lb, set.scheme, set.semantics) {
            steps.push(TraceStep { after: None, changed: true });
            return Trace { input, steps, outcome: Outcome::Dropped { rule: i } };
        }
        let after = lb.labels();
        steps.push(TraceStep { changed: after != before, after: Some(after.clone()) });
        before = after;
    }
    Trace { input, steps, outcome: Outcome::Kept(before) }
}

/// Applies one rule; false when it drops the set.
fn apply(rule: &Rule, lb: &mut Builder, scheme: NameScheme, semantics: Semantics) -> bool {
    let val = match &rule.source_labels {
        Some(names) => {
            let values: Vec<&str> = names.iter().map(|n| lb.get(n)).collect();
            values.join(&rule.separator)
        }
        None => String::new(),
    };
    let target = rule.target_label.as_str();
    match rule.action() {
        Action::Drop => return !rule.regex.is_match(&val),
        Action::Keep => return rule.regex.is_match(&val),
        Action::DropEqual => return lb.get(target) != val,
        Action::KeepEqual => return lb.get(target) == val,
        Action::Replace => replace(rule, lb, &val, scheme, semantics),
        Action::Lowercase => lb.set(target, to_lower(&val)),
        Action::Uppercase => lb.set(target, to_upper(&val)),
        Action::HashMod => lb.set(target, hashmod(&val, rule.modulus).to_string()),
        Action::LabelMap => {
            // 3.x visits the builder's order (unchanged labels, then those set earlier, so
            // on a collision a label set by an earlier rule wins); 2.42 visited the label
            // set as the previous rule left it, sorted by name.
            let visit = match semantics {
                Semantics::Prometheus3 => lb.snapshot(),
                Semantics::Prometheus2_42 => lb.labels(),
            };
            for (name, value) in visit {
                if let Some(caps) = rule.regex.captures(&name) {
                    let new_name = expand(&rule.regex, &caps, &rule.replacement);
                    lb.set(&new_name, value);
                }
            }
        }
        Action::LabelDrop | Action::LabelKeep => {
            let drop_matching = rule.action() == Action::LabelDrop;
            for (name, _) in lb.snapshot() {
                if rule.regex.is_match(&name) == drop_matching {
                    lb.del(&name);
                }
            }
        }
    }
    true
}

/// The `replace` action, with the 2.42 difference: it deleted the unexpanded target when the
/// expanded one was invalid or the result empty (so `target_label: $1` deleted nothing).
fn replace(rule: &Rule, lb: &mut Builder, val: &str, scheme: NameScheme, semantics: Semantics) {
    let target = rule.target_label.as_str();
    // Prometheus 3's fast path: same result as the general path, without matching.
    if semantics == Semantics::Prometheus3
        && val.is_empty()
        && !rule.regex_explicit
        && rule.regex.source() == DEFAULT_REGEX
        && !has_reference(target)
        && !has_reference(&rule.replacement)
    {
        lb.set(target, rule.replacement.clone());
        return;
    }
    let Some(caps) = rule.regex.captures(val) else { return };
    let expanded_target = expand(&rule.regex, &caps, target);
    let scheme = if semantics == Semantics::Prometheus2_42 { NameScheme::Legacy } else { scheme };
    let result = expand(&rule.regex, &caps, &rule.replacement);
    match semantics {
        Semantics::Prometheus3 => {
            if is_valid(&expanded_target, scheme) {
                lb.set(&expanded_target, result);
            }
        }
        Semantics::Prometheus2_42 => {
            if !is_valid(&expanded_target, scheme) || result.is_empty() {
                lb.del(target);
            } else {
                lb.set(&expanded_target, result);
            }
        }
    }
}

/// `hashmod`: the last 8 bytes of the MD5 digest of `val`, big-endian, modulo `modulus`.
pub fn hashmod(val: &str, modulus: u64) -> u64 {
    let digest = md5::compute(val.as_bytes()).0;
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&digest[8..]);
    u64::from_be_bytes(tail) % modulus.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashmod_matches_prometheus() {
        assert_eq!(hashmod("baz", 1000), 976);
        assert_eq!(hashmod("", 1000), 958);
    }
}
