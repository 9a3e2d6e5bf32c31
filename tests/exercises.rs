//! Every built-in exercise graded on its own dataset: each reference answer passes and is
//! non-empty at every checkpoint, the reference differs between the instants (so a constant
//! cannot pass), and every wrong answer the exercise lists (plus its starter query, for fix /
//! spot-the-bug exercises) is rejected. Also checks the embedded file list against the
//! manifest and the pack with the same validation `promplay check` uses.

use std::collections::BTreeMap;

use promql_playground::content::exercise::{prepare, validate, Exercise, ExerciseKind};
use promql_playground::content::exercise_pack::{builtin_exercises, catalogue, FILES};
use promql_playground::content::grade::compare::{compare, is_empty};
use promql_playground::content::grade::{grade, Checkpoint, Verdict};
use promql_playground::content::{builtin_datasets, Dataset, PackManifest};
use promql_playground::engine::{EngineOptions, Storage};

/// Each exercise must list at least this many wrong answers.
const MIN_REJECTS: usize = 2;

fn summary(v: &Verdict) -> String {
    if let Some(e) = &v.parse_error {
        return format!("parse error: {e}");
    }
    match v.first_failure() {
        None => "passed".into(),
        Some(p) => {
            let at = match p.at {
                Checkpoint::Instant(t) => format!("instant {t}"),
                Checkpoint::Range(r) => format!("range {}..{}", r.start, r.end),
            };
            match &p.actual {
                Err(e) => format!("{at}: error {e}"),
                Ok(_) => format!(
                    "{at}: type {:?}, missing {:?}, extra {:?}, wrong values {} (e.g. {:?}), points -{} +{}, order {}; empty reasons {:?}",
                    p.diff.type_mismatch,
                    p.diff.missing.iter().take(2).map(|l| l.to_string()).collect::<Vec<_>>(),
                    p.diff.extra.iter().take(2).map(|l| l.to_string()).collect::<Vec<_>>(),
                    p.diff.wrong_value_count,
                    p.diff.wrong_values.first().map(|w| (w.expected, w.actual)),
                    p.diff.missing_points,
                    p.diff.extra_points,
                    p.diff.wrong_order,
                    v.empty_reasons
                ),
            }
        }
    }
}

#[test]
fn every_exercise_accepts_its_answers_and_rejects_the_wrong_ones() {
    let exercises = builtin_exercises().unwrap_or_else(|e| panic!("built-in exercises do not load:\n{e}"));
    assert!(!exercises.is_empty(), "no exercises");
    let datasets: Vec<Dataset> = builtin_datasets().expect("built-in datasets load");
    let mut storages: BTreeMap<String, Storage> = BTreeMap::new();
    let opts = EngineOptions::default();
    let mut failures: Vec<String> = Vec::new();
    let (mut answers, mut rejects) = (0, 0);
    for ex in &exercises {
        let Some(ds) = datasets.iter().find(|d| d.meta.id == ex.dataset) else {
            failures.push(format!("{}: no dataset {}", ex.id, ex.dataset));
            continue;
        };
        let shared =
            storages.entry(ds.meta.id.clone()).or_insert_with(|| ds.storage().expect("dataset generates"));
        // Recorded series cover the span of the exercise that records them: give each
        // exercise with rules its own copy, as the site does.
        let mut own;
        let storage: &mut Storage = if ex.recording_rules.is_empty() {
            shared
        } else {
            own = shared.clone();
            &mut own
        };
        let prepared = match prepare(ex, &ds.meta, storage, &opts) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: {e}", ex.id));
                continue;
            }
        };
        for (at, v) in &prepared.expected.results {
            if is_empty(v) {
                failures.push(format!("{}: the reference answer is empty at {at:?}", ex.id));
            }
        }
        let instants: Vec<_> =
            prepared.expected.results.iter().filter(|(at, _)| matches!(at, Checkpoint::Instant(_))).collect();
        if instants.len() < 2 {
            failures.push(format!("{}: fewer than two instants", ex.id));
        } else if instants[1..].iter().all(|(_, v)| compare(&instants[0].1, v, false).is_match()) {
            failures.push(format!("{}: the reference answer is the same at every instant", ex.id));
        }
        for a in &ex.answers {
            answers += 1;
            let v = grade(storage, &prepared.plan, &prepared.expected, a, &opts);
            if !v.passed {
                failures.push(format!("{}: answer `{a}` fails: {}", ex.id, summary(&v)));
            }
        }
        if ex.rejects.len() < MIN_REJECTS {
            failures.push(format!(
                "{}: lists {} wrong answers, fewer than {MIN_REJECTS}",
                ex.id,
                ex.rejects.len()
            ));
        }
        let starter = ex.starter.iter().filter(|_| ex.kind != ExerciseKind::Write);
        for r in ex.rejects.iter().chain(starter) {
            rejects += 1;
            let v = grade(storage, &prepared.plan, &prepared.expected, r, &opts);
            if v.passed {
                failures.push(format!("{}: wrong answer `{r}` is accepted", ex.id));
            }
        }
    }
    println!(
        "{} exercises, {answers} reference answers accepted, {rejects} wrong answers checked",
        exercises.len()
    );
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn embedded_files_match_the_manifest() {
    let manifest_text =
        FILES.iter().find(|(p, _)| *p == "pack.yaml").map(|(_, t)| *t).expect("pack.yaml embedded");
    let manifest = PackManifest::parse("exercises/pack.yaml", manifest_text).expect("manifest parses");
    let embedded: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| *p != "pack.yaml").collect();
    assert_eq!(embedded, manifest.exercises.iter().map(String::as_str).collect::<Vec<_>>());
    let on_disk: Vec<String> = std::fs::read_dir("exercises")
        .expect("exercises/ exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .filter(|n| n.ends_with(".yaml") && n != "pack.yaml")
        .collect();
    for f in &on_disk {
        assert!(manifest.exercises.contains(f), "exercises/{f} is not listed in exercises/pack.yaml");
    }
}

