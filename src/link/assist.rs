//! Query assistance messages: formatting a query as Prometheus prints it, linting it against
//! the dataset, and explaining it node by node (see `crate::assist`).

use serde::{Deserialize, Serialize};

use crate::assist::explain::Explanation;
use crate::assist::lint::Finding;
use crate::engine::Millis;
use crate::link::remote::Fetched;

/// Assistance requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum AssistRequest {
    Format(FormatQuery),
    Lint(LintQuery),
    Explain(ExplainQuery),
    ExplainRaw(ExplainRemote),
}

/// Formats `query` the way Prometheus's `/api/v1/format_query` does; the reply is the
/// formatted text, or why the query does not parse.
#[derive(Debug, Serialize, Deserialize)]
pub struct FormatQuery {
    pub query: String,
}

call!(FormatQuery => Result<String, String>, Assist(AssistRequest::Format));

/// Lints `query` on dataset `dataset` at `time` (data-driven checks look there), with the
/// seed exercise's recording rules as the recorded alternatives.
#[derive(Debug, Serialize, Deserialize)]
pub struct LintQuery {
    pub dataset: String,
    pub query: String,
    pub time: Millis,
}

call!(LintQuery => Vec<Finding>, Assist(AssistRequest::Lint));

/// Explains `query` on dataset `dataset` at `time`; the reply is the tree, or why it could
/// not be built (the query does not parse, the dataset is missing).
#[derive(Debug, Serialize, Deserialize)]
pub struct ExplainQuery {
    pub dataset: String,
    pub query: String,
    pub time: Millis,
    /// Also read the series the rules lab recorded on this dataset (as queries do).
    pub with_recorded: bool,
}

call!(ExplainQuery => Result<Explanation, String>, Assist(AssistRequest::Explain));

/// Explains `query` at `time` on a remote source's raw samples (the answers to the fetches
/// `link::remote::PlanCompare` planned), so every node's figures are the server's data as
/// the local engine reads it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExplainRemote {
    pub query: String,
    pub time: Millis,
    pub raw: Vec<Fetched>,
}

call!(ExplainRemote => Result<Explanation, String>, Assist(AssistRequest::ExplainRaw));
