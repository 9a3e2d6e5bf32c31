//! Moving the playground's time window: fitting it to a dataset's span, shifting it back and
//! forth, and framing a documented event of the dataset. Pure arithmetic on the time fields,
//! so the controls only decide when to call it.

use crate::content::instant::parse_time_input;
use crate::content::time::{format_duration, format_instant, parse_duration};
use crate::engine::Millis;

use super::request::{Mode, TimeInputs};

/// How far the ± buttons move an instant query's time (range queries move by their range).
pub const INSTANT_SHIFT: Millis = 3_600_000;
/// Margin shown around an event that has a start and an end, as a share of its length.
const EVENT_MARGIN_SHARE: Millis = 4;
/// Least margin around an event, and the half-width of the window around a single instant.
const EVENT_MIN_MARGIN: Millis = 30 * 60_000;
/// How long after an instantaneous event an instant query looks (a 5m rate window then
/// holds the event).
const EVENT_INSTANT_DELAY: Millis = 5 * 60_000;

/// The span of the data, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Millis,
    pub end: Millis,
}

impl Span {
    fn clamp(self, t: Millis) -> Millis {
        t.clamp(self.start, self.end.max(self.start))
    }
}

/// An instant as the time field shows it: `2026-01-06T10:00:00Z`, with milliseconds only
/// when there are some.
pub fn format_time(t: Millis) -> String {
    let ms = t.rem_euclid(1000);
    let whole = format_instant(t - ms);
    if ms == 0 {
        whole
    } else {
        format!("{}.{ms:03}Z", whole.trim_end_matches('Z'))
    }
}

/// How far one press of a shift button moves the window in `mode` (None while the range
/// field does not hold a duration).
pub fn shift_amount(inputs: &TimeInputs, mode: Mode) -> Option<Millis> {
    match mode {
        Mode::Instant => Some(INSTANT_SHIFT),
        Mode::Range => parse_duration(inputs.range.trim()).ok().filter(|r| *r > 0),
    }
}

/// The controls moved `direction` (−1 back, +1 forward) by [`shift_amount`], keeping the
/// time within the data; None if the time or range does not parse or the time cannot move.
pub fn shifted(inputs: &TimeInputs, mode: Mode, direction: i64, data: Span) -> Option<TimeInputs> {
    let by = shift_amount(inputs, mode)?;
    let t = parse_time_input(&inputs.time).ok()?;
    let moved = data.clamp(t.saturating_add(direction.signum() * by));
    (moved != t).then(|| TimeInputs { time: format_time(moved), ..inputs.clone() })
}

/// The controls on the first dataset a page opens: an empty time becomes the data's end, and
/// the playground's default range (`range_given` false: the link named none) shrinks to the
/// data's span when longer. A time or range the link gave is kept as it is.
pub fn opened(inputs: &TimeInputs, data: Span, range_given: bool) -> Option<TimeInputs> {
    let span = data.end - data.start;
    let mut out = inputs.clone();
    if inputs.time.trim().is_empty() {
        out.time = format_time(data.end);
    }
    if !range_given && span > 0 && parse_duration(inputs.range.trim()).is_ok_and(|r| r > span) {
        out.range = format_duration(span);
    }
    (out != *inputs).then_some(out)
}

/// The controls fitted to a dataset just switched to: a range longer than the data shrinks to
/// the data's span (ending at its last sample), and a time outside the data moves to its end.
/// Returns None when nothing needs to change.
pub fn fitted(inputs: &TimeInputs, data: Span) -> Option<TimeInputs> {
    let span = data.end - data.start;
    let mut out = inputs.clone();
    let time = parse_time_input(&inputs.time).ok();
    if time.is_none_or(|t| t < data.start || t > data.end) {
        out.time = format_time(data.end);
    }
    if parse_duration(inputs.range.trim()).is_ok_and(|r| r > span) && span > 0 {
        out.time = format_time(data.end);
        out.range = format_duration(span);
        // A typed step was chosen for the old range: the automatic one suits the new one.
        out.step = String::new();
    }
    (out != *inputs).then_some(out)
}

