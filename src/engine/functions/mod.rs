//! The function table: every PromQL function by name, with how it treats the metric name.

use promql_parser::parser::Expr;

use super::error::{Annotations, QueryError};
use super::value::{Millis, Value};

/// What a function implementation receives: its evaluated arguments plus context.
pub struct FnCall<'a> {
    /// The function name as written.
    pub name: &'static str,
    /// Arguments, evaluated: instant vectors as `Value::Vector`, range arguments as
    /// `Value::Matrix` holding each series' window, scalars, strings.
    pub args: Vec<Value>,
    /// The argument expressions as written (absent() derives labels from them).
    pub exprs: &'a [Box<Expr>],
    /// The evaluation timestamp.
    pub t: Millis,
    /// For a range argument: its window `(start, end]` after `offset` and `@` were applied.
    pub range_window: Option<(Millis, Millis)>,
    /// Where warnings and infos go.
    pub annotations: &'a mut Annotations,
}

/// A function implementation.
pub type FnImpl = fn(&mut FnCall) -> Result<Value, QueryError>;

/// A row of the function table.
pub struct FnDef {
    pub name: &'static str,
    pub imp: FnImpl,
    /// True when the result keeps `__name__` (label_replace, sort, last_over_time, ...).
    pub keeps_name: bool,
}

/// Looks a function up by name.
pub fn lookup(name: &str) -> Option<&'static FnDef> {
    TABLE.iter().find(|d| d.name == name)
}

/// The table. One row per function.
static TABLE: &[FnDef] = &[];
