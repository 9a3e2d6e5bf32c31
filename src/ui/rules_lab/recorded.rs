//! The lab's results, shared across pages for the visit: the lab shows its last evaluation
//! and cost table again when revisited. (The recorded series themselves stay in the engine
//! module, where the playground's queries read them.)

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::rules::{CostReport, LabReport};

/// The last evaluation (what each rule recorded, on which dataset) and cost comparison.
#[derive(Clone, Copy)]
pub struct LabState {
    pub report: RwSignal<Option<Arc<LabReport>>>,
    pub costs: RwSignal<Option<Arc<CostReport>>>,
}

impl LabState {
    fn new() -> Self {
        LabState { report: RwSignal::new(None), costs: RwSignal::new(None) }
    }
}

/// Provides the (empty) shared state; the app shell calls this once.
pub fn provide_lab_state() {
    provide_context(LabState::new());
}

/// The shared state (a detached one outside the app shell).
pub fn use_lab_state() -> LabState {
    use_context::<LabState>().unwrap_or_else(LabState::new)
}
