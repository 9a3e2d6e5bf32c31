//! Query messages: evaluating PromQL on an open dataset.

use serde::{Deserialize, Serialize};

use crate::assist::units::Unit;
use crate::content::explain_empty::WhyEmpty;
use crate::engine::range::thousands;
use crate::engine::{Deadline, EngineOptions, Millis, QueryError, QueryOutput};

/// Query requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum QueryRequest {
    Run(RunQuery),
}

/// When a query is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryTime {
    Instant { time: Millis },
    Range { start: Millis, end: Millis, step: Millis },
}

/// Evaluates `query` on dataset `dataset` with Prometheus's default engine options.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunQuery {
    pub dataset: String,
    pub query: String,
    pub time: QueryTime,
    /// Also query the series the rules lab recorded on this dataset (when it has).
    pub with_recorded: bool,
    /// The limits the query runs under.
    pub limits: QueryLimits,
}

/// The limits of one query, as Prometheus's flags set them; the playground shows them and
/// lets the learner change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryLimits {
    /// Most samples held at once (`--query.max-samples`).
    pub max_samples: usize,
    /// Time budget in milliseconds (`--query.timeout`).
    pub timeout_ms: u64,
    /// Most points per series of a range query (the API's 11,000).
    pub max_points: usize,
}

impl Default for QueryLimits {
    /// Prometheus's defaults (`--query.timeout` is 2 minutes).
    fn default() -> Self {
        let engine = EngineOptions::default();
        QueryLimits {
            max_samples: engine.max_samples,
            timeout_ms: 120_000,
            max_points: engine.max_range_steps,
        }
    }
}

/// The names the limits go by on the page (the fields of the Limits panel).
pub const MAX_SAMPLES_FIELD: &str = "Max samples";
pub const TIMEOUT_FIELD: &str = "Timeout";
pub const MAX_POINTS_FIELD: &str = "Max points per series";

impl QueryLimits {
    /// Engine options enforcing these limits, timing the query with `clock` (milliseconds)
    /// when there is one.
    pub fn options(&self, clock: Option<fn() -> f64>) -> EngineOptions {
        EngineOptions {
            max_samples: self.max_samples,
            max_range_steps: self.max_points,
            deadline: clock.map(|c| Deadline::after(c, self.timeout_ms as f64)),
            ..EngineOptions::default()
        }
    }

    /// For an error caused by one of these limits: which limit, its value and the field of
    /// the Limits panel that changes it (None for any other error).
    pub fn explain(&self, error: &QueryError) -> Option<String> {
        match error {
            QueryError::TooManySamples(_) => Some(format!(
                "Limit reached: at most {} samples in memory per query (Prometheus's --query.max-samples). Select fewer series or a shorter range, or raise “{MAX_SAMPLES_FIELD}” under Limits.",
                thousands(self.max_samples as u64)
            )),
            QueryError::Timeout(_) => Some(format!(
                "Limit reached: the query ran longer than its time budget of {} (Prometheus's --query.timeout). Narrow the query, or raise “{TIMEOUT_FIELD}” under Limits.",
                seconds(self.timeout_ms)
            )),
            QueryError::BadParams(m) if m.contains("maximum resolution") => Some(format!(
                "Limit reached: a range query returns at most {} points per series. Use a larger step or a shorter range, or raise “{MAX_POINTS_FIELD}” under Limits.",
                thousands(self.max_points as u64)
            )),
            _ => None,
        }
    }
}

impl QueryLimits {
    /// The limits as the page stores them: `max_samples,timeout_ms,max_points`.
    pub fn to_stored(&self) -> String {
        format!("{},{},{}", self.max_samples, self.timeout_ms, self.max_points)
    }

