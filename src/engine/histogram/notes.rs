//! The annotations Prometheus attaches when native histograms meet operations (wording of
//! `util/annotations`, without the position suffix the engine does not track).

/// An aggregation that orders or averages floats met a histogram (`op`: "max", "topk", ...).
pub fn ignored_in_aggregation(op: &str) -> String {
    format!("PromQL info: ignored histogram in {op} aggregation")
}

/// A range function that reads floats only met a window holding histograms too.
pub fn ignored_in_mixed_range(metric: &str) -> String {
    format!("PromQL info: ignored histograms in a range containing both floats and histograms for metric name {metric:?}")
}

/// A `sum`/`avg` group held floats and histograms.
pub const MIXED_IN_AGGREGATION: &str =
    "PromQL warning: encountered a mix of histograms and floats for aggregation";

/// A function that cannot mix them met floats and histograms in one series' window.
pub fn mixed_floats_histograms(metric: &str) -> String {
    format!("PromQL warning: encountered a mix of histograms and floats for metric name {metric:?}")
}

/// Exponential and custom-bucket histograms could not be combined.
pub fn mixed_schemas(metric: &str) -> String {
    format!(
        "PromQL warning: vector contains a mix of histograms with exponential and custom buckets schemas for metric name {metric:?}"
    )
}

/// One histogram said "counter reset", another "no counter reset" (`operation`:
/// "aggregation", "addition", "subtraction").
pub fn counter_reset_collision(operation: &str) -> String {
    format!("PromQL warning: conflicting counter resets during histogram {operation}")
}

/// Custom bucket bounds differed and were reconciled to the common ones.
pub fn custom_bounds_reconciled(operation: &str) -> String {
    format!("PromQL info: mismatched custom buckets were reconciled during {operation}")
}

/// A binary operator met a sample type it does not apply to.
pub fn incompatible_types(op: &str, lhs: &str, rhs: &str) -> String {
    format!("PromQL info: incompatible sample types encountered for binary operator {op:?}: {lhs} {op} {rhs}")
}

/// A binary operator met histograms it could not combine.
pub fn incompatible_layout(op: &str) -> String {
    format!("PromQL warning: incompatible bucket layout encountered for binary operator {op}")
}

/// A classic and a native histogram share labels in `histogram_quantile`/`fraction`.
pub fn mixed_classic_native(metric: &str) -> String {
    let base = "PromQL warning: vector contains a mix of classic and native histograms";
    if metric.is_empty() {
        base.to_string()
    } else {
        format!("{base} for metric name {metric:?}")
    }
}
