//! `promtool check rules`, reimplemented: the same accept/reject verdicts and the same
//! wording, with `file:line:col` on every message (promtool leaves some without a place).

use std::fmt;

use super::configmap;
use super::load::{self, Dialect, LoadError, Shift};
use super::model::{Pos, Rule, RuleFile, RuleGroup};
use super::names;
use super::templating::AlertTemplate;
use crate::engine::parse;

/// How to check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    pub dialect: Dialect,
    /// Check the rule files inside a ConfigMap instead of refusing it (promtool refuses it:
    /// `apiVersion` is not a rule-file field).
    pub unwrap_configmap: bool,
    /// promtool's `--lint=none`: skip the duplicate-rule lint.
    pub no_lint: bool,
}

impl CheckOptions {
    /// promtool 2.42's behaviour exactly (what the differential tests compare with).
    pub fn promtool_2() -> Self {
        CheckOptions { dialect: Dialect::Prometheus2, unwrap_configmap: false, no_lint: false }
    }
}

/// Errors fail a check; lint findings only fail it under `--lint-fatal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Lint,
    Error,
}

/// One finding, at a 1-based line and column of the file (0 when there is none to give).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    fn error(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, line: pos.line, col: pos.col, message: message.into() }
    }

    /// The message prefixed with `file:line:col:` (or as much of it as is known).
    pub fn render(&self, file: &str) -> String {
        match (self.line, self.col) {
            (0, _) => format!("{file}: {}", self.message),
            (l, 0) => format!("{file}:{l}: {}", self.message),
            (l, c) => format!("{file}:{l}:{c}: {}", self.message),
        }
    }
}

/// The outcome, as promtool's exit code states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// `SUCCESS: N rules found`, exit 0.
    Success,
    /// Only lint findings: exit 0, or 3 with `--lint-fatal`.
    LintFailed,
    /// Exit 1.
    Failed,
}

impl Verdict {
    /// promtool's exit code for this verdict.
    pub fn exit_code(self, lint_fatal: bool) -> i32 {
        match self {
            Verdict::Success => 0,
            Verdict::LintFailed if lint_fatal => 3,
            Verdict::LintFailed => 0,
            Verdict::Failed => 1,
        }
    }
}

/// What checking one file found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckReport {
    /// The decoded rules (None when the file could not be decoded).
    pub file: Option<RuleFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Rules counted the way promtool counts them for `SUCCESS: N rules found`.
    pub rule_count: usize,
    /// The ConfigMap data keys the rules came from (empty for a plain file).
    pub embedded_keys: Vec<String>,
}

impl CheckReport {
    pub fn verdict(&self) -> Verdict {
        match self.diagnostics.iter().map(|d| d.severity).max() {
            None => Verdict::Success,
            Some(Severity::Lint) => Verdict::LintFailed,
            Some(Severity::Error) => Verdict::Failed,
        }
    }

    /// promtool's report: `Checking FILE`, then `SUCCESS: N rules found` or `FAILED:` and
    /// one message per line.
    pub fn render(&self, file: &str) -> String {
        let mut out = format!("Checking {file}\n");
        if self.diagnostics.is_empty() {
            out.push_str(&format!("  SUCCESS: {} rules found\n", self.rule_count));
        } else {
            out.push_str("  FAILED:\n");
            for d in &self.diagnostics {
                out.push_str(&d.render(file));
                out.push('\n');
            }
        }
        out
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Success => "success",
            Verdict::LintFailed => "lint failed",
            Verdict::Failed => "failed",
        })
    }
}

/// Checks a rule file's text.
pub fn check(text: &str, opts: &CheckOptions) -> CheckReport {
    let embedded = if opts.unwrap_configmap { configmap::unwrap(text) } else { None };
    let Some(parts) = embedded else {
        return check_one(text, Shift::default(), opts);
    };
    if parts.is_empty() {
        let diag = Diagnostic::error(Pos::default(), "ConfigMap has no rule file under data:");
        return CheckReport { diagnostics: vec![diag], ..CheckReport::default() };
    }
    let mut report = CheckReport { file: Some(RuleFile::default()), ..CheckReport::default() };
    for part in parts {
        let one = check_one(&part.text, part.shift, opts);
        report.diagnostics.extend(one.diagnostics);
        report.rule_count += one.rule_count;
        report.embedded_keys.push(part.key);
        match (&mut report.file, one.file) {
            (Some(all), Some(f)) => {
                if all.groups.is_empty() {
                    all.first_line = f.first_line;
                }
                all.groups.extend(f.groups);
            }
            (file, _) => *file = None,
        }
    }
    report
}

fn check_one(text: &str, shift: Shift, opts: &CheckOptions) -> CheckReport {
    let file = match load::decode_text(text, opts.dialect, shift) {
        Ok(file) => file,
        Err(e) => return CheckReport { diagnostics: load_diagnostics(&e), ..CheckReport::default() },
    };
    let mut diagnostics = validate(&file, opts.dialect);
    let rule_count = file.groups.iter().map(|g| g.rules.len()).sum();
    // promtool lints only files that passed validation.
    if diagnostics.is_empty() && !opts.no_lint {
        diagnostics = duplicates(&file);
    }
    let rule_count = if diagnostics.is_empty() { rule_count } else { 0 };
    CheckReport { file: Some(file), diagnostics, rule_count, embedded_keys: Vec::new() }
}

