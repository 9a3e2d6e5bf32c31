//! The query linter: checks with a position, a severity and, where the change is mechanical,
//! a fix. Check names, wording and severities follow cloudflare/pint where pint has the
//! check (`promql/counter`, `promql/rate`, `promql/vector_matching`, `promql/range_query`,
//! `query/cost`, ...); docs/lint.md lists every check and the pint check it follows.
//!
//! Checks read the dataset the query runs on: metric types from its metadata, the scrape
//! interval from its samples, label cardinality and label sets by evaluating parts of the
//! query, and the recorded series of the loaded recording rules.

mod checks;
mod context;
mod fix;
mod rules;

use serde::{Deserialize, Serialize};

pub use context::{LintContext, RecordedRule};
pub use fix::{Edit, Fix};
pub use rules::lint_rules;

use super::spans::{self, line_col};
use crate::engine::parse::parse;

/// How bad a finding is, pint's scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Information,
    Warning,
    Bug,
    Fatal,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Bug => "bug",
            Severity::Fatal => "fatal",
        }
    }
}

/// One problem found in a query or rule file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check's name, `promql/counter`.
    pub check: String,
    pub severity: Severity,
    pub message: String,
    /// Byte range of what it is about, in the linted text.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of `start`, and of `end`.
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
    /// The mechanical change that resolves it, when there is one.
    pub fix: Option<Fix>,
}

impl Finding {
    /// `LINE:COL: SEVERITY CHECK: message`, the CLI's line.
    pub fn render(&self) -> String {
        format!("{}:{}: {} {}: {}", self.line, self.col, self.severity.as_str(), self.check, self.message)
    }
}

/// A finding before it is placed: its check, severity, message, byte range and fix.
pub(crate) struct Raw {
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: (usize, usize),
    pub fix: Option<Fix>,
}

impl Raw {
    pub fn new(check: &'static str, severity: Severity, span: (usize, usize), message: String) -> Raw {
        Raw { check, severity, message, span, fix: None }
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Raw {
        self.fix = fix;
        self
    }
}

/// Lints one query. A query that does not parse gives one `promql/syntax` finding (or the
/// `promql/deprecated` one that explains it).
pub fn lint_query(query: &str, ctx: &LintContext) -> Vec<Finding> {
    let raws = match parse(query) {
        Err(e) => checks::deprecated(query).unwrap_or_else(|| {
            let span = if e.span.0 < e.span.1 { e.span } else { spans::whole(query) };
            vec![Raw::new("promql/syntax", Severity::Fatal, span, e.message.clone())]
        }),
        Ok(expr) => match spans::align(query, &expr) {
            Some(tree) => checks::run(query, &tree, ctx),
            None => Vec::new(),
        },
    };
    place(query, raws)
}

/// Sorts raw findings by position and severity and gives them lines and columns in `text`.
pub(crate) fn place(text: &str, mut raws: Vec<Raw>) -> Vec<Finding> {
    raws.sort_by(|a, b| a.span.cmp(&b.span).then(b.severity.cmp(&a.severity)).then(a.check.cmp(b.check)));
    raws.into_iter()
        .map(|r| {
            let (line, col) = line_col(text, r.span.0);
            let (end_line, end_col) = line_col(text, r.span.1);
            Finding {
                check: r.check.to_string(),
                severity: r.severity,
                message: r.message,
                start: r.span.0,
                end: r.span.1,
                line,
                col,
                end_line,
                end_col,
                fix: r.fix,
            }
        })
        .collect()
}

/// The worst severity among `findings`.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
mod tests;
