//! The playground's query request: what the time controls hold (text, as typed) and its
//! validation into the parameters the engine takes.

use crate::content::instant::parse_time_input;
use crate::content::time::{format_duration, parse_duration};
use crate::engine::{EngineOptions, Millis};
use crate::link::query::MAX_POINTS_FIELD;

use super::format::thousands;

/// Instant query (one evaluation time) or range query (start, end, step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Instant,
    Range,
}

impl Mode {
    /// The URL parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Instant => "instant",
            Mode::Range => "range",
        }
    }

    /// Reads the URL parameter value; anything unknown is an instant query.
    pub fn parse(s: &str) -> Mode {
        if s == "range" {
            Mode::Range
        } else {
            Mode::Instant
        }
    }
}

/// The time controls as typed: an evaluation time for instant queries, and for range queries
/// the end time, a range duration and an optional step (empty: chosen from the range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeInputs {
    pub time: String,
    pub range: String,
    pub step: String,
}

/// Validated query parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Params {
    Instant { time: Millis },
    Range { start: Millis, end: Millis, step: Millis },
}

impl Params {
    /// The instant a query is looked at: the evaluation time, or a range's end.
    pub fn time(&self) -> Millis {
        match *self {
            Params::Instant { time } | Params::Range { end: time, .. } => time,
        }
    }
}

/// Most points per series a range query asks for when the step is left to the playground
/// (Prometheus's UI aims at 250 too, and keeps the chart readable).
pub const AUTO_POINTS: i64 = 250;

impl TimeInputs {
    /// Validates the inputs for `mode`; the error names the field and says what is wrong.
    pub fn params(&self, mode: Mode) -> Result<Params, String> {
        self.params_within(mode, EngineOptions::default().max_range_steps)
    }

    /// Like [`Self::params`], for a range query allowed at most `max_points` steps (the
    /// playground's Limits).
    pub fn params_within(&self, mode: Mode, max_points: usize) -> Result<Params, String> {
        let time = parse_time_input(&self.time).map_err(|e| format!("Time: {e}"))?;
        if mode == Mode::Instant {
            return Ok(Params::Instant { time });
        }
        let range = parse_duration(self.range.trim()).map_err(|e| format!("Range: {e}"))?;
        if range <= 0 {
            return Err("Range: must be longer than 0s".into());
        }
        let step = if self.step.trim().is_empty() {
            auto_step(range)
        } else {
            parse_duration(self.step.trim()).map_err(|e| format!("Step: {e}"))?
        };
        if step <= 0 {
            return Err("Step: must be longer than 0s".into());
        }
        check_resolution(range, step, max_points)?;
        Ok(Params::Range { start: time.saturating_sub(range), end: time, step })
    }

    /// The step used when none is typed, as text for the step field's placeholder.
    pub fn auto_step_hint(&self) -> String {
        match parse_duration(self.range.trim()) {
            Ok(r) if r > 0 => format!("auto ({})", format_duration(auto_step(r))),
            _ => "auto".into(),
        }
    }
}

/// Refuses a step so fine that the engine would refuse the query (Prometheus's API allows
/// 11,000 steps): the engine's message speaks of the API's `?step=` parameter, while the page
/// should name its own field and the value that works. A cap other than Prometheus's also
/// names the Limits field that set it.
fn check_resolution(range: Millis, step: Millis, max_points: usize) -> Result<(), String> {
    let max = i64::try_from(max_points).unwrap_or(i64::MAX);
    if range / step <= max {
        return Ok(());
    }
    let points = range / step + 1;
    let set_by = if max_points == EngineOptions::default().max_range_steps {
        String::new()
    } else {
        format!(" (\u{201c}{MAX_POINTS_FIELD}\u{201d} under Limits)")
    };
    Err(format!(
        "Step: {} is too fine for a range of {}: it asks for {} points per series, and a range query \
         may have at most {} steps{set_by}. Set Step to {} or more, or shorten Range.",
        format_duration(step),
        format_duration(range),
        thousands(u64::try_from(points).unwrap_or(u64::MAX)),
        thousands(u64::try_from(max).unwrap_or(u64::MAX)),
        format_duration(min_step(range, max)),
    ))
}

/// The smallest whole-second step that keeps `range` within `max` steps.
fn min_step(range: Millis, max: i64) -> Millis {
    let mut step = (range / max.max(1) / 1000).max(1) * 1000;
    while range / step > max {
        step += 1000;
    }
    step
}

