//! Go's float formatting (`strconv.FormatFloat`): `%e`, `%f`, `%g` with or without a
//! precision, shortest round-trip digits, `%x` hex floats and `%b`. Digits come from Rust's
//! exact formatting (correctly rounded, ties to even, as Go's), laid out by Go's rules.

/// Decimal digits (no trailing zeros) with the decimal point `dp` digits from the left.
struct Digits {
    digits: Vec<u8>,
    dp: i32,
}

/// The shortest digits that read back as `v` (`v` finite, non-negative).
fn shortest(v: f64) -> Digits {
    from_sci(&format!("{v:e}"))
}

/// `v` rounded to `n` (≥ 1) significant digits.
fn significant(v: f64, n: usize) -> Digits {
    from_sci(&format!("{:.*e}", n - 1, v))
}

/// Parses Rust's `d.ddde±x` into digits and decimal point, dropping trailing zeros.
fn from_sci(s: &str) -> Digits {
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return Digits { digits, dp: 0 };
    }
    Digits { digits, dp: exp + 1 }
}

/// `strconv.FormatFloat(v, fmt, prec, 64)` for `fmt` in `e E f F g G x X b`; a negative
/// `prec` asks for the shortest representation.
pub fn format_float(v: f64, fmt: char, prec: i32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let neg = v.is_sign_negative();
    let a = v.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    match fmt {
        'b' => {
            let bits = a.to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i32;
            let mut mant = bits & ((1 << 52) - 1);
            let e = if exp == 0 {
                -1074
            } else {
                mant |= 1 << 52;
                exp - 1075
            };
            out.push_str(&format!("{mant}p{}{}", if e >= 0 { "+" } else { "-" }, e.abs()));
        }
        'x' | 'X' => out.push_str(&hex_float(a, prec, fmt == 'X')),
        'f' | 'F' => {
            if prec < 0 {
                let d = shortest(a);
                let frac = (d.digits.len() as i32 - d.dp).max(0);
                push_f(&mut out, &d, frac);
            } else {
                out.push_str(&format!("{:.*}", prec as usize, a));
            }
        }
        'e' | 'E' => {
            let d = if prec < 0 { shortest(a) } else { significant(a, prec as usize + 1) };
            let prec = if prec < 0 { d.digits.len() as i32 - 1 } else { prec };
            push_e(&mut out, &d, prec.max(0), fmt);
        }
        _ => {
            let shortest_mode = prec < 0;
            let d = if shortest_mode {
                shortest(a)
            } else {
                significant(a, if prec == 0 { 1 } else { prec as usize })
            };
            let nd = d.digits.len() as i32;
            let mut prec = if shortest_mode {
                nd
            } else if prec == 0 {
                1
            } else {
                prec
            };
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = d.dp - 1;
            let e = if fmt == 'G' { 'E' } else { 'e' };
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                push_e(&mut out, &d, (prec - 1).max(0), e);
            } else {
                if prec > d.dp {
                    prec = nd;
                }
                push_f(&mut out, &d, (prec - d.dp).max(0));
            }
        }
    }
    out
}

/// Go's `fmtE`: one digit, `prec` more after the point, `e±dd`.
fn push_e(out: &mut String, d: &Digits, prec: i32, e: char) {
    out.push(d.digits.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as usize {
            out.push(d.digits.get(i).map_or('0', |&c| c as char));
        }
    }
    out.push(e);
    let exp = if d.digits.is_empty() { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
}

/// Go's `fmtF`: the integer part, then `prec` fraction digits.
fn push_f(out: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        for i in 0..d.dp as usize {
            out.push(d.digits.get(i).map_or('0', |&c| c as char));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            let c = if j >= 0 { d.digits.get(j as usize).copied() } else { None };
            out.push(c.map_or('0', |c| c as char));
        }
    }
}

/// Go's `%x` of a float: `0x1.8p+01`; `prec` hex digits after the point (rounded to even),
/// or as few as needed when negative.
fn hex_float(a: f64, prec: i32, upper: bool) -> String {
    let bits = a.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    let mut exp;
    if a == 0.0 {
        exp = 0;
    } else if raw_exp == 0 {
        // Subnormal: normalise so the leading bit sits at bit 52.
        exp = -1022;
        while mant & (1 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
    } else {
        mant |= 1 << 52;
        exp = raw_exp - 1023;
    }
    // 52 fraction bits = 13 hex digits.
    if (0..13).contains(&prec) {
        let shift = 4 * (13 - prec) as u32;
        let rem = mant & ((1u64 << shift) - 1);
        let half = 1u64 << (shift - 1);
        mant >>= shift;
        if rem > half || (rem == half && mant & 1 == 1) {
            mant += 1;
        }
        if prec >= 0 && mant >> (4 * prec as u32) >= 2 {
            mant >>= 1;
            exp += 1;
        }
        mant <<= shift;
    }
    let lead = if a == 0.0 { 0 } else { mant >> 52 };
    let mut frac = format!("{:013x}", mant & ((1u64 << 52) - 1));
    if prec < 0 {
        while frac.ends_with('0') {
            frac.pop();
        }
    } else {
        let p = prec as usize;
        if p <= 13 {
            frac.truncate(p);
        } else {
            frac.push_str(&"0".repeat(p - 13));
        }
    }
    let mut s = format!("0x{lead}");
    if !frac.is_empty() {
        s.push('.');
        s.push_str(&frac);
    }
    s.push_str(&format!("p{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
    if upper {
        s = s.to_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::format_float as f;

    #[test]
    fn matches_go() {
        let cases: &[(f64, char, i32, &str)] = &[
            (1e6, 'g', -1, "1e+06"),
            (100000.0, 'g', -1, "100000"),
            (1234567.0, 'g', -1, "1.234567e+06"),
            (0.0001, 'g', -1, "0.0001"),
            (0.00001, 'g', -1, "1e-05"),
            (-0.0, 'g', -1, "-0"),
            (0.0, 'g', 4, "0"),
            (1.0, 'g', 4, "1"),
            (1234567.0, 'g', 4, "1.235e+06"),
            (120.0, 'g', 4, "120"),
            (0.12345, 'g', 4, "0.1235"),
            (9.223372036854776e18, 'g', 4, "9.223e+18"),
            (1e21, 'g', 4, "1e+21"),
            (1.5, 'f', 2, "1.50"),
            (0.125, 'f', 2, "0.12"),
            (2.5, 'f', 0, "2"),
            (1234567.0, 'f', -1, "1234567"),
            (1.0, 'e', 6, "1.000000e+00"),
            (0.0, 'e', 2, "0.00e+00"),
            (1e-100, 'e', -1, "1e-100"),
            (123.456, 'E', 2, "1.23E+02"),
            (f64::INFINITY, 'f', 2, "+Inf"),
            (3.0, 'x', -1, "0x1.8p+01"),
            (1.0, 'x', -1, "0x1p+00"),
            (0.0, 'x', -1, "0x0p+00"),
            (1.0, 'x', 3, "0x1.000p+00"),
            (3.0, 'b', -1, "6755399441055744p-51"),
        ];
        for &(v, fmt, prec, want) in cases {
            assert_eq!(f(v, fmt, prec), want, "{v} {fmt} {prec}");
        }
    }
}
