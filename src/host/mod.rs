//! The engine module's side of the wire: [`Host`] holds what the engine module keeps between
//! calls (datasets and their samples, the rules lab's recorded series, prepared exercises)
//! and answers each [`crate::link::Request`].
//!
//! Plain library code: the browser's engine module (src/bin/promql-engine.rs) wraps it in
//! one exported function, and native tests drive it through the same bytes.

mod assist;
mod data;
#[cfg(feature = "lessons")]
mod exercises;
mod packs;
mod query;
mod remote;
#[cfg(feature = "lessons")]
mod text;

// The labs' areas: only the labs' engine module has them (see `Request::module`).
#[cfg(feature = "labs")]
mod alertmanager;
#[cfg(feature = "labs")]
mod alerts;
#[cfg(feature = "labs")]
mod cardinality;
#[cfg(feature = "labs")]
mod dashboard;
#[cfg(feature = "labs")]
mod deliverables;
#[cfg(feature = "labs")]
mod library;
#[cfg(feature = "labs")]
mod relabel;
#[cfg(feature = "labs")]
mod relabel_exercises;
#[cfg(feature = "labs")]
mod rules;

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
    #[cfg(feature = "lessons")]
    pub exercises: exercises::ExerciseState,
    pub packs: packs::PacksState,
    #[cfg(feature = "labs")]
    pub rules: rules::RulesState,
    #[cfg(feature = "labs")]
    pub alerts: alerts::AlertsState,
    /// The relabeling simulator's run under way and its last relabeled dataset.
    #[cfg(feature = "labs")]
    pub relabel: relabel::RelabelState,
    #[cfg(feature = "labs")]
    pub relabel_exercises: relabel_exercises::RelabelExerciseState,
    #[cfg(feature = "labs")]
    pub alertmanager: alertmanager::AlertmanagerState,
    #[cfg(feature = "labs")]
    pub dashboard: dashboard::DashboardState,
    /// The query library's measurement under way.
    #[cfg(feature = "labs")]
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
            #[cfg(feature = "lessons")]
            Ok(Request::Exercises(r)) => exercises::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Rules(r)) => rules::handle(self, r),
            Ok(Request::Packs(r)) => packs::handle(self, r),
            #[cfg(feature = "lessons")]
            Ok(Request::Text(r)) => text::handle(r),
            #[cfg(feature = "labs")]
            Ok(Request::Alerts(r)) => alerts::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Relabel(r)) => relabel::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Cardinality(r)) => cardinality::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Alertmanager(r)) => alertmanager::handle(self, r),
            Ok(Request::Assist(r)) => assist::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Deliverables(r)) => deliverables::handle(r),
            #[cfg(feature = "labs")]
            Ok(Request::Dashboard(r)) => dashboard::handle(self, r),
            #[cfg(feature = "labs")]
            Ok(Request::Library(r)) => library::handle(self, r),
            Ok(Request::Remote(r)) => remote::handle(self, r),
            #[cfg(not(feature = "labs"))]
            Ok(r) => not_in_this_build(r.module()),
        }
    }

    /// The storage a query on `dataset` reads: the lab's merged storage when asked for and
    /// recorded on that dataset, the relabeling simulator's copy when `dataset` names it,
    /// else the dataset's own.
    pub fn storage(&mut self, dataset: &str, with_recorded: bool) -> Result<Arc<Storage>, String> {
        match &self.recorded {
            Some(r) if with_recorded && r.dataset == dataset => Ok(r.storage.clone()),
            _ => match self.relabeled(dataset) {
                Some((_, storage)) => Ok(storage),
                _ => self.datasets.storage(dataset),
            },
        }
    }

    /// The relabeling simulator's copy of dataset `id`, when it made one.
    #[cfg(feature = "labs")]
    pub fn relabeled(&self, id: &str) -> Option<(crate::content::DatasetMeta, Arc<Storage>)> {
        let r = self.relabel.relabeled.as_ref().filter(|r| r.meta.id == id)?;
        Some((r.meta.clone(), r.storage.clone()))
    }

    /// Only the labs' engine module relabels datasets.
    #[cfg(not(feature = "labs"))]
    pub fn relabeled(&self, _id: &str) -> Option<(crate::content::DatasetMeta, Arc<Storage>)> {
        None
    }
}

