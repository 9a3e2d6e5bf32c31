//! The learner's work as a [`Workspace`], from the progress store and the labs' local-storage
//! keys (pure: the page passes a reader of the store, tests a map).

use crate::content::progress::Progress;
use crate::deliverables::catalogue::builtin_pack_id;
use crate::deliverables::{Answer, AnswerKind, Workspace};

/// Where each lab keeps an exercise's answer and its solved mark (prefix + exercise id).
const LAB_EXERCISE_KEYS: [(AnswerKind, &str, &str); 4] = [
    (AnswerKind::Rules, "promql-playground-rules-exercise-", "promql-playground-rules-solved-"),
    (AnswerKind::Alerts, "promql-playground-alerts-exercise-", "promql-playground-alerts-solved-"),
    (AnswerKind::Alertmanager, "promql-playground-am-exercise-", "promql-playground-am-solved-"),
    (AnswerKind::Relabel, "promql-playground-relabel-exercise-", "promql-playground-relabel-solved-"),
];

/// The labs' own files (only what the learner saved: an untouched lab contributes nothing).
const RULES_LAB: &str = "promql-playground-rules-lab";
const ALERTING_LAB: &str = "promql-playground-alerts-lab-alerting";
const ALERT_TESTS: &str = "promql-playground-alerts-lab-tests";
const ALERTMANAGER_LAB: &str = "promql-playground-alertmanager-lab";
const RELABEL_LAB: &str = "promql-playground-relabel";

fn answer(kind: AnswerKind, id: &str, text: &str, solved: bool) -> Answer {
    Answer {
        exercise: id.to_string(),
        kind,
        pack: builtin_pack_id(kind).to_string(),
        version: String::new(),
        text: text.to_string(),
        claimed_solved: solved,
    }
}

/// Gathers the workspace: query exercises' solutions (or drafts, unsolved), each lab
/// exercise's saved file with its solved mark, and the labs' files. `keys` lists the store's
/// keys; `stored` reads one.
pub fn gather(progress: &Progress, keys: &[String], stored: &dyn Fn(&str) -> Option<String>) -> Workspace {
    let mut answers = Vec::new();
    for (id, text) in &progress.solutions {
        answers.push(answer(AnswerKind::Query, id, text, progress.solved.contains(id)));
    }
    for (id, text) in &progress.drafts {
        if !progress.solutions.contains_key(id) && !text.trim().is_empty() {
            answers.push(answer(AnswerKind::Query, id, text, false));
        }
    }
    for (kind, text_prefix, solved_prefix) in LAB_EXERCISE_KEYS {
        for id in keys.iter().filter_map(|k| k.strip_prefix(text_prefix)) {
            if let Some(text) = stored(&format!("{text_prefix}{id}")) {
                let solved = stored(&format!("{solved_prefix}{id}")).is_some();
                answers.push(answer(kind, id, &text, solved));
            }
        }
    }
    Workspace {
        answers,
        recording_rules: stored(RULES_LAB),
        alert_rules: stored(ALERTING_LAB),
        alert_tests: stored(ALERT_TESTS),
        alertmanager: stored(ALERTMANAGER_LAB),
        relabel: stored(RELABEL_LAB),
        alert_docs: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn gathers_solutions_drafts_and_lab_files() {
        let mut progress = Progress::new();
        progress.solved.insert("todo-1-2-rate".into());
        progress.solutions.insert("todo-1-2-rate".into(), "rate(x[5m])".into());
        progress.drafts.insert("todo-1-2-rate".into(), "rate(x[1m])".into());
        progress.drafts.insert("todo-1-3-sum-by".into(), "sum(x)".into());
        let store: BTreeMap<String, String> = [
            ("promql-playground-rules-exercise-rules-3-1-request-rates", "groups: []"),
            ("promql-playground-rules-solved-rules-3-1-request-rates", "1"),
            ("promql-playground-am-exercise-am-4-2-routes", "route: {}"),
            ("promql-playground-rules-lab", "groups: []"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let keys: Vec<String> = store.keys().cloned().collect();
        let ws = gather(&progress, &keys, &|k| store.get(k).cloned());
        let summary: Vec<(&str, &str, bool)> =
            ws.answers.iter().map(|a| (a.kind.as_str(), a.exercise.as_str(), a.claimed_solved)).collect();
        assert_eq!(
            summary,
            vec![
                ("query", "todo-1-2-rate", true),
                ("query", "todo-1-3-sum-by", false),
                ("rules", "rules-3-1-request-rates", true),
                ("alertmanager", "am-4-2-routes", false),
            ]
        );
        assert_eq!(ws.answers[0].text, "rate(x[5m])", "the solution, not the later draft");
        assert_eq!(ws.recording_rules.as_deref(), Some("groups: []"));
        assert_eq!(ws.alert_rules, None);
    }
}
