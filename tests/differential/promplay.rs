//! The promplay side of the comparison: the library evaluating over a `Storage`, with a panic
//! turned into a failed case (one crashing query must not hide the verdicts on the others).

use std::panic::{catch_unwind, AssertUnwindSafe};

use promql_playground::engine::{self, EngineOptions, Storage};

use crate::outcome::{from_promplay, Outcome};

/// When a query is evaluated: at one instant, or over a range (all in milliseconds).
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    Instant(i64),
    Range { start: i64, end: i64, step: i64 },
}

/// Milliseconds as the API's decimal seconds.
pub fn secs(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

impl Mode {
    /// The query API endpoint and its time parameters for this mode.
    pub fn api_params(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match *self {
            Mode::Instant(t) => ("query", vec![("time", secs(t))]),
            Mode::Range { start, end, step } => {
                ("query_range", vec![("start", secs(start)), ("end", secs(end)), ("step", secs(step))])
            }
        }
    }
}

/// The library over one dataset's storage.
pub struct Library {
    pub storage: Storage,
    pub opts: EngineOptions,
}

impl Library {
    /// Evaluates `query` in `mode`; a panic becomes an error outcome naming it.
    pub fn eval(&self, query: &str, mode: Mode) -> Outcome {
        let run = || match mode {
            Mode::Instant(t) => engine::instant_query(&self.storage, query, t, &self.opts),
            Mode::Range { start, end, step } => {
                engine::range_query(&self.storage, query, start, end, step, &self.opts)
            }
        };
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(r) => from_promplay(r),
            Err(_) => Outcome::Error("panic".to_string(), "promplay panicked".to_string()),
        }
    }
}
