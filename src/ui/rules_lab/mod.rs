//! The recording-rules lab (seed exercise 07, Task 3): a rule-file editor prefilled with the
//! seed's ConfigMap, checked like `promtool check rules`, evaluated over the dataset step by
//! step, each rule's recorded series (or why it recorded nothing), the raw-vs-recorded cost
//! table with its chart and the storage the recorded series take; and the rule-writing
//! exercises of TODO 3.1 and 3.3.
//!
//! The checking, evaluation, measurement and grading run in the engine module (`host::rules`,
//! through the messages of `link::rules`); the page keeps what it shows. [`report`] is pure
//! and tested natively; the components are wasm32-only.

pub mod report;

wasm_only! {
    mod bars;
    mod cost_view;
    mod exercise_page;
    pub(crate) mod page;
    pub mod recorded;
    pub(crate) mod rule_editor;
    mod rule_list;
    pub(crate) mod run;
}

wasm_only! {
    pub use exercise_page::RuleExercisePage;
    pub use page::RulesLab;
}

/// The seed's recording rules, as the seed writes them: a Kubernetes ConfigMap (TODO 3.1).
pub const SEED_RULES: &str = include_str!("../../../tests/rules/seed_recording_rules.configmap.yaml");

/// What the rule exercises keep in local storage, per exercise id: the learner's rule file
/// and the solved mark (progress reset clears them).
pub const RULE_EXERCISE_STORE_PREFIXES: [&str; 2] =
    ["promql-playground-rules-exercise-", "promql-playground-rules-solved-"];

/// The lab's address.
pub const LAB_PATH: &str = "/rules";
