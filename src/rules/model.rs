//! The rule-file model: groups of recording and alerting rules, each field remembering where
//! in the file it was written so messages can point at it.

use crate::engine::Millis;

/// A 1-based line and column in a rule file; `0:0` when the field was not written at all
/// (Prometheus prints the same `0:0` for a missing field).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A parsed rule file: its groups in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile {
    pub groups: Vec<RuleGroup>,
    /// Where the rule file starts in the text it came from: line 1, or the line after a
    /// ConfigMap's `key: |` when it was embedded (positions are already shifted by it).
    pub first_line: usize,
}

impl RuleFile {
    /// All rules, with their group, in evaluation order.
    pub fn rules(&self) -> impl Iterator<Item = (&RuleGroup, &Rule)> {
        self.groups.iter().flat_map(|g| g.rules.iter().map(move |r| (g, r)))
    }
}

/// A rule group: rules evaluated in order, every `interval`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleGroup {
    pub name: String,
    /// The evaluation interval as written; `None` means the global one.
    pub interval: Option<Millis>,
    /// How far in the past each evaluation looks (Prometheus 3 `query_offset`).
    pub query_offset: Option<Millis>,
    /// Most series one rule of the group may produce (0: no limit).
    pub limit: i64,
    /// Labels added to every rule of the group (Prometheus 3).
    pub labels: Vec<KeyValue>,
    pub rules: Vec<Rule>,
    /// Where the group's mapping starts.
    pub pos: Pos,
}

impl RuleGroup {
    /// The interval the group is evaluated at, given the global default.
    pub fn interval_or(&self, global: Millis) -> Millis {
        match self.interval {
            Some(i) if i > 0 => i,
            _ => global,
        }
    }
}

/// A recording or alerting rule, fields kept as written so validation can report exactly
/// what is wrong (both names set, neither set, ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    pub record: String,
    pub alert: String,
    pub expr: String,
    /// `for` of an alerting rule.
    pub for_: Millis,
    pub keep_firing_for: Millis,
    /// Labels in file order.
    pub labels: Vec<KeyValue>,
    /// Annotations in file order.
    pub annotations: Vec<KeyValue>,
    pub pos: RulePos,
}

/// One entry of a `labels:` or `annotations:` mapping, with where its key was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
    pub pos: Pos,
}

/// Where a rule and its fields were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RulePos {
    pub rule: Pos,
    pub record: Pos,
    pub alert: Pos,
    pub expr: Pos,
}

impl Rule {
    /// True for a recording rule.
    pub fn is_recording(&self) -> bool {
        !self.record.is_empty() && self.alert.is_empty()
    }

    /// True for an alerting rule.
    pub fn is_alerting(&self) -> bool {
        !self.alert.is_empty() && self.record.is_empty()
    }

    /// The rule's name: the alert name when set, else the recorded metric name.
    pub fn name(&self) -> &str {
        if self.alert.is_empty() {
            &self.record
        } else {
            &self.alert
        }
    }
}
