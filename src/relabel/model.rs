//! What a relabel rule is once decoded: its action, fields as Prometheus holds them (with the
//! defaults filled in), the compiled regex, and where each field sits in the file.

use serde::{Deserialize, Serialize};

use super::regex::GoRegex;
use crate::rules::Pos;

/// The relabel actions of Prometheus 3 (`model/relabel/relabel.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Replace,
    Keep,
    Drop,
    KeepEqual,
    DropEqual,
    HashMod,
    LabelMap,
    LabelDrop,
    LabelKeep,
    Lowercase,
    Uppercase,
}

impl Action {
    /// Every action, in the order the documentation lists them.
    pub const ALL: [Action; 11] = [
        Action::Replace,
        Action::Keep,
        Action::Drop,
        Action::KeepEqual,
        Action::DropEqual,
        Action::HashMod,
        Action::LabelMap,
        Action::LabelDrop,
        Action::LabelKeep,
        Action::Lowercase,
        Action::Uppercase,
    ];

    /// The name as written in a config (and in Prometheus's messages).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Replace => "replace",
            Action::Keep => "keep",
            Action::Drop => "drop",
            Action::KeepEqual => "keepequal",
            Action::DropEqual => "dropequal",
            Action::HashMod => "hashmod",
            Action::LabelMap => "labelmap",
            Action::LabelDrop => "labeldrop",
            Action::LabelKeep => "labelkeep",
            Action::Lowercase => "lowercase",
            Action::Uppercase => "uppercase",
        }
    }

    /// The action named `text`, matched case-insensitively as Prometheus does (`DROP` works).
    pub fn parse(text: &str) -> Option<Action> {
        let lower = text.to_ascii_lowercase();
        Action::ALL.into_iter().find(|a| a.as_str() == lower)
    }

    /// True for the actions that can drop the whole label set.
    pub fn filters(self) -> bool {
        matches!(self, Action::Keep | Action::Drop | Action::KeepEqual | Action::DropEqual)
    }
}

/// How label names are validated (`metric_name_validation_scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NameScheme {
    /// Prometheus 3's default: any non-empty UTF-8 text.
    #[default]
    Utf8,
    /// `[a-zA-Z_][a-zA-Z0-9_]*` (Prometheus 2, or 3 with `metric_name_validation_scheme: legacy`).
    Legacy,
}

/// Which Prometheus's relabeling to reproduce: the two differ in a few places
/// (SEMANTICS.md §7), and the differential test drives the real 2.42.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Semantics {
    /// Prometheus 3.x, the playground's target.
    #[default]
    Prometheus3,
    /// Prometheus 2.42 (Debian's `promtool`): legacy names only, `.` stops at a newline,
    /// `replace` deletes the unexpanded target when its result is empty.
    Prometheus2_42,
}

/// Which list of a scrape config the rules come from: it decides only the wording of the
/// "empty or null rule" error and, for the simulator, what the rules are applied to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    /// `relabel_configs`: target relabeling, before the scrape.
    #[default]
    Target,
    /// `metric_relabel_configs`: every scraped series, before it is stored.
    Metric,
}

impl Section {
    /// The config key.
    pub fn key(self) -> &'static str {
        match self {
            Section::Target => "relabel_configs",
            Section::Metric => "metric_relabel_configs",
        }
    }
}

/// One relabel rule with Prometheus's defaults filled in.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `None` when the key is absent or null (`labeldrop` rejects even an empty list).
    pub source_labels: Option<Vec<String>>,
    pub separator: String,
    pub regex: GoRegex,
    /// Whether `regex` was written (Prometheus compares it with the default by identity, so
    /// `keepequal` rejects even an explicit `(.*)`).
    pub regex_explicit: bool,
    pub modulus: u64,
    pub target_label: String,
    pub replacement: String,
    /// `None` for `action: null` (an error at validation).
    pub action: Option<Action>,
    /// Where the rule and each written field start in the file.
    pub at: RulePositions,
}

/// Positions of a rule and of the fields it spells out.
#[derive(Clone, Debug, Default)]
pub struct RulePositions {
    pub rule: Pos,
    pub fields: Vec<(&'static str, Pos)>,
}

impl RulePositions {
    /// Where `field` was written, else where the rule starts.
    pub fn of(&self, field: &str) -> Pos {
        self.fields.iter().find(|(f, _)| *f == field).map_or(self.rule, |(_, p)| *p)
    }
}

/// Prometheus's `DefaultRelabelConfig` values.
pub const DEFAULT_SEPARATOR: &str = ";";
pub const DEFAULT_REGEX: &str = "(.*)";
pub const DEFAULT_REPLACEMENT: &str = "$1";

impl Rule {
    /// The action, `replace` when absent (validation refuses `None` before rules run).
    pub fn action(&self) -> Action {
        self.action.unwrap_or(Action::Replace)
    }

    /// The rule as one line of YAML flow mapping, with only the fields that differ from the
    /// defaults (how the trace names a rule).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(src) = &self.source_labels {
            parts.push(format!("source_labels: [{}]", src.join(", ")));
        }
        if self.separator != DEFAULT_SEPARATOR {
            parts.push(format!("separator: {:?}", self.separator));
        }
        if self.regex_explicit {
            parts.push(format!("regex: {:?}", self.regex.source()));
        }
        if self.modulus != 0 {
            parts.push(format!("modulus: {}", self.modulus));
        }
        if !self.target_label.is_empty() {
            parts.push(format!("target_label: {}", self.target_label));
        }
        if self.replacement != DEFAULT_REPLACEMENT {
            parts.push(format!("replacement: {:?}", self.replacement));
        }
        parts.push(format!("action: {}", self.action().as_str()));
        parts.join(", ")
    }
}

/// A rule list ready to run, with the options it was validated under.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub scheme: NameScheme,
    pub semantics: Semantics,
    pub section: Section,
}