#[test]
fn the_pack_validates_against_the_builtin_datasets() {
    let datasets: Vec<_> = builtin_datasets().expect("datasets load").into_iter().map(|d| d.meta).collect();
    let files: Vec<(String, String)> = FILES
        .iter()
        .filter(|(p, _)| *p != "pack.yaml")
        .map(|(p, t)| (format!("exercises/{p}"), t.to_string()))
        .collect();
    let problems = validate(&files, &datasets);
    assert!(problems.is_empty(), "{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
}

#[test]
fn the_catalogue_follows_the_seed() {
    let exercises: Vec<Exercise> = builtin_exercises().expect("exercises load");
    let groups = catalogue(&exercises);
    let tasks: Vec<&str> = groups.iter().map(|g| g.task).collect();
    assert!(tasks.len() >= 4, "{tasks:?}");
    // Every seed TODO with PromQL appears (TODO numbers as the seed writes them).
    for todo in [
        "TODO 1.1", "TODO 1.2", "TODO 1.3", "TODO 2.1", "TODO 2.2", "TODO 2.3", "TODO 2.4", "TODO 3.2",
        "TODO 5.1", "Bonus 2",
    ] {
        assert!(exercises.iter().any(|e| e.seed_ref.starts_with(todo)), "no exercise for {todo}");
    }
    assert!(
        exercises.iter().filter(|e| e.kind == ExerciseKind::SpotTheBug).count() >= 3,
        "spot-the-bug exercises"
    );
}

#[test]
fn empty_answers_are_explained() {
    use promql_playground::content::explain_empty::explain;
    let ds = builtin_datasets()
        .expect("datasets load")
        .into_iter()
        .find(|d| d.meta.id == "ml-platform")
        .expect("ml-platform");
    let storage = ds.storage().expect("generates");
    let t = ds.meta.start + 15 * 3_600_000;
    let cases: &[(&str, &str)] = &[
        ("max by (model) (model_prediction_duration_seconds)", "is a classic histogram"),
        ("sum(rate(model_prediction_total[5m]))", "Closest names: `model_predictions_total`"),
        (r#"model_predictions_total{model="fraud"}"#, "Did you mean \"fraud-detector\"?"),
        (r#"model_predictions_total{team="ml"}"#, "has a label `team`"),
        (r#"model_predictions_total{model="recommender", version="v1"}"#, "no series matches all of them"),
        ("rate(model_predictions_total[30s])", "shorter than two scrape intervals"),
        ("rate(model_predictions_total[5m]) / container_cpu_usage_seconds_total", "share no label set"),
        ("model:latency:p95_raw / scalar(vector(1))", "no metric `model:latency:p95_raw`"),
        ("model_predictions_total offset 30d", "but the data spans"),
        ("sum by (model) (rate(model_predictions_total[5m])) > 1e9", "removed every series"),
    ];
    let opts = EngineOptions::default();
    let mut failures = Vec::new();
    for (query, want) in cases {
        let reasons = explain(&storage, query, t, &opts).join("\n");
        if !reasons.contains(want) {
            failures.push(format!("{query}: wanted {want:?}, got {reasons:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An answer that differs from the expected one only by its metric name (anti-pattern 5's
/// raw query against the recorded series it should read) is told exactly that, not that none
/// of its series has the expected labels.
#[test]
fn a_name_only_difference_is_explained() {
    use promql_playground::content::grade::feedback::describe;
    let ex = builtin_exercises()
        .expect("exercises load")
        .into_iter()
        .find(|e| e.id == "todo-5-1-long-range")
        .expect("anti-pattern 5");
    let ds =
        builtin_datasets().expect("datasets").into_iter().find(|d| d.meta.id == ex.dataset).expect("dataset");
    let mut storage = ds.storage().expect("generates");
    let opts = EngineOptions::default();
    let prepared = prepare(&ex, &ds.meta, &mut storage, &opts).expect("prepares");
    let graded = |q: &str| grade(&storage, &prepared.plan, &prepared.expected, q, &opts);
    assert!(graded("model:predictions:daily").passed, "the natural fix is the answer");
    let want = "have no metric name, where `model:predictions:daily` is expected";
    for answer in [
        ex.starter.as_deref().expect("a starter"),
        "sum by (model) (model:predictions:daily)",
        "avg_over_time(model:predictions:daily[2h])",
    ] {
        let f = describe(&graded(answer));
        assert!(!f.passed, "{answer}");
        let text = f.items.join("\n");
        assert!(text.contains(want), "{answer}: {text}");
        assert!(!text.contains("None of your series"), "{answer}: {text}");
        assert!(!text.contains("missing"), "{answer}: {text}");
    }
}
