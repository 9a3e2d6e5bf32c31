//! A runner for Prometheus's promqltest format (`load`, `clear`, `eval ...` with expected
//! results and `expect` lines), so the engine is checked against Prometheus's own engine
//! tests and the project's own test files.
//!
//! Evals that cannot run here are skipped with a reason, never counted as passed: those that
//! need native histograms, and queries promql-parser cannot read (unless the eval expects
//! the query to fail, in which case the parse error is its answer).

pub mod compare;
pub mod duration;
pub mod histogram_desc;
pub mod nhcb;
pub mod notation;
pub mod quote;
pub mod run;
pub mod script;

use std::collections::BTreeMap;
use std::fmt::Write;

pub use run::run_str;

/// What happened to one eval (or to a block of the file that could not be read or loaded).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Pass,
    /// The differences, possibly over several lines.
    Fail(String),
    /// Why the eval was not run.
    Skip(String),
}

/// One eval's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalReport {
    /// 1-based line of the eval in its file.
    pub line: usize,
    pub expr: String,
    pub outcome: Outcome,
}

/// The outcomes of one test file, in line order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileReport {
    pub name: String,
    pub evals: Vec<EvalReport>,
}

/// Pass/fail/skip counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

impl FileReport {
    /// Counts of this file.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for e in &self.evals {
            match e.outcome {
                Outcome::Pass => c.passed += 1,
                Outcome::Fail(_) => c.failed += 1,
                Outcome::Skip(_) => c.skipped += 1,
            }
        }
        c
    }

    /// The failed evals.
    pub fn failures(&self) -> impl Iterator<Item = &EvalReport> {
        self.evals.iter().filter(|e| matches!(e.outcome, Outcome::Fail(_)))
    }

    /// The outcome of the eval at `line`, if any.
    pub fn outcome_at(&self, line: usize) -> Option<&Outcome> {
        self.evals.iter().find(|e| e.line == line).map(|e| &e.outcome)
    }
}

/// Reads and runs the test file at `path`.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_file(path: &std::path::Path) -> std::io::Result<FileReport> {
    let text = std::fs::read_to_string(path)?;
    Ok(run_str(&path.display().to_string(), &text))
}

/// The grouping key of a skip reason: parse errors vary per query, so they are grouped by
/// their kind.
fn reason_group(reason: &str) -> &str {
    if reason.starts_with("parser cannot read") {
        "parser cannot read"
    } else {
        reason
    }
}

/// The text report of several files: every failure as `file:line: <expr>` with its
/// differences, then per-file counts, the skip reasons, and last `N passed, N failed, N skipped`.
pub fn render_report(reports: &[FileReport], show_skips: bool) -> String {
    let mut out = String::new();
    for r in reports {
        for e in &r.evals {
            match &e.outcome {
                Outcome::Fail(d) => {
                    let _ = writeln!(out, "{}:{}: {}", r.name, e.line, e.expr);
                    for l in d.lines() {
                        let _ = writeln!(out, "    {l}");
                    }
                }
                Outcome::Skip(why) if show_skips => {
                    let _ = writeln!(out, "{}:{}: skipped: {} ({why})", r.name, e.line, e.expr);
                }
                _ => {}
            }
        }
    }
    let mut total = Counts::default();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reports {
        let c = r.counts();
        let _ = writeln!(out, "{}: {} passed, {} failed, {} skipped", r.name, c.passed, c.failed, c.skipped);
        total += c;
        for e in &r.evals {
            if let Outcome::Skip(why) = &e.outcome {
                *reasons.entry(reason_group(why)).or_default() += 1;
            }
        }
    }
    if !reasons.is_empty() {
        let _ = writeln!(out, "skipped:");
        for (why, n) in &reasons {
            let _ = writeln!(out, "  {n:5}  {why}");
        }
    }
    let _ = writeln!(out, "{} passed, {} failed, {} skipped", total.passed, total.failed, total.skipped);
    out
}
