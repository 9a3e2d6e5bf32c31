//! Go's `time.Time` and `time.Duration` as templates see them (always in UTC): `String()`,
//! `Format` with Go's reference-time layouts (`2006-01-02 15:04:05.000 MST`), and the
//! methods a template may call (`.Unix`, `.Year`, `.Seconds`, …), registered on a
//! [`Registry`].

use super::registry::{Registry, STRING};
use super::value::{EnumKind, GoTime, Value};
use crate::content::time::civil_from_days;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// `time.Unix(0, nanos).UTC()`.
pub fn from_unix_nanos(nanos: i64) -> GoTime {
    GoTime { secs: nanos.div_euclid(1_000_000_000), nanos: nanos.rem_euclid(1_000_000_000) as u32 }
}

/// The civil date and clock of an instant.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    yday: u32,
    weekday: u32,
    hour: u32,
    min: u32,
    sec: u32,
}

fn civil(t: &GoTime) -> Civil {
    let days = t.secs.div_euclid(86_400);
    let rem = t.secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    let (month, day) = (month as u32, day as u32);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const CUMULATIVE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = CUMULATIVE[(month - 1) as usize] + day + u32::from(leap && month > 2);
    Civil {
        year,
        month,
        day,
        yday,
        weekday: (days + 4).rem_euclid(7) as u32,
        hour: rem / 3600,
        min: rem / 60 % 60,
        sec: rem % 60,
    }
}

/// `Time.String()`: `2015-06-23 13:19:44.128 +0000 UTC`.
pub fn time_string(t: &GoTime) -> String {
    format(t, "2006-01-02 15:04:05.999999999 -0700 MST")
}

/// Go's `appendInt(b, x, width)`: zero-padded to `width`, minus sign first.
fn int_pad(x: i64, width: usize) -> String {
    let digits = format!("{:0width$}", x.unsigned_abs(), width = width);
    if x < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// The layout elements of Go's reference time.
#[derive(Clone, Copy)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm(bool),
    Tz,
    /// A numeric zone (`-0700`, `Z07:00`, …): written as given with the offset of UTC.
    Zone(&'static str),
    /// Fractional seconds: separator, digits, and whether trailing zeros are dropped.
    Frac(char, usize, bool),
}

/// Go's `nextStdChunk`: the literal prefix, the element, and the rest of the layout.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|r| r.starts_with(s));
    for i in 0..b.len() {
        let hit = |len: usize, std: Std| Some((&layout[..i], Some(std), &layout[i + len..]));
        let found = match b[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    hit(7, Std::LongMonth)
                } else if !starts_lower(&layout[i + 3..]) {
                    hit(3, Std::Month)
                } else {
                    None
                }
            }
            b'M' if at(i, "Mon") => {
                if at(i, "Monday") {
                    hit(6, Std::LongWeekDay)
                } else if !starts_lower(&layout[i + 3..]) {
                    hit(3, Std::WeekDay)
                } else {
                    None
                }
            }
            b'M' if at(i, "MST") => hit(3, Std::Tz),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => {
                let std = [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize];
                hit(2, std)
            }
            b'0' if at(i, "002") => hit(3, Std::ZeroYearDay),
            b'1' if at(i, "15") => hit(2, Std::Hour),
            b'1' => hit(1, Std::NumMonth),
            b'2' if at(i, "2006") => hit(4, Std::LongYear),
            b'2' => hit(1, Std::Day),
            b'_' if at(i, "_2006") => Some((&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..])),
            b'_' if at(i, "_2") => hit(2, Std::UnderDay),
            b'_' if at(i, "__2") => hit(3, Std::UnderYearDay),
            b'3' => hit(1, Std::Hour12),
            b'4' => hit(1, Std::Minute),
            b'5' => hit(1, Std::Second),
            b'P' if at(i, "PM") => hit(2, Std::Pm(true)),
            b'p' if at(i, "pm") => hit(2, Std::Pm(false)),
            b'-' | b'Z' => [
                "-070000",
                "-07:00:00",
                "-0700",
                "-07:00",
                "-07",
                "Z070000",
                "Z07:00:00",
                "Z0700",
                "Z07:00",
                "Z07",
            ]
            .iter()
            .find(|z| at(i, z))
            .and_then(|z| hit(z.len(), Std::Zone(z))),
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((&layout[..i], Some(Std::Frac(c as char, j - i - 1, ch == b'9')), &layout[j..]))
                }
            }
            _ => None,
        };
        if let Some(found) = found {
            return found;
        }
    }
    (layout, None, "")
}

fn starts_lower(s: &str) -> bool {
    s.bytes().next().is_some_and(|c| c.is_ascii_lowercase())
}

