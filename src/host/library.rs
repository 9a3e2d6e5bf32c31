//! The query library in the engine module: the library of the seed's queries on a dataset at
//! once, then its costs step by step (the seed's recording rules evaluated one rule per step,
//! as the rules lab does, then the queries measured a few per step).

use std::sync::Arc;

use super::rules::session::Session;
use super::{Host, Recorded};
use crate::assist::library::catalog::{seed_rules, SEED_RECORDING_RULES};
use crate::assist::library::measure::Measuring;
use crate::assist::library::{assemble, cost_options, rules_summary, seed_queries, Library, RulesSummary};
use crate::engine::Storage;
use crate::link::answer;
use crate::link::library::{LibraryProgress, LibraryRequest, LibraryStep, OpenLibrary};
use crate::link::rules::Progress;
use crate::rules::cost::CostOptions;
use crate::rules::EvalOptions;

/// Most milliseconds one step spends measuring before it answers (at least one query).
const STEP_BUDGET_MS: f64 = 100.0;
/// Most timed runs a page may ask for.
const MAX_RUNS: usize = 15;

/// The measurement under way.
#[derive(Default)]
pub struct LibraryState {
    run: Option<Run>,
}

struct Run {
    library: Library,
    opts: CostOptions,
    /// Steps the rule evaluation takes, and queries to measure.
    rule_steps: usize,
    queries: usize,
    stage: Stage,
}

enum Stage {
    Evaluating(Box<Session>),
    Measuring { storage: Arc<Storage>, measuring: Measuring, rules: RulesSummary },
    Done,
}

pub(super) fn handle(host: &mut Host, request: LibraryRequest) -> Vec<u8> {
    match request {
        LibraryRequest::Open(c) => answer::<OpenLibrary>(open(host, &c)),
        LibraryRequest::Step(LibraryStep) => answer::<LibraryStep>(step(host)),
    }
}

fn open(host: &mut Host, c: &OpenLibrary) -> Result<Library, String> {
    host.library.run = None;
    let storage = host.storage(&c.dataset, false)?;
    let meta = host.datasets.meta(&c.dataset).ok();
    let queries = seed_queries().map_err(|e| e.to_string())?;
    let file = seed_rules(SEED_RECORDING_RULES).map_err(|e| e.to_string())?;
    let opts = cost_options(c.runs.min(MAX_RUNS));
    let end = storage.time_bounds().map_or(0, |(_, end)| end);
    let mut library = assemble(&queries, &c.dataset, &storage, meta.as_ref(), end, &opts);
    // Known before they run; what they record follows when they have.
    library.rules = rules_summary(&[]);
    library.rules.recording_rules = file.rules().filter(|(_, r)| r.is_recording()).count();
    let session = Session::new(&storage, &file, EvalOptions::default());
    host.library.run = Some(Run {
        rule_steps: session.steps(),
        queries: Measuring::new(&library).total(),
        library: library.clone(),
        opts,
        stage: Stage::Evaluating(Box::new(session)),
    });
    Ok(library)
}

fn step(host: &mut Host) -> Result<LibraryProgress, String> {
    let mut clock = super::clock(host);
    let run = host.library.run.as_mut().ok_or("No library is being measured: open the library again.")?;
    let mut measured = Vec::new();
    let mut rules = None;
    match std::mem::replace(&mut run.stage, Stage::Done) {
        Stage::Evaluating(mut session) => {
            session.step(&mut clock);
            if session.done() < session.steps() {
                run.stage = Stage::Evaluating(session);
            } else {
                let evaluation = session.finish(&mut clock);
                let summary = rules_summary(&evaluation.rules);
                rules = Some(summary.clone());
                let storage = Arc::new(evaluation.storage);
                // The playground can then show the recorded series the library links to,
                // unless a lab already recorded the learner's own rules.
                if host.recorded.is_none() {
                    let dataset = run.library.dataset.clone();
                    host.recorded = Some(Recorded { dataset, storage: storage.clone() });
                }
                run.stage =
                    Stage::Measuring { storage, measuring: Measuring::new(&run.library), rules: summary };
            }
        }
        Stage::Measuring { storage, mut measuring, rules: summary } => {
            let started = clock();
            while let Some(m) = measuring.step(&storage, &run.library, &run.opts, &mut clock) {
                measured.push(m);
                if clock() - started >= STEP_BUDGET_MS {
                    break;
                }
            }
            if measuring.next_query().is_some() {
                run.stage = Stage::Measuring { storage, measuring, rules: summary };
            } else {
                rules = Some(summary);
            }
        }
        Stage::Done => {}
    }
    let progress = progress(run);
    Ok(LibraryProgress { finished: matches!(run.stage, Stage::Done), progress, rules, measured })
}