    /// Reads [`Self::to_stored`]'s text; anything unreadable or zero gives the defaults.
    pub fn from_stored(text: &str) -> QueryLimits {
        let n: Vec<u64> = text.split(',').filter_map(|p| p.trim().parse().ok()).filter(|&n| n > 0).collect();
        match n[..] {
            [samples, timeout_ms, points] => QueryLimits {
                max_samples: usize::try_from(samples).unwrap_or(usize::MAX),
                timeout_ms,
                max_points: usize::try_from(points).unwrap_or(usize::MAX),
            },
            _ => QueryLimits::default(),
        }
    }
}

/// `2m`, `30s`, `1.5s`: a time budget as the page writes it.
fn seconds(ms: u64) -> String {
    match ms {
        m if m % 60_000 == 0 && m > 0 => format!("{}m", m / 60_000),
        m if m % 1000 == 0 => format!("{}s", m / 1000),
        m => format!("{}ms", m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_error_names_its_field() {
        let l = QueryLimits::default();
        let samples = l.explain(&QueryError::TooManySamples("query execution".into())).unwrap();
        assert!(samples.contains("50,000,000") && samples.contains(MAX_SAMPLES_FIELD), "{samples}");
        let timeout = l.explain(&QueryError::Timeout("expression evaluation".into())).unwrap();
        assert!(timeout.contains("2m") && timeout.contains(TIMEOUT_FIELD), "{timeout}");
        let points = crate::engine::range::validate(0, 20_000_000, 1000, &l.options(None)).unwrap_err();
        assert!(l.explain(&points).unwrap().contains("11,000"));
        assert_eq!(l.explain(&QueryError::eval("x")), None);
    }

    #[test]
    fn limits_survive_storage_and_bad_text_gives_defaults() {
        let l = QueryLimits { max_samples: 1000, timeout_ms: 5000, max_points: 200 };
        assert_eq!(QueryLimits::from_stored(&l.to_stored()), l);
        for bad in ["", "1,2", "a,b,c", "0,5000,200", "-1,2,3"] {
            assert_eq!(QueryLimits::from_stored(bad), QueryLimits::default(), "{bad:?}");
        }
    }

    #[test]
    fn a_spent_budget_stops_the_query() {
        fn clock() -> f64 {
            use std::sync::atomic::{AtomicU64, Ordering};
            static T: AtomicU64 = AtomicU64::new(0);
            // Every reading is 10 ms later than the last.
            T.fetch_add(10, Ordering::Relaxed) as f64
        }
        let storage = crate::promqltest::run::load_storage("load 1m\n  x 0+1x100\n").unwrap();
        let limits = QueryLimits { timeout_ms: 50, ..QueryLimits::default() };
        let r = crate::engine::range_query(
            &storage,
            "sum(rate(x[5m]))",
            0,
            6_000_000,
            60_000,
            &limits.options(Some(clock)),
        );
        assert!(matches!(r, Err(QueryError::Timeout(_))), "{r:?}");
        let unlimited = QueryLimits::default().options(None);
        assert!(crate::engine::range_query(&storage, "sum(rate(x[5m]))", 0, 6_000_000, 60_000, &unlimited)
            .is_ok());
    }
}

call!(RunQuery => QueryReply, Query(QueryRequest::Run));

/// A query's result, exactly as the engine (and Prometheus) gives it, and what the pages add
/// from the dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryReply {
    pub result: Result<QueryOutput, QueryError>,
    /// Notes from the dataset's metadata: a counter function over a gauge, or the other way
    /// round (see `content::metric_types`). Kept apart from the engine's own annotations.
    pub type_notes: Vec<String>,
    /// Why the result is empty, when it ran and is.
    pub why_empty: Option<WhyEmpty>,
    /// The unit of a range result's values, for the chart's axis and tooltip (see
    /// [`crate::assist::units`]); `None` for instant queries and errors. Answered with the
    /// result so that drawing a chart waits for one round trip to the engine, not two.
    pub unit: Unit,
}

impl QueryReply {
    /// A reply with only the result (no notes, nothing to explain).
    pub fn bare(result: Result<QueryOutput, QueryError>) -> Self {
        QueryReply { result, type_notes: Vec::new(), why_empty: None, unit: Unit::None }
    }
}
