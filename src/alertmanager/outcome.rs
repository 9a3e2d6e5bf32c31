//! What a simulation produces: the notification log (every notification an integration would
//! receive, with why it was sent), the flushes that sent nothing (and why), the aggregation
//! groups, and counts per receiver.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::receivers::Kind;
use crate::engine::{Labels, Millis};

/// An alert as a notification carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifiedAlert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Millis,
    /// None while firing (Alertmanager sends the zero time).
    pub ends_at: Option<Millis>,
    pub generator_url: String,
}

impl NotifiedAlert {
    pub fn firing(&self) -> bool {
        self.ends_at.is_none()
    }
}

/// Why the notification log let a notification through (`DedupStage.needsUpdate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendReason {
    /// Nothing was sent for this group and integration before.
    First,
    /// Firing alerts the last notification did not have.
    NewFiring,
    /// Every alert is resolved now and the last notification had firing ones.
    AllResolved,
    /// Newly resolved alerts (only with `send_resolved`).
    NewResolved,
    /// Nothing changed, but `repeat_interval` has passed since the last notification.
    Repeat,
}

impl SendReason {
    pub fn describe(self) -> &'static str {
        match self {
            SendReason::First => "first notification of the group",
            SendReason::NewFiring => "new firing alerts",
            SendReason::AllResolved => "all alerts resolved",
            SendReason::NewResolved => "newly resolved alerts",
            SendReason::Repeat => "repeat_interval elapsed",
        }
    }
}

/// One notification an integration receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub at: Millis,
    pub receiver: String,
    pub integration: Kind,
    pub integration_index: usize,
    /// The aggregation group (index into [`Outcome::groups`]).
    pub group: usize,
    pub reason: SendReason,
    /// In Alertmanager's order (`job`, `instance`, then labels).
    pub alerts: Vec<NotifiedAlert>,
    /// Alerts of the group that inhibition removed from this notification: (target, source).
    pub inhibited: Vec<(Labels, Labels)>,
}

impl Notification {
    /// `firing` when any alert in it is firing, else `resolved`.
    pub fn status(&self) -> &'static str {
        if self.alerts.iter().any(NotifiedAlert::firing) {
            "firing"
        } else {
            "resolved"
        }
    }

    pub fn firing(&self) -> usize {
        self.alerts.iter().filter(|a| a.firing()).count()
    }
}

/// Why a flush sent nothing to an integration (flushes where nothing changed are only counted,
/// in [`GroupSummary::unchanged`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuietReason {
    /// Every alert of the group was inhibited.
    Inhibited { alerts: usize },
    /// The route is inside one of its `mute_time_intervals`.
    Muted { interval: String },
    /// The route is outside all of its `active_time_intervals`.
    Inactive,
    /// Only resolved alerts changed and the integration has `send_resolved: false` (the
    /// notification log is updated all the same).
    ResolvedNotSent,
    /// The receiver has no integrations: Alertmanager notifies nobody.
    NoIntegrations,
}

/// A flush that sent nothing, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiet {
    pub at: Millis,
    pub group: usize,
    pub receiver: String,
    pub reason: QuietReason,
}

/// One aggregation group: a route node and the values of its `group_by` labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The route node (its depth-first index).
    pub route: usize,
    pub receiver: String,
    pub key: String,
    pub labels: Labels,
    /// When it was created (a group emptied and collected is created again: a new entry).
    pub created_at: Millis,
    /// Flushes with alerts in them, and how many of those found nothing new to send.
    pub flushes: usize,
    pub unchanged: usize,
}

/// An alert the API refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub at: Millis,
    pub labels: Labels,
    pub message: String,
}

/// The most flushes-that-sent-nothing kept one by one ([`Outcome::quiet_total`] counts all).
pub const MAX_QUIET: usize = 20_000;

/// Everything a simulation produced.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub notifications: Vec<Notification>,
    /// The first [`MAX_QUIET`] flushes that sent nothing for a reason.
    pub quiet: Vec<Quiet>,
    pub quiet_total: usize,
    pub groups: Vec<GroupSummary>,
    pub refused: Vec<Refused>,
    /// Alerts received (after merging), and distinct label sets.
    pub received: usize,
}

impl Outcome {
    /// Notifications per receiver, every receiver of the config listed (zero included).
    pub fn per_receiver<'a>(&self, receivers: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = receivers.into_iter().map(|r| (r.to_string(), 0)).collect();
        for n in &self.notifications {
            *counts.entry(n.receiver.clone()).or_default() += 1;
        }
        counts
    }
}
