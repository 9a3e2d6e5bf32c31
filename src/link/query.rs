//! Query messages: evaluating PromQL on an open dataset.

use serde::{Deserialize, Serialize};

use crate::content::explain_empty::WhyEmpty;
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
}

impl QueryReply {
    /// A reply with only the result (no notes, nothing to explain).
    pub fn bare(result: Result<QueryOutput, QueryError>) -> Self {
        QueryReply { result, type_notes: Vec::new(), why_empty: None }
    }
}

/// The unit of `query`'s result, for the chart's axis and tooltip (see
/// [`crate::assist::units`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct QueryUnit {
    pub query: String,
}

call!(QueryUnit => crate::assist::units::Unit, Query(QueryRequest::Unit));
