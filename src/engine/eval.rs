//! The evaluator: one match over the expression tree, at an instant or over a range.
//! (Placeholder until the evaluator lands.)

use promql_parser::parser::Expr;

use super::storage::Storage;
use super::value::Millis;
use super::{EngineOptions, QueryError, QueryOutput};

/// Evaluates `expr` at instant `t`.
pub fn eval_instant(
    _storage: &Storage,
    _expr: &Expr,
    _t: Millis,
    _opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    Err(QueryError::eval("evaluator not built yet"))
}

/// Evaluates `expr` over `[start, end]` every `step`.
pub fn eval_range(
    _storage: &Storage,
    _expr: &Expr,
    _start: Millis,
    _end: Millis,
    _step: Millis,
    _opts: &EngineOptions,
) -> Result<QueryOutput, QueryError> {
    Err(QueryError::eval("evaluator not built yet"))
}
