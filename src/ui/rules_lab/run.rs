//! Driving the lab's long computations without freezing the page: the engine module runs one
//! step (a rule, or a raw-vs-recorded pair) per call, and the page yields to the browser
//! between calls so progress paints and clicks are handled.

use leptos::prelude::*;

use crate::link::rules::{self, Step};
use crate::link::Call;

use super::super::{browser, engine_link};

/// Where a long computation stands: `(done, total, what runs now)`.
pub type Progress = RwSignal<Option<(usize, usize, String)>>;

/// Starts a computation with `start`, then sends `step` once per frame until it finishes,
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
        progress.set(Some((now.done, now.total, now.label)));
        browser::next_paint().await;
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
