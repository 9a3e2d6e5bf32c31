//! Driving the lab's long computations without freezing the page: one step (a rule, or a
//! raw-vs-recorded pair) at a time, yielding to the browser between steps so progress paints
//! and clicks are handled.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::EngineOptions;
use crate::rules::cost::{CostOptions, CostTable};
use crate::rules::{Evaluation, RuleFile};

use super::super::browser;
use super::super::data::Data;
use super::session::{Measuring, Session};

/// Where a long computation stands: `(done, total, what runs now)`.
pub type Progress = RwSignal<Option<(usize, usize, String)>>;

/// Evaluates `file` over the dataset step by step, reporting progress; None when
/// `generation` moved on in between (a newer run started).
pub async fn evaluate(
    data: Arc<Data>,
    file: RuleFile,
    progress: Progress,
    generation: StoredValue<u64>,
) -> Option<Evaluation> {
    let mine = generation.get_value();
    let mut session = Session::new(&data.storage, &file, EngineOptions::default());
    drop(data);
    let mut clock = browser::now_ms;
    loop {
        progress.set(Some((session.done(), session.steps(), session.next_label().unwrap_or_default())));
        browser::next_paint().await;
        if generation.get_value() != mine {
            return None;
        }
        if !session.step(&mut clock) {
            break;
        }
    }
    progress.set(Some((session.steps(), session.steps(), "explaining empty rules".into())));
    browser::next_paint().await;
    let evaluation = session.finish(&mut clock);
    progress.set(None);
    Some(evaluation)
}

/// Measures every pair of `file` on `evaluation`, one pair per step.
pub async fn measure(
    evaluation: Arc<Evaluation>,
    file: RuleFile,
    progress: Progress,
    generation: StoredValue<u64>,
) -> Option<CostTable> {
    let mine = generation.get_value();
    let mut measuring = Measuring::new(&file, CostOptions::default());
    let mut clock = browser::now_ms;
    loop {
        progress.set(Some((
            measuring.done(),
            measuring.steps(),
            measuring.next_label().unwrap_or_default().to_string(),
        )));
        browser::next_paint().await;
        if generation.get_value() != mine {
            return None;
        }
        if !measuring.step(&evaluation, &mut clock) {
            break;
        }
    }
    progress.set(None);
    Some(measuring.finish(&evaluation, &mut clock))
}
