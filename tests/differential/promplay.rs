//! The promplay side of the comparison: the library evaluating over a `Storage`, and the CLI
//! whose output must be Prometheus's API body. A panic becomes a failed case (one crashing
//! query must not hide the verdicts on the others).

use std::panic::{catch_unwind, AssertUnwindSafe};

use promql_playground::engine::{self, EngineOptions, Storage};
pub use promql_playground::remote::api::secs;

use promql_playground::remote::outcome::{from_api_body, from_promplay, Outcome};

/// When a query is evaluated: at one instant, or over a range (all in milliseconds).
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    Instant(i64),
    Range { start: i64, end: i64, step: i64 },
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

/// The `promplay query` / `query-range` command line over a data file, run in-process: its
/// stdout must be exactly a Prometheus API body, and its exit code must say whether the query
/// failed (0 success, 1 query error).
pub struct Cli {
    pub data: String,
}

impl Cli {
    /// Runs the command for `query` in `mode` and reads its output like Prometheus's reply. A
    /// body that does not parse, or an exit code that contradicts the body, is a "panic"
    /// outcome (always a failure).
    pub fn eval(&self, query: &str, mode: Mode) -> Outcome {
        let mut args: Vec<String> = match mode {
            Mode::Instant(t) => vec!["query".into(), "--time".into(), secs(t)],
            Mode::Range { start, end, step } => vec![
                "query-range".into(),
                "--start".into(),
                secs(start),
                "--end".into(),
                secs(end),
                "--step".into(),
                secs(step),
            ],
        };
        args.extend(["--data".into(), self.data.clone(), "--".into(), query.into()]);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let run = || promql_playground::cli::main_with(&args, &mut out, &mut err);
        let code = match catch_unwind(AssertUnwindSafe(run)) {
            Ok(code) => code,
            Err(_) => return Outcome::Error("panic".into(), "promplay CLI panicked".into()),
        };
        let body = String::from_utf8_lossy(&out);
        let contract = |msg: String| Outcome::Error("panic".into(), msg);
        match from_api_body(body.trim_end()) {
            Err(e) => contract(format!(
                "exit {code}, not an API body: {e}; stderr: {}",
                String::from_utf8_lossy(&err)
            )),
            Ok(o) if matches!(o, Outcome::Error(..)) != (code == 1) || !matches!(code, 0 | 1) => {
                contract(format!("exit code {code} does not match the body {body}"))
            }
            Ok(o) => o,
        }
    }
}
