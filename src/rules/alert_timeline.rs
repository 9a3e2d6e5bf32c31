//! What an alerting rule did over an evaluated timeline: one [`AlertInstance`] per alert
//! label set, each a list of [`Episode`]s (an alert's life from `activeAt` to its end, as
//! Prometheus's rule manager tracks it), and the questions the lab, the CLI and the grader
//! ask of it: the state at an instant, the firing spans, the number of alerts over time.
//!
//! An alert's state holds from the evaluation that set it until the next one, so "at `t`"
//! means "after the last evaluation at or before `t`".

use serde::{Deserialize, Serialize};

use crate::engine::{Labels, Millis, QueryStats};

/// How long a resolved alert is kept (and re-sent to Alertmanager) after it resolved
/// (Prometheus's `resolvedRetention`).
pub const RESOLVED_RETENTION: Millis = 15 * 60_000;

/// An alert's state, ordered like Prometheus's (`inactive < pending < firing`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
}

impl AlertState {
    /// The name Prometheus gives the state (`alertstate` label, API `state`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Inactive => "inactive",
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
        }
    }
}

/// How an episode ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// A firing alert's condition went away (and `keep_firing_for` ran out): it is resolved
    /// and kept for [`RESOLVED_RETENTION`] (Prometheus sends it as resolved meanwhile).
    Resolved,
    /// A pending alert's condition went away before `for` elapsed: deleted at once.
    Cancelled,
    /// The rule produced more alerts than its group's `limit`: every alert was dropped.
    Discarded,
}

/// One evaluation that returned this alert: the time, the sample's value and labels (the
/// template data of its annotations).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refresh {
    pub t: Millis,
    pub value: f64,
    pub sample: Labels,
}

/// One alert from the evaluation that created it (`activeAt`) to its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub active_at: Millis,
    /// When it went from pending to firing.
    pub fired_at: Option<Millis>,
    /// When and how it ended (None: still pending or firing when the evaluation stopped).
    pub ended: Option<(Millis, Ending)>,
    /// The evaluations whose result held this alert, in time order.
    pub refreshes: Vec<Refresh>,
    /// Each time a firing alert's condition went away while `keep_firing_for` kept it.
    pub kept_since: Vec<Millis>,
}

impl Episode {
    /// The state at `t` (Inactive before it started, after it ended, and while resolved).
    pub fn state_at(&self, t: Millis) -> AlertState {
        if t < self.active_at || self.ended.is_some_and(|(e, _)| t >= e) {
            AlertState::Inactive
        } else if self.fired_at.is_some_and(|f| t >= f) {
            AlertState::Firing
        } else {
            AlertState::Pending
        }
    }

    /// The latest refresh at or before `t` (what `$value` and the annotations show then).
    pub fn refresh_at(&self, t: Millis) -> Option<&Refresh> {
        let i = self.refreshes.partition_point(|r| r.t <= t);
        i.checked_sub(1).map(|i| &self.refreshes[i])
    }

    /// Since when `keep_firing_for` has been keeping it at `t`, if it is.
    pub fn keep_firing_since_at(&self, t: Millis) -> Option<Millis> {
        let last = self.refresh_at(t).map_or(Millis::MIN, |r| r.t);
        let i = self.kept_since.partition_point(|&k| k <= t);
        let since = *self.kept_since.get(i.checked_sub(1)?)?;
        (since > last && self.state_at(t) == AlertState::Firing).then_some(since)
    }

    /// When it stopped firing, if it fired and stopped.
    pub fn resolved_at(&self) -> Option<Millis> {
        match self.ended {
            Some((t, Ending::Resolved)) if self.fired_at.is_some() => Some(t),
            _ => None,
        }
    }
}

/// The alerts of one label set over the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertInstance {
    /// The alert's labels (the result sample's, rule labels applied, `alertname` set).
    pub labels: Labels,
    pub episodes: Vec<Episode>,
}

impl AlertInstance {
    /// The episode alive (pending or firing) at `t`.
    pub fn episode_at(&self, t: Millis) -> Option<&Episode> {
        self.episodes.iter().rev().find(|e| e.state_at(t) != AlertState::Inactive)
    }

    /// The state at `t`.
    pub fn state_at(&self, t: Millis) -> AlertState {
        self.episode_at(t).map_or(AlertState::Inactive, |e| e.state_at(t))
    }
}

/// A span during which one alert was firing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    pub labels: Labels,
    /// Its `activeAt` (when the condition started to hold).
    pub active_at: Millis,
    pub start: Millis,
    /// When it resolved; None: still firing when the evaluation stopped.
    pub end: Option<Millis>,
    /// The extreme value while firing: the highest, or the lowest for a rule whose
    /// condition is "below a threshold".
    pub peak: Option<f64>,
}

