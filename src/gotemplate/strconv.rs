//! Go's number parsing (`strconv.ParseInt`, `ParseUint` with base 0, `ParseFloat`), with
//! Go's accepted syntax (base prefixes, `_` separators, hex floats, `Inf`/`NaN`) and Go's
//! error messages (`strconv.ParseFloat: parsing "one": invalid syntax`).

/// Why a number did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumError {
    Syntax,
    Range,
}

impl NumError {
    /// Go's message: `strconv.FUNC: parsing "TEXT": invalid syntax|value out of range`.
    pub fn message(self, func: &str, text: &str) -> String {
        let why = match self {
            NumError::Syntax => "invalid syntax",
            NumError::Range => "value out of range",
        };
        format!("strconv.{func}: parsing {}: {why}", super::quote::quote(text))
    }
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let lower = s.to_ascii_lowercase();
    let (base, digits) = if lower.starts_with("0x") {
        (16, &s[2..])
    } else if lower.starts_with("0b") {
        (2, &s[2..])
    } else if lower.starts_with("0o") {
        (8, &s[2..])
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let mut n: u64 = 0;
    let mut overflow = false;
    let mut underscores = false;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            underscores = true;
            continue;
        }
        let d = c.to_digit(base).ok_or(NumError::Syntax)? as u64;
        any = true;
        match n.checked_mul(base as u64).and_then(|v| v.checked_add(d)) {
            Some(v) => n = v,
            None => overflow = true,
        }
    }
    if !any && base != 8 {
        return Err(NumError::Syntax);
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    if overflow {
        return Err(NumError::Range);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Result<i64, NumError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(body)?;
    if neg {
        if u > 1 << 63 {
            return Err(NumError::Range);
        }
        Ok((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).map_err(|_| NumError::Range)
    }
}

/// `strconv.ParseFloat(s, 64)`. A value too large for a float64 is a range error (Go
/// returns ±Inf with it).
pub fn parse_float(s: &str) -> Result<f64, NumError> {
    if let Some(v) = special(s) {
        return Ok(v);
    }
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let value = match lower.strip_prefix("0x") {
        Some(hex) => parse_hex_float(hex)?,
        None => parse_decimal(body)?,
    };
    if body.contains('_') && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    if value.is_infinite() {
        return Err(NumError::Range);
    }
    Ok(if neg { -value } else { value })
}

/// `inf`, `infinity`, `nan` in any case, with an optional sign (not for NaN... Go allows
/// a sign only before the infinities).
fn special(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (0.0, s),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => Some(if sign < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY }),
        "nan" if sign == 0.0 => Some(f64::NAN),
        _ => None,
    }
}

/// A decimal literal: digits (with `_`), optional `.`, optional exponent; at least one
/// mantissa digit.
fn parse_decimal(body: &str) -> Result<f64, NumError> {
    let b = body.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    let mut dot = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits += 1,
            b'_' => {}
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return Err(NumError::Syntax);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        if !body[start..i].bytes().any(|c| c.is_ascii_digit()) {
            return Err(NumError::Syntax);
        }
    }
    if i != b.len() {
        return Err(NumError::Syntax);
    }
    body.replace('_', "").parse::<f64>().map_err(|_| NumError::Syntax)
}

/// A hex float after `0x`: hex digits with optional `.`, then a mandatory `p` exponent.
fn parse_hex_float(body: &str) -> Result<f64, NumError> {
    let (mant, exp) = body.split_once('p').ok_or(NumError::Syntax)?;
    let exp_digits = exp.trim_start_matches(['+', '-']);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return Err(NumError::Syntax);
    }
    let exp: i32 = exp.replace('_', "").parse().unwrap_or(if exp.starts_with('-') { -9999 } else { 9999 });
    let mut value = 0f64;
    let mut scale = 0i32;
    let mut dot = false;
    let mut any = false;
    for c in mant.chars() {
        match c {
            '.' if !dot => dot = true,
            '_' => {}
            c => {
                let d = c.to_digit(16).ok_or(NumError::Syntax)?;
                value = value * 16.0 + d as f64;
                any = true;
                if dot {
                    scale -= 4;
                }
            }
        }
    }
    if !any {
        return Err(NumError::Syntax);
    }
    Ok(value * 2f64.powi(exp.saturating_add(scale)))
}

/// Go's rule for `_` in number literals: only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.trim_start_matches(['+', '-']).as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `int64(f)` on amd64: out-of-range values (and NaN) become the minimum int64.
pub fn f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        assert_eq!(parse_int("0x1F"), Ok(31));
        assert_eq!(parse_int("-0b101"), Ok(-5));
        assert_eq!(parse_int("017"), Ok(15));
        assert_eq!(parse_int("1_000"), Ok(1000));
        assert_eq!(parse_int("1__0"), Err(NumError::Syntax));
        assert_eq!(parse_int("9223372036854775808"), Err(NumError::Range));
        assert_eq!(parse_uint("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_float("+Inf"), Ok(f64::INFINITY));
        assert!(parse_float("NaN").is_ok_and(f64::is_nan));
        assert_eq!(parse_float(".12"), Ok(0.12));
        assert_eq!(parse_float("0x1p-2"), Ok(0.25));
        assert_eq!(parse_float("1e400"), Err(NumError::Range));
        assert_eq!(parse_float("one"), Err(NumError::Syntax));
        assert_eq!(parse_float("1e"), Err(NumError::Syntax));
        assert_eq!(
            NumError::Syntax.message("ParseFloat", "one"),
            "strconv.ParseFloat: parsing \"one\": invalid syntax"
        );
        assert_eq!(f64_to_i64(1e300), i64::MIN);
    }
}
