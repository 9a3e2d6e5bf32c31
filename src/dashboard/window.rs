//! The dashboard's time window: the last 6 or 24 hours (of the dataset in the app, of "now"
//! in Grafana), with a query step that gives every panel the same number of points.

use serde::{Deserialize, Serialize};

use crate::engine::Millis;

/// Points per series a panel draws, whichever the window.
const POINTS: i64 = 360;

/// The dashboard's time window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    #[default]
    Last6h,
    Last24h,
}

impl Window {
    pub const ALL: [Window; 2] = [Window::Last6h, Window::Last24h];

    /// How the window is written (`6h`, `24h`): on the command line and in Grafana's `now-6h`.
    pub fn name(self) -> &'static str {
        match self {
            Window::Last6h => "6h",
            Window::Last24h => "24h",
        }
    }

    /// Reads `6h` or `24h`.
    pub fn parse(text: &str) -> Option<Window> {
        Window::ALL.into_iter().find(|w| w.name() == text)
    }

    /// The window's length in milliseconds.
    pub fn length(self) -> Millis {
        match self {
            Window::Last6h => 6 * 3_600_000,
            Window::Last24h => 24 * 3_600_000,
        }
    }

    /// The range query's step: 60 s over 6 h, 4 min over 24 h.
    pub fn step(self) -> Millis {
        self.length() / POINTS
    }

    /// The range query's `(start, end, step)` for a window ending at `end`.
    pub fn range_ending(self, end: Millis) -> (Millis, Millis, Millis) {
        (end - self.length(), end, self.step())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_back_and_step_evenly() {
        for w in Window::ALL {
            assert_eq!(Window::parse(w.name()), Some(w));
            assert_eq!(w.length() / w.step(), POINTS);
        }
        assert_eq!((Window::Last6h.step(), Window::Last24h.step()), (60_000, 240_000));
        assert_eq!(Window::parse("7d"), None);
        assert_eq!(Window::Last6h.range_ending(100_000_000), (100_000_000 - 21_600_000, 100_000_000, 60_000));
    }
}
