//! `time()`, `timestamp()` and the calendar functions (`year()`, `hour()`, ...), with civil
//! date math in UTC done by hand: the engine has no clock and no time-zone database.

use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::labels::Labels;
use crate::engine::value::Value;

type R = Result<Value, QueryError>;

pub(super) fn time(call: &mut FnCall) -> R {
    Ok(Value::Scalar { t: call.t, v: call.t as f64 / 1000.0 })
}

/// `timestamp(v)`: each sample's own timestamp in seconds (histogram samples included).
/// For a plain selector argument
/// the evaluator hands over the samples with the time they were stored at; for any other
/// expression that time is the evaluation time.
pub(super) fn timestamp(call: &mut FnCall) -> R {
    let vector = call.take_vector(0)?;
    Ok(call.vector(vector.into_iter().map(|s| (s.labels, s.t as f64 / 1000.0)).collect()))
}

/// Defines a calendar function: with no argument it reads the evaluation time, otherwise
/// each sample's value as Unix seconds.
macro_rules! calendar {
    ($($name:ident => $f:expr;)*) => {
        $(pub(super) fn $name(call: &mut FnCall) -> R {
            date_wrapper(call, $f)
        })*
    };
}

calendar! {
    year => |d| d.year as f64;
    month => |d| d.month as f64;
    day_of_month => |d| d.day as f64;
    day_of_week => |d| d.weekday as f64;
    day_of_year => |d| d.day_of_year as f64;
    days_in_month => |d| days_in_month_of(d.year, d.month) as f64;
    hour => |d| d.hour as f64;
    minute => |d| d.minute as f64;
}

fn date_wrapper(call: &mut FnCall, f: fn(&Civil) -> f64) -> R {
    if call.args.is_empty() {
        // Go's integer division truncates toward zero.
        let v = f(&Civil::from_unix(call.t / 1000));
        return Ok(call.vector(vec![(Labels::empty(), v)]));
    }
    let vector = call.take_floats(0)?;
    let out = vector.into_iter().map(|s| (s.labels, f(&Civil::from_unix(go_f64_to_i64(s.v))))).collect();
    Ok(call.vector(out))
}

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value for NaN and
/// out-of-range inputs (Rust's `as` would saturate instead).
fn go_f64_to_i64(v: f64) -> i64 {
    let limit = -(i64::MIN as f64); // 2^63, exactly
    if v.is_nan() || !(-limit..limit).contains(&v) {
        i64::MIN
    } else {
        v.trunc() as i64
    }
}

/// A UTC civil date and time of day.
#[derive(Debug, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    /// 0 = Sunday.
    weekday: u32,
    /// 1-based.
    day_of_year: u32,
}

impl Civil {
    fn from_unix(secs: i64) -> Civil {
        let days = secs.div_euclid(86_400);
        let secs_of_day = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let before_month: u32 = (1..month).map(|m| days_in_month_of(year, m)).sum();
        Civil {
            year,
            month,
            day,
            hour: (secs_of_day / 3600) as u32,
            minute: (secs_of_day % 3600 / 60) as u32,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as u32,
            day_of_year: before_month + day,
        }
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month_of(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        // (unix seconds, year, month, day, hour, minute, weekday, day of year, days in month)
        type Case = (i64, i64, u32, u32, u32, u32, u32, u32, u32);
        let cases: &[Case] = &[
            (0, 1970, 1, 1, 0, 0, 4, 1, 31),
            (1_136_239_445, 2006, 1, 2, 22, 4, 1, 2, 31),
            (1_230_767_999, 2008, 12, 31, 23, 59, 3, 366, 31),
            (1_230_768_000, 2009, 1, 1, 0, 0, 4, 1, 31),
            (1_456_790_399, 2016, 2, 29, 23, 59, 1, 60, 29),
            (1_456_790_400, 2016, 3, 1, 0, 0, 2, 61, 31),
            (1_483_191_420, 2016, 12, 31, 13, 37, 6, 366, 31),
            (1_672_493_820, 2022, 12, 31, 13, 37, 6, 365, 31),
            (1_485_907_200, 2017, 2, 1, 0, 0, 3, 32, 28),
            (951_782_400, 2000, 2, 29, 0, 0, 2, 60, 29),
            (-1, 1969, 12, 31, 23, 59, 3, 365, 31),
            (-2_208_988_800, 1900, 1, 1, 0, 0, 1, 1, 31),
        ];
        for &(secs, y, mo, d, h, mi, wd, doy, dim) in cases {
            let c = Civil::from_unix(secs);
            assert_eq!(
                (c.year, c.month, c.day, c.hour, c.minute, c.weekday, c.day_of_year),
                (y, mo, d, h, mi, wd, doy),
                "{secs}"
            );
            assert_eq!(days_in_month_of(c.year, c.month), dim, "{secs}");
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
            let c = Civil::from_unix(go_f64_to_i64(v));
            assert!((1..=12).contains(&c.month));
        }
        assert_eq!(go_f64_to_i64(-1.9), -1);
        assert_eq!(go_f64_to_i64(f64::NAN), i64::MIN);
    }
}
