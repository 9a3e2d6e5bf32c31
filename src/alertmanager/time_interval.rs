//! Time intervals (`time_intervals:` and the older `mute_time_intervals:`), read and evaluated
//! as Alertmanager 0.25's `timeinterval` package does: times of day `[start, end)` in minutes,
//! weekdays, days of the month (negative ones count from the month's end), months and years,
//! all of which must hold. Evaluated in UTC: a named `location` other than UTC is kept and
//! reported by [`TimeInterval::location`] but not applied (the site has no time zone database).

use super::yaml_v2::{node_is_null, Decoder};
use crate::content::time::civil_from_days;
use crate::engine::Millis;
use crate::rules::yaml::Node;

/// One entry of a named interval's list. `None` means "not restricted"; an empty list (written
/// `times: []`) restricts to nothing, as in Go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeInterval {
    /// `[start, end)` minutes of the day.
    pub times: Option<Vec<(i64, i64)>>,
    /// Inclusive ranges, Sunday = 0.
    pub weekdays: Option<Vec<(i64, i64)>>,
    pub days_of_month: Option<Vec<(i64, i64)>>,
    pub months: Option<Vec<(i64, i64)>>,
    pub years: Option<Vec<(i64, i64)>>,
    pub location: Option<String>,
}

/// A named list of intervals (`time_intervals: - name: offhours ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedInterval {
    pub name: String,
    pub intervals: Vec<TimeInterval>,
    /// Declared under the deprecated `mute_time_intervals:` key.
    pub deprecated_key: bool,
    pub line: usize,
}

/// Whether `t` falls in any of `intervals`.
pub fn contains_any(intervals: &[TimeInterval], t: Millis) -> bool {
    intervals.iter().any(|i| i.contains(t))
}

/// A UTC calendar view of an instant.
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    weekday: i64,
    minute_of_day: i64,
    days_in_month: i64,
}

fn civil(t: Millis) -> Civil {
    let days = t.div_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let next_month = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let first = crate::content::time::days_from_civil(year, month, 1);
    let days_in_month = crate::content::time::days_from_civil(next_month.0, next_month.1, 1) - first;
    Civil {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday (4).
        weekday: (days + 4).rem_euclid(7),
        minute_of_day: t.rem_euclid(86_400_000) / 60_000,
        days_in_month,
    }
}

impl TimeInterval {
    /// `ContainsTime`: every given restriction must hold.
    pub fn contains(&self, t: Millis) -> bool {
        let c = civil(t);
        let within = |list: &Option<Vec<(i64, i64)>>, v: i64| {
            list.as_ref().is_none_or(|l| l.iter().any(|&(b, e)| v >= b && v <= e))
        };
        let times_ok = self
            .times
            .as_ref()
            .is_none_or(|l| l.iter().any(|&(s, e)| c.minute_of_day >= s && c.minute_of_day < e));
        let days_ok = self.days_of_month.as_ref().is_none_or(|l| {
            l.iter().any(|&(b, e)| {
                let n = c.days_in_month;
                let begin = if b < 0 { n + b + 1 } else { b };
                let end = if e < 0 { n + e + 1 } else { e };
                begin <= n && c.day >= begin.clamp(-n, n) && c.day <= end.clamp(-n, n)
            })
        });
        times_ok
            && days_ok
            && within(&self.months, c.month)
            && within(&self.weekdays, c.weekday)
            && within(&self.years, c.year)
    }

    /// A named location that is not applied here (anything but UTC).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref().filter(|l| !matches!(*l, "UTC" | "" | "Etc/UTC"))
    }
}

const DAYS: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Decodes one `time_intervals:` entry (`timeinterval.TimeInterval`).
pub fn decode(d: &mut Decoder, node: &Node) -> TimeInterval {
    let mut out = TimeInterval::default();
    let known = ["times", "weekdays", "days_of_month", "months", "years", "location"];
    for (key, value) in d.fields(node, "timeinterval.TimeInterval", &known) {
        if d.failed() {
            break;
        }
        let null = node_is_null(value);
        match key {
            "times" if !null => out.times = Some(list(d, value, "[]timeinterval.TimeRange", time_range)),
            "weekdays" if !null => {
                out.weekdays = Some(list(d, value, "[]timeinterval.WeekdayRange", weekday))
            }
            "days_of_month" if !null => {
                out.days_of_month = Some(list(d, value, "[]timeinterval.DayOfMonthRange", day_of_month))
            }
            "months" if !null => out.months = Some(list(d, value, "[]timeinterval.MonthRange", month)),
            "years" if !null => out.years = Some(list(d, value, "[]timeinterval.YearRange", year)),
            "location" if !null => out.location = location(d, value),
            _ => {}
        }
    }
    out
}

