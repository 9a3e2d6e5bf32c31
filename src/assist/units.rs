//! The unit of a query's result, for the chart's y axis and tooltip: read from the metric
//! names the query selects (Prometheus's naming convention puts the base unit in the name:
//! `_bytes`, `_seconds`, `_ratio`) and carried through the query's functions, aggregations
//! and operators. `rate(x_bytes_total[5m])` is in bytes per second, `histogram_quantile`
//! over `x_seconds_bucket` in seconds, `hits / lookups` a ratio; whenever the unit is not
//! certain (a product, a scaled value, mixed units) the answer is [`Unit::None`] and the chart
//! shows plain numbers.

use promql_parser::parser::{AggregateExpr, BinaryExpr, Call, Expr};
use serde::{Deserialize, Serialize};

use crate::rules::ast::exact_name;

/// How the values of a result are displayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Plain numbers.
    #[default]
    None,
    /// Bytes, shown in binary multiples (KiB, MiB, GiB).
    Bytes,
    /// Bytes per second (KiB/s, MiB/s).
    BytesPerSecond,
    /// Seconds, shown as durations (250ms, 1.5s, 2m).
    Seconds,
    /// A fraction of one, shown as a percentage.
    Ratio,
}

/// The unit of `query`'s result (None when it does not parse).
pub fn of_query(query: &str) -> Unit {
    crate::engine::parse::parse(query).map(|e| of_expr(&e)).unwrap_or_default()
}

/// The unit of an expression's result.
pub fn of_expr(expr: &Expr) -> Unit {
    dim(expr).unit()
}

/// The base quantity the values measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    /// Events or observations (a counter without a unit, a histogram's `_count` or buckets).
    Count,
    Bytes,
    Seconds,
    Ratio,
    /// A number written in the query (scales whatever it multiplies).
    Literal,
    /// Anything else.
    Unknown,
}

/// A base quantity, possibly per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dim {
    base: Base,
    per_second: bool,
}

const UNKNOWN: Dim = Dim { base: Base::Unknown, per_second: false };
const LITERAL: Dim = Dim { base: Base::Literal, per_second: false };

impl Dim {
    fn of(base: Base) -> Dim {
        Dim { base, per_second: false }
    }

    fn unit(self) -> Unit {
        match (self.base, self.per_second) {
            (Base::Bytes, false) => Unit::Bytes,
            (Base::Bytes, true) => Unit::BytesPerSecond,
            (Base::Seconds, false) => Unit::Seconds,
            (Base::Ratio, false) => Unit::Ratio,
            _ => Unit::None,
        }
    }

    /// The change per second of this quantity (`rate`, `irate`, `deriv`).
    fn per_second(self) -> Dim {
        match self.base {
            Base::Literal | Base::Unknown => UNKNOWN,
            _ if self.per_second => UNKNOWN,
            base => Dim { base, per_second: true },
        }
    }
}

/// The unit a metric name declares by convention: `_bytes`, `_seconds`, `_ratio` before an
/// optional `_total` or histogram/summary `_sum`; a histogram's buckets and `_count`, and a
/// counter with no unit, count events.
fn of_name(name: &str) -> Dim {
    if name.ends_with("_bucket") || name.ends_with("_count") {
        return Dim::of(Base::Count);
    }
    let stem = name.strip_suffix("_total").or_else(|| name.strip_suffix("_sum")).unwrap_or(name);
    let base = if stem.ends_with("_bytes") {
        Base::Bytes
    } else if stem.ends_with("_seconds") {
        Base::Seconds
    } else if stem.ends_with("_ratio") {
        Base::Ratio
    } else if name.ends_with("_total") {
        Base::Count
    } else {
        Base::Unknown
    };
    Dim::of(base)
}

fn dim(expr: &Expr) -> Dim {
    match expr {
        Expr::NumberLiteral(_) => LITERAL,
        Expr::StringLiteral(_) | Expr::Extension(_) => UNKNOWN,
        Expr::VectorSelector(vs) => exact_name(vs).map_or(UNKNOWN, of_name),
        Expr::MatrixSelector(ms) => exact_name(&ms.vs).map_or(UNKNOWN, of_name),
        Expr::Paren(p) => dim(&p.expr),
        Expr::Subquery(s) => dim(&s.expr),
        Expr::Unary(u) => dim(&u.expr),
        Expr::Aggregate(a) => aggregate(a),
        Expr::Call(c) => call(c),
        Expr::Binary(b) => binary(b),
    }
}

