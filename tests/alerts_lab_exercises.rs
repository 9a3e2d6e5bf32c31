//! The alerting exercises (TODO 4.1, bonus 1): each loads, its reference passes its own
//! grading on the default dataset (firing spans and annotations), its starter does not, and
//! every wrong answer it lists is rejected by its alert timeline (not by a syntax error).
#![cfg(not(target_arch = "wasm32"))]

use promql_playground::content::alert_exercise::{self, BUILTIN};
use promql_playground::content::builtin_dataset;
use promql_playground::content::time::format_instant;

#[test]
fn every_alert_exercise_grades_its_own_answers() {
    let dataset = builtin_dataset("ml-platform").expect("default dataset");
    let storage = dataset.storage().expect("storage");
    let exercises = alert_exercise::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exercises.len(), BUILTIN.len());
    assert!(exercises.len() >= 5);
    let mut rejected = 0;
    for ex in &exercises {
        let prepared =
            alert_exercise::prepare(ex, &dataset.meta, &storage).unwrap_or_else(|e| panic!("{}: {e}", ex.id));
        let shown: Vec<String> = prepared
            .expected
            .iter()
            .map(|f| format!("{} {}..{:?}", f.labels, format_instant(f.start), f.end.map(format_instant)))
            .collect();
        println!("{}: expected {shown:?}", ex.id);
        let right = alert_exercise::grade(ex, &prepared, &ex.reference);
        assert!(right.passed, "{}: the reference fails: {right:?}", ex.id);
        let starter = alert_exercise::grade(ex, &prepared, &ex.starter);
        assert!(!starter.passed, "{}: the starter passes", ex.id);
        assert!(!ex.rejects.is_empty(), "{}: lists wrong answers", ex.id);
        for (i, wrong) in ex.rejects.iter().enumerate() {
            let v = alert_exercise::grade(ex, &prepared, wrong);
            assert!(!v.passed, "{}: reject {i} passes", ex.id);
            assert!(
                v.diagnostics.iter().all(|d| d.severity != promql_playground::rules::Severity::Error),
                "{}: reject {i} is a syntax error: {:?}",
                ex.id,
                v.diagnostics
            );
            assert!(
                !v.differences.is_empty() || !v.missing.is_empty(),
                "{}: reject {i} says nothing: {v:?}",
                ex.id
            );
            println!("  reject {i}: {:?}", v.differences.first());
            rejected += 1;
        }
    }
    println!("{} exercises, {rejected} wrong answers rejected", exercises.len());
}
