//! Lint of a rule file (plain or the seed's ConfigMap): promtool's own check first, then every
//! query check on each rule's expression, with the file's recording rules as the recorded
//! alternatives and positions (and fixes) moved from the expression into the file.

use super::context::{LintContext, RecordedRule};
use super::fix::{Edit, Fix};
use super::{checks, place, Finding, Raw, Severity};
use crate::assist::spans;
use crate::engine::parse::parse;
use crate::rules::{check, CheckOptions, Pos};

/// Lints the rule file `text`; `base` gives the dataset (its recorded rules are replaced by
/// the file's own).
pub fn lint_rules(text: &str, base: &LintContext) -> Vec<Finding> {
    let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
    let mut raws: Vec<Raw> = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = offset_of(text, d.line, d.col);
            let severity =
                if d.severity == crate::rules::Severity::Error { Severity::Fatal } else { Severity::Warning };
            Raw::new("rules/check", severity, (at, at), d.message.clone())
        })
        .collect();
    let Some(file) = report.file else { return place(text, raws) };
    let recorded = RecordedRule::from_file(&file);
    for (_, rule) in file.rules() {
        let Ok(expr) = parse(&rule.expr) else { continue };
        let Some(tree) = spans::align(&rule.expr, &expr) else { continue };
        let mut ctx = LintContext::new(base.storage, base.meta, recorded.clone());
        ctx.time = base.time;
        ctx.recording = (!rule.record.is_empty()).then(|| rule.record.clone());
        let origin = Origin::find(text, rule.pos.expr, &rule.expr);
        for raw in checks::run(&rule.expr, &tree, &ctx) {
            raws.push(origin.map(raw));
        }
    }
    place(text, raws)
}

/// Byte offset of a 1-based line and column (0 = unknown: the line's start, or 0).
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let line_text = text.get(start..).and_then(|t| t.lines().next()).unwrap_or("");
    start + line_text.char_indices().nth(col.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// Where each line of a rule's expression sits in the file.
struct Origin {
    /// Byte offset in the expression of the start of each of its lines.
    expr_lines: Vec<usize>,
    /// Byte offset in the file of the start of each expression line (None: not found, and
    /// positions fall back to the `expr:` value's position).
    lines: Option<Vec<usize>>,
    fallback: usize,
    /// Fixes are only safe inside plain and block scalars (not quoted ones).
    fixable: bool,
}

impl Origin {
    fn find(text: &str, pos: Pos, expr: &str) -> Origin {
        let fallback = offset_of(text, pos.line, pos.col);
        let fixable = !matches!(text[fallback.min(text.len())..].chars().next(), Some('"' | '\''));
        let file_lines: Vec<(usize, &str)> = text
            .split_inclusive('\n')
            .scan(0, |at, l| {
                let start = *at;
                *at += l.len();
                Some((start, l.trim_end_matches(['\n', '\r'])))
            })
            .collect();
        let expr_lines: Vec<usize> =
            std::iter::once(0).chain(expr.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let mut next = pos.line.saturating_sub(1);
        let mut lines = Vec::new();
        for (k, el) in expr.split('\n').enumerate() {
            if el.trim().is_empty() {
                lines.push(file_lines.get(next).map_or(fallback, |l| l.0));
                next += 1;
                continue;
            }
            let found = (next..file_lines.len().min(next + 50)).find_map(|j| {
                let (start, line) = file_lines[j];
                let from = if k == 0 && j + 1 == pos.line { fallback - start } else { 0 };
                line.get(from..)?.find(el).map(|i| (j, start + from + i))
            });
            match found {
                Some((j, at)) => {
                    lines.push(at);
                    next = j + 1;
                }
                None => return Origin { expr_lines, lines: None, fallback, fixable: false },
            }
        }
        Origin { expr_lines, lines: Some(lines), fallback, fixable }
    }

    /// The file offset of expression offset `at`.
    fn offset(&self, at: usize) -> usize {
        let Some(lines) = &self.lines else { return self.fallback };
        let k = self.expr_lines.partition_point(|s| *s <= at).saturating_sub(1);
        lines.get(k).map_or(self.fallback, |l| l + (at - self.expr_lines[k]))
    }

    /// A finding on the expression moved into the file; its fix is kept only when every
    /// edit maps exactly.
    fn map(&self, raw: Raw) -> Raw {
        let span = (self.offset(raw.span.0), self.offset(raw.span.1).max(self.offset(raw.span.0)));
        let fix = raw.fix.filter(|_| self.fixable && self.lines.is_some()).map(|f| Fix {
            title: f.title,
            edits: f
                .edits
                .into_iter()
                .map(|e| Edit { start: self.offset(e.start), end: self.offset(e.end), text: e.text })
                .collect(),
        });
        Raw { span, fix, ..raw }
    }
}