/// `Time.Format(layout)` in UTC.
pub fn format(t: &GoTime, layout: &str) -> String {
    let c = civil(t);
    let mut out = String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_std_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        let hour12 = if c.hour.is_multiple_of(12) { 12 } else { c.hour % 12 };
        match std {
            Std::Year => out.push_str(&int_pad(c.year.rem_euclid(100), 2)),
            Std::LongYear => out.push_str(&int_pad(c.year, 4)),
            Std::Month => out.push_str(&MONTHS[c.month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[c.month as usize - 1]),
            Std::NumMonth => out.push_str(&c.month.to_string()),
            Std::ZeroMonth => out.push_str(&int_pad(c.month.into(), 2)),
            Std::WeekDay => out.push_str(&DAYS[c.weekday as usize][..3]),
            Std::LongWeekDay => out.push_str(DAYS[c.weekday as usize]),
            Std::Day => out.push_str(&c.day.to_string()),
            Std::UnderDay => out.push_str(&format!("{:>2}", c.day)),
            Std::ZeroDay => out.push_str(&int_pad(c.day.into(), 2)),
            Std::UnderYearDay => out.push_str(&format!("{:>3}", c.yday)),
            Std::ZeroYearDay => out.push_str(&int_pad(c.yday.into(), 3)),
            Std::Hour => out.push_str(&int_pad(c.hour.into(), 2)),
            Std::Hour12 => out.push_str(&hour12.to_string()),
            Std::ZeroHour12 => out.push_str(&int_pad(hour12.into(), 2)),
            Std::Minute => out.push_str(&c.min.to_string()),
            Std::ZeroMinute => out.push_str(&int_pad(c.min.into(), 2)),
            Std::Second => out.push_str(&c.sec.to_string()),
            Std::ZeroSecond => out.push_str(&int_pad(c.sec.into(), 2)),
            Std::Pm(upper) => {
                let pm = c.hour >= 12;
                out.push_str(match (pm, upper) {
                    (true, true) => "PM",
                    (false, true) => "AM",
                    (true, false) => "pm",
                    (false, false) => "am",
                });
            }
            Std::Tz => out.push_str("UTC"),
            Std::Zone(z) if z.starts_with('Z') => out.push('Z'),
            Std::Zone(z) => out.push_str(&z.replace("07", "00").replace('-', "+")),
            Std::Frac(sep, n, trim) => {
                let digits = format!("{:09}", t.nanos);
                let mut frac = digits[..n.min(9)].to_string();
                if trim {
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    if !frac.is_empty() {
                        out.push(sep);
                        out.push_str(&frac);
                    }
                } else {
                    out.push(sep);
                    frac.push_str(&"0".repeat(n.saturating_sub(9)));
                    out.push_str(&frac);
                }
            }
        }
    }
    out
}

/// `Duration.String()`: `1h2m0.5s`, `1.5ms`, `0s`.
pub fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out;
    if u < 1_000_000_000 {
        let (unit, prec) = match u {
            0 => return "0s".into(),
            u if u < 1_000 => ("ns", 0),
            u if u < 1_000_000 => ("µs", 3),
            _ => ("ms", 6),
        };
        let (frac, int) = fmt_frac(u, prec);
        out = format!("{int}{frac}{unit}");
    } else {
        let (frac, secs) = fmt_frac(u, 9);
        u = secs;
        out = format!("{}{frac}s", u % 60);
        u /= 60;
        if u > 0 {
            out = format!("{}m{out}", u % 60);
            u /= 60;
            if u > 0 {
                out = format!("{u}h{out}");
            }
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// The fraction of `v / 10^prec` without trailing zeros (and without the point when zero),
/// and the integer part.
fn fmt_frac(v: u64, prec: u32) -> (String, u64) {
    let scale = 10u64.pow(prec);
    let frac = v % scale;
    if frac == 0 {
        return (String::new(), v / scale);
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    (format!(".{}", digits.trim_end_matches('0')), v / scale)
}

pub fn month_name(m: i64) -> String {
    match usize::try_from(m).ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))) {
        Some(name) => (*name).to_string(),
        None => format!("%!Month({m})"),
    }
}

pub fn weekday_name(d: i64) -> String {
    match usize::try_from(d).ok().and_then(|d| DAYS.get(d)) {
        Some(name) => (*name).to_string(),
        None => format!("%!Weekday({d})"),
    }
}

fn time_arg(args: &[Value]) -> GoTime {
    match args.first() {
        Some(Value::Time(t, _)) => *t,
        _ => GoTime::default(),
    }
}

fn duration_arg(args: &[Value]) -> i64 {
    match args.first() {
        Some(Value::Duration(d, _)) => *d,
        _ => 0,
    }
}

