//! Go's float formatting, for messages and labels that must read exactly as Prometheus
//! writes them: `%g` / `%v` (shortest digits, exponent form outside a range) and
//! `strconv.FormatFloat(f, 'f', -1, 64)`.

/// `fmt.Sprintf("%g", v)`: exponent form when the decimal exponent is < -4 or >= 6.
pub fn format_g(v: f64) -> String {
    shortest(v, 6)
}

/// `fmt.Sprintf("%v", v)`: like `%g` but the exponent form starts at 1e21.
pub fn format_v(v: f64) -> String {
    shortest(v, 21)
}

/// `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent.
pub fn format_f(v: f64) -> String {
    special(v).unwrap_or_else(|| format!("{v}"))
}

fn special(v: f64) -> Option<String> {
    if v.is_nan() {
        Some("NaN".into())
    } else if v == f64::INFINITY {
        Some("+Inf".into())
    } else if v == f64::NEG_INFINITY {
        Some("-Inf".into())
    } else {
        None
    }
}

fn shortest(v: f64, exp_limit: i32) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    // Rust's `{:e}` gives the shortest round-trip digits as `d.ddde<exp>`.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= exp_limit {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_go() {
        let g: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (-1.0, "-1"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
        ];
        for &(v, want) in g {
            assert_eq!(format_g(v), want, "%g of {v}");
        }
        assert_eq!(format_v(1e20), "100000000000000000000");
        assert_eq!(format_v(1e21), "1e+21");
        assert_eq!(format_f(1e21), "1000000000000000000000");
        assert_eq!(format_f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_f(0.1), "0.1");
    }
}
