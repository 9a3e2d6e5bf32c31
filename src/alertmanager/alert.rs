//! Alerts as Alertmanager 0.25 receives and keeps them: what a client POSTs to `/api/v2/alerts`
//! ([`PostedAlert`], the shape Prometheus sends), how the API completes it (`startsAt` defaults
//! to now, a missing `endsAt` becomes now + `resolve_timeout`), how a re-post of the same label
//! set merges with the stored alert, and when an alert counts as resolved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config_route::valid_label_name;
use crate::engine::{Labels, Millis};

/// One alert in a POST, as Prometheus sends it (times in milliseconds since the epoch).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PostedAlert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
    pub generator_url: String,
}

/// One POST to `/api/v2/alerts` at simulated time `at`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub at: Millis,
    pub alerts: Vec<PostedAlert>,
}

/// An alert as Alertmanager stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    /// The end was set by Alertmanager (`resolve_timeout`), not by the client.
    pub timeout: bool,
    /// When it was last received.
    pub updated_at: Millis,
    pub generator_url: String,
}

impl Alert {
    /// `ResolvedAt`: the alert's end is not after `t`.
    pub fn resolved_at(&self, t: Millis) -> bool {
        self.ends_at <= t
    }

    /// `Alert.Merge` (`types.go`): the younger alert's fields, the earliest start, and an end
    /// that the other one may extend (a resolution by the later explicit end; a firing alert
    /// by a later end that is not a timeout). `now` decides what counts as resolved.
    pub fn merge(&self, other: &Alert, now: Millis) -> Alert {
        let (older, younger) = if other.updated_at < self.updated_at { (other, self) } else { (self, other) };
        let mut res = younger.clone();
        if older.starts_at < younger.starts_at {
            res.starts_at = older.starts_at;
        }
        if younger.resolved_at(now) {
            if older.resolved_at(now) && older.ends_at > younger.ends_at {
                res.ends_at = older.ends_at;
            }
        } else if older.ends_at > younger.ends_at && !older.timeout {
            res.ends_at = older.ends_at;
        }
        res
    }

    /// The mem provider's merge condition: the new alert's activity overlaps the stored one's
    /// (strict comparisons, as in `provider/mem`).
    pub fn overlaps(&self, stored: &Alert) -> bool {
        (self.ends_at > stored.starts_at && self.ends_at < stored.ends_at)
            || (self.starts_at > stored.starts_at && self.starts_at < stored.ends_at)
    }
}

/// The API's handling of one posted alert at `now`: defaults filled in, then validated
/// (`Err` is the message Alertmanager answers with for that alert).
pub fn receive(posted: &PostedAlert, now: Millis, resolve_timeout: Millis) -> Result<Alert, String> {
    let starts_at = posted.starts_at.unwrap_or(posted.ends_at.unwrap_or(now));
    let (ends_at, timeout) = match posted.ends_at {
        Some(e) => (e, false),
        None => (now + resolve_timeout, true),
    };
    if ends_at < starts_at {
        return Err("start time must be before end time".into());
    }
    if let Some((name, _)) = posted.labels.iter().find(|(n, _)| !valid_label_name(n)) {
        return Err(format!("invalid label set: invalid name {name:?}"));
    }
    if posted.labels.is_empty() {
        return Err("at least one label pair required".into());
    }
    if let Some(name) = posted.annotations.keys().find(|n| !valid_label_name(n)) {
        return Err(format!("invalid annotations: invalid name {name:?}"));
    }
    Ok(Alert {
        labels: posted.labels.clone(),
        annotations: posted.annotations.clone(),
        starts_at,
        ends_at,
        timeout,
        updated_at: now,
        generator_url: posted.generator_url.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(start: Millis, end: Millis, updated: Millis, timeout: bool) -> Alert {
        Alert {
            labels: Labels::from_pairs([("alertname", "test")]),
            annotations: BTreeMap::new(),
            starts_at: start,
            ends_at: end,
            timeout,
            updated_at: updated,
            generator_url: String::new(),
        }
    }

    #[test]
    fn the_api_fills_in_times() {
        let posted = PostedAlert { labels: Labels::from_pairs([("a", "b")]), ..PostedAlert::default() };
        let a = receive(&posted, 1000, 300_000).unwrap();
        assert_eq!((a.starts_at, a.ends_at, a.timeout), (1000, 301_000, true));
        let ended = PostedAlert { ends_at: Some(500), ..posted.clone() };
        assert_eq!(receive(&ended, 1000, 300_000).unwrap().starts_at, 500);
        let backwards = PostedAlert { starts_at: Some(900), ends_at: Some(500), ..posted };
        assert_eq!(receive(&backwards, 1000, 300_000).unwrap_err(), "start time must be before end time");
        assert!(receive(&PostedAlert::default(), 0, 0).is_err());
    }

    #[test]
    fn merging_keeps_the_earliest_start_and_the_right_end() {
        // TestMergeAlerts: firing since 1.1, re-posted at 1.2 as starting at 1: the new range
        // starts before the stored one and ends after it, so it replaces it (no overlap).
        let stored = alert(1100, 301_000, 1000, true);
        let earlier = alert(1000, 301_200, 1200, true);
        assert!(!earlier.overlaps(&stored));
        // Re-posted at 3.6 as starting at 1.5: inside the stored range, merged.
        let inside = alert(1500, 303_600, 3600, true);
        assert!(inside.overlaps(&earlier));
        let m = earlier.merge(&inside, 3600);
        assert_eq!((m.starts_at, m.ends_at, m.updated_at), (1000, 303_600, 3600));
        // Two resolutions: the later explicit end wins.
        let r1 = alert(2900, 4800, 4800, false);
        let r2 = alert(2900, 4100, 4801, false);
        assert_eq!(r1.merge(&r2, 4801).ends_at, 4800);
    }
}
