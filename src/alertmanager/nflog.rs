//! The notification log (`nflog`) and the decision built on it (`DedupStage.needsUpdate`):
//! per group and integration, which alerts the last notification had firing and resolved
//! (by label set: annotations do not count) and when it went out. Entries expire after twice
//! the repeat interval and are dropped by the periodic maintenance.

use std::collections::{BTreeMap, BTreeSet};

use super::outcome::SendReason;
use super::receivers::Kind;
use crate::engine::{Labels, Millis};

/// Alertmanager's default `--data.retention`.
pub const RETENTION: Millis = 120 * 3_600_000;

/// The log's key: group key, receiver and integration (kind and index).
pub type Key = (String, String, Kind, usize);

#[derive(Clone, Debug)]
struct Entry {
    at: Millis,
    firing: BTreeSet<Labels>,
    resolved: BTreeSet<Labels>,
    expires_at: Millis,
}

/// The log.
#[derive(Clone, Debug, Default)]
pub struct NotificationLog {
    entries: BTreeMap<Key, Entry>,
}

impl NotificationLog {
    /// Whether to notify now, and why (`needsUpdate`).
    pub fn needs_update(
        &self,
        key: &Key,
        firing: &BTreeSet<Labels>,
        resolved: &BTreeSet<Labels>,
        send_resolved: bool,
        repeat: Millis,
        now: Millis,
    ) -> Option<SendReason> {
        let Some(entry) = self.entries.get(key) else {
            return (!firing.is_empty()).then_some(SendReason::First);
        };
        if !firing.is_subset(&entry.firing) {
            return Some(SendReason::NewFiring);
        }
        if firing.is_empty() {
            return (!entry.firing.is_empty()).then_some(SendReason::AllResolved);
        }
        if send_resolved && !resolved.is_subset(&entry.resolved) {
            return Some(SendReason::NewResolved);
        }
        (entry.at < now - repeat).then_some(SendReason::Repeat)
    }

    /// Records a notification (`SetNotifiesStage`).
    pub fn log(
        &mut self,
        key: Key,
        firing: BTreeSet<Labels>,
        resolved: BTreeSet<Labels>,
        repeat: Millis,
        now: Millis,
    ) {
        let expiry = 2 * repeat;
        let keep = if expiry > 0 && RETENTION > expiry { expiry } else { RETENTION };
        self.entries.insert(key, Entry { at: now, firing, resolved, expires_at: now + keep });
    }

    /// The maintenance run: drops expired entries.
    pub fn collect_garbage(&mut self, now: Millis) {
        self.entries.retain(|_, e| e.expires_at > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<Labels> {
        names.iter().map(|n| Labels::from_pairs([("alertname", *n)])).collect()
    }

    #[test]
    fn dedup_decisions() {
        let mut log = NotificationLog::default();
        let key: Key = ("g".into(), "r".into(), Kind::Webhook, 0);
        let none = BTreeSet::new();
        assert_eq!(
            log.needs_update(&key, &none, &set(&["a"]), true, 1000, 0),
            None,
            "only resolved, never sent"
        );
        assert_eq!(log.needs_update(&key, &set(&["a"]), &none, true, 1000, 0), Some(SendReason::First));
        log.log(key.clone(), set(&["a"]), none.clone(), 1000, 0);
        assert_eq!(log.needs_update(&key, &set(&["a"]), &none, true, 1000, 1000), None, "not strictly older");
        assert_eq!(log.needs_update(&key, &set(&["a"]), &none, true, 1000, 1001), Some(SendReason::Repeat));
        assert_eq!(
            log.needs_update(&key, &set(&["a", "b"]), &none, true, 1000, 10),
            Some(SendReason::NewFiring)
        );
        assert_eq!(log.needs_update(&key, &set(&["b"]), &none, true, 1000, 10), Some(SendReason::NewFiring));
        assert_eq!(
            log.needs_update(&key, &none, &set(&["a"]), false, 1000, 10),
            Some(SendReason::AllResolved)
        );
        log.log(key.clone(), set(&["a"]), none.clone(), 1000, 0);
        assert_eq!(
            log.needs_update(&key, &set(&["a"]), &set(&["b"]), true, 1000, 10),
            Some(SendReason::NewResolved)
        );
        assert_eq!(log.needs_update(&key, &set(&["a"]), &set(&["b"]), false, 1000, 10), None);
        log.collect_garbage(2000);
        assert_eq!(log.needs_update(&key, &set(&["a"]), &none, true, 1000, 2001), Some(SendReason::First));
    }
}
