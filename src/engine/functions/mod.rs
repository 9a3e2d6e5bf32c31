//! The function table: every PromQL function by name, with how it treats the metric name.
//!
//! Implementations live in one file per family and follow Prometheus 3.x's
//! `promql/functions.go` (values, special cases, annotation wording). The evaluator looks a
//! function up with [`lookup`], evaluates the arguments and calls [`FnDef::imp`] once per
//! evaluation step; it drops `__name__` from the result unless [`FnDef::keeps_name`].

use promql_parser::parser::Expr;

use super::error::{Annotations, QueryError};
use super::value::{Millis, Value};

mod absent;
mod args;
pub mod format;
mod histogram;
pub mod histogram_groups;
mod labels;
mod math;
mod native_histogram;
mod over_time;
mod rate;
mod rate_hist;
pub mod resets;
mod sort;
mod time;
mod trend;
mod trend_x_sums;
pub mod window;
mod window_hist;

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
    /// For the functions that group classic buckets: the call node's grouping from the
    /// previous step (see `histogram_groups`).
    pub bucket_plan: Option<&'a mut histogram_groups::BucketPlan>,
    /// Prometheus 2.x means (`EngineOptions::v2_numerics`).
    pub v2_numerics: bool,
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

/// A row whose result loses the metric name (most functions).
const fn drops(name: &'static str, imp: FnImpl) -> FnDef {
    FnDef { name, imp, keeps_name: false }
}

/// A row whose result keeps the metric name: functions that only reorder or relabel series
/// (sort*, label_*) and the two that act like an offset (first/last_over_time).
const fn keeps(name: &'static str, imp: FnImpl) -> FnDef {
    FnDef { name, imp, keeps_name: true }
}

/// The table, one row per function Prometheus 3.x implements and the parser accepts.
/// Absent on purpose: `info` (evaluated by the evaluator, it needs storage), `integral`
/// (accepted by the parser, unknown to Prometheus), `start`/`end`/`range`/`step` (folded
/// into numbers from the query parameters before evaluation) and `start_timestamp` (needs
/// stored start timestamps, which this store does not keep).
pub static TABLE: &[FnDef] = &[
    // Elementwise math (math.rs).
    drops("abs", math::abs),
    drops("ceil", math::ceil),
    drops("floor", math::floor),
    drops("exp", math::exp),
    drops("sqrt", math::sqrt),
    drops("ln", math::ln),
    drops("log2", math::log2),
    drops("log10", math::log10),
    drops("sgn", math::sgn),
    drops("round", math::round),
    drops("clamp", math::clamp),
    drops("clamp_max", math::clamp_max),
    drops("clamp_min", math::clamp_min),
    drops("sin", math::sin),
    drops("cos", math::cos),
    drops("tan", math::tan),
    drops("asin", math::asin),
    drops("acos", math::acos),
    drops("atan", math::atan),
    drops("sinh", math::sinh),
    drops("cosh", math::cosh),
    drops("tanh", math::tanh),
    drops("asinh", math::asinh),
    drops("acosh", math::acosh),
    drops("atanh", math::atanh),
    drops("deg", math::deg),
    drops("rad", math::rad),
    drops("pi", math::pi),
    drops("max_of", math::max_of),
    drops("min_of", math::min_of),
    drops("scalar", math::scalar),
    drops("vector", math::vector),
    // Clock and calendar (time.rs).
    drops("time", time::time),
    drops("timestamp", time::timestamp),
    drops("year", time::year),
    drops("month", time::month),
    drops("day_of_month", time::day_of_month),
    drops("day_of_week", time::day_of_week),
    drops("day_of_year", time::day_of_year),
    drops("days_in_month", time::days_in_month),
    drops("hour", time::hour),
    drops("minute", time::minute),
    // Counters and gauges over a window (rate.rs).
    drops("rate", window::reduce_call),
    drops("increase", window::reduce_call),
    drops("delta", window::reduce_call),
    drops("irate", window::reduce_call),
    drops("idelta", window::reduce_call),
    // Aggregation over time (over_time.rs).
    drops("avg_over_time", window::reduce_call),
    drops("sum_over_time", window::reduce_call),
    drops("count_over_time", window::reduce_call),
    drops("min_over_time", window::reduce_call),
    drops("max_over_time", window::reduce_call),
    drops("quantile_over_time", over_time::quantile_over_time),
    drops("stddev_over_time", window::reduce_call),
    drops("stdvar_over_time", window::reduce_call),
    drops("mad_over_time", over_time::mad_over_time),
    drops("present_over_time", window::reduce_call),
    keeps("last_over_time", window::reduce_call),
    keeps("first_over_time", window::reduce_call),
    drops("ts_of_first_over_time", window::reduce_call),
    drops("ts_of_last_over_time", window::reduce_call),
    drops("ts_of_min_over_time", window::reduce_call),
    drops("ts_of_max_over_time", window::reduce_call),
    drops("changes", window::reduce_call),
    drops("resets", window::reduce_call),
    // Trends (trend.rs).
    drops("deriv", window::reduce_call),
    drops("predict_linear", window::reduce_call),
    drops("double_exponential_smoothing", trend::double_exponential_smoothing),
    // Histograms (histogram.rs, native_histogram.rs).
    drops("histogram_quantile", histogram::histogram_quantile),
    drops("histogram_quantiles", histogram::histogram_quantiles),
    drops("histogram_fraction", histogram::histogram_fraction),
    drops("histogram_count", native_histogram::histogram_count),
    drops("histogram_sum", native_histogram::histogram_sum),
    drops("histogram_avg", native_histogram::histogram_avg),
    drops("histogram_stddev", native_histogram::histogram_stddev),
    drops("histogram_stdvar", native_histogram::histogram_stdvar),
    // Labels and order (labels.rs, sort.rs).
    keeps("label_replace", labels::label_replace),
    keeps("label_join", labels::label_join),
    keeps("sort", sort::sort),
    keeps("sort_desc", sort::sort_desc),
    keeps("sort_by_label", sort::sort_by_label),
    keeps("sort_by_label_desc", sort::sort_by_label_desc),
    // Absence (absent.rs).
    drops("absent", absent::absent),
    drops("absent_over_time", absent::absent_over_time),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_known_to_the_parser() {
        for (i, def) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|d| d.name != def.name), "duplicate row {}", def.name);
            // A known function with wrong arguments is an arity error, not an unknown name.
            let parsed = promql_parser::parser::parse(&format!("{}()", def.name));
            assert!(!parsed.is_err_and(|e| e.contains("unknown function")), "parser lacks {}", def.name);
        }
    }

    #[test]
    fn name_keeping_follows_prometheus() {
        let kept: Vec<_> = TABLE.iter().filter(|d| d.keeps_name).map(|d| d.name).collect();
        assert_eq!(
            kept,
            [
                "last_over_time",
                "first_over_time",
                "label_replace",
                "label_join",
                "sort",
                "sort_desc",
                "sort_by_label",
                "sort_by_label_desc"
            ]
        );
        assert!(lookup("rate").is_some_and(|d| !d.keeps_name));
        assert!(lookup("no_such_function").is_none());
    }
}
