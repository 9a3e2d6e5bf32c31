//! Query messages: evaluating PromQL on an open dataset.

use serde::{Deserialize, Serialize};

use crate::engine::{Millis, QueryError, QueryOutput};

/// Query requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum QueryRequest {
    Run(RunQuery),
    Unit(QueryUnit),
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
}

call!(RunQuery => Result<QueryOutput, QueryError>, Query(QueryRequest::Run));

/// The unit of `query`'s result, for the chart's axis and tooltip (see
/// [`crate::assist::units`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct QueryUnit {
    pub query: String,
}

call!(QueryUnit => crate::assist::units::Unit, Query(QueryRequest::Unit));
