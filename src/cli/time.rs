//! Times and durations as the Prometheus HTTP API accepts them: Unix seconds (fractional)
//! or RFC 3339 for times; Prometheus durations (`1m30s`) or seconds for steps.

use crate::content::time::days_from_civil;
use crate::engine::Millis;
use crate::promqltest::duration::parse_duration;

/// Parses `--time`, `--start`, `--end`: `1700000000`, `1700000000.123`, or RFC 3339
/// (`2023-11-14T22:13:20Z`, `2023-11-14T23:13:20.5+01:00`). Millisecond precision.
pub fn parse_time(s: &str) -> Result<Millis, String> {
    if let Ok(secs) = s.parse::<f64>() {
        return seconds_to_millis(secs).ok_or_else(|| format!("cannot parse {s:?} to a valid timestamp"));
    }
    parse_rfc3339(s).ok_or_else(|| format!("cannot parse {s:?} to a valid timestamp"))
}

/// Parses `--step`: a Prometheus duration or a number of seconds; must be positive.
pub fn parse_step(s: &str) -> Result<Millis, String> {
    let ms = match s.parse::<f64>() {
        Ok(secs) => seconds_to_millis(secs),
        Err(_) => parse_duration(s).ok(),
    }
    .ok_or_else(|| format!("cannot parse {s:?} to a valid duration"))?;
    if ms <= 0 {
        return Err(
            "zero or negative query resolution step widths are not accepted. Try a positive integer".into()
        );
    }
    Ok(ms)
}

fn seconds_to_millis(secs: f64) -> Option<Millis> {
    // Prometheus rounds the fraction to milliseconds.
    let ms = (secs * 1000.0).round();
    (ms.is_finite() && ms.abs() < 9.2e18).then_some(ms as Millis)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; fractions beyond milliseconds are truncated.
fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = s.get(from..to)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (y, mo, d, h, mi, sec) =
        (num(0, 4)?, num(5, 7)?, num(8, 10)?, num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0;
    if b[i] == b'.' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let frac = &s[i + 1..i + 1 + digits];
        ms = format!("{frac:0<3}")[..3].parse().ok()?;
        i += 1 + digits;
    }
    let offset_min = match &s[i..] {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && matches!(tz.as_bytes()[0], b'+' | b'-') && tz.as_bytes()[3] == b':' => {
            let (oh, om) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (oh * 60 + om)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    Some((((days * 24 + h) * 60 + mi - offset_min) * 60 + sec) * 1000 + ms)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        for (input, want) in [
            ("1700000000", Some(1_700_000_000_000)),
            ("1700000000.1234", Some(1_700_000_000_123)),
            ("-1.5", Some(-1500)),
            ("2023-11-14T22:13:20Z", Some(1_700_000_000_000)),
            ("2023-11-14T23:13:20.5+01:00", Some(1_700_000_000_500)),
            ("1970-01-01T00:00:00.123456Z", Some(123)),
            ("2023-02-29T00:00:00Z", None),
            ("2023-11-14T22:13:20", None),
            ("yesterday", None),
        ] {
            assert_eq!(parse_time(input).ok(), want, "{input}");
        }
    }

    #[test]
    fn steps() {
        for (input, want) in [
            ("30s", Some(30_000)),
            ("1m30s", Some(90_000)),
            ("15", Some(15_000)),
            ("0.5", Some(500)),
            ("0", None),
            ("-5", None),
            ("5x", None),
        ] {
            assert_eq!(parse_step(input).ok(), want, "{input}");
        }
    }
}
