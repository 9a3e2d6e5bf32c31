//! Learner progress (solved exercises, the last query typed per exercise, hints revealed) as
//! the site keeps it in the browser's localStorage: the pure (de)serialisation and
//! validation, so that a corrupt or foreign store is detected natively in tests and resets
//! cleanly with a notice instead of breaking the page.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::pack::check_id;

/// The localStorage key progress lives under (the version is part of it so a future format
/// can migrate from this one explicitly).
pub const STORAGE_KEY: &str = "promplay.progress.v1";
/// The only format version this code reads and writes.
pub const VERSION: u32 = 1;
/// Longest query kept per exercise (a longer one is not a query someone typed).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Most exercises remembered (far above any pack; bounds what a hostile store can cost).
pub const MAX_ENTRIES: usize = 2_000;

/// What the learner has done.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    /// Ids of solved exercises.
    #[serde(default)]
    pub solved: BTreeSet<String>,
    /// The last query run per exercise id.
    #[serde(default)]
    pub queries: BTreeMap<String, String>,
    /// How many hints have been revealed per exercise id.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
}

/// The notice shown once when a stored progress could not be used.
pub const RESET_NOTICE: &str = "Your saved progress could not be read and has been reset.";

impl Progress {
    /// Empty progress of the current version.
    pub fn new() -> Self {
        Progress { version: VERSION, ..Default::default() }
    }

    /// Reads what localStorage held. `None` (nothing stored) gives empty progress; anything
    /// unreadable gives empty progress plus the reason, for a notice and the console.
    pub fn load(raw: Option<&str>) -> (Progress, Option<String>) {
        let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else { return (Progress::new(), None) };
        match serde_json::from_str::<Progress>(raw).map_err(|e| e.to_string()).and_then(|p| p.validated()) {
            Ok(p) => (p, None),
            Err(why) => (Progress::new(), Some(why)),
        }
    }

    /// The JSON to store.
    pub fn save(&self) -> String {
        // Serialising maps of strings cannot fail; fall back to an empty store regardless.
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"version\":{VERSION}}}"))
    }

    fn validated(self) -> Result<Progress, String> {
        if self.version != VERSION {
            return Err(format!("unsupported progress version {}", self.version));
        }
        let entries = self.solved.len() + self.queries.len() + self.hints.len();
        if entries > 3 * MAX_ENTRIES {
            return Err(format!("{entries} entries is more than any pack has"));
        }
        let ids = self.solved.iter().chain(self.queries.keys()).chain(self.hints.keys());
        for id in ids {
            check_id(id)?;
        }
        if let Some((id, _)) = self.queries.iter().find(|(_, q)| q.len() > MAX_QUERY_BYTES) {
            return Err(format!("the stored query of {id} is too long"));
        }
        if let Some((id, n)) = self.hints.iter().find(|(_, n)| **n > 100) {
            return Err(format!("{n} hints revealed for {id}"));
        }
        Ok(self)
    }

    /// True when the exercise is solved.
    pub fn is_solved(&self, id: &str) -> bool {
        self.solved.contains(id)
    }

    /// Marks an exercise solved.
    pub fn mark_solved(&mut self, id: &str) {
        self.solved.insert(id.to_string());
    }

    /// The last query run for an exercise.
    pub fn last_query(&self, id: &str) -> Option<&str> {
        self.queries.get(id).map(String::as_str)
    }

    /// Remembers the last query of an exercise (ignored when absurdly long).
    pub fn set_query(&mut self, id: &str, query: &str) {
        if query.len() <= MAX_QUERY_BYTES
            && (self.queries.len() < MAX_ENTRIES || self.queries.contains_key(id))
        {
            self.queries.insert(id.to_string(), query.to_string());
        }
    }

    /// Hints revealed so far for an exercise.
    pub fn hints_shown(&self, id: &str) -> usize {
        self.hints.get(id).copied().unwrap_or(0)
    }

    /// Reveals one more hint (up to `available`).
    pub fn reveal_hint(&mut self, id: &str, available: usize) {
        let n = (self.hints_shown(id) + 1).min(available);
        self.hints.insert(id.to_string(), n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut p = Progress::new();
        p.mark_solved("todo-1-2-rate");
        p.set_query("todo-1-2-rate", "rate(x[5m])\n# \"quoted\" é");
        p.reveal_hint("todo-1-3-sum-by", 2);
        p.reveal_hint("todo-1-3-sum-by", 2);
        p.reveal_hint("todo-1-3-sum-by", 2);
        let (back, notice) = Progress::load(Some(&p.save()));
        assert_eq!((back.clone(), notice), (p, None));
        assert_eq!(back.hints_shown("todo-1-3-sum-by"), 2);
        assert!(back.is_solved("todo-1-2-rate"));
    }

    #[test]
    fn corrupt_stores_reset_with_a_reason() {
        let long = format!("{{\"version\":1,\"queries\":{{\"a\":\"{}\"}}}}", "x".repeat(MAX_QUERY_BYTES + 1));
        for raw in [
            "{",
            "null",
            "[]",
            "{\"version\":2}",
            "{\"version\":1,\"solved\":[\"Bad Id\"]}",
            "{\"version\":1,\"solved\":\"x\"}",
            "{\"version\":1,\"extra\":1}",
            "{\"version\":1,\"hints\":{\"a\":-1}}",
            long.as_str(),
        ] {
            let (p, notice) = Progress::load(Some(raw));
            assert_eq!(p, Progress::new(), "{raw}");
            assert!(notice.is_some(), "{raw}");
        }
        assert_eq!(Progress::load(None), (Progress::new(), None));
        assert_eq!(Progress::load(Some("  ")), (Progress::new(), None));
    }
}