/// Registers the methods of `time.Time`, `time.Duration`, `time.Month` and `time.Weekday`.
pub fn register(r: &mut Registry) {
    const T: &str = "time.Time";
    r.method(T, "Format", &[STRING], |a, _| {
        Ok(Value::str(&format(&time_arg(a), a.get(1).and_then(Value::as_str).unwrap_or(""))))
    });
    r.method(T, "String", &[], |a, _| Ok(Value::str(&time_string(&time_arg(a)))));
    r.method(T, "Unix", &[], |a, _| Ok(Value::Int64(time_arg(a).secs)));
    r.method(T, "UnixMilli", &[], |a, _| {
        let t = time_arg(a);
        Ok(Value::Int64(t.secs.saturating_mul(1000).saturating_add(i64::from(t.nanos / 1_000_000))))
    });
    r.method(T, "UnixNano", &[], |a, _| {
        let t = time_arg(a);
        Ok(Value::Int64(t.secs.wrapping_mul(1_000_000_000).wrapping_add(i64::from(t.nanos))))
    });
    r.method(T, "Year", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).year)));
    r.method(T, "Month", &[], |a, _| Ok(Value::Enum(EnumKind::Month, civil(&time_arg(a)).month.into())));
    r.method(T, "Day", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).day.into())));
    r.method(T, "YearDay", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).yday.into())));
    r.method(T, "Weekday", &[], |a, _| {
        Ok(Value::Enum(EnumKind::Weekday, civil(&time_arg(a)).weekday.into()))
    });
    r.method(T, "Hour", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).hour.into())));
    r.method(T, "Minute", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).min.into())));
    r.method(T, "Second", &[], |a, _| Ok(Value::Int(civil(&time_arg(a)).sec.into())));
    r.method(T, "Nanosecond", &[], |a, _| Ok(Value::Int(time_arg(a).nanos.into())));
    r.method(T, "UTC", &[], |a, _| Ok(Value::Time(time_arg(a), false)));
    r.method(T, "IsZero", &[], |a, _| Ok(Value::Bool(time_arg(a) == GoTime::default())));
    const D: &str = "time.Duration";
    r.method(D, "String", &[], |a, _| Ok(Value::str(&duration_string(duration_arg(a)))));
    r.method(D, "Seconds", &[], |a, _| Ok(Value::Float(secs_of(duration_arg(a)))));
    r.method(D, "Minutes", &[], |a, _| Ok(Value::Float(secs_of(duration_arg(a)) / 60.0)));
    r.method(D, "Hours", &[], |a, _| Ok(Value::Float(secs_of(duration_arg(a)) / 3600.0)));
    r.method(D, "Milliseconds", &[], |a, _| Ok(Value::Int64(duration_arg(a) / 1_000_000)));
    r.method(D, "Microseconds", &[], |a, _| Ok(Value::Int64(duration_arg(a) / 1_000)));
    r.method(D, "Nanoseconds", &[], |a, _| Ok(Value::Int64(duration_arg(a))));
    r.method("time.Month", "String", &[], |a, _| {
        Ok(Value::str(&month_name(a.first().and_then(Value::as_int).unwrap_or(0))))
    });
    r.method("time.Weekday", "String", &[], |a, _| {
        Ok(Value::str(&weekday_name(a.first().and_then(Value::as_int).unwrap_or(0))))
    });
}

/// `Duration.Seconds()`: whole seconds plus the fraction, as Go computes it.
fn secs_of(d: i64) -> f64 {
    let sec = d / 1_000_000_000;
    let nsec = d % 1_000_000_000;
    sec as f64 + nsec as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_match_go() {
        assert_eq!(
            time_string(&from_unix_nanos(1_435_065_584_128_000_000)),
            "2015-06-23 13:19:44.128 +0000 UTC"
        );
        assert_eq!(time_string(&from_unix_nanos(-1_000_000_000)), "1969-12-31 23:59:59 +0000 UTC");
        assert_eq!(time_string(&from_unix_nanos(-500_000_000)), "1969-12-31 23:59:59.5 +0000 UTC");
        let t = from_unix_nanos(1_700_000_000_000_000_000);
        assert_eq!(format(&t, "2006-01-02T15:04:05Z07:00"), "2023-11-14T22:13:20Z");
        assert_eq!(format(&t, "Mon Jan _2 3:04PM 2006 .000 -0700"), "Tue Nov 14 10:13PM 2023 .000 +0000");
        assert_eq!(format(&t, "Monday, January 2 002 __2"), "Tuesday, November 14 318 318");
        assert_eq!(duration_string(1800 * 1_000_000_000), "30m0s");
        assert_eq!(duration_string(1_500_000), "1.5ms");
        assert_eq!(duration_string(-90_061_500_000_000), "-25h1m1.5s");
        assert_eq!(duration_string(2_000), "2µs");
        assert_eq!(duration_string(0), "0s");
    }
}
