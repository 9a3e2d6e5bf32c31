//! The alerting lab (seed exercise 07, Task 4.1 and bonuses 1 and 6): the seed's alert rules
//! (with the recording rules they read) checked as you type and evaluated over the dataset
//! step by step; per alerting rule a timeline of its alerts against a chart of its condition,
//! hover details (state, `$value`, rendered annotations), firings, "what if" threshold and
//! `for` changes, the documented events and whether they fired; a Tests tab running promtool
//! unit-test files; a Runbooks tab writing each alert's runbook and threshold justification
//! into its annotations; and the alerting exercises.
//!
//! The evaluation, hover and grading run in the engine module (`host::alerts`, through the
//! messages of `link::alerts`). [`geometry`] is pure and tested natively; the components are
//! wasm32-only.

pub mod geometry;

wasm_only! {
    mod events;
    mod exercise_page;
    pub mod page;
    mod rule_card;
    mod runbooks_tab;
    mod tests_tab;
    mod timeline;
}

wasm_only! {
    pub use exercise_page::AlertExercisePage;
    pub use page::{provide_alerts_state, AlertsLab};
}

/// The seed's alert rules, as the seed writes them: a Kubernetes ConfigMap (TODO 4.1).
pub const SEED_ALERT_RULES: &str = include_str!("../../../tests/rules/seed_alert_rules.configmap.yaml");

/// The Tests tab's starting file: a promtool unit test of the seed's rules.
pub const SEED_TESTS: &str = include_str!("../../../tests/alerting/seed_alert_rules_test.yml");

/// The lab's address.
pub const LAB_PATH: &str = "/alerts";