/// Steps done and in all (rules first, then queries), and what the next step does.
fn progress(run: &Run) -> Progress {
    let total = run.rule_steps + run.queries;
    match &run.stage {
        Stage::Evaluating(s) => Progress {
            done: s.done(),
            total,
            label: format!("recording rule {}", s.next_label().unwrap_or_default()),
        },
        Stage::Measuring { measuring, .. } => Progress {
            done: run.rule_steps + measuring.done(),
            total,
            label: measuring
                .next_query()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        },
        Stage::Done => Progress { done: total, total, label: String::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    /// The library with every cost filled in (what the page holds once finished).
    fn filled(mut library: Library, measured: &[(String, crate::assist::library::QueryCost)]) -> Library {
        let costs: std::collections::HashMap<_, _> = measured.iter().cloned().collect();
        library.fill(&costs);
        library
    }

    #[test]
    fn the_library_opens_at_once_then_fills_in_step_by_step() {
        let mut host = Host::new();
        let lib =
            roundtrip(&mut host, OpenLibrary { dataset: "ml-platform".into(), runs: 1 }).unwrap().unwrap();
        assert_eq!(lib.entries().count(), 89);
        assert!(lib.entries().all(|e| e.cost.is_none()));
        let mut measured = Vec::new();
        let mut steps = 0;
        let mut last = 0;
        loop {
            let p = roundtrip(&mut host, LibraryStep).unwrap().unwrap();
            steps += 1;
            assert!(p.progress.done >= last && p.progress.done <= p.progress.total, "{p:?}");
            last = p.progress.done;
            measured.extend(p.measured);
            if p.finished {
                assert_eq!(p.rules.map(|r| r.recording_rules), Some(16));
                break;
            }
            assert!(steps < 1000, "never finishes");
        }
        assert!(steps > 16, "{steps} steps");
        let lib = filled(lib, &measured);
        assert!(lib.entries().all(|e| e.cost.is_some()));
        let raw =
            lib.entries().find(|e| e.query == "sum by (model) (rate(model_predictions_total[5m]))").unwrap();
        // The counts `promplay library` prints (src/assist/library/tests.rs).
        let counts = |c: &crate::assist::library::QueryCost| {
            (c.instant.result_series, c.instant.samples, c.range.result_series, c.range.samples)
        };
        assert_eq!(raw.cost.as_ref().map(counts), Some((5, 210, 5, 75_810)));
        assert_eq!(raw.recorded_cost.as_ref().map(counts), Some((7, 7, 7, 2527)));
        // The playground now reads the recorded series too.
        assert!(host.recorded.as_ref().is_some_and(|r| r.dataset == "ml-platform"));
        // Once finished, a further step says so instead of failing.
        assert!(roundtrip(&mut host, LibraryStep).unwrap().unwrap().finished);
    }

    #[test]
    fn a_missing_dataset_or_no_library_is_an_error() {
        let mut host = Host::new();
        assert!(roundtrip(&mut host, LibraryStep).unwrap().is_err());
        let missing = OpenLibrary { dataset: "nope".into(), runs: 1 };
        assert!(roundtrip(&mut host, missing).unwrap().is_err());
    }
}
