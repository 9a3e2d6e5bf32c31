//! The PromQL engine: parse a query, evaluate it over a [`Storage`] at an instant or over a
//! range. A pure function of (expression, storage, parameters): no clock, no globals, no I/O,
//! so it runs the same natively, in the browser and in a Web Worker.

pub mod aggregate;
pub mod binop;
pub mod call;
pub mod error;
pub mod eval;
pub mod functions;
pub mod go_regex;
pub mod gofmt;
pub mod grouping;
pub mod histogram;
pub mod histogram_stats;
pub mod info;
pub mod kahan;
pub mod labels;
pub mod parse;
pub mod range;
pub mod selector;
pub mod shared;
pub mod storage;
pub mod subquery;
pub mod trace;
pub mod value;
pub mod walk;

pub use error::{Annotations, ParseError, QueryError};
pub use labels::{Labels, METRIC_NAME};
pub use storage::Storage;
pub use value::{Millis, Point, Sample, Series, Value};

/// Engine settings, defaulting to Prometheus's defaults.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EngineOptions {
    /// How far back an instant selector looks for a sample (`--query.lookback-delta`).
    pub lookback_delta: Millis,
    /// Most samples a query may hold at once (`--query.max-samples`).
    pub max_samples: usize,
    /// Step of a subquery written without one (the global evaluation interval).
    pub default_subquery_step: Millis,
    /// Most steps a range query may have (Prometheus's API refuses more than 11,000).
    pub max_range_steps: usize,
    /// The time budget of one query (`--query.timeout`), or none. The engine has no clock of
    /// its own: the caller's clock comes with the budget.
    #[serde(skip)]
    pub deadline: Option<Deadline>,
    /// Prometheus 2.x windows: range selectors, subqueries and the lookback read `[t - r, t]`
    /// instead of 3.x's left-open `(t - r, t]`. What promtool 2.42 evaluates rule tests with.
    #[serde(default)]
    pub closed_windows: bool,
    /// Prometheus 2.x arithmetic, to the last bit of what promtool 2.42 computes: `sum` adds
    /// without compensation (3.x: Kahan), `avg` and `avg_over_time` keep an incremental mean,
    /// and `rate`/`increase`/`delta` clamp at the counter's zero point before the
    /// extrapolation threshold and scale by `factor / range`.
    #[serde(default)]
    pub v2_numerics: bool,
}

/// When a query must stop: `clock()` (milliseconds) passing `at`. `budget_ms` is the limit
/// as the user set it, for the error message.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub clock: fn() -> f64,
    pub at: f64,
    pub budget_ms: f64,
}

impl Deadline {
    /// A budget of `budget_ms` milliseconds from now.
    pub fn after(clock: fn() -> f64, budget_ms: f64) -> Self {
        Deadline { clock, at: clock() + budget_ms, budget_ms }
    }

    /// True once the budget is spent.
    pub fn passed(&self) -> bool {
        (self.clock)() > self.at
    }
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            lookback_delta: 5 * 60 * 1000,
            max_samples: 50_000_000,
            default_subquery_step: 60 * 1000,
            max_range_steps: 11_000,
            deadline: None,
            closed_windows: false,
            v2_numerics: false,
        }
    }
}

impl EngineOptions {
    /// Where a window ending at `to` and `range` long starts, as the exclusive lower bound
    /// the selectors read after: `to - range`, or one millisecond earlier with
    /// [`EngineOptions::closed_windows`] (timestamps are whole milliseconds, so `(a - 1, b]`
    /// is `[a, b]`).
    pub fn window_after(&self, to: Millis, range: Millis) -> Millis {
        to.saturating_sub(range).saturating_sub(Millis::from(self.closed_windows))
    }

    /// The lookback an instant selector uses as the exclusive bound of its window.
    pub fn lookback_window(&self) -> Millis {
        self.lookback_delta.saturating_add(Millis::from(self.closed_windows))
    }
}

/// Work counters of one query, for the cost comparisons.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueryStats {
    /// Samples read from storage (Prometheus's `totalQueryableSamples`).
    pub samples_touched: u64,
    /// Distinct stored series read by selectors.
    pub series_touched: u64,
    /// Largest number of samples held at once (Prometheus's `peakSamples`).
    pub peak_samples: u64,
}

/// A successful query: its value, annotations and work counters.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryOutput {
    pub value: Value,
    pub annotations: Annotations,
    pub stats: QueryStats,
}

/// Parses and evaluates `query` at instant `t`.
pub fn instant_query(
    storage: &Storage,
    query: &str,
    t: Millis,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    let expr = parse::parse(query).map_err(QueryError::Parse)?;
    eval::eval_instant(storage, &expr, t, opts)
}

/// Parses and evaluates `query` over `[start, end]` every `step` milliseconds.
pub fn range_query(
    storage: &Storage,
    query: &str,
    start: Millis,
    end: Millis,
    step: Millis,
    opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    let expr = parse::parse(query).map_err(QueryError::Parse)?;
    eval::eval_range(storage, &expr, start, end, step, opts)
}
