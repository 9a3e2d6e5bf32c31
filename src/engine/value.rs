//! Query values: scalars, strings, instant vectors and range vectors (matrices) whose
//! samples are floats or native histograms, plus the staleness marker and histogram
//! placeholder encodings shared with storage.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::histogram::FloatHistogram;
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

/// The bit pattern stored in a series' float points where the series holds a native
/// histogram sample (another NaN no arithmetic produces, like the staleness marker). The
/// histogram itself lives beside the floats (see [`super::storage::StoredSeries`]), so float
/// windows stay plain `f64` slices and code that reads floats skips these slots.
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t: Millis,
    pub v: f64,
}

/// One native histogram sample of a series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HPoint {
    pub t: Millis,
    pub h: Arc<FloatHistogram>,
}

/// One element of an instant vector: a float (`h` is `None`) or a native histogram (then
/// `v` holds the placeholder and means nothing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub labels: Labels,
    pub t: Millis,
    pub v: f64,
    pub h: Option<Arc<FloatHistogram>>,
}

impl Sample {
    /// A float sample.
    pub fn float(labels: Labels, t: Millis, v: f64) -> Self {
        Sample { labels, t, v, h: None }
    }

    /// A histogram sample.
    pub fn histogram(labels: Labels, t: Millis, h: Arc<FloatHistogram>) -> Self {
        Sample { labels, t, v: histogram_placeholder(), h: Some(h) }
    }

    /// How many float samples this one weighs for the `max_samples` limit.
    pub fn weight(&self) -> usize {
        self.h.as_ref().map_or(1, |h| h.sample_weight())
    }
}

/// One series of a range vector: its float and histogram samples, each in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub labels: Labels,
    pub points: Vec<Point>,
    pub histograms: Vec<HPoint>,
}

impl Series {
    /// A series of float samples only.
    pub fn floats(labels: Labels, points: Vec<Point>) -> Self {
        Series { labels, points, histograms: Vec::new() }
    }

    /// True when the series holds no sample.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty() && self.histograms.is_empty()
    }

    /// How many float samples the series weighs for the `max_samples` limit.
    pub fn weight(&self) -> usize {
        self.points.len() + self.histograms.iter().map(|p| p.h.sample_weight()).sum::<usize>()
    }
}

/// The result of evaluating an expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
