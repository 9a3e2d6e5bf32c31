//! The Alertmanager exercises: every one loads, its reference answer passes, and every listed
//! wrong answer (and the starter) is rejected, each graded by what Alertmanager would do.

use promql_playground::content::am_exercise::{builtin, AnswerKind};

#[test]
fn references_pass_and_wrong_answers_are_rejected() {
    let exercises = builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(exercises.len() >= 4, "{} exercises", exercises.len());
    let mut rejected = 0;
    for ex in &exercises {
        let verdict = ex.grade(&ex.reference);
        assert!(verdict.passed, "{}: the reference fails: {:?}", ex.id, verdict.findings);
        assert!(!ex.rejects.is_empty(), "{}: lists wrong answers", ex.id);
        for wrong in &ex.rejects {
            let v = ex.grade(wrong);
            assert!(!v.passed, "{}: accepts the wrong answer {wrong:?}: {:?}", ex.id, v.findings);
            rejected += 1;
        }
        if ex.starter.trim() != ex.reference.trim() {
            assert!(!ex.grade(&ex.starter).passed, "{}: the starter passes", ex.id);
        }
    }
    let kinds: Vec<AnswerKind> = exercises.iter().map(|e| e.answer).collect();
    for kind in [AnswerKind::Receivers, AnswerKind::Labels, AnswerKind::InhibitRules, AnswerKind::GroupBy] {
        assert!(kinds.contains(&kind), "an exercise answers with {}", kind.as_str());
    }
    println!(
        "{} Alertmanager exercises: references pass, {rejected} wrong answers rejected",
        exercises.len()
    );
}

#[test]
fn broken_answers_get_a_message_not_a_panic() {
    let exercises = builtin().unwrap_or_else(|e| panic!("{e}"));
    for ex in &exercises {
        for junk in ["", "{{{", "- [", "a=~b", "\u{0}\u{ffff}", "route: {receiver: x}", "[alertname, '...']"]
        {
            let v = ex.grade(junk);
            assert!(!v.passed && !v.findings.is_empty(), "{}: {junk:?}", ex.id);
        }
    }
}
