//! Looking at an exercise's query without grading it: Run shows its result (table or chart,
//! the engine's notes, why it is empty) over the exercise's range, and "Open in playground"
//! carries the query, the dataset and that range to the playground.

use crate::content::time::{format_duration, format_instant};
use crate::link::query::QueryTime;

use super::paths::{encode_component, playground_link};

/// The playground URL (under `base`) that shows `query` on `dataset` at `time`: a range query
/// over the same range and step, or an instant query at the same instant.
pub fn playground_at(base: &str, dataset: &str, query: &str, time: QueryTime) -> String {
    match time {
        QueryTime::Instant { time } => {
            let url = playground_link(base, query, false, Some(dataset));
            format!("{url}&mode=instant&time={}", encode_component(&format_instant(time)))
        }
        QueryTime::Range { start, end, step } => {
            let url = playground_link(base, query, true, Some(dataset));
            format!(
                "{url}&time={}&range={}&step={}",
                encode_component(&format_instant(end)),
                format_duration(end - start),
                format_duration(step)
            )
        }
    }
}

wasm_only! {
    use std::sync::Arc;

    use leptos::prelude::*;

    use crate::engine::QueryError;
    use crate::link::exercises::RunExercise;
    use crate::link::query::QueryReply;

    use super::engine_link;
    use super::playground::{Outcome, Run};
    use super::request::{Mode, Params};
    use super::results::Results;

    /// Runs `query` for exercise `id` on `dataset` in the engine module, timed.
    pub async fn run_exercise(id: &str, dataset: &str, query: &str) -> Outcome {
        let started = super::browser::now_ms();
        let message = RunExercise { id: id.to_string(), dataset: dataset.to_string(), query: query.to_string() };
        let (time, reply) = match engine_link::ask(message).await.and_then(|r| r) {
            Ok(run) => (run.time, run.reply),
            Err(e) => (QueryTime::Instant { time: 0 }, QueryReply::bare(Err(QueryError::Eval(e)))),
        };
        let (mode, params) = match time {
            QueryTime::Instant { time } => (Mode::Instant, Params::Instant { time }),
            QueryTime::Range { start, end, step } => (Mode::Range, Params::Range { start, end, step }),
        };
        let elapsed = super::browser::now_ms() - started;
        Outcome::Ran(Arc::new(Run::new(query.to_string(), mode, params, reply, elapsed)))
    }

    /// The result of Run, in a card of its own (it is not a verdict).
    #[component]
    pub fn RunPanel(
        /// The latest run, if any.
        outcome: Signal<Option<Outcome>>,
        /// True while it runs.
        running: Signal<bool>,
    ) -> impl IntoView {
        move || {
            outcome.with(Option::is_some).then(|| {
                view! {
                    <div class="run-panel" data-testid="run-panel">
                        <h2 class="run-title">"Your query\u{2019}s result " <span class="muted small">"(Run: not graded)"</span></h2>
                        <Results outcome=outcome running=running />
                    </div>
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_query_dataset_and_time() {
        let range = QueryTime::Range { start: 1_767_578_400_000, end: 1_767_600_000_000, step: 900_000 };
        assert_eq!(
            playground_at("/repo", "ml-platform", "sum(up)", range),
            "/repo/play?dataset=ml-platform&q=sum%28up%29&mode=range&time=2026-01-05T08%3A00%3A00Z&range=6h&step=15m"
        );
        assert_eq!(
            playground_at("", "d", "x", QueryTime::Instant { time: 1_767_571_200_000 }),
            "/play?dataset=d&q=x&mode=instant&time=2026-01-05T00%3A00%3A00Z"
        );
    }
}
