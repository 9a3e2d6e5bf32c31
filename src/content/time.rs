//! Durations (`30s`, `1h30m`, Prometheus's units) and UTC instants (`2026-01-05T00:00:00Z`)
//! as they are written in pack files, converted to milliseconds without any clock.

use crate::engine::Millis;

/// The instant every built-in dataset starts at: Monday 2026-01-05 00:00:00 UTC, so that
/// dates shown to learners are stable.
pub const DEFAULT_START: Millis = 1_767_571_200_000;

/// Durations are read exactly as promqltest files read them (Prometheus's
/// `model.ParseDuration`), so a pack and a test file agree on what `1h30m` means.
pub use crate::promqltest::duration::parse_duration;

/// Durations are printed the way Prometheus prints them (`1h30m`, `1w`, `0s`).
pub use crate::rules::duration::format as format_duration;

/// Parses an RFC 3339 UTC instant of the form `YYYY-MM-DDTHH:MM:SSZ` (optionally with
/// `.fff` milliseconds). Only UTC (`Z`) is accepted so a pack means the same everywhere.
pub fn parse_instant(s: &str) -> Result<Millis, String> {
    let bad = || format!("invalid time {s:?} (expected UTC like 2026-01-05T00:00:00Z)");
    let b = s.trim().as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    if b.last() != Some(&b'Z') {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, String> {
        let part = std::str::from_utf8(&b[from..to]).map_err(|_| bad())?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<i64>().map_err(|_| bad())
    };
    let (y, mo, d, h, mi, sec) =
        (num(0, 4)?, num(5, 7)?, num(8, 10)?, num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let ms = match b.len() {
        20 => 0,
        24 if b[19] == b'.' => num(20, 23)?,
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return Err(bad());
    }
    let days = days_from_civil(y, mo, d);
    Ok(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms)
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_instant(t: Millis) -> String {
    let days = t.div_euclid(86_400_000);
    let rem = t.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(format_duration(5_400_000), "1h30m");
        assert_eq!(format_duration(0), "0s");
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant("2026-01-05T00:00:00Z"), Ok(DEFAULT_START));
        assert_eq!(parse_instant("1970-01-01T00:00:01.500Z"), Ok(1500));
        assert_eq!(format_instant(DEFAULT_START + 3_723_000), "2026-01-05T01:02:03Z");
        for s in ["2026-01-05", "2026-01-05T00:00:00+01:00", "2026-13-05T00:00:00Z", "2026-01-05T0a:00:00Z"] {
            assert!(parse_instant(s).is_err(), "{s}");
        }
    }
}
