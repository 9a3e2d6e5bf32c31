//! The relabeling simulator (seed Task 5.3): a relabel config editor checked as you type
//! (the seed's `metric_relabel_configs` to start with), one series followed rule by rule,
//! and the whole dataset relabeled with what each rule removed; the relabeled copy opens in
//! the playground and the cardinality explorer.
//!
//! Checking, tracing and relabeling run in the engine module (`host::relabel`, through
//! `link::relabel`); [`diff`] is pure and tested natively, the components are wasm32-only.

pub mod diff;

wasm_only! {
    mod dataset_view;
    mod exercise_page;
    mod page;
    mod trace_view;
}

wasm_only! {
    pub use exercise_page::RelabelExercisePage;
    pub use page::RelabelPage;
}

/// The simulator's address.
pub const RELABEL_PATH: &str = "/relabel";