fn load_diagnostics(e: &LoadError) -> Vec<Diagnostic> {
    e.entries()
        .into_iter()
        .map(|(line, col, message)| Diagnostic { severity: Severity::Error, line, col, message })
        .collect()
}

/// `RuleGroups.Validate`: group names, then every rule.
pub fn validate(file: &RuleFile, dialect: Dialect) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for g in &file.groups {
        if g.name.is_empty() {
            out.push(Diagnostic::error(g.pos, "Groupname must not be empty"));
        }
        if seen.contains(&g.name.as_str()) {
            out.push(Diagnostic::error(
                g.pos,
                format!("groupname: {:?} is repeated in the same file", g.name),
            ));
        }
        seen.push(&g.name);
        for kv in &g.labels {
            if !names::valid_label_name(&kv.name, dialect) || kv.name == "__name__" {
                out.push(Diagnostic::error(kv.pos, format!("invalid label name: {}", kv.name)));
            }
        }
        for (i, rule) in g.rules.iter().enumerate() {
            out.extend(validate_rule(g, i, rule, dialect));
        }
    }
    out
}

/// `RuleNode.Validate`, each message prefixed with promtool's `group "g", rule N, "name":`.
fn validate_rule(g: &RuleGroup, index: usize, r: &Rule, dialect: Dialect) -> Vec<Diagnostic> {
    let prefix = format!("group {:?}, rule {}, {:?}", g.name, index + 1, r.name());
    // A field that was not written has no place; point at the rule instead.
    let at = |p: Pos| if p.line == 0 { r.pos.rule } else { p };
    let mut out = Vec::new();
    let mut err = |pos: Pos, msg: String| out.push(Diagnostic::error(at(pos), format!("{prefix}: {msg}")));
    if !r.record.is_empty() && !r.alert.is_empty() {
        err(r.pos.record, "only one of 'record' and 'alert' must be set".into());
    }
    if r.record.is_empty() && r.alert.is_empty() {
        err(r.pos.record, "one of 'record' or 'alert' must be set".into());
    }
    if r.expr.is_empty() {
        err(r.pos.expr, "field 'expr' must be set in rule".into());
    } else if let Err(e) = parse::parse(&r.expr) {
        err(r.pos.expr, format!("could not parse expression: {e}"));
    }
    if !r.record.is_empty() {
        if !r.annotations.is_empty() {
            err(r.pos.record, "invalid field 'annotations' in recording rule".into());
        }
        if r.for_ != 0 {
            err(r.pos.record, "invalid field 'for' in recording rule".into());
        }
        if r.keep_firing_for != 0 {
            err(r.pos.record, "invalid field 'keep_firing_for' in recording rule".into());
        }
        if !names::valid_metric_name(&r.record, dialect) {
            err(r.pos.record, format!("invalid recording rule name: {}", r.record));
        }
        if dialect == Dialect::Prometheus3 && (r.record.contains('{') || r.record.contains('}')) {
            let msg =
                format!("braces present in the recording rule name; should it be in expr?: {}", r.record);
            err(r.pos.record, msg);
        }
    }
    for kv in &r.labels {
        if !names::valid_label_name(&kv.name, dialect) || kv.name == "__name__" {
            err(kv.pos, format!("invalid label name: {}", kv.name));
        }
    }
    for kv in &r.annotations {
        if !names::valid_label_name(&kv.name, dialect) {
            err(kv.pos, format!("invalid annotation name: {}", kv.name));
        }
    }
    // Alert templates are parsed (not run), labels first, then annotations.
    if !r.alert.is_empty() {
        for (what, list) in [("label", &r.labels), ("annotation", &r.annotations)] {
            for kv in list {
                if let Err(e) = AlertTemplate::parse_dialect(&r.alert, &kv.value, dialect) {
                    err(kv.pos, format!("{what} {:?}: {e}", kv.name));
                }
            }
        }
    }
    out
}

/// promtool's duplicate-rule lint: two rules (across all groups) with the same name and the
/// same labels. One finding per duplicated (name, labels), at its second occurrence.
pub fn duplicates(file: &RuleFile) -> Vec<Diagnostic> {
    /// A rule's identity for the lint: its name and its sorted labels.
    type Key<'a> = (String, Vec<(&'a str, &'a str)>);
    let mut seen: Vec<(Key, Pos)> = Vec::new();
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut reported: Vec<Key> = Vec::new();
    for (g, r) in file.rules() {
        let mut labels: Vec<(&str, &str)> =
            g.labels.iter().chain(&r.labels).map(|kv| (kv.name.as_str(), kv.value.as_str())).collect();
        labels.sort_unstable();
        labels.dedup_by(|a, b| a.0 == b.0);
        let key = (r.name().to_string(), labels);
        match seen.iter().find(|(k, _)| *k == key) {
            Some((_, first)) if !reported.contains(&key) => {
                let shown: Vec<String> = key.1.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
                let msg = format!(
                    "lint error: duplicate rule: metric {}{{{}}} is also recorded at line {}; \
                     might cause inconsistency while recording expressions",
                    key.0,
                    shown.join(", "),
                    first.line
                );
                let pos = if r.pos.record.line > 0 { r.pos.record } else { r.pos.rule };
                out.push(Diagnostic { severity: Severity::Lint, line: pos.line, col: pos.col, message: msg });
                reported.push(key);
            }
            Some(_) => {}
            None => seen.push((key, r.pos.rule)),
        }
    }
    out
}