/// The controls showing an event that starts at `start` and ends at `end` (None: at an
/// instant): a range query frames it with a margin on both sides, an instant query looks at
/// its middle (or just after an instantaneous one). Everything stays within the data.
pub fn framing(
    inputs: &TimeInputs,
    mode: Mode,
    start: Millis,
    end: Option<Millis>,
    data: Span,
) -> TimeInputs {
    let (from, to, at) = match end.filter(|e| *e > start) {
        Some(end) => {
            let margin = ((end - start) / EVENT_MARGIN_SHARE).max(EVENT_MIN_MARGIN);
            (start - margin, end + margin, start + (end - start) / 2)
        }
        None => (start - EVENT_MIN_MARGIN, start + EVENT_MIN_MARGIN, start + EVENT_INSTANT_DELAY),
    };
    let (from, to) = (data.clamp(from), data.clamp(to));
    match mode {
        Mode::Instant => TimeInputs { time: format_time(data.clamp(at)), ..inputs.clone() },
        Mode::Range => TimeInputs {
            time: format_time(to),
            // Whole minutes read better in the range field than 2h37m30s.
            range: format_duration(((to - from + 59_999) / 60_000).max(1) * 60_000),
            step: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::time::DEFAULT_START;

    const H: Millis = 3_600_000;
    const TWO_DAYS: Span = Span { start: DEFAULT_START, end: DEFAULT_START + 48 * H };
    const ONE_HOUR: Span = Span { start: DEFAULT_START + 12 * H, end: DEFAULT_START + 13 * H };

    fn inputs(time: &str, range: &str, step: &str) -> TimeInputs {
        TimeInputs { time: time.into(), range: range.into(), step: step.into() }
    }

    #[test]
    fn times_print_milliseconds_only_when_there_are_some() {
        assert_eq!(format_time(DEFAULT_START), "2026-01-05T00:00:00Z");
        assert_eq!(format_time(DEFAULT_START + 1_500), "2026-01-05T00:00:01.500Z");
        assert_eq!(format_time(-1), "1969-12-31T23:59:59.999Z");
        for t in [DEFAULT_START + 7, -1, 0] {
            assert_eq!(parse_time_input(&format_time(t)), Ok(t));
        }
    }

    #[test]
    fn a_one_hour_dataset_fits_a_one_day_range() {
        // The default controls (1d ending at the big dataset's end) on the one-hour dataset.
        let before = inputs("2026-01-07T00:00:00Z", "1d", "5m");
        let after = fitted(&before, ONE_HOUR).expect("changed");
        assert_eq!(after, inputs("2026-01-05T13:00:00Z", "1h", ""));
        // Already inside: nothing changes.
        assert_eq!(fitted(&inputs("2026-01-05T12:30:00Z", "30m", ""), ONE_HOUR), None);
        // A time outside the data moves to its end; a shorter range stays.
        assert_eq!(
            fitted(&inputs("2026-01-01T00:00:00Z", "15m", "15s"), ONE_HOUR),
            Some(inputs("2026-01-05T13:00:00Z", "15m", "15s"))
        );
        // An unreadable time is replaced; an unreadable range is left for the learner.
        assert_eq!(
            fitted(&inputs("soon", "an hour", ""), TWO_DAYS),
            Some(inputs("2026-01-07T00:00:00Z", "an hour", ""))
        );
    }

    #[test]
    fn the_first_dataset_fills_an_empty_time_and_fits_the_default_range() {
        let default = inputs("", "1d", "");
        assert_eq!(opened(&default, ONE_HOUR, false), Some(inputs("2026-01-05T13:00:00Z", "1h", "")));
        assert_eq!(opened(&default, TWO_DAYS, false), Some(inputs("2026-01-07T00:00:00Z", "1d", "")));
        // What a link says stays, even outside the data (the result then explains itself).
        assert_eq!(opened(&inputs("2026-01-09T00:00:00Z", "1d", ""), ONE_HOUR, true), None);
        assert_eq!(
            opened(&inputs("", "1d", ""), ONE_HOUR, true),
            Some(inputs("2026-01-05T13:00:00Z", "1d", ""))
        );
    }

    #[test]
    fn shifts_move_by_the_range_or_an_hour_and_stay_in_the_data() {
        let range = inputs("2026-01-06T12:00:00Z", "6h", "");
        assert_eq!(shift_amount(&range, Mode::Range), Some(6 * H));
        assert_eq!(shift_amount(&range, Mode::Instant), Some(H));
        assert_eq!(
            shifted(&range, Mode::Range, -1, TWO_DAYS).map(|i| i.time),
            Some("2026-01-06T06:00:00Z".into())
        );
        assert_eq!(
            shifted(&range, Mode::Instant, 1, TWO_DAYS).map(|i| i.time),
            Some("2026-01-06T13:00:00Z".into())
        );
        // Past the end: stops at the last sample, then cannot move further.
        let late = inputs("2026-01-06T20:00:00Z", "6h", "");
        let moved = shifted(&late, Mode::Range, 1, TWO_DAYS).expect("moves");
        assert_eq!(moved.time, "2026-01-07T00:00:00Z");
        assert_eq!(shifted(&moved, Mode::Range, 1, TWO_DAYS), None);
        // Nothing to shift by, or no time to shift.
        assert_eq!(shift_amount(&inputs("x", "?", ""), Mode::Range), None);
        assert_eq!(shifted(&inputs("x", "1h", ""), Mode::Range, 1, TWO_DAYS), None);
        // Other forms of the time are read, and the result is written in the canonical form.
        let unix = inputs("1767700800", "1h", "");
        assert_eq!(
            shifted(&unix, Mode::Range, -1, TWO_DAYS).map(|i| i.time),
            Some("2026-01-06T11:00:00Z".into())
        );
    }

    #[test]
    fn events_are_framed_with_a_margin() {
        let controls = inputs("2026-01-07T00:00:00Z", "1d", "1m");
        // Tuesday 09:00-10:30: 22.5 min on each side would be less than the 30 min minimum.
        let (s, e) = (DEFAULT_START + 33 * H, DEFAULT_START + 34 * H + H / 2);
        assert_eq!(
            framing(&controls, Mode::Range, s, Some(e), TWO_DAYS),
            inputs("2026-01-06T11:00:00Z", "2h30m", "")
        );
        assert_eq!(framing(&controls, Mode::Instant, s, Some(e), TWO_DAYS).time, "2026-01-06T09:45:00Z");
        // An instantaneous event: one hour around it, or five minutes after it.
        let restart = DEFAULT_START + 9 * H + 15 * 60_000;
        assert_eq!(
            framing(&controls, Mode::Range, restart, None, TWO_DAYS),
            inputs("2026-01-05T09:45:00Z", "1h", "")
        );
        assert_eq!(framing(&controls, Mode::Instant, restart, None, TWO_DAYS).time, "2026-01-05T09:20:00Z");
        // An event at the very start or lasting the whole data is cut to the data.
        assert_eq!(
            framing(&controls, Mode::Range, ONE_HOUR.start, Some(ONE_HOUR.end), ONE_HOUR),
            inputs("2026-01-05T13:00:00Z", "1h", "")
        );
    }
}
