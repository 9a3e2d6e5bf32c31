//! Query errors (parse and execution) and annotations (warnings and infos), kept apart the
//! way Prometheus keeps them apart.

use std::fmt;

/// A parse error with the position it refers to (1-based line and column, plus the byte
/// range in the query so an editor can underline it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub col: usize,
    /// Byte offsets `[start, end)` in the query text.
    pub span: (usize, usize),
}

/// Prometheus's wording: `1:5: parse error: unexpected ...`.
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: parse error: {}", self.line, self.col, self.message)
    }
}

/// Any failure of a query.
#[derive(Clone, Debug, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum QueryError {
    /// The query text is not valid PromQL (API errorType `bad_data`).
    #[error("{0}")]
    Parse(ParseError),
    /// Evaluation failed (API errorType `execution`), worded like Prometheus.
    #[error("{0}")]
    Eval(String),
    /// The query would hold more samples in memory than the configured limit.
    #[error("query processing would load too many samples into memory in {0}")]
    TooManySamples(std::borrow::Cow<'static, str>),
    /// The query ran past its time budget (`--query.timeout`; API errorType `timeout`).
    #[error("query timed out in {0}")]
    Timeout(std::borrow::Cow<'static, str>),
    /// Bad query parameters (API errorType `bad_data`): range too large, step zero, ...
    #[error("{0}")]
    BadParams(String),
    /// The query needs a native histogram operation this engine does not implement yet
    /// (API errorType `execution`): an error rather than an answer that would be wrong.
    #[error("not supported yet: {0} on native histograms")]
    Unsupported(String),
}

impl QueryError {
    /// The Prometheus HTTP API `errorType` for this error.
    pub fn error_type(&self) -> &'static str {
        match self {
            QueryError::Parse(_) | QueryError::BadParams(_) => "bad_data",
            QueryError::Eval(_) | QueryError::TooManySamples(_) | QueryError::Unsupported(_) => "execution",
            QueryError::Timeout(_) => "timeout",
        }
    }

    /// Shorthand for an execution error.
    pub fn eval(msg: impl Into<String>) -> Self {
        QueryError::Eval(msg.into())
    }

    /// Shorthand for a native histogram operation not implemented yet (`what` names it:
    /// "rate()", "histogram subtraction", ...).
    pub fn unsupported(what: impl Into<String>) -> Self {
        QueryError::Unsupported(what.into())
    }
}

/// Non-fatal findings of a query, de-duplicated, in the order first seen.
/// Texts follow Prometheus (`PromQL warning: ...`, `PromQL info: ...`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Annotations {
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
}

impl Annotations {
    /// Adds a warning unless the same text is already there.
    pub fn warn(&mut self, msg: impl Into<String>) {
        push_unique(&mut self.warnings, msg.into());
    }

    /// Adds an info unless the same text is already there.
    pub fn info(&mut self, msg: impl Into<String>) {
        push_unique(&mut self.infos, msg.into());
    }

    /// Appends all of `other`.
    pub fn merge(&mut self, other: Annotations) {
        other.warnings.into_iter().for_each(|w| self.warn(w));
        other.infos.into_iter().for_each(|i| self.info(i));
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty() && self.infos.is_empty()
    }
}

fn push_unique(list: &mut Vec<String>, msg: String) {
    if !list.contains(&msg) {
        list.push(msg);
    }
}