fn list(
    d: &mut Decoder,
    node: &Node,
    target: &str,
    item: fn(&mut Decoder, &Node) -> Option<(i64, i64)>,
) -> Vec<(i64, i64)> {
    let items = d.seq(node, target);
    let mut out = Vec::new();
    for n in items {
        if d.failed() {
            break;
        }
        if let Some(range) = item(d, n) {
            out.push(range);
        }
    }
    out
}

fn time_range(d: &mut Decoder, node: &Node) -> Option<(i64, i64)> {
    let before = d.checkpoint();
    let (mut start, mut end) = (String::new(), String::new());
    for (key, value) in d.fields(node, "timeinterval.yamlTimeRange", &["start_time", "end_time"]) {
        match key {
            "start_time" => start = d.string(value),
            _ => end = d.string(value),
        }
    }
    if !d.clean_since(before) {
        return None;
    }
    let checked = (|| {
        if start.is_empty() || end.is_empty() {
            return Err("both start and end times must be provided".to_string());
        }
        let (s, e) = (parse_time(&start)?, parse_time(&end)?);
        if s >= e {
            return Err("start time cannot be equal or greater than end time".to_string());
        }
        Ok((s, e))
    })();
    checked.map_err(|e| d.fail(node, e)).ok()
}

/// `HH:MM` from `00:00` to `24:00`.
fn parse_time(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let valid = s == "24:00"
        || (b.len() == 5
            && b[2] == b':'
            && matches!((b[0], b[1]), (b'0'..=b'1', b'0'..=b'9') | (b'2', b'0'..=b'3'))
            && matches!(b[3], b'0'..=b'5')
            && b[4].is_ascii_digit());
    if !valid {
        return Err(format!("couldn't parse timestamp {s}, invalid format"));
    }
    let h: i64 = s[..2].parse().map_err(|_| format!("couldn't parse timestamp {s}, invalid format"))?;
    let m: i64 = s[3..].parse().map_err(|_| format!("couldn't parse timestamp {s}, invalid format"))?;
    Ok(h * 60 + m)
}

/// `stringableRangeFromString`: `a` or `a:b` (lower-cased), each side read by `member`.
fn range_of(s: &str, member: impl Fn(&str) -> Result<i64, String>) -> Result<(i64, i64), String> {
    let s = s.to_lowercase();
    match s.split_once(':') {
        Some((a, b)) if !b.contains(':') => Ok((member(a)?, member(b)?)),
        Some(_) => Err(format!("couldn't parse range {s}, invalid format")),
        None => {
            let v = member(&s)?;
            Ok((v, v))
        }
    }
}

/// Go's `strconv.Atoi` with its error wording.
fn atoi(s: &str) -> Result<i64, String> {
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {s:?}: invalid syntax"))
}

/// Decodes a scalar range with `parse`, failing at `node` with the range type's message.
fn scalar_range(
    d: &mut Decoder,
    node: &Node,
    parse: impl Fn(&str) -> Result<(i64, i64), String>,
) -> Option<(i64, i64)> {
    let before = d.checkpoint();
    let text = d.string(node);
    if !d.clean_since(before) {
        return None;
    }
    parse(&text).map_err(|e| d.fail(node, e)).ok()
}

fn weekday(d: &mut Decoder, node: &Node) -> Option<(i64, i64)> {
    scalar_range(d, node, |s| {
        let member = |m: &str| {
            DAYS.iter()
                .position(|day| *day == m)
                .map(|i| i as i64)
                .ok_or_else(|| format!("{m} is not a valid weekday"))
        };
        let (b, e) = range_of(s, member)?;
        if b > e {
            return Err("start day cannot be before end day".into());
        }
        Ok((b, e))
    })
}

fn day_of_month(d: &mut Decoder, node: &Node) -> Option<(i64, i64)> {
    scalar_range(d, node, |s| {
        let (b, e) = range_of(s, atoi)?;
        for v in [b, e] {
            if v == 0 || !(-31..=31).contains(&v) {
                return Err(format!("{v} is not a valid day of the month: out of range"));
            }
        }
        if b < 0 && e > 0 {
            return Err("end day must be negative if start day is negative".into());
        }
        let (cb, ce) = (if b < 0 { 28 + b } else { b }, if e < 0 { 28 + e } else { e });
        if cb > ce {
            return Err(format!("end day {e} is always before start day {b}"));
        }
        Ok((b, e))
    })
}

