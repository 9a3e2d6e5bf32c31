//! Instants as people and Prometheus's HTTP API write them. [`parse_rfc3339`] reads RFC 3339
//! as Go's `time.Parse(time.RFC3339, …)` does (the API's `time=`, the CLI's `--time`);
//! [`parse_time_input`] reads what a learner types in the playground's time field (and its
//! `time=` link parameter): every RFC 3339 form, a date and clock time without a zone
//! (`2026-01-06 10:00`, UTC), a bare date, and Unix seconds (`1767693600.25`).

use crate::content::time::days_from_civil;
use crate::engine::Millis;

/// Latest instant accepted (year 9999), so arithmetic on the result never overflows.
const MAX_MILLIS: Millis = 253_402_300_799_999;
/// Earliest instant accepted (year 0).
const MIN_MILLIS: Millis = -62_167_219_200_000;

/// The instant a learner typed, in milliseconds since the epoch; the error says what is
/// accepted.
pub fn parse_time_input(s: &str) -> Result<Millis, String> {
    let text = s.trim();
    let parsed = if text.bytes().any(|b| b == b'-' || b == b':') && !looks_numeric(text) {
        parse_calendar(text, Strictness::Loose)
    } else {
        parse_unix_seconds(text)
    };
    parsed.filter(|t| (MIN_MILLIS..=MAX_MILLIS).contains(t)).ok_or_else(|| {
        let shown: String = text.chars().take(40).collect();
        format!(
            "\"{shown}\" is not a time; write it like 2026-01-06T10:00:00Z, 2026-01-06 10:00 (UTC), \
             2026-01-06T12:00:00+02:00 or Unix seconds (1767693600)"
        )
    })
}

/// RFC 3339 as Go reads it: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`, `z` and a space
/// for the `T` too); fractions beyond milliseconds are cut, as Prometheus does.
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    parse_calendar(s, Strictness::Rfc3339)
}

/// Unix seconds with an optional fraction (`1767693600`, `-1.5`), rounded to the
/// millisecond as Prometheus does.
pub fn parse_unix_seconds(s: &str) -> Option<Millis> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    seconds_to_millis(s.parse().ok()?)
}

/// Seconds as milliseconds, rounded (None when out of range or not finite).
pub fn seconds_to_millis(secs: f64) -> Option<Millis> {
    let ms = (secs * 1000.0).round();
    (ms.is_finite() && ms.abs() < 9.2e18).then_some(ms as Millis)
}

/// True for `-12.5`-like text (a negative Unix time), which contains a `-` but no date.
fn looks_numeric(s: &str) -> bool {
    s.strip_prefix('-').is_some_and(|rest| !rest.contains('-') && !rest.contains(':'))
}

/// How much of a calendar time may be left out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// Seconds and a zone required, the zone written `Z` or `±HH:MM`.
    Rfc3339,
    /// The clock time, its seconds and the zone may be left out (UTC); `±HHMM` too.
    Loose,
}

