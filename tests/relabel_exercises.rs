//! The relabel exercises: each reference config passes, and each listed wrong config (and the
//! starter) is rejected, on the dataset the exercise names.

use promql_playground::content::builtin_dataset;
use promql_playground::content::relabel_exercise::{builtin, grade, prepare};

#[test]
fn references_pass_and_wrong_configs_are_rejected() {
    let exercises = builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(exercises.len() >= 2);
    let mut failures = Vec::new();
    let mut built = std::collections::BTreeMap::new();
    for ex in &exercises {
        let dataset = builtin_dataset(&ex.dataset).unwrap();
        let storage = built.entry(ex.dataset.clone()).or_insert_with(|| dataset.storage().unwrap());
        let prepared = prepare(ex, &dataset.meta, storage).unwrap_or_else(|e| panic!("{}: {e}", ex.id));
        let reference = grade(ex, &prepared, storage, &ex.reference);
        println!(
            "{}: reference keeps {} of {} series, {} label pairs",
            ex.id, reference.series_after, reference.series_before, reference.label_pairs_after
        );
        if !reference.passed {
            failures.push(format!("{}: the reference fails: {reference:?}", ex.id));
        }
        for (i, wrong) in std::iter::once(&ex.starter).chain(&ex.rejects).enumerate() {
            let fb = grade(ex, &prepared, storage, wrong);
            let what = if i == 0 { "the starter".to_string() } else { format!("reject {i}") };
            println!(
                "  {what}: {} series, {} label pairs, {} failed targets, {} changed answers",
                fb.series_after,
                fb.label_pairs_after,
                fb.failed_targets,
                fb.changed.len()
            );
            if fb.passed {
                failures.push(format!("{}: {what} passes:\n{wrong}", ex.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
