//! Times and durations as the Prometheus HTTP API accepts them: Unix seconds (fractional)
//! or RFC 3339 for times; Prometheus durations (`1m30s`) or seconds for steps.

use crate::content::instant::{parse_rfc3339, seconds_to_millis};
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
