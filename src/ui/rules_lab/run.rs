//! Driving the lab's long computations without freezing the page: the engine module runs one
//! step (a rule, or a raw-vs-recorded pair) per call in its worker, and the page shows the
//! progress of each step while the next one runs.

use leptos::prelude::*;

use crate::link::rules::{self, Step};
use crate::link::Call;

use super::super::engine_link;

/// Where a long computation stands: `(done, total, what runs now)`.
pub type Progress = RwSignal<Option<(usize, usize, String)>>;

/// Starts a computation with `start`, then sends `step` until it finishes,
/// reporting progress. None when `generation` moved on in between (a newer run started, or
/// the page is gone); Err when the engine module refused or failed.
pub async fn drive<T, S>(
    start: impl Call<Reply = Result<rules::Progress, String>>,
    step: S,
    progress: Progress,
    generation: StoredValue<u64>,
) -> Option<Result<T, String>>
where
    S: Call<Reply = Result<Step<T>, String>> + Copy,
{
    let mine = generation.try_get_value()?;
    // The whole run counts as one piece of work for the Stop control.
    let _busy = engine_link::Busy::start();
    let mut now = match engine_link::ask(start).await.and_then(|r| r) {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    let outcome = loop {
        // The engine runs in a worker: the page paints while it works, so the next step is
        // asked for at once (waiting for a frame between steps cost a third of the run).
        progress.set(Some((now.done, now.total, now.label)));
        if generation.try_get_value() != Some(mine) {
            return None;
        }
        match engine_link::ask(step).await.and_then(|r| r) {
            Ok(Step::Running(p)) => now = p,
            Ok(Step::Finished(result)) => {
                engine_link::finish_runs();
                break Ok(result);
            }
            Err(e) => break Err(e),
        }
    };
    progress.set(None);
    Some(outcome)
}
