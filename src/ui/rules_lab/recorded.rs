//! The lab's results, shared across pages for the visit: the playground queries the recorded
//! series (`model:latency:p95` like any other metric) once the learner has evaluated their
//! rules, and the lab shows its last evaluation and cost table again when revisited.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::Storage;
use crate::rules::cost::CostTable;
use crate::rules::Evaluation;

use super::super::data::{use_data, DataState};

/// The last evaluation (the dataset plus every recorded series), the id of the dataset it
/// was evaluated on, and the cost comparison.
#[derive(Clone, Copy)]
pub struct LabState {
    pub evaluation: RwSignal<Option<Arc<Evaluation>>>,
    pub evaluated_on: RwSignal<String>,
    pub costs: RwSignal<Option<CostTable>>,
}

impl LabState {
    fn new() -> Self {
        LabState {
            evaluation: RwSignal::new(None),
            evaluated_on: RwSignal::new(String::new()),
            costs: RwSignal::new(None),
        }
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

/// The storage the playground should query: the dataset plus the lab's recorded series when
/// the learner has evaluated rules on the dataset in use, else None (use the dataset). Call it
/// while rendering and keep the signal; read it when running a query.
pub fn recorded_storage() -> Signal<Option<Arc<Evaluation>>> {
    let lab = use_lab_state();
    let data = use_data();
    Signal::derive(move || {
        let current = match data.get() {
            DataState::Ready(d) => d.meta.id.clone(),
            _ => return None,
        };
        lab.evaluation.get().filter(|_| lab.evaluated_on.with(|on| *on == current))
    })
}

/// The evaluated storage of `evaluation`, if any, else `dataset`.
pub fn storage<'a>(evaluation: &'a Option<Arc<Evaluation>>, dataset: &'a Storage) -> &'a Storage {
    evaluation.as_ref().map(|e| &e.storage).unwrap_or(dataset)
}
