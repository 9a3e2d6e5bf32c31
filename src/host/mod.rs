//! The engine module's side of the wire: [`Host`] holds what the engine module keeps between
//! calls (datasets and their samples, the rules lab's recorded series, prepared exercises)
//! and answers each [`crate::link::Request`].
//!
//! Plain library code: the browser's engine module (src/bin/promql-engine.rs) wraps it in
//! one exported function, and native tests drive it through the same bytes.

mod alertmanager;
mod alerts;
mod assist;
mod cardinality;
mod dashboard;
mod data;
mod deliverables;
mod exercises;
mod library;
mod packs;
mod query;
mod relabel;
mod relabel_exercises;
mod remote;
mod rules;
mod text;

use std::sync::Arc;

pub use data::{builtin_facts, Datasets};

use crate::engine::Storage;
use crate::link::{self, decode, encode, Answer, Hello, Request, WIRE_VERSION};

/// Series the rules lab recorded, merged with the samples of the dataset they were
/// evaluated on; queries asking for them read this storage instead of the dataset's.
pub struct Recorded {
    pub dataset: String,
    pub storage: Arc<Storage>,
}

/// The engine module's state.
#[derive(Default)]
pub struct Host {
    pub datasets: Datasets,
    pub recorded: Option<Recorded>,
    pub exercises: exercises::ExerciseState,
    pub rules: rules::RulesState,
    pub alerts: alerts::AlertsState,
    pub packs: packs::PacksState,
    /// The relabeling simulator's run under way and its last relabeled dataset.
    pub relabel: relabel::RelabelState,
    pub relabel_exercises: relabel_exercises::RelabelExerciseState,
    pub alertmanager: alertmanager::AlertmanagerState,
    pub dashboard: dashboard::DashboardState,
    /// The query library's measurement under way.
    pub library: library::LibraryState,
    /// A clock in milliseconds, for the times the rules lab measures. The library has none of
    /// its own (the engine is pure, and wasm32 has no `std::time::Instant`): the engine
    /// module passes the page's `performance.now()`.
    pub clock: Option<fn() -> f64>,
}

impl Host {
    pub fn new() -> Self {
        Host::default()
    }

    /// Answers one encoded request with one encoded answer.
    pub fn handle(&mut self, request: &[u8]) -> Vec<u8> {
        match decode::<Request>(request) {
            Err(e) => encode(&Answer::<()>::Err(e)),
            Ok(Request::Hello(Hello)) => link::answer::<Hello>(WIRE_VERSION),
            Ok(Request::Data(r)) => data::handle(self, r),
            Ok(Request::Query(r)) => query::handle(self, r),
            Ok(Request::Exercises(r)) => exercises::handle(self, r),
            Ok(Request::Rules(r)) => rules::handle(self, r),
            Ok(Request::Packs(r)) => packs::handle(self, r),
            Ok(Request::Text(r)) => text::handle(r),
            Ok(Request::Alerts(r)) => alerts::handle(self, r),
            Ok(Request::Relabel(r)) => relabel::handle(self, r),
            Ok(Request::Cardinality(r)) => cardinality::handle(self, r),
            Ok(Request::Alertmanager(r)) => alertmanager::handle(self, r),
            Ok(Request::Assist(r)) => assist::handle(self, r),
            Ok(Request::Deliverables(r)) => deliverables::handle(r),
            Ok(Request::Dashboard(r)) => dashboard::handle(self, r),
            Ok(Request::Library(r)) => library::handle(self, r),
            Ok(Request::Remote(r)) => remote::handle(self, r),
        }
    }

    /// The storage a query on `dataset` reads: the lab's merged storage when asked for and
    /// recorded on that dataset, the relabeling simulator's copy when `dataset` names it,
    /// else the dataset's own.
    pub fn storage(&mut self, dataset: &str, with_recorded: bool) -> Result<Arc<Storage>, String> {
        match &self.recorded {
            Some(r) if with_recorded && r.dataset == dataset => Ok(r.storage.clone()),
            _ => match &self.relabel.relabeled {
                Some(r) if r.meta.id == dataset => Ok(r.storage.clone()),
                _ => self.datasets.storage(dataset),
            },
        }
    }
}

/// Steps a multi-step run with `step` until it finishes (or fails): what replaying a finished
/// run asks for, however many steps the run took the first time.
pub fn run_to_end<T>(
    mut step: impl FnMut() -> Result<link::rules::Step<T>, String>,
) -> Result<link::rules::Step<T>, String> {
    loop {
        match step()? {
            link::rules::Step::Running(_) => continue,
            finished => return Ok(finished),
        }
    }
}

/// Calls the host the way the app does: encode, handle, decode. For tests.
#[cfg(test)]
pub fn roundtrip<C: link::Call>(host: &mut Host, call: C) -> Answer<C::Reply> {
    let bytes = host.handle(&encode(&call.into_request()));
    decode::<Answer<C::Reply>>(&bytes).and_then(|a| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_names_the_wire_version() {
        assert_eq!(roundtrip(&mut Host::new(), Hello), Ok(WIRE_VERSION));
    }

    #[test]
    fn an_unreadable_request_gets_an_error_answer() {
        let bytes = Host::new().handle(b"\xff\xff\xff\xff");
        assert!(decode::<Answer<()>>(&bytes).is_ok_and(|a| a.is_err()));
    }
}
