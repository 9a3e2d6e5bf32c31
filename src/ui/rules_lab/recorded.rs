//! The lab's results, shared across pages for the visit: the playground queries the recorded
//! series (`model:latency:p95` like any other metric) once the learner has evaluated their
//! rules, and the lab shows its last evaluation and cost table again when revisited.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::Storage;
use crate::rules::cost::CostTable;
use crate::rules::Evaluation;

/// The last evaluation (the dataset plus every recorded series) and cost comparison.
#[derive(Clone, Copy)]
pub struct LabState {
    pub evaluation: RwSignal<Option<Arc<Evaluation>>>,
    pub costs: RwSignal<Option<CostTable>>,
}

/// Provides the (empty) shared state; the app shell calls this once.
pub fn provide_lab_state() {
    provide_context(LabState { evaluation: RwSignal::new(None), costs: RwSignal::new(None) });
}

/// The shared state (a detached one outside the app shell).
pub fn use_lab_state() -> LabState {
    use_context::<LabState>()
        .unwrap_or_else(|| LabState { evaluation: RwSignal::new(None), costs: RwSignal::new(None) })
}

/// The storage the playground should query: the dataset plus the lab's recorded series when
/// the learner has evaluated rules, else None (use the dataset). Call it while rendering and
/// keep the signal; read it when running a query.
pub fn recorded_storage() -> Signal<Option<Arc<Evaluation>>> {
    use_lab_state().evaluation.into()
}

/// The evaluated storage of `evaluation`, if any, else `dataset`.
pub fn storage<'a>(evaluation: &'a Option<Arc<Evaluation>>, dataset: &'a Storage) -> &'a Storage {
    evaluation.as_ref().map(|e| &e.storage).unwrap_or(dataset)
}
