//! Go's `fmt` verbs that function errors and warnings use besides `%g` (which is in
//! `engine::gofmt`): `%f` and `%q`, so messages read exactly like upstream's.

/// Go's `%f` (six decimals) for a float64.
pub(super) fn go_f(v: f64) -> String {
    non_finite(v).map_or_else(|| format!("{v:.6}"), str::to_string)
}

/// Go's `%q` for a string: double-quoted with Go escapes.
pub fn go_q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => match c as u32 {
                n if n <= 0xffff => out.push_str(&format!("\\u{n:04x}")),
                n => out.push_str(&format!("\\U{n:08x}")),
            },
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("+Inf")
    } else if v == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_and_q_like_go() {
        assert_eq!(go_f(0.5), "0.500000");
        assert_eq!(go_f(-1.0), "-1.000000");
        assert_eq!(go_f(f64::INFINITY), "+Inf");
        assert_eq!(go_q("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_q("ä"), "\"ä\"");
    }
}
