//! Checks made before promql-parser sees a query: durations it would panic on (`x[1e30]`,
//! `offset Inf`) or silently misread (`[99999999999s]`), and negative `@` timestamps, which
//! it cannot represent on wasm (a `SystemTime` there cannot go before the epoch).

use super::lex::{Kind, Token};

/// Longest duration accepted: Prometheus keeps durations as int64 nanoseconds (~292 years).
const MAX_DURATION_MS: f64 = 9_223_372_036_854.0;

/// A rejected input: message and byte range.
#[derive(Debug, PartialEq)]
pub struct GuardError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Rejects out-of-range durations in ranges, subquery steps and offsets.
pub fn check_durations(src: &str, tokens: &[Token]) -> Result<(), GuardError> {
    let mut in_brackets = false;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::LBracket => in_brackets = true,
            Kind::RBracket => in_brackets = false,
            _ => {}
        }
        let after_offset = |k: usize| {
            let prev = |n: usize| k.checked_sub(n).map(|j| &tokens[j]);
            let is_offset = |t: Option<&Token>| {
                t.is_some_and(|t| t.kind == Kind::Keyword && t.text(src).eq_ignore_ascii_case("offset"))
            };
            is_offset(prev(1))
                || (prev(1).is_some_and(|p| matches!(p.text(src), "+" | "-")) && is_offset(prev(2)))
        };
        let text = t.text(src);
        if t.kind == Kind::Number
            && !text.eq_ignore_ascii_case("inf")
            && number_value(text).is_some_and(f64::is_infinite)
        {
            // Prometheus refuses a literal too large for a float; promql-parser reads it as Inf.
            return Err(GuardError {
                message: "error parsing number: value out of range".into(),
                start: t.start,
                end: t.end,
            });
        }
        let is_duration_slot = in_brackets || after_offset(i);
        if !is_duration_slot || !matches!(t.kind, Kind::Number | Kind::Duration) {
            continue;
        }
        let ms =
            if t.kind == Kind::Number { number_value(text).map(|s| s * 1000.0) } else { duration_ms(text) };
        let out_of_range =
            || GuardError { message: "duration out of range".into(), start: t.start, end: t.end };
        match ms {
            Some(ms) if ms.is_finite() && ms.abs() <= MAX_DURATION_MS => {}
            Some(_) => return Err(out_of_range()),
            None if t.kind == Kind::Number => return Err(out_of_range()),
            None => {
                return Err(GuardError {
                    message: format!("not a valid duration string: \"{text}\""),
                    start: t.start,
                    end: t.end,
                })
            }
        }
    }
    Ok(())
}

/// The value of a number token (decimal, hexadecimal, `Inf`, `NaN`).
pub fn number_value(text: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    match lower.as_str() {
        "inf" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => lower.parse().ok(),
    }
}

/// Milliseconds of a duration token (`1h30m`), `None` when its parts do not read.
pub fn duration_ms(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = if rest.starts_with("ms") { 2 } else { 1 };
        let mult = match rest.get(..unit_len)? {
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 6e4,
            "h" => 3.6e6,
            "d" => 8.64e7,
            "w" => 6.048e8,
            "y" => 3.1536e10,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// Byte offsets of the `-` signs of negative `@` timestamps (`@ -100`), in source order,
/// each paired with the ordinal of its `@` among the `@`s followed by a number.
pub fn negative_ats(src: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut ordinal = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::At {
            continue;
        }
        let next = tokens.get(i + 1);
        let signed = next.is_some_and(|n| matches!(n.text(src), "+" | "-"));
        let number_at = if signed { i + 2 } else { i + 1 };
        if !tokens.get(number_at).is_some_and(|n| matches!(n.kind, Kind::Number | Kind::Duration)) {
            continue;
        }
        if let Some(sign) = next.filter(|n| signed && n.text(src) == "-") {
            out.push((sign.start, ordinal));
        }
        ordinal += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lex::lex;
    use super::*;

    #[test]
    fn rejects_huge_durations() {
        for (src, bad) in [
            ("x[1e30]", Some("1e30")),
            ("x offset 1e30", Some("1e30")),
            ("x offset -Inf", Some("Inf")),
            ("x offset NaN", Some("NaN")),
            ("x[5m:1e400]", Some("1e400")),
            ("x[99999999999y]", Some("99999999999y")),
            ("x[0x7fffffffffffffff]", Some("0x7fffffffffffffff")),
            ("x[5m] offset 1w", None),
            ("x @ 1e30", None),
            ("x[1e9]", None),
            ("1e999 + x", Some("1e999")),
        ] {
            let (tokens, _) = lex(src);
            let got = check_durations(src, &tokens).err().map(|e| &src[e.start..e.end]);
            assert_eq!(got, bad, "{src}");
        }
    }

    #[test]
    fn finds_negative_ats() {
        let src = "a @ 5 + b @ -10 + c @ start() + d @ - 2s";
        let (tokens, _) = lex(src);
        let got: Vec<(&str, usize)> =
            negative_ats(src, &tokens).iter().map(|&(p, n)| (&src[p..p + 1], n)).collect();
        assert_eq!(got, vec![("-", 1), ("-", 2)]);
    }
}