fn month(d: &mut Decoder, node: &Node) -> Option<(i64, i64)> {
    scalar_range(d, node, |s| {
        let member = |m: &str| match MONTHS.iter().position(|x| *x == m) {
            Some(i) => Ok(i as i64 + 1),
            None => m.parse::<i64>().map_err(|_| format!("{m} is not a valid month")),
        };
        let (b, e) = range_of(s, member)?;
        if b > e {
            let name =
                |v: i64| usize::try_from(v - 1).ok().and_then(|i| MONTHS.get(i)).copied().unwrap_or("");
            return Err(format!("end month {} is before start month {}", name(e), name(b)));
        }
        Ok((b, e))
    })
}

fn year(d: &mut Decoder, node: &Node) -> Option<(i64, i64)> {
    scalar_range(d, node, |s| {
        let (b, e) = range_of(s, atoi)?;
        if b > e {
            return Err(format!("end year {e} is before start year {b}"));
        }
        Ok((b, e))
    })
}

/// `time.LoadLocation`: `UTC`, `Local` and IANA-style names are accepted (a name is not
/// checked against a time zone database, which the site does not carry).
fn location(d: &mut Decoder, node: &Node) -> Option<String> {
    let name = d.string(node);
    let plausible = name.is_empty()
        || name == "UTC"
        || name == "Local"
        || name
            .split('/')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c)));
    if plausible {
        Some(name)
    } else {
        d.fail(node, format!("unknown time zone {name}"));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml_v2::Offset;
    use super::*;
    use crate::content::time::parse_instant;
    use crate::rules::yaml::parse;

    fn interval(text: &str) -> Result<TimeInterval, String> {
        let node = parse(text).unwrap().unwrap();
        let mut d = Decoder::new(Offset::default());
        let ti = decode(&mut d, &node);
        match d.finish() {
            Some(e) => Err(e.message()),
            None => Ok(ti),
        }
    }

    fn at(s: &str) -> Millis {
        parse_instant(s).unwrap()
    }

    #[test]
    fn office_hours() {
        let ti =
            interval("times:\n- start_time: '09:00'\n  end_time: '17:00'\nweekdays: ['monday:friday']\n")
                .unwrap();
        // 2026-01-05 is a Monday.
        assert!(ti.contains(at("2026-01-05T09:00:00Z")));
        assert!(!ti.contains(at("2026-01-05T17:00:00Z")));
        assert!(!ti.contains(at("2026-01-04T12:00:00Z")), "Sunday");
    }

    #[test]
    fn days_months_years() {
        let ti = interval("days_of_month: ['-1']\nmonths: ['january']\nyears: ['2026']\n").unwrap();
        assert!(ti.contains(at("2026-01-31T12:00:00Z")));
        assert!(!ti.contains(at("2026-01-30T12:00:00Z")));
        let christmas = interval("months: ['december']\ndays_of_month: ['25']\n").unwrap();
        assert!(christmas.contains(at("2025-12-25T23:59:00Z")));
        assert!(interval("times: []\n").is_ok_and(|t| !t.contains(at("2026-01-05T00:00:00Z"))));
    }

    #[test]
    fn errors_read_like_alertmanager() {
        for (text, want) in [
            (
                "times:\n- start_time: '17:00'\n  end_time: '09:00'\n",
                "start time cannot be equal or greater than end time",
            ),
            (
                "times:\n- start_time: '9:00'\n  end_time: '17:00'\n",
                "couldn't parse timestamp 9:00, invalid format",
            ),
            ("times:\n- start_time: '09:00'\n", "both start and end times must be provided"),
            ("weekdays: ['friday:monday']\n", "start day cannot be before end day"),
            ("weekdays: ['funday']\n", "funday is not a valid weekday"),
            ("days_of_month: ['0']\n", "0 is not a valid day of the month: out of range"),
            ("days_of_month: ['-5:10']\n", "end day must be negative if start day is negative"),
            ("months: ['march:january']\n", "end month january is before start month march"),
            ("years: ['2030:2020']\n", "end year 2020 is before start year 2030"),
            (
                "hours: []\n",
                "yaml: unmarshal errors:\n  line 1: field hours not found in type timeinterval.TimeInterval",
            ),
        ] {
            assert_eq!(interval(text).unwrap_err(), want, "{text}");
        }
    }
}
