//! Learner progress as the site keeps it in the browser's localStorage: solved exercises, the
//! query that solved each (kept apart, so a later wrong attempt never replaces it), the draft
//! the editor holds per exercise (saved as the learner types), and hints revealed. The pure
//! (de)serialisation and validation live here, so that a corrupt or foreign store is detected
//! natively in tests and resets cleanly with a notice instead of breaking the page.

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
    /// The last query checked per exercise id, as stores written before drafts existed hold
    /// it: read as drafts on load, never written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub queries: BTreeMap<String, String>,
    /// What the editor holds per exercise id, saved as the learner types.
    #[serde(default)]
    pub drafts: BTreeMap<String, String>,
    /// The query that solved each solved exercise (the latest one that passed).
    #[serde(default)]
    pub solutions: BTreeMap<String, String>,
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
            Ok(p) => (p.migrated(), None),
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
        let texts = [&self.queries, &self.drafts, &self.solutions];
        let entries = self.solved.len() + self.hints.len() + texts.iter().map(|t| t.len()).sum::<usize>();
        if entries > 5 * MAX_ENTRIES {
            return Err(format!("{entries} entries is more than any pack has"));
        }
        let ids = self.solved.iter().chain(self.hints.keys()).chain(texts.iter().flat_map(|t| t.keys()));
        for id in ids {
            check_id(id)?;
        }
        let long = texts.iter().flat_map(|t| t.iter()).find(|(_, q)| q.len() > MAX_QUERY_BYTES);
        if let Some((id, _)) = long {
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

    /// A store from before drafts: its last checked queries become the drafts.
    fn migrated(mut self) -> Progress {
        for (id, q) in std::mem::take(&mut self.queries) {
            self.drafts.entry(id).or_insert(q);
        }
        self
    }

    /// What the editor of an exercise starts with: the draft, else the solving query.
    pub fn editor_text(&self, id: &str) -> Option<&str> {
        self.draft(id).or_else(|| self.solution(id))
    }

    /// The draft of an exercise.
    pub fn draft(&self, id: &str) -> Option<&str> {
        self.drafts.get(id).map(String::as_str)
    }

    /// The query that solved an exercise.
    pub fn solution(&self, id: &str) -> Option<&str> {
        self.solutions.get(id).map(String::as_str)
    }

    /// Saves what the editor of an exercise holds (ignored when absurdly long).
    pub fn set_draft(&mut self, id: &str, query: &str) {
        keep(&mut self.drafts, id, query);
    }

    /// Records a graded check: a passing query solves the exercise and becomes its solution;
    /// a failing one changes nothing (the solution stays).
    pub fn record_check(&mut self, id: &str, query: &str, passed: bool) {
        if passed {
            self.mark_solved(id);
            keep(&mut self.solutions, id, query);
        }
    }

    /// Forgets everything: solved marks, solutions, drafts and hints.
    pub fn reset(&mut self) {
        *self = Progress::new();
    }

    /// How many exercises have anything stored (what a reset would clear).
    pub fn exercises_touched(&self) -> usize {
        let ids: BTreeSet<&String> = self
            .solved
            .iter()
            .chain(self.drafts.keys())
            .chain(self.solutions.keys())
            .chain(self.hints.keys())
            .collect();
        ids.len()
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

/// What "Reset progress" asks before clearing the progress of `exercises` exercises and the
/// files of `rule_exercises` rule exercises; `None` when there is nothing to clear.
pub fn reset_question(exercises: usize, rule_exercises: usize) -> Option<String> {
    let count = |n: usize, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
    let progress = format!(
        "the saved progress of {} (solved marks, solutions, drafts, hints)",
        count(exercises, "exercise")
    );
    let files = format!("the rule files of {}", count(rule_exercises, "rule exercise"));
    let what = match (exercises, rule_exercises) {
        (0, 0) => return None,
        (_, 0) => progress,
        (0, _) => files,
        _ => format!("{progress} and {files}"),
    };
    Some(format!("Clear {what}? This cannot be undone."))
}

/// Stores `text` for `id` in `map`, unless it is absurdly long or the map is full.
fn keep(map: &mut BTreeMap<String, String>, id: &str, text: &str) {
    if text.len() <= MAX_QUERY_BYTES && (map.len() < MAX_ENTRIES || map.contains_key(id)) {
        map.insert(id.to_string(), text.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut p = Progress::new();
        p.record_check("todo-1-2-rate", "rate(x[5m])\n# \"quoted\" é", true);
        p.set_draft("todo-1-2-rate", "rate(x[1m])");
        p.reveal_hint("todo-1-3-sum-by", 2);
        p.reveal_hint("todo-1-3-sum-by", 2);
        p.reveal_hint("todo-1-3-sum-by", 2);
        let (back, notice) = Progress::load(Some(&p.save()));
        assert_eq!((back.clone(), notice), (p, None));
        assert_eq!(back.hints_shown("todo-1-3-sum-by"), 2);
        assert!(back.is_solved("todo-1-2-rate"));
        assert_eq!(back.editor_text("todo-1-2-rate"), Some("rate(x[1m])"));
    }

    #[test]
    fn a_later_wrong_attempt_keeps_the_solution() {
        let mut p = Progress::new();
        p.set_draft("a", "good");
        p.record_check("a", "good", true);
        p.set_draft("a", "worse");
        p.record_check("a", "worse", false);
        assert!(p.is_solved("a"));
        assert_eq!((p.draft("a"), p.solution("a")), (Some("worse"), Some("good")));
        p.record_check("a", "better", true);
        assert_eq!(p.solution("a"), Some("better"));
        // Without a draft the editor opens on the solution.
        p.drafts.clear();
        assert_eq!(p.editor_text("a"), Some("better"));
        assert_eq!(Progress::new().editor_text("a"), None);
    }

    #[test]
    fn old_stores_read_their_last_queries_as_drafts() {
        let (p, notice) =
            Progress::load(Some(r#"{"version":1,"solved":["a"],"queries":{"a":"q1","b":"q2"}}"#));
        assert_eq!(notice, None);
        assert_eq!((p.draft("a"), p.draft("b"), p.solution("a")), (Some("q1"), Some("q2"), None));
        assert!(!p.save().contains("queries"), "{}", p.save());
    }

    #[test]
    fn reset_asks_about_what_it_clears() {
        assert_eq!(reset_question(0, 0), None);
        assert_eq!(
            reset_question(2, 1).as_deref(),
            Some("Clear the saved progress of 2 exercises (solved marks, solutions, drafts, hints) and the rule files of 1 rule exercise? This cannot be undone.")
        );
        assert_eq!(
            reset_question(1, 0).as_deref(),
            Some("Clear the saved progress of 1 exercise (solved marks, solutions, drafts, hints)? This cannot be undone.")
        );
        assert_eq!(
            reset_question(0, 3).as_deref(),
            Some("Clear the rule files of 3 rule exercises? This cannot be undone.")
        );
    }

    #[test]
    fn reset_clears_everything() {
        let mut p = Progress::new();
        p.record_check("a", "x", true);
        p.set_draft("b", "y");
        p.reveal_hint("c", 3);
        assert_eq!(p.exercises_touched(), 3);
        p.reset();
        assert_eq!(p, Progress::new());
        assert_eq!(p.exercises_touched(), 0);
    }

    #[test]
    fn corrupt_stores_reset_with_a_reason() {
        let long = format!("{{\"version\":1,\"drafts\":{{\"a\":\"{}\"}}}}", "x".repeat(MAX_QUERY_BYTES + 1));
        for raw in [
            "{",
            "null",
            "[]",
            "{\"version\":2}",
            "{\"version\":1,\"solved\":[\"Bad Id\"]}",
            "{\"version\":1,\"solutions\":{\"Bad Id\":\"x\"}}",
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
