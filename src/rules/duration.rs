//! Prometheus durations as rule files write them (`30s`, `1h30m`, `0`), parsed and printed
//! the way `model.ParseDuration` / `model.Duration.String` do.

use crate::engine::Millis;

/// Units in the only order Prometheus accepts them, with their length in milliseconds.
const UNITS: [(&str, i64); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses a duration: units from years down to milliseconds, each at most once, in order.
/// Errors are worded like Prometheus's.
pub fn parse(text: &str) -> Result<Millis, String> {
    match text {
        "0" => return Ok(0),
        "" => return Err("empty duration string".into()),
        _ => {}
    }
    let invalid = || format!("not a valid duration string: {text:?}");
    let mut rest = text;
    let mut total: i64 = 0;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(invalid)?;
        if digits == 0 {
            return Err(invalid());
        }
        let (number, tail) = rest.split_at(digits);
        // "ms" must win over "m" followed by "s".
        let (i, (unit, size)) = UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (u, _))| tail.starts_with(u))
            .max_by_key(|(_, (u, _))| u.len())
            .ok_or_else(invalid)?;
        let n: i64 = number.parse().map_err(|_| "duration out of range".to_string())?;
        total = n
            .checked_mul(*size)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| "duration out of range".to_string())?;
        next_unit = i + 1;
        rest = &tail[unit.len()..];
    }
    Ok(total)
}

/// Prints a duration the way Prometheus does (`1h30m`, `0s`).
pub fn format(ms: Millis) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms.unsigned_abs();
    if ms < 0 {
        out.push('-');
    }
    for (unit, size) in UNITS {
        let size = size as u64;
        // Years and weeks only when they divide the duration exactly: 90d reads better
        // than 12w6d (as Prometheus prints it).
        if matches!(unit, "y" | "w") && !rest.is_multiple_of(size) {
            continue;
        }
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_prometheus() {
        let cases: &[(&str, Result<Millis, &str>)] = &[
            ("0", Ok(0)),
            ("30s", Ok(30_000)),
            ("1m", Ok(60_000)),
            ("1h30m", Ok(5_400_000)),
            ("1d", Ok(86_400_000)),
            ("1w", Ok(604_800_000)),
            ("1y", Ok(31_536_000_000)),
            ("100ms", Ok(100)),
            ("1m30s500ms", Ok(90_500)),
            ("", Err("empty duration string")),
            ("30", Err("not a valid duration string: \"30\"")),
            ("30 s", Err("not a valid duration string: \"30 s\"")),
            ("1s1m", Err("not a valid duration string: \"1s1m\"")),
            ("1.5m", Err("not a valid duration string: \"1.5m\"")),
            ("-1m", Err("not a valid duration string: \"-1m\"")),
            ("m", Err("not a valid duration string: \"m\"")),
            ("99999999999999999999y", Err("duration out of range")),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), want.map_err(str::to_string), "{text}");
        }
    }

    #[test]
    fn formats_like_prometheus() {
        for (ms, want) in [(0, "0s"), (30_000, "30s"), (5_400_000, "1h30m"), (86_400_000, "1d"), (1, "1ms")]
            .into_iter()
            .chain([
                (8 * 86_400_000, "8d"),
                (14 * 86_400_000, "2w"),
                (-90_000, "-1m30s"),
                (366 * 86_400_000, "366d"),
            ])
        {
            assert_eq!(format(ms), want);
        }
    }
}
