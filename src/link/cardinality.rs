//! Cardinality messages: the TSDB status of an open dataset (or of the series a selector
//! picks) and the series a `by (...)` grouping would produce.

use serde::{Deserialize, Serialize};

use crate::cardinality::remote::Breakdown;
use crate::cardinality::{Grouping, TsdbStatus};
use crate::link::remote::Fetched;

/// Cardinality requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum CardinalityRequest {
    Status(TsdbStatusOf),
    Group(GroupSeries),
    RemoteStatus(ReadTsdbStatus),
    RemoteMatch(PlanSeriesMatch),
    RemoteBreakdown(ReadSeriesBreakdown),
}

/// `/api/v1/status/tsdb` for dataset `dataset`, narrowed to `selector` unless it is empty.
#[derive(Debug, Serialize, Deserialize)]
pub struct TsdbStatusOf {
    pub dataset: String,
    pub selector: String,
    pub limit: usize,
    /// Include the series the rules lab recorded on this dataset.
    pub with_recorded: bool,
}

call!(TsdbStatusOf => Result<TsdbStatus, String>, Cardinality(CardinalityRequest::Status));

/// The series `count by (by) (selector)` would produce on `dataset`.
#[derive(Debug, Serialize, Deserialize)]
pub struct GroupSeries {
    pub dataset: String,
    pub selector: String,
    /// Label names, as typed (`model, version`).
    pub by: String,
    pub limit: usize,
    pub with_recorded: bool,
}

call!(GroupSeries => Result<Grouping, String>, Cardinality(CardinalityRequest::Group));

/// Reads a remote server's `/api/v1/status/tsdb` answer, lists cut at `limit`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadTsdbStatus {
    pub answer: Fetched,
    pub limit: usize,
}

call!(ReadTsdbStatus => Result<TsdbStatus, String>, Cardinality(CardinalityRequest::RemoteStatus));

/// The `match[]` that asks a remote's `/api/v1/series` for what `selector` selects.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanSeriesMatch {
    pub selector: String,
}

call!(PlanSeriesMatch => Result<String, String>, Cardinality(CardinalityRequest::RemoteMatch));

/// Breaks a remote's `/api/v1/series` answer down as a dataset's series are.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadSeriesBreakdown {
    pub answer: Fetched,
    pub limit: usize,
    /// Label names, as typed; blank for no grouping.
    pub by: String,
}

call!(ReadSeriesBreakdown => Result<Breakdown, String>, Cardinality(CardinalityRequest::RemoteBreakdown));
