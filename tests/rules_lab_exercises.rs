//! The rule-writing exercises (TODO 3.1, 3.3): each loads, its reference rules pass their
//! own grading on the default dataset, its starter does not, and every wrong rule file it
//! lists is rejected; a broken file is refused with the line of the problem.

use promql_playground::content::builtin_dataset;
use promql_playground::content::rule_exercise::{self, RuleExercise, BUILTIN};

#[test]
fn every_exercise_grades_its_own_answers() {
    let dataset = builtin_dataset("ml-platform").expect("default dataset");
    let storage = dataset.storage().expect("storage");
    let exercises = rule_exercise::builtin().expect("the exercises load");
    assert_eq!(exercises.len(), BUILTIN.len());
    for ex in &exercises {
        let prepared =
            rule_exercise::prepare(ex, &dataset.meta, &storage).unwrap_or_else(|e| panic!("{}: {e}", ex.id));
        assert!(prepared.instants.len() >= 2, "{}", ex.id);
        assert_eq!(prepared.expected.len(), prepared.instants.len() * ex.check.len(), "{}", ex.id);
        let right = rule_exercise::grade(ex, &prepared, &storage, &ex.reference);
        assert!(right.passed, "{}: the reference fails: {right:?}", ex.id);
        let starter = rule_exercise::grade(ex, &prepared, &storage, &ex.starter);
        assert!(!starter.passed, "{}: the starter passes", ex.id);
        assert!(!ex.rejects.is_empty(), "{}: lists wrong answers", ex.id);
        for (i, wrong) in ex.rejects.iter().enumerate() {
            let v = rule_exercise::grade(ex, &prepared, &storage, wrong);
            assert!(!v.passed, "{}: reject {i} passes", ex.id);
            assert!(
                v.diagnostics.is_empty(),
                "{}: reject {i} is wrong by value, not by syntax: {:?}",
                ex.id,
                v.diagnostics
            );
        }
    }
}

#[test]
fn the_efficiency_bug_is_explained() {
    let dataset = builtin_dataset("ml-platform").expect("default dataset");
    let storage = dataset.storage().expect("storage");
    let exercises = rule_exercise::builtin().expect("load");
    let ex = exercises.iter().find(|e| e.id == "rules-3-1-efficiency-bug").expect("exercise");
    let prepared = rule_exercise::prepare(ex, &dataset.meta, &storage).expect("prepare");
    let v = rule_exercise::grade(ex, &prepared, &storage, &ex.starter);
    let (record, reasons) = v.empty.first().expect("the starter records nothing");
    assert_eq!(record, "model:efficiency:predictions_per_cpu");
    let why = reasons.join(" ");
    assert!(why.contains("version"), "{reasons:?}");
    // The CPU series carry `version`: the fix offered first keeps it, so each version is
    // divided by its own pods' CPU (the reference), and `group_left` is explained as the
    // other, model-wide pairing.
    assert!(why.contains("`sum by (model, version) (…)`"), "{why}");
    assert!(why.find("sum by (model, version)") < why.find("group_left"), "{why}");
    assert!(ex.reference.contains("sum by (model, version) (rate(container_cpu_usage_seconds_total[5m]))"));
    let group_left: Vec<String> = ex
        .starter
        .lines()
        .map(|l| if l.trim() == "/" { l.replace('/', "/ on(model) group_left()") } else { l.to_string() })
        .collect();
    let group_left = group_left.join("\n");
    assert_ne!(group_left, ex.starter);
    assert!(!rule_exercise::grade(ex, &prepared, &storage, &group_left).passed, "every version over all CPU");
}

#[test]
fn broken_files_are_refused_with_lines() {
    let text = |check: &str, at: &str, reference: &str| {
        format!(
            "id: x\nseed_ref: TODO 3.1\ntitle: t\ndataset: ml-platform\nprompt: p\nstarter: s\nreference: |\n{reference}check: [{check}]\nat: [{at}]\nhints: [h]\nexplanation: e\n"
        )
    };
    let good_rules = "  groups:\n  - name: g\n    rules:\n    - record: a:b:c\n      expr: vector(1)\n";
    let cases = [
        (text("a:b:c", "\"1h\", \"2h\"", good_rules), None),
        (text("x:y:z", "\"1h\", \"2h\"", good_rules), Some("x.yaml:13: the reference records no \"x:y:z\"")),
        (text("a:b:c", "\"1h\"", good_rules), Some("x.yaml:14: list at least two instants")),
        (
            text("a:b:c", "\"1h\", \"2h\"", "  groups: [\n"),
            Some("the reference rule file does not pass the check"),
        ),
    ];
    for (file, want) in cases {
        match (RuleExercise::load("x.yaml", &file), want) {
            (Ok(_), None) => {}
            (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{e}\nwanted {w}"),
            (got, want) => panic!("{file}: got {got:?}, wanted {want:?}"),
        }
    }
}