/// `YYYY-MM-DD`, then `T` (or `t`, or a space) and `HH:MM[:SS[.frac]]`, then `Z` or `±HH:MM`;
/// what [`Strictness::Loose`] allows to leave out is read as midnight and UTC.
fn parse_calendar(s: &str, strictness: Strictness) -> Option<Millis> {
    let b = s.as_bytes();
    let date = b.get(..10)?;
    if date[4] != b'-' || date[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (number(&date[..4])?, number(&date[5..7])?, number(&date[8..10])?);
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let rest = &b[10..];
    if rest.is_empty() && strictness == Strictness::Loose {
        return Some(days * 86_400_000);
    }
    if !matches!(rest.first(), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (clock, offset) = split_zone(&rest[1..], strictness)?;
    Some(days * 86_400_000 + clock - offset)
}

/// Splits `HH:MM[:SS[.frac]][zone]` into the clock time and the zone's offset east of UTC,
/// both in milliseconds.
fn split_zone(b: &[u8], strictness: Strictness) -> Option<(Millis, Millis)> {
    let strict = strictness == Strictness::Rfc3339;
    let zone_at = b.iter().position(|c| matches!(c, b'Z' | b'z' | b'+' | b'-')).unwrap_or(b.len());
    let (clock, zone) = b.split_at(zone_at);
    let offset = match zone {
        [] if !strict => 0,
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [h1, h2, b':', m1, m2] => (number(&[*h1, *h2])?, number(&[*m1, *m2])?),
                [h1, h2, m1, m2] if !strict => (number(&[*h1, *h2])?, number(&[*m1, *m2])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes * 60_000
            } else {
                minutes * 60_000
            }
        }
        _ => return None,
    };
    Some((clock_millis(clock, strict)?, offset))
}

/// `HH:MM:SS` or `HH:MM:SS.f…` (any number of fraction digits, cut to milliseconds as
/// Prometheus cuts Go's nanoseconds); `HH:MM` too unless `strict`.
fn clock_millis(b: &[u8], strict: bool) -> Option<Millis> {
    let (hm, rest) = (b.get(..5)?, &b[5..]);
    if hm[2] != b':' {
        return None;
    }
    let (h, mi) = (number(&hm[..2])?, number(&hm[3..5])?);
    let (sec, ms) = match rest {
        [] if !strict => (0, 0),
        [b':', s1, s2] => (number(&[*s1, *s2])?, 0),
        [b':', s1, s2, b'.', frac @ ..] if !frac.is_empty() => {
            if !frac.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let mut ms = 0;
            for i in 0..3 {
                ms = ms * 10 + frac.get(i).map_or(0, |c| Millis::from(c - b'0'));
            }
            (number(&[*s1, *s2])?, ms)
        }
        _ => return None,
    };
    // Go's time.Parse refuses leap seconds (:60) too.
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(((h * 60 + mi) * 60 + sec) * 1000 + ms)
}

/// The decimal value of ASCII digits (None if any byte is not a digit).
fn number(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, c| n * 10 + i64::from(c - b'0')))
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

    /// 2026-01-06T23:00:07Z.
    const T: Millis = 1_767_740_407_000;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, Millis)] = &[
            ("2026-01-06T23:00:07Z", T),
            ("2026-01-06T23:00:07.5Z", T + 500),
            ("2026-01-06T23:00:07.123456789Z", T + 123),
            ("2026-01-06t23:00:07z", T),
            ("2026-01-06 23:00:07Z", T),
            ("2026-01-07T01:00:07+02:00", T),
            ("2026-01-06T18:30:07-04:30", T),
            ("2026-01-07T01:00:07.250+0200", T + 250),
            ("2026-01-06T23:00:07+00:00", T),
            ("2026-01-06 23:00", T - 7_000),
            ("2026-01-06T23:00", T - 7_000),
            ("2026-01-06 23:00:07", T),
            ("  2026-01-06 23:00:07  ", T),
            ("2026-01-06", T - 23 * 3_600_000 - 7_000),
            ("1767740407", T),
            ("1767740407.5", T + 500),
            ("1767740407.0004", T),
            ("0", 0),
            ("-1.5", -1_500),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time_input(text), Ok(*want), "{text}");
        }
    }

    #[test]
    fn refused_forms_say_what_is_accepted() {
        for text in [
            "",
            "yesterday",
            "2026-13-05T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2025-02-29",
            "2026-01-05T24:00:00Z",
            "2026-01-05T0a:00:00Z",
            "2026-01-05T10:00:00+25:00",
            "2026-01-05T10:00:00 UTC",
            "2026-01-05T10:00:00.Z",
            "2026-01-05T10",
            "1e3",
            "12.3.4",
            "99999999999999999999",
            "1767740407s",
        ] {
            let err = parse_time_input(text).expect_err(text);
            assert!(err.contains("2026-01-06 10:00 (UTC)") && err.contains("Unix seconds"), "{text}: {err}");
        }
    }

    #[test]
    fn rfc3339_wants_seconds_and_a_zone() {
        for text in ["2026-01-06T23:00:07Z", "2026-01-06 23:00:07Z", "2026-01-07T01:00:07+02:00"] {
            assert_eq!(parse_rfc3339(text), Some(T), "{text}");
        }
        assert_eq!(parse_rfc3339("2026-01-06T23:00:07.5z"), Some(T + 500));
        for text in [
            "2026-01-06 23:00",
            "2026-01-06T23:00:07",
            "2026-01-06",
            "2026-01-07T01:00:07+0200",
            "2026-01-06T23:59:60Z",
            "1767740407",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }

    #[test]
    fn agrees_with_the_pack_format_on_its_own_form() {
        use crate::content::time::{format_instant, parse_instant};
        for t in [0, T, crate::content::time::DEFAULT_START + 86_399_000] {
            let text = format_instant(t);
            assert_eq!(parse_time_input(&text), parse_instant(&text), "{text}");
            assert_eq!(parse_rfc3339(&text), parse_instant(&text).ok(), "{text}");
        }
    }
}