/// The answer of a smaller build of the engine module to a message only a larger one reads
/// (the app sends those to the build `Request::module` names).
#[cfg(not(feature = "labs"))]
fn not_in_this_build(needs: link::EngineModule) -> Vec<u8> {
    encode(&Answer::<()>::Err(format!(
        "this engine module cannot answer that ({} can): reload the page",
        needs.file_stem()
    )))
}

/// The host's clock; natively a monotonic one when none was given (tests, native hosts),
/// in the browser none (every reading is 0: times show as 0).
pub(crate) fn clock(host: &Host) -> fn() -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    fn fallback() -> f64 {
        use std::sync::OnceLock;
        use std::time::Instant;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
    #[cfg(target_arch = "wasm32")]
    fn fallback() -> f64 {
        0.0
    }
    host.clock.unwrap_or(fallback)
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

    /// A lab's message, an exercise's and the playground's, with the build each needs.
    fn messages() -> (link::rules::CheckRules, link::exercises::ShowExercise, link::assist::FormatQuery) {
        use crate::link::{Call, EngineModule};
        let lab = || link::rules::CheckRules { text: "groups: []".into() };
        let exercise = || link::exercises::ShowExercise { id: "todo-1-3-sum-by".into() };
        let playground = || link::assist::FormatQuery { query: "sum(up)by(job)".into() };
        assert_eq!(lab().into_request().module(), EngineModule::Labs);
        assert_eq!(exercise().into_request().module(), EngineModule::Exercises);
        assert_eq!(playground().into_request().module(), EngineModule::Playground);
        assert_eq!(link::data::BuiltinDatasets.into_request().module(), EngineModule::Playground);
        (lab(), exercise(), playground())
    }

    /// The labs' build (`labs` on, as natively) answers the labs' messages.
    #[cfg(feature = "labs")]
    #[test]
    fn the_labs_build_answers_a_lab_message() {
        let (lab, _, _) = messages();
        let check = roundtrip(&mut Host::new(), lab);
        assert!(check.is_ok_and(|check| check.diagnostics.is_empty()));
    }

    /// The exercises' build (`cargo test --lib --no-default-features --features lessons
    /// host::`) and the larger one answer an exercise's message.
    #[cfg(feature = "lessons")]
    #[test]
    fn the_exercises_build_answers_an_exercise_message() {
        let (_, exercise, _) = messages();
        let shown = roundtrip(&mut Host::new(), exercise);
        assert!(shown.is_ok_and(|view| view.is_ok_and(|v| v.prompt_html.contains("<code>"))));
    }

    /// The smaller builds refuse a message of a larger one with an error answer, and still
    /// answer their own after it: the playground's variants keep their indices on the wire.
    #[cfg(not(feature = "labs"))]
    #[test]
    fn a_smaller_build_refuses_a_larger_ones_message() {
        let (lab, _exercise, playground) = messages();
        let mut host = Host::new();
        let refused = roundtrip(&mut host, lab);
        assert!(refused.as_ref().is_err_and(|e| e.starts_with("unreadable message")), "{refused:?}");
        #[cfg(not(feature = "lessons"))]
        {
            let refused = roundtrip(&mut host, _exercise);
            assert!(refused.as_ref().is_err_and(|e| e.starts_with("unreadable message")), "{refused:?}");
        }
        let formatted = roundtrip(&mut host, playground);
        assert_eq!(formatted, Ok(Ok("sum by (job) (up)".to_string())));
        let builtin = roundtrip(&mut host, link::data::BuiltinDatasets);
        assert!(builtin.is_ok_and(|all| all.is_ok_and(|all| !all.is_empty())));
    }
}
