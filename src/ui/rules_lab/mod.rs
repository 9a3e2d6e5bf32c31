//! The recording-rules lab (seed exercise 07, Task 3): a rule-file editor prefilled with the
//! seed's ConfigMap, checked like `promtool check rules`, evaluated over the dataset step by
//! step, each rule's recorded series (or why it recorded nothing), the raw-vs-recorded cost
//! table with its chart and the storage the recorded series take; and the rule-writing
//! exercises of TODO 3.1 and 3.3.
//!
//! [`session`] and [`report`] are pure and tested natively; the components are wasm32-only.

pub mod report;
pub mod session;

#[cfg(target_arch = "wasm32")]
mod bars;
#[cfg(target_arch = "wasm32")]
mod cost_view;
#[cfg(target_arch = "wasm32")]
mod exercise_page;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
pub mod recorded;
#[cfg(target_arch = "wasm32")]
mod rule_editor;
#[cfg(target_arch = "wasm32")]
mod rule_list;
#[cfg(target_arch = "wasm32")]
mod run;

#[cfg(target_arch = "wasm32")]
pub use exercise_page::RuleExercisePage;
#[cfg(target_arch = "wasm32")]
pub use page::RulesLab;

/// The seed's recording rules, as the seed writes them: a Kubernetes ConfigMap (TODO 3.1).
pub const SEED_RULES: &str = include_str!("../../../tests/rules/seed_recording_rules.configmap.yaml");

/// The lab's address.
pub const LAB_PATH: &str = "/rules";

/// Where a rule exercise lives: `/rules/exercise/ID`.
pub fn exercise_path(id: &str) -> String {
    format!("{LAB_PATH}/exercise/{id}")
}