fn aggregate(a: &AggregateExpr) -> Dim {
    match a.op.to_string().as_str() {
        "sum" | "avg" | "min" | "max" | "topk" | "bottomk" | "quantile" | "stddev" | "limitk"
        | "limit_ratio" => dim(&a.expr),
        _ => UNKNOWN,
    }
}

/// Functions whose result has the unit of their (first vector) argument.
const KEEPS_UNIT: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "round",
    "clamp",
    "clamp_min",
    "clamp_max",
    "sort",
    "sort_desc",
    "sort_by_label",
    "sort_by_label_desc",
    "label_replace",
    "label_join",
    "last_over_time",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "quantile_over_time",
    "stddev_over_time",
    "mad_over_time",
    "predict_linear",
    "delta",
    "idelta",
    "increase",
    "holt_winters",
    "double_exponential_smoothing",
    "histogram_avg",
    "histogram_sum",
    "histogram_stddev",
];

fn call(c: &Call) -> Dim {
    let name = c.func.name;
    // The vector or matrix argument (quantile_over_time and clamp put scalars around it).
    let arg = c.args.args.iter().map(|a| dim(a)).find(|d| d.base != Base::Literal).unwrap_or(UNKNOWN);
    match name {
        "rate" | "irate" | "deriv" => arg.per_second(),
        "histogram_quantile" => c.args.args.get(1).map_or(UNKNOWN, |a| bucket_unit(a)),
        "histogram_fraction" => Dim::of(Base::Ratio),
        _ if KEEPS_UNIT.contains(&name) => {
            if name.starts_with("histogram_") {
                c.args.args.first().map_or(UNKNOWN, |a| bucket_unit(a))
            } else {
                arg
            }
        }
        _ => UNKNOWN,
    }
}

/// The unit of the observations a histogram expression holds: the unit of the metric its
/// buckets belong to (`x_seconds_bucket` → seconds), or of a native histogram's name.
fn bucket_unit(expr: &Expr) -> Dim {
    let mut found = None;
    first_name(expr, &mut found);
    found.map_or(UNKNOWN, |n| of_name(n.strip_suffix("_bucket").unwrap_or(n)))
}

