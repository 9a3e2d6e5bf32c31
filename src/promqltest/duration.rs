//! Prometheus durations (`model.ParseDuration`) as the promqltest format writes them:
//! `1h30m`, `5m`, `250ms`, `0`; units in descending order, each at most once, no sign.

use crate::engine::Millis;

const UNITS: [(&str, Millis); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses a Prometheus duration into milliseconds.
pub fn parse_duration(s: &str) -> Result<Millis, String> {
    match s {
        "0" => return Ok(0),
        "" => return Err("empty duration string".into()),
        _ => {}
    }
    let bad = || format!("not a valid duration string: {s:?}");
    let mut rest = s;
    let mut total: Millis = 0;
    // Index into UNITS of the next unit allowed, so units come in order and once each.
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: Millis = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        let pos = UNITS[next_unit..].iter().position(|(u, _)| *u == unit).ok_or_else(bad)? + next_unit;
        total = n.checked_mul(UNITS[pos].1).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        next_unit = pos + 1;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (input, want) in [
            ("0", Some(0)),
            ("5m", Some(300_000)),
            ("1h30m", Some(5_400_000)),
            ("1m30s500ms", Some(90_500)),
            ("2d", Some(172_800_000)),
            ("30m1h", None),
            ("1.5m", None),
            ("-1m", None),
            ("10", None),
            ("", None),
            ("5mm", None),
        ] {
            assert_eq!(parse_duration(input).ok(), want, "{input}");
        }
    }
}
