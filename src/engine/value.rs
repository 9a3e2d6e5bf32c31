//! Query values: scalars, strings, instant vectors and range vectors (matrices), plus the
//! staleness marker encoding shared with storage.

use super::labels::Labels;

/// Milliseconds since the Unix epoch, Prometheus's timestamp unit.
pub type Millis = i64;

/// The bit pattern Prometheus writes for a staleness marker (a particular NaN).
pub const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

/// The staleness marker value.
pub fn stale_nan() -> f64 {
    f64::from_bits(STALE_NAN_BITS)
}

/// True when `v` is a staleness marker (not any NaN: only the marker's bit pattern).
pub fn is_stale(v: f64) -> bool {
    v.to_bits() == STALE_NAN_BITS
}

/// The bit pattern stored where a test file loaded a native histogram sample (another NaN
/// no arithmetic produces, like the staleness marker). The engine holds floats only, so such
/// a sample is kept as a placeholder: selectors leave it out of float results and count it
/// in [`super::QueryStats::native_histograms_read`], so a caller knows the answer lacks a
/// histogram Prometheus would have read. Only the promqltest runner stores placeholders.
pub const HISTOGRAM_PLACEHOLDER_BITS: u64 = 0x7ff0_0000_0000_0003;

/// The native histogram placeholder value.
pub fn histogram_placeholder() -> f64 {
    f64::from_bits(HISTOGRAM_PLACEHOLDER_BITS)
}

/// True when `v` is the native histogram placeholder (only its exact bit pattern).
pub fn is_histogram_placeholder(v: f64) -> bool {
    v.to_bits() == HISTOGRAM_PLACEHOLDER_BITS
}

/// One float sample of a series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub t: Millis,
    pub v: f64,
}

/// One element of an instant vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub t: Millis,
    pub v: f64,
}

/// One series of a range vector: its samples in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<Point>,
}

/// The result of evaluating an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar { t: Millis, v: f64 },
    String { t: Millis, s: String },
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
}

impl Value {
    /// The Prometheus API name of this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar { .. } => "scalar",
            Value::String { .. } => "string",
            Value::Vector(_) => "vector",
            Value::Matrix(_) => "matrix",
        }
    }
}

/// Formats a sample value the way Prometheus's API does (Go's
/// `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent),
/// with `NaN`, `+Inf` and `-Inf` spelled as Prometheus spells them.
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        // Rust's Display is already shortest round-trip without an exponent.
        format!("{v}")
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_float;

    #[test]
    fn formats_like_prometheus() {
        for (v, want) in [
            (1.5, "1.5"),
            (1.0, "1"),
            (-0.0, "-0"),
            (1e21, "1000000000000000000000"),
            (1e-7, "0.0000001"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(format_float(v), want);
        }
    }
}
