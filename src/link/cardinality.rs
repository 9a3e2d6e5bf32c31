//! Cardinality messages: the TSDB status of an open dataset (or of the series a selector
//! picks) and the series a `by (...)` grouping would produce.

use serde::{Deserialize, Serialize};

use crate::cardinality::{Grouping, TsdbStatus};

/// Cardinality requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum CardinalityRequest {
    Status(TsdbStatusOf),
    Group(GroupSeries),
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
