//! The submission model: `answers.json`, the machine-readable part of a submission (every
//! answer with its exercise, pack and exercise version, and the state the learner's browser
//! claimed for it), and the workspace the site gathers it from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::pack::check_id;

/// The format name `answers.json` carries (the version is part of it).
pub const FORMAT: &str = "promplay-submission/1";
/// Most answers one submission may hold (far above every built-in exercise together).
pub const MAX_ANSWERS: usize = 1_000;
/// Longest answer kept (a rule file or an Alertmanager configuration, not just a query).
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Which lab an answer belongs to: it decides which grader reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A PromQL query exercise: the answer is a query.
    Query,
    /// A rules-lab exercise: the answer is a recording-rule file.
    Rules,
    /// An alerting-lab exercise: the answer is an alerting-rule file.
    Alerts,
    /// An Alertmanager-lab exercise: the answer is a configuration (or a part of one).
    Alertmanager,
    /// A relabelling exercise: the answer is a relabel configuration.
    Relabel,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 5] = [
        AnswerKind::Query,
        AnswerKind::Rules,
        AnswerKind::Alerts,
        AnswerKind::Alertmanager,
        AnswerKind::Relabel,
    ];

    /// The name used in `answers.json` and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Query => "query",
            AnswerKind::Rules => "rules",
            AnswerKind::Alerts => "alerts",
            AnswerKind::Alertmanager => "alertmanager",
            AnswerKind::Relabel => "relabel",
        }
    }
}

/// One answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The exercise's id.
    pub exercise: String,
    pub kind: AnswerKind,
    /// The id of the pack the exercise came from.
    pub pack: String,
    /// The exercise's version (a digest of its content) when the answer was written: a
    /// grader with another version says so.
    #[serde(default)]
    pub version: String,
    /// The answer as the learner wrote it.
    pub text: String,
    /// What the learner's browser said: solved or not. Reported, never trusted.
    #[serde(default)]
    pub claimed_solved: bool,
}

/// The runbook and the threshold justification of one alert (the alerting lab's fields).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertDoc {
    #[serde(default)]
    pub runbook: String,
    #[serde(default)]
    pub threshold: String,
}

impl AlertDoc {
    /// True when both fields say something.
    pub fn complete(&self) -> bool {
        !self.runbook.trim().is_empty() && !self.threshold.trim().is_empty()
    }
}

/// `answers.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub format: String,
    pub answers: Vec<Answer>,
    /// Runbook and threshold justification per alert name.
    #[serde(default)]
    pub alert_docs: BTreeMap<String, AlertDoc>,
}

impl Submission {
    /// An empty submission of the current format.
    pub fn new() -> Self {
        Submission { format: FORMAT.into(), answers: Vec::new(), alert_docs: BTreeMap::new() }
    }

    /// Reads `answers.json`, refusing other formats, oversized answers and malformed ids with
    /// a message that says which answer and why.
    pub fn parse(text: &str) -> Result<Submission, String> {
        let s: Submission = serde_json::from_str(text).map_err(|e| format!("answers.json: {e}"))?;
        if s.format != FORMAT {
            return Err(format!("answers.json: format {:?} is not {FORMAT:?}", s.format));
        }
        if s.answers.len() > MAX_ANSWERS {
            return Err(format!("answers.json: {} answers is more than {MAX_ANSWERS}", s.answers.len()));
        }
        for (i, a) in s.answers.iter().enumerate() {
            let at = format!("answers.json: answer {} ({:?})", i + 1, a.exercise);
            check_id(&a.exercise).map_err(|e| format!("{at}: {e}"))?;
            if a.text.len() > MAX_ANSWER_BYTES {
                return Err(format!("{at}: {} bytes is more than {MAX_ANSWER_BYTES}", a.text.len()));
            }
        }
        Ok(s)
    }

    /// The JSON written as `answers.json` (pretty, so a reviewer can read it).
    pub fn to_json(&self) -> String {
        // Serialising strings, booleans and maps of strings cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Default for Submission {
    fn default() -> Self {
        Submission::new()
    }
}

/// Everything the site holds of the learner's work, gathered from local storage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Every exercise answer (query exercises' solutions or drafts, the labs' exercise files).
    pub answers: Vec<Answer>,
    /// The rules lab's file (recording rules, plain or a ConfigMap).
    pub recording_rules: Option<String>,
    /// The alerting lab's alerting rules.
    pub alert_rules: Option<String>,
    /// The alerting lab's promtool unit-test file.
    pub alert_tests: Option<String>,
    /// The Alertmanager lab's configuration.
    pub alertmanager: Option<String>,
    /// The relabelling lab's configuration.
    pub relabel: Option<String>,
    /// Runbook and threshold justification per alert name.
    pub alert_docs: BTreeMap<String, AlertDoc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: &str, text: &str) -> Answer {
        Answer {
            exercise: id.into(),
            kind: AnswerKind::Query,
            pack: "p".into(),
            version: String::new(),
            text: text.into(),
            claimed_solved: true,
        }
    }

    #[test]
    fn round_trips_and_refuses_what_it_cannot_trust() {
        let mut s = Submission::new();
        s.answers.push(answer("todo-1-2-rate", "rate(x[5m])"));
        assert_eq!(Submission::parse(&s.to_json()), Ok(s.clone()));
        let other = s.to_json().replace(FORMAT, "promplay-submission/9");
        assert!(Submission::parse(&other).unwrap_err().contains("is not"));
        s.answers[0].exercise = "../etc".into();
        assert!(Submission::parse(&s.to_json()).unwrap_err().contains("answer 1"));
        s.answers[0] = answer("big", &"x".repeat(MAX_ANSWER_BYTES + 1));
        assert!(Submission::parse(&s.to_json()).unwrap_err().contains("bytes"));
        assert!(Submission::parse("{").is_err());
        assert!(Submission::parse("{\"format\":\"promplay-submission/1\",\"answers\":[],\"x\":1}").is_err());
    }
}
