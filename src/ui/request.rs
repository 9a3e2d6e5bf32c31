//! The playground's query request: what the time controls hold (text, as typed) and its
//! validation into the parameters the engine takes.

use crate::content::time::{format_duration, format_instant, parse_duration, parse_instant};
use crate::engine::Millis;

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

/// Most points per series a range query asks for when the step is left to the playground
/// (Prometheus's UI aims at 250 too, and keeps the chart readable).
pub const AUTO_POINTS: i64 = 250;

impl TimeInputs {
    /// Controls that show the last hour of data ending at `end`.
    pub fn ending_at(end: Millis) -> Self {
        TimeInputs { time: format_instant(end), range: "1h".into(), step: String::new() }
    }

    /// Validates the inputs for `mode`; the error names the field and says what is wrong.
    pub fn params(&self, mode: Mode) -> Result<Params, String> {
        let time = parse_instant(&self.time).map_err(|e| format!("Time: {e}"))?;
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
        ];
        for (mode, inp, prefix) in cases {
            let err = inp.params(mode).expect_err("must fail");
            assert!(err.starts_with(prefix), "{inp:?}: {err}");
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