/// One alerting rule over the timeline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertTimeline {
    pub group: String,
    /// 0-based position in its group.
    pub index: usize,
    pub name: String,
    pub expr: String,
    pub for_: Millis,
    pub keep_firing_for: Millis,
    pub interval: Millis,
    /// The first evaluation's time (the others follow every `interval`).
    pub first_tick: Millis,
    /// Evaluations in the timeline.
    pub ticks: usize,
    /// Evaluations whose expression returned at least one sample.
    pub ticks_with_output: usize,
    /// Alert label sets in order of first appearance.
    pub instances: Vec<AlertInstance>,
    /// The first few failed evaluations: (time, message).
    pub errors: Vec<(Millis, String)>,
    pub error_count: usize,
    /// Every failed evaluation's time (nothing is sent to Alertmanager after those).
    pub failed_at: Vec<Millis>,
    pub stats: QueryStats,
    /// Time spent evaluating the rule (milliseconds of the clock given; 0 without one).
    pub eval_ms: f64,
    /// Why the rule never fired, in the dataset's terms (filled by the explainer).
    pub explanation: Vec<String>,
}

impl AlertTimeline {
    /// Every alert pending or firing at `t`: (instance, episode).
    pub fn active_at(&self, t: Millis) -> Vec<(&AlertInstance, &Episode)> {
        self.instances.iter().filter_map(|i| i.episode_at(t).map(|e| (i, e))).collect()
    }

    /// The number of (pending, firing) alerts at `t`.
    pub fn counts_at(&self, t: Millis) -> (usize, usize) {
        let mut counts = (0, 0);
        for (_, e) in self.active_at(t) {
            match e.state_at(t) {
                AlertState::Pending => counts.0 += 1,
                AlertState::Firing => counts.1 += 1,
                AlertState::Inactive => {}
            }
        }
        counts
    }

    /// Every firing span, ordered by start time then labels. `lowest_is_peak`: report the
    /// lowest value instead of the highest.
    pub fn firings(&self, lowest_is_peak: bool) -> Vec<Firing> {
        let mut out = Vec::new();
        for inst in &self.instances {
            for e in &inst.episodes {
                let Some(start) = e.fired_at else { continue };
                let end = e.ended.map(|(t, _)| t);
                let during = e.refreshes.iter().filter(|r| r.t >= start && end.is_none_or(|end| r.t < end));
                // The value at the firing transition counts too (it is the latest refresh then).
                let values = e.refresh_at(start).into_iter().chain(during).map(|r| r.value);
                let peak =
                    values.filter(|v| !v.is_nan()).reduce(
                        |a, b| {
                            if lowest_is_peak {
                                a.min(b)
                            } else {
                                a.max(b)
                            }
                        },
                    );
                out.push(Firing { labels: inst.labels.clone(), active_at: e.active_at, start, end, peak });
            }
        }
        out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.labels.cmp(&b.labels)));
        out
    }

    /// The evaluation times, in order.
    pub fn tick_times(&self) -> impl Iterator<Item = Millis> + '_ {
        (0..self.ticks).map(move |k| self.first_tick + k as Millis * self.interval)
    }

    /// True when some alert of the rule fired at some point.
    pub fn ever_fired(&self) -> bool {
        self.instances.iter().any(|i| i.episodes.iter().any(|e| e.fired_at.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(active_at: Millis, fired_at: Option<Millis>, ended: Option<(Millis, Ending)>) -> Episode {
        let refreshes = (0..10)
            .map(|i| active_at + i * 60_000)
            .filter(|t| ended.is_none_or(|(e, _)| *t < e))
            .map(|t| Refresh { t, value: (t / 60_000) as f64, sample: Labels::empty() })
            .collect();
        Episode { active_at, fired_at, ended, refreshes, kept_since: Vec::new() }
    }

    #[test]
    fn states_hold_until_the_next_change() {
        let e = episode(60_000, Some(180_000), Some((300_000, Ending::Resolved)));
        let states: Vec<_> =
            [0, 60_000, 179_999, 180_000, 299_999, 300_000].iter().map(|&t| e.state_at(t)).collect();
        use AlertState::*;
        assert_eq!(states, [Inactive, Pending, Pending, Firing, Firing, Inactive]);
        assert_eq!(e.refresh_at(200_000).map(|r| r.value), Some(3.0));
        assert_eq!(e.resolved_at(), Some(300_000));
        let cancelled = episode(0, None, Some((120_000, Ending::Cancelled)));
        assert_eq!(cancelled.resolved_at(), None);
    }

    #[test]
    fn firings_report_spans_and_peaks() {
        let labels = Labels::from_pairs([("alertname", "A")]);
        let timeline = AlertTimeline {
            instances: vec![AlertInstance {
                labels: labels.clone(),
                episodes: vec![
                    episode(0, None, Some((120_000, Ending::Cancelled))),
                    episode(180_000, Some(300_000), Some((480_000, Ending::Resolved))),
                    episode(600_000, Some(600_000), None),
                ],
            }],
            ..AlertTimeline::default()
        };
        let f = timeline.firings(false);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].start, f[0].end, f[0].peak), (300_000, Some(480_000), Some(7.0)));
        assert_eq!((f[1].start, f[1].end), (600_000, None));
        assert_eq!(timeline.firings(true)[0].peak, Some(5.0));
        assert_eq!(timeline.counts_at(200_000), (1, 0));
        assert_eq!(timeline.counts_at(300_000), (0, 1));
        assert_eq!(timeline.counts_at(500_000), (0, 0));
        assert!(timeline.ever_fired());
    }
}
