//! Wraps promql-parser: guards inputs that make it panic and recovers an error position.
//! (Placeholder wrapper; positions and guards are filled in by the parse work.)

use promql_parser::parser::Expr;

use super::error::ParseError;

/// Parses a PromQL expression.
pub fn parse(query: &str) -> Result<Expr, ParseError> {
    promql_parser::parser::parse(query).map_err(|message| ParseError {
        message,
        line: 1,
        col: 1,
        span: (0, query.len()),
    })
}