fn first_name<'e>(expr: &'e Expr, found: &mut Option<&'e str>) {
    if found.is_some() {
        return;
    }
    match expr {
        Expr::VectorSelector(vs) => *found = exact_name(vs),
        Expr::MatrixSelector(ms) => *found = exact_name(&ms.vs),
        Expr::Paren(p) => first_name(&p.expr, found),
        Expr::Subquery(s) => first_name(&s.expr, found),
        Expr::Unary(u) => first_name(&u.expr, found),
        Expr::Aggregate(a) => first_name(&a.expr, found),
        Expr::Call(c) => c.args.args.iter().for_each(|a| first_name(a, found)),
        Expr::Binary(b) => {
            first_name(&b.lhs, found);
            first_name(&b.rhs, found);
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn binary(b: &BinaryExpr) -> Dim {
    let (l, r) = (dim(&b.lhs), dim(&b.rhs));
    let returns_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
    let op = b.op.to_string();
    // A filter keeps the vector side's values; `bool` turns them into 0 and 1.
    if b.op.is_comparison_operator() {
        return match (returns_bool, l.base) {
            (true, _) => UNKNOWN,
            (false, Base::Literal) => r,
            (false, _) => l,
        };
    }
    match op.as_str() {
        "and" | "unless" => l,
        "or" if l == r => l,
        "+" | "-" => match (l.base, r.base) {
            (Base::Literal, Base::Literal) => LITERAL,
            (Base::Literal, _) => r,
            (_, Base::Literal) => l,
            _ if l == r => l,
            _ => UNKNOWN,
        },
        "/" => divide(l, r),
        _ => UNKNOWN,
    }
}

/// `a / b`: like quantities give a ratio (errors over requests, used over limit bytes); a
/// total over a count of events gives the average per event (`_sum / _count`: seconds).
fn divide(a: Dim, b: Dim) -> Dim {
    let known = |d: Dim| !matches!(d.base, Base::Literal | Base::Unknown);
    if a == b && known(a) {
        Dim::of(Base::Ratio)
    } else if b.base == Base::Count
        && a.per_second == b.per_second
        && matches!(a.base, Base::Bytes | Base::Seconds)
    {
        Dim::of(a.base)
    } else {
        UNKNOWN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_of_queries() {
        let cases: &[(&str, Unit)] = &[
            // Selectors: the name's unit.
            ("model_memory_usage_bytes", Unit::Bytes),
            (r#"{__name__="model_memory_usage_bytes", model="recommender"}"#, Unit::Bytes),
            ("model_prediction_duration_seconds_sum", Unit::Seconds),
            ("model_prediction_duration_seconds_count", Unit::None),
            ("model_predictions_total", Unit::None),
            ("process_cpu_ratio", Unit::Ratio),
            ("up", Unit::None),
            (r#"{__name__=~"model_.*_bytes"}"#, Unit::None),
            // Functions and aggregations that keep it, or change it.
            ("max by (model) (model_memory_usage_bytes)", Unit::Bytes),
            ("avg_over_time(model_memory_usage_bytes[1h])", Unit::Bytes),
            ("quantile_over_time(0.9, model_memory_usage_bytes[1h])", Unit::Bytes),
            ("predict_linear(model_memory_usage_bytes[1h], 3600)", Unit::Bytes),
            ("deriv(model_memory_usage_bytes[1h])", Unit::BytesPerSecond),
            ("rate(network_transmit_bytes_total[5m])", Unit::BytesPerSecond),
            ("increase(network_transmit_bytes_total[1h])", Unit::Bytes),
            ("rate(container_cpu_usage_seconds_total[5m])", Unit::None),
            ("count(model_memory_usage_bytes)", Unit::None),
            ("timestamp(model_memory_usage_bytes)", Unit::None),
            ("max_over_time(rate(network_transmit_bytes_total[5m])[1h:1m])", Unit::BytesPerSecond),
            // Histograms: the observations' unit.
            (
                "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
                Unit::Seconds,
            ),
            ("histogram_quantile(0.5, rate(request_size_bytes_bucket[5m]))", Unit::Bytes),
            (
                "sum(rate(model_prediction_duration_seconds_sum[5m])) / sum(rate(model_prediction_duration_seconds_count[5m]))",
                Unit::Seconds,
            ),
            // Ratios of like quantities.
            (
                "sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
                Unit::Ratio,
            ),
            ("rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m])", Unit::Ratio),
            ("model_memory_usage_bytes / container_memory_usage_bytes", Unit::Ratio),
            // Scaled or mixed: plain numbers.
            ("model_memory_usage_bytes / 1024 / 1024", Unit::None),
            ("rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m]) * 100", Unit::None),
            (
                "sum(rate(model_predictions_total[5m])) / sum(rate(container_cpu_usage_seconds_total[5m]))",
                Unit::None,
            ),
            ("model_memory_usage_bytes + model_prediction_duration_seconds_sum", Unit::None),
            // Filters keep the vector side; bool makes 0/1.
            ("model_memory_usage_bytes > 1e9", Unit::Bytes),
            ("1e9 < model_memory_usage_bytes", Unit::Bytes),
            ("model_memory_usage_bytes > bool 1e9", Unit::None),
            ("model_memory_usage_bytes - 100", Unit::Bytes),
            ("-model_memory_usage_bytes", Unit::Bytes),
            ("model_memory_usage_bytes and on (pod) up", Unit::Bytes),
            ("model_memory_usage_bytes or container_memory_usage_bytes", Unit::Bytes),
            ("model_memory_usage_bytes or up", Unit::None),
            // Not PromQL: nothing to say.
            ("sum(", Unit::None),
            ("1 + 2", Unit::None),
        ];
        for (query, want) in cases {
            assert_eq!(of_query(query), *want, "{query}");
        }
    }
}
