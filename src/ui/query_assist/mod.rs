//! The playground's query assistance: a Format button, the linter's findings (a list with
//! one-click fixes, and squiggles in the editor), and the explain tree, whose nodes show
//! their own result in the result panel when clicked. The engine module does the work
//! (`link::assist`); this module holds the page state and the views, and the pure helpers
//! below, tested natively.

use crate::assist::lint::{Finding, Fix, Severity};

use super::highlight::Mark;

wasm_only! {
    mod bar;
    mod state;
    mod tree;
    pub use bar::AssistBar;
    pub use state::AssistState;
    pub use tree::{ExplainPanel, PartBanner};
}

/// The CSS class of a finding's severity (its badge and squiggle colour).
pub fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Information => "lint-info",
        Severity::Warning => "lint-warning",
        Severity::Bug => "lint-bug",
        Severity::Fatal => "lint-fatal",
    }
}

/// The editor's squiggles for `findings` on `linted`, worst first; none once the query in the
/// editor (`current`) differs from the linted one, since the ranges no longer line up.
pub fn marks(linted: &str, current: &str, findings: &[Finding]) -> Vec<Mark> {
    if linted != current {
        return Vec::new();
    }
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
        .into_iter()
        .map(|f| Mark { start: f.start, end: f.end, class: severity_class(f.severity) })
        .collect()
}

/// The query with `fix` applied, when the editor still holds the query it was made for.
pub fn fixed(linted: &str, current: &str, fix: &Fix) -> Option<String> {
    (linted == current).then(|| fix.apply(current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assist::lint::{lint_query, LintContext};

    fn lint(q: &str) -> Vec<Finding> {
        lint_query(q, &LintContext::new(None, None, Vec::new()))
    }

    #[test]
    fn squiggles_follow_the_linted_query_only() {
        let q = "sum(x";
        let findings = lint(q);
        assert_eq!(marks(q, q, &findings), [Mark { start: 3, end: 4, class: "lint-fatal" }], "{findings:?}");
        assert!(marks(q, "sum(x)", &findings).is_empty());
    }

    #[test]
    fn a_fix_applies_to_the_query_it_was_made_for() {
        let q = "sum(rate(x[5m])) by (job) / on() sum(rate(y[5m]))";
        let fix = Fix::replace("t", (0, 3), "avg");
        assert_eq!(fixed(q, q, &fix).as_deref(), Some("avg(rate(x[5m])) by (job) / on() sum(rate(y[5m]))"));
        assert_eq!(fixed(q, "changed", &fix), None);
    }
}
