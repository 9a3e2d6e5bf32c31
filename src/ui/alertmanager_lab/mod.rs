//! The Alertmanager lab (seed exercise 07, Task 4.2): the seed's `alertmanager.yml` in an
//! editor checked as Alertmanager 0.25 loads it, its routing tree drawn with the path an alert
//! takes, a label-set box answering like `amtool config routes test`, and the notifications of
//! the seed's alerts over the dataset's 48 hours with and without inhibition: counts per
//! receiver, a receiver × time chart, the log, and any notification opened with its alerts and
//! rendered text. Plus the Alertmanager exercises.
//!
//! Checking, routing, simulating and grading run in the engine module (`host::alertmanager`,
//! through `link::alertmanager`); [`view_model`] is pure and tested natively; the components
//! are wasm32-only.

pub mod view_model;

wasm_only! {
    mod config_editor;
    mod exercise_page;
    mod log_view;
    mod notification_detail;
    mod page;
    mod route_tester;
    mod route_tree;
    mod simulation_view;
    mod timeline_chart;
}

wasm_only! {
    pub use exercise_page::AmExercisePage;
    pub use page::AlertmanagerLab;
}

pub use crate::content::am_exercise::{SAMPLE_TIMELINE, SEED_CONFIG};

/// The lab's address.
pub const LAB_PATH: &str = "/alertmanager";

/// `?alerts=lab` opens the lab on the alerts of the rules last evaluated in the alerting lab
/// (the alerting lab links here with it).
pub const LAB_ALERTS_QUERY: &str = "alerts=lab";
