//! Query assistance for the query editors (the playground's and the exercise pages'): a Format button, the linter's findings (a list with
//! one-click fixes, and squiggles in the editor), and the explain tree, whose nodes show
//! their own result in the result panel when clicked. The engine module does the work
//! (`link::assist`); this module holds the page state and the views, and the pure helpers
//! below, tested natively.

use crate::assist::lint::{Finding, Fix, Severity};

use super::highlight::Mark;

wasm_only! {
    mod bar;
    mod parts;
    mod state;
    mod tree;
    pub use bar::AssistBar;
    pub use parts::{show_parts, ExplainParts};
    pub use state::AssistState;
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

/// The UTF-16 range of `old` that becomes a range of `new`: (start, end in old, end in new),
/// after their common prefix and before their common suffix (never splitting a surrogate
/// pair).
pub fn changed_range(old: &[u16], new: &[u16]) -> (usize, usize, usize) {
    let low_surrogate = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    while start > 0
        && (old.get(start).is_some_and(|u| low_surrogate(*u))
            || new.get(start).is_some_and(|u| low_surrogate(*u)))
    {
        start -= 1;
    }
    let most = old.len().min(new.len()) - start;
    let mut suffix = old.iter().rev().zip(new.iter().rev()).take(most).take_while(|(a, b)| a == b).count();
    while suffix > 0 && low_surrogate(old[old.len() - suffix]) {
        suffix -= 1;
    }
    (start, old.len() - suffix, new.len() - suffix)
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
    fn only_the_changed_part_is_replaced() {
        let u = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        let (old, new) = (u("sum(x)"), u("sum(rate(x[5m]))"));
        // `x)` -> `rate(x[5m]))`: the common `sum(` and `)` stay.
        assert_eq!(changed_range(&old, &new), (4, 5, 15));
        assert_eq!(changed_range(&new, &old), (4, 15, 5));
        assert_eq!(changed_range(&old, &old), (6, 6, 6));
        assert_eq!(changed_range(&u("aaa"), &u("aa")), (2, 3, 2));
        assert_eq!(changed_range(&[], &u("up")), (0, 0, 2));
        // 😀 and 😁 share their high surrogate: the pair is replaced whole.
        assert_eq!(changed_range(&u("a😀b"), &u("a😁b")), (1, 3, 3));
    }

    #[test]
    fn a_fix_applies_to_the_query_it_was_made_for() {
        let q = "sum(rate(x[5m])) by (job) / on() sum(rate(y[5m]))";
        let fix = Fix::replace("t", (0, 3), "avg");
        assert_eq!(fixed(q, q, &fix).as_deref(), Some("avg(rate(x[5m])) by (job) / on() sum(rate(y[5m]))"));
        assert_eq!(fixed(q, "changed", &fix), None);
    }
}