/// A step giving at most [`AUTO_POINTS`] points over `range`, in whole seconds, at least 1s.
pub fn auto_step(range: Millis) -> Millis {
    ((range / AUTO_POINTS) / 1000).max(1) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::time::DEFAULT_START;

    fn inputs(time: &str, range: &str, step: &str) -> TimeInputs {
        TimeInputs { time: time.into(), range: range.into(), step: step.into() }
    }

    #[test]
    fn valid_params() {
        let t0 = DEFAULT_START;
        let cases = [
            (Mode::Instant, inputs("2026-01-05T00:00:00Z", "", ""), Params::Instant { time: t0 }),
            (
                Mode::Range,
                inputs("2026-01-05T01:00:00Z", "1h", ""),
                Params::Range { start: t0, end: t0 + 3_600_000, step: 14_000 },
            ),
            (
                Mode::Range,
                inputs("2026-01-05T01:00:00Z", "30m", "1m"),
                Params::Range { start: t0 + 1_800_000, end: t0 + 3_600_000, step: 60_000 },
            ),
        ];
        for (mode, inp, want) in cases {
            assert_eq!(inp.params(mode), Ok(want), "{inp:?}");
        }
    }

    #[test]
    fn invalid_params() {
        let cases = [
            (Mode::Instant, inputs("yesterday", "1h", ""), "Time:"),
            (Mode::Range, inputs("2026-01-05T01:00:00Z", "0s", ""), "Range:"),
            (Mode::Range, inputs("2026-01-05T01:00:00Z", "an hour", ""), "Range:"),
            (Mode::Range, inputs("2026-01-05T01:00:00Z", "1h", "fast"), "Step:"),
            (Mode::Range, inputs("2026-01-05T01:00:00Z", "1h", "0s"), "Step:"),
            (Mode::Range, inputs("2026-01-05T01:00:00Z", "1d", "1s"), "Step:"),
        ];
        for (mode, inp, prefix) in cases {
            let err = inp.params(mode).expect_err("must fail");
            assert!(err.starts_with(prefix), "{inp:?}: {err}");
        }
    }

    #[test]
    fn a_too_fine_step_names_the_field_and_the_value_that_works() {
        let err = inputs("2026-01-06T00:00:00Z", "1d", "1s").params(Mode::Range).expect_err("too fine");
        assert_eq!(
            err,
            "Step: 1s is too fine for a range of 1d: it asks for 86,401 points per series, and a range \
             query may have at most 11,000 steps. Set Step to 8s or more, or shorten Range."
        );
        assert!(!err.contains("?step"));
        // The step it suggests is accepted, and one second less is not.
        let ok = inputs("2026-01-06T00:00:00Z", "1d", "8s").params(Mode::Range);
        assert!(ok.is_ok(), "{ok:?}");
        assert!(inputs("2026-01-06T00:00:00Z", "1d", "7s").params(Mode::Range).is_err());
        // Exactly 11,000 steps is allowed, as in Prometheus.
        assert!(inputs("2026-01-06T00:00:00Z", "11000s", "1s").params(Mode::Range).is_ok());
        assert!(inputs("2026-01-06T00:00:00Z", "11001s", "1s").params(Mode::Range).is_err());
        // A lowered cap (the playground's Limits) names the field that set it.
        let lowered =
            inputs("2026-01-06T00:00:00Z", "1d", "1m").params_within(Mode::Range, 500).expect_err("capped");
        assert!(
            lowered.contains("at most 500 steps (\u{201c}Max points per series\u{201d} under Limits)"),
            "{lowered}"
        );
        assert!(inputs("2026-01-06T00:00:00Z", "1d", "1m").params_within(Mode::Range, 1440).is_ok());
        for range in [1_000, 3_600_000, 86_400_000, 7 * 86_400_000, 400 * 86_400_000] {
            let step = min_step(range, 11_000);
            assert!(
                range / step <= 11_000 && (step == 1000 || range / (step - 1000) > 11_000),
                "{range}: {step}"
            );
        }
    }

    #[test]
    fn every_time_form_is_accepted() {
        let want = Params::Instant { time: DEFAULT_START + 36_000_000 };
        for time in ["2026-01-05T10:00:00Z", "2026-01-05 10:00", "2026-01-05T12:00:00+02:00", "1767607200"] {
            assert_eq!(inputs(time, "", "").params(Mode::Instant), Ok(want.clone()), "{time}");
        }
    }

    #[test]
    fn auto_steps() {
        for (range, want) in [(1_000, 1_000), (3_600_000, 14_000), (172_800_000, 691_000)] {
            assert_eq!(auto_step(range), want, "{range}");
        }
    }

    #[test]
    fn modes_round_trip() {
        for m in [Mode::Instant, Mode::Range] {
            assert_eq!(Mode::parse(m.as_str()), m);
        }
        assert_eq!(Mode::parse("bogus"), Mode::Instant);
    }
}
