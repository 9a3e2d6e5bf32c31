//! Inhibition as Alertmanager 0.25's `inhibit.Inhibitor` decides it. Every received alert
//! that matches a rule's source side is kept in that rule's source cache (whatever its own
//! state: an inhibited source still inhibits). A target is muted by the first rule whose target
//! side it matches and whose cache holds a source that is not resolved, has equal values for
//! every `equal` label (a label missing on both sides counts as equal) and — when the target
//! itself also matches the source side — does not itself match the target side.

use std::collections::BTreeMap;

use super::alert::Alert;
use super::config_route::InhibitRuleConfig;
use super::matcher::Matchers;
use crate::engine::{Labels, Millis};

/// One rule and its source cache.
#[derive(Clone, Debug)]
struct Rule {
    source: Matchers,
    target: Matchers,
    equal: Vec<String>,
    /// The latest version of each source alert, by label set.
    cache: BTreeMap<Labels, Alert>,
}

/// Why an alert is muted: the rule (its index in `inhibit_rules`) and the source alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inhibition {
    pub rule: usize,
    pub source: Labels,
}

/// The inhibitor of one configuration.
#[derive(Clone, Debug, Default)]
pub struct Inhibitor {
    rules: Vec<Rule>,
}

impl Inhibitor {
    pub fn new(rules: &[InhibitRuleConfig]) -> Inhibitor {
        Inhibitor {
            rules: rules
                .iter()
                .map(|r| Rule {
                    source: r.source.clone(),
                    target: r.target.clone(),
                    equal: r.equal.clone(),
                    cache: BTreeMap::new(),
                })
                .collect(),
        }
    }

    /// An alert was received (or re-dispatched): every rule whose source side it matches
    /// remembers its latest version.
    pub fn observe(&mut self, alert: &Alert) {
        for rule in &mut self.rules {
            if rule.source.matches(&alert.labels) {
                rule.cache.insert(alert.labels.clone(), alert.clone());
            }
        }
    }

    /// `Inhibitor.Mutes` at `now`: the first rule and source that mute `labels`.
    pub fn mutes(&self, labels: &Labels, now: Millis) -> Option<Inhibition> {
        for (i, rule) in self.rules.iter().enumerate() {
            if !rule.target.matches(labels) {
                continue;
            }
            let two_sided = rule.source.matches(labels);
            let source = rule.cache.values().find(|a| {
                !a.resolved_at(now)
                    && rule.equal.iter().all(|n| a.labels.get_or_empty(n) == labels.get_or_empty(n))
                    && !(two_sided && rule.target.matches(&a.labels))
            });
            if let Some(a) = source {
                return Some(Inhibition { rule: i, source: a.labels.clone() });
            }
        }
        None
    }

    /// Drops resolved alerts from the caches (the caches' periodic garbage collection).
    pub fn collect_garbage(&mut self, now: Millis) {
        for rule in &mut self.rules {
            rule.cache.retain(|_, a| !a.resolved_at(now));
        }
    }
}
