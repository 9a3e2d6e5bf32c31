//! Elementwise math (abs, rounding, logarithms, trigonometry, clamping) and the small
//! scalar/vector converters (`scalar`, `vector`, `pi`, `max_of`, `min_of`).

use std::f64::consts::PI;

use super::args::map_values;
use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::labels::Labels;
use crate::engine::value::Value;

type R = Result<Value, QueryError>;

/// Defines functions that apply one `f64 -> f64` to every sample.
macro_rules! elementwise {
    ($($name:ident => $f:expr;)*) => {
        $(pub(super) fn $name(call: &mut FnCall) -> R {
            map_values(call, $f)
        })*
    };
}

elementwise! {
    abs => f64::abs;
    ceil => f64::ceil;
    floor => f64::floor;
    exp => f64::exp;
    sqrt => f64::sqrt;
    ln => f64::ln;
    log2 => f64::log2;
    log10 => f64::log10;
    sgn => sgn_of;
    sin => f64::sin;
    cos => f64::cos;
    tan => f64::tan;
    asin => f64::asin;
    acos => f64::acos;
    atan => f64::atan;
    sinh => f64::sinh;
    cosh => f64::cosh;
    tanh => f64::tanh;
    asinh => f64::asinh;
    acosh => f64::acosh;
    atanh => f64::atanh;
    deg => |v| v * 180.0 / PI;
    rad => |v| v * PI / 180.0;
}

/// -1, 1, or the value itself for ±0 and NaN.
fn sgn_of(v: f64) -> f64 {
    if v < 0.0 {
        -1.0
    } else if v > 0.0 {
        1.0
    } else {
        v
    }
}

/// `round(v, to_nearest=1)`: ties round up, computed through the inverse as upstream does
/// (it is kinder to decimal fractions like 0.1).
pub(super) fn round(call: &mut FnCall) -> R {
    let inverse = 1.0 / call.scalar_or(1, 1.0)?;
    map_values(call, |v| (v * inverse + 0.5).floor() / inverse)
}

pub(super) fn clamp(call: &mut FnCall) -> R {
    let (lo, hi) = (call.scalar(1)?, call.scalar(2)?);
    clamp_between(call, lo, hi)
}

pub(super) fn clamp_max(call: &mut FnCall) -> R {
    let hi = call.scalar(1)?;
    clamp_between(call, f64::NEG_INFINITY, hi)
}

pub(super) fn clamp_min(call: &mut FnCall) -> R {
    let lo = call.scalar(1)?;
    clamp_between(call, lo, f64::INFINITY)
}

/// An empty result when `hi < lo`; NaN bounds make every value NaN (Go's `math.Max/Min`).
fn clamp_between(call: &mut FnCall, lo: f64, hi: f64) -> R {
    if hi < lo {
        call.take_vector(0)?;
        return Ok(Value::Vector(Vec::new()));
    }
    map_values(call, |v| go_max(lo, go_min(hi, v)))
}

pub(super) fn pi(call: &mut FnCall) -> R {
    Ok(Value::Scalar { t: call.t, v: PI })
}

pub(super) fn max_of(call: &mut FnCall) -> R {
    Ok(Value::Scalar { t: call.t, v: go_max(call.scalar(0)?, call.scalar(1)?) })
}

pub(super) fn min_of(call: &mut FnCall) -> R {
    Ok(Value::Scalar { t: call.t, v: go_min(call.scalar(0)?, call.scalar(1)?) })
}

/// `scalar(v)`: the value of the vector's only float sample, else NaN (histogram samples
/// do not count).
pub(super) fn scalar(call: &mut FnCall) -> R {
    let vector = call.take_floats(0)?;
    let v = match vector.as_slice() {
        [only] => only.v,
        _ => f64::NAN,
    };
    Ok(Value::Scalar { t: call.t, v })
}

/// `vector(s)`: one sample without labels.
pub(super) fn vector(call: &mut FnCall) -> R {
    let v = call.scalar(0)?;
    Ok(call.vector(vec![(Labels::empty(), v)]))
}

/// Go's `math.Max`: +Inf wins over NaN, NaN wins over numbers, +0 over -0.
pub(super) fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() {
            y
        } else {
            x
        }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`: -Inf wins over NaN, NaN wins over numbers, -0 over +0.
pub(super) fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_min_max_special_cases() {
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        assert_eq!(go_max(inf, nan), inf);
        assert!(go_max(1.0, nan).is_nan());
        assert!(go_max(-0.0, 0.0).is_sign_positive());
        assert_eq!(go_min(-inf, nan), -inf);
        assert!(go_min(nan, 1.0).is_nan());
        assert!(go_min(0.0, -0.0).is_sign_negative());
        assert_eq!(go_max(go_min(5.0, 7.0), -3.0), 5.0);
    }

    #[test]
    fn sgn_keeps_zero_and_nan() {
        assert_eq!(sgn_of(-3.0), -1.0);
        assert_eq!(sgn_of(0.5), 1.0);
        assert!(sgn_of(-0.0).is_sign_negative());
        assert!(sgn_of(f64::NAN).is_nan());
    }
}
