//! The learner's deliverables end to end: a workspace answered with every reference answer is
//! assembled, zipped, read back and graded with full marks; a tampered answer scores 0; hostile
//! archives and folders get clear errors; `promplay grade` prints the rubric in its formats.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use promql_playground::content::check::load_checked;
use promql_playground::deliverables::archive::{read_zip, write_zip, MAX_ENTRIES};
use promql_playground::deliverables::assemble::{alert_names, assemble, file_names};
use promql_playground::deliverables::catalogue::{Catalogue, Grader};
use promql_playground::deliverables::grade::{grade_bundle, grade_bundle_with, GradeReport, Status};
use promql_playground::deliverables::rubric::Section;
use promql_playground::deliverables::{AlertDoc, Answer, AnswerKind, Submission, Workspace};
use promql_playground::ui::alerts_lab::{SEED_ALERT_RULES, SEED_TESTS};
use promql_playground::ui::rules_lab::SEED_RULES;

use promql_playground::content::am_exercise::SEED_CONFIG as ALERTMANAGER;

/// The seed's alert rules with every alerting exercise solved in them.
const REFERENCE_ALERT_RULES: &str = include_str!("deliverables/reference_alert_rules.yml");

/// A workspace answering every exercise with its reference answer, with the seed's files.
fn reference_workspace(catalogue: &Catalogue) -> Workspace {
    let answers = catalogue
        .items
        .iter()
        .map(|i| Answer {
            exercise: i.id.clone(),
            kind: i.kind,
            pack: i.pack.clone(),
            version: i.version.clone(),
            text: i.reference.clone(),
            claimed_solved: true,
        })
        .collect();
    let alert_docs = alert_names(REFERENCE_ALERT_RULES)
        .into_iter()
        .map(|a| (a, AlertDoc { runbook: "Check the dashboard.".into(), threshold: "Seed SLO.".into() }))
        .collect();
    Workspace {
        answers,
        recording_rules: Some(SEED_RULES.into()),
        alert_rules: Some(REFERENCE_ALERT_RULES.into()),
        alert_tests: Some(SEED_TESTS.into()),
        alertmanager: Some(ALERTMANAGER.into()),
        relabel: None,
        alert_docs,
    }
}

fn graded(catalogue: &Catalogue, ws: &Workspace) -> GradeReport {
    let files = assemble(ws, &mut Grader::new(catalogue), catalogue);
    let bundle = read_zip(&write_zip(&files).expect("zips")).expect("reads back");
    grade_bundle(catalogue, &bundle).expect("grades")
}

#[test]
fn reference_answers_score_full_marks_and_a_tampered_one_scores_zero() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let ws = reference_workspace(&catalogue);
    let report = graded(&catalogue, &ws);
    let failing: Vec<String> = report
        .items
        .iter()
        .filter(|i| i.status != Status::Passed)
        .map(|i| format!("{}: {:?}", i.id, i.findings))
        .collect();
    assert!(failing.is_empty(), "{failing:#?}");
    assert!(report.passed() && report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.score, 100.0);
    assert!(report.items.len() > 60, "{} items", report.items.len());
    let alerts = report.sections.iter().find(|s| s.section == Section::AlertRules).map(|s| (s.points, s.max));
    assert_eq!(alerts, Some((20.0, 20.0)));

    // A wrong answer with the browser's "solved" flag set scores nothing.
    let mut tampered = ws.clone();
    let target = tampered.answers.iter_mut().find(|a| a.exercise == "todo-1-2-rate").expect("exercise");
    target.text = "sum(model_inference_requests_total)".into();
    let report = graded(&catalogue, &tampered);
    let item = report.items.iter().find(|i| i.id == "query/todo-1-2-rate").expect("item");
    assert_eq!((item.status, item.points), (Status::Failed, 0.0));
    assert!(item.findings.iter().any(|f| f.contains("marked solved")), "{:?}", item.findings);
    assert!(!report.passed() && report.score < 100.0);
}

#[test]
fn the_assembled_files_are_the_seeds_deliverables() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let mut ws = reference_workspace(&catalogue);
    ws.answers.retain(|a| a.exercise.starts_with("todo-1-") || a.exercise == "bug-histogram-bare-name");
    let files = assemble(&ws, &mut Grader::new(&catalogue), &catalogue);
    let get = |n: &str| files.iter().find(|(name, _)| name == n).map(|(_, t)| t.as_str()).unwrap_or_default();
    let queries = get(file_names::QUERIES);
    assert!(queries.contains("## TODO 1.2 · step 1") && queries.contains("**Measured cost.**"), "{queries}");
    assert!(get(file_names::RECORDING_DOC).contains("| Rule | Group interval |"));
    assert!(get(file_names::RUNBOOKS).contains("Check the dashboard."));
    let perf = get(file_names::PERFORMANCE);
    assert!(perf.contains("## Cardinality") && perf.contains("## Lint findings fixed"), "{perf}");
    assert_eq!(files[0].0, file_names::ANSWERS);
    // Partial: what it covers passes, the rest is missing.
    let report = grade_bundle(&catalogue, &read_zip(&write_zip(&files).expect("zips")).expect("reads"))
        .expect("grades");
    for i in report.items.iter().filter(|i| i.id.starts_with("query/todo-1-")) {
        assert_eq!(i.status, Status::Passed, "{}: {:?}", i.id, i.findings);
    }
    assert!(report.items.iter().any(|i| i.status == Status::Missing) && !report.passed());
}

/// A zip written entry by entry, stored (so names and sizes are exactly as given).
fn raw_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, opts).expect("entry");
        zip.write_all(data).expect("data");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn hostile_archives_get_clear_errors() {
    let escape = read_zip(&raw_zip(&[("../evil.sh", b"x")])).unwrap_err();
    assert!(escape.contains("leave the submission"), "{escape}");
    let absolute = read_zip(&raw_zip(&[("/etc/passwd", b"x")])).unwrap_err();
    assert!(absolute.contains("absolute"), "{absolute}");
    // A bomb: 64 MiB of zeros deflate to a few kilobytes.
    let bomb = read_zip(&raw_zip(&[("answers.json", &vec![0u8; 64 << 20])])).unwrap_err();
    assert!(bomb.contains("larger than"), "{bomb}");
    let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}.txt")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    assert!(read_zip(&raw_zip(&many)).unwrap_err().contains("entries"));
    let binary = read_zip(&raw_zip(&[("answers.json", b"{}"), ("x.bin", &[0xff, 0xfe, 0])])).expect("reads");
    assert_eq!(binary.skipped, vec!["x.bin: not UTF-8 text".to_string()]);
    assert!(read_zip(b"not a zip").unwrap_err().contains("not a readable .zip"));

    let catalogue = Catalogue::builtin().expect("catalogue");
    let none = read_zip(&raw_zip(&[("README.md", b"hi")])).expect("reads");
    assert!(grade_bundle(&catalogue, &none).unwrap_err().contains("no answers.json"));
    let unknown = br#"{"format":"promplay-submission/1","answers":[{"exercise":"no-such","kind":"query","pack":"x","text":"up"}]}"#;
    let bundle = read_zip(&raw_zip(&[("answers.json", unknown)])).expect("reads");
    let report = grade_bundle(&catalogue, &bundle).expect("grades");
    assert!(
        report.problems.iter().any(|p| p.contains("no query exercise \"no-such\"")),
        "{:?}",
        report.problems
    );
    assert_eq!(report.score, 0.0);
}

#[test]
fn promplay_grade_reads_folders_and_zips_and_prints_each_format() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let mut ws = reference_workspace(&catalogue);
    ws.answers.retain(|a| a.exercise.starts_with("todo-1-1"));
    let files = assemble(&ws, &mut Grader::new(&catalogue), &catalogue);
    let dir = std::env::temp_dir().join(format!("promplay-grade-{}", std::process::id()));
    let folder = dir.join("submission");
    std::fs::create_dir_all(&folder).expect("dir");
    for (name, text) in &files {
        std::fs::write(folder.join(name), text).expect("write");
    }
    let zip_path = dir.join("submission.zip");
    std::fs::write(&zip_path, write_zip(&files).expect("zips")).expect("write zip");
    let run = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = promql_playground::cli::main_with(&args, &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    };
    let folder_s = folder.to_string_lossy().into_owned();
    let zip_s = zip_path.to_string_lossy().into_owned();
    let (code, text, _) = run(&["grade", &folder_s]);
    assert_eq!(code, 1, "a partial submission does not pass");
    assert!(text.contains("PromQL fundamentals:") && text.contains("Score: "), "{text}");
    assert!(text.contains("ok   query/todo-1-1-label-filters"), "{text}");
    let (_, from_zip, _) = run(&["grade", &zip_s]);
    assert_eq!(from_zip, text, "a folder and its zip grade alike");
    let (_, junit, _) = run(&["grade", &zip_s, "--format", "junit"]);
    assert!(junit.starts_with("<?xml") && junit.contains("<failure"), "{junit}");
    let (_, json, _) = run(&["grade", &zip_s, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["passed"], false);
    let (code, _, err) = run(&["grade", &dir.join("nothing").to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("promplay grade:"), "{err}");
    assert_eq!(run(&["grade", &zip_s, "--format", "xml"]).0, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A submission of only an alert rule file and its runbooks (no answers): grading it
/// evaluates the alerts without re-grading every exercise.
fn graded_alert_file(catalogue: &Catalogue, rules: &str, docs: &BTreeMap<String, AlertDoc>) -> GradeReport {
    let answers = Submission { alert_docs: docs.clone(), ..Submission::new() }.to_json();
    let files = vec![
        (file_names::ANSWERS.to_string(), answers),
        (file_names::ALERT_RULES.to_string(), rules.to_string()),
    ];
    grade_bundle(catalogue, &read_zip(&write_zip(&files).expect("zips")).expect("reads")).expect("grades")
}

#[test]
fn the_submitted_alert_rules_are_evaluated_alert_by_alert() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let docs = reference_workspace(&catalogue).alert_docs;
    let report = graded_alert_file(&catalogue, REFERENCE_ALERT_RULES, &docs);
    let alerts: Vec<_> = report.items.iter().filter(|i| i.id.starts_with("alert/")).collect();
    let graded_names: usize = catalogue.alert_exercises().iter().map(|e| e.alerts.len()).sum();
    assert_eq!(alerts.len(), graded_names);
    assert!(alerts.len() >= 7, "{} alerts", alerts.len());
    for i in &alerts {
        assert_eq!((i.status, i.points), (Status::Passed, i.max), "{}: {:?}", i.id, i.findings);
    }

    // One alert whose threshold never fires, one without severity, one without a runbook:
    // each loses exactly one part of its item.
    let rules = REFERENCE_ALERT_RULES
        .replace("model:memory:growth_rate_1h * 3600 > 100", "model:memory:growth_rate_1h > 100")
        .replace(
            "model:predictions:rate5m == 0\n    for: 5m\n    labels:\n      severity: critical\n",
            "model:predictions:rate5m == 0\n    for: 5m\n    labels:\n",
        );
    assert_ne!(rules, REFERENCE_ALERT_RULES);
    let mut fewer_docs = docs.clone();
    fewer_docs.remove("ModelHighLatency");
    let broken = graded_alert_file(&catalogue, &rules, &fewer_docs);
    let item = |id: &str| broken.items.iter().find(|i| i.id == id).cloned().expect("item");
    let leak = item("alert/ModelMemoryLeak");
    assert_eq!(leak.status, Status::Failed);
    assert!(leak.findings.iter().any(|f| f.contains("never fires")), "{:?}", leak.findings);
    let no_severity = item("alert/ModelNoPredictions");
    assert_eq!(no_severity.findings, vec!["no `severity` label".to_string()]);
    let no_runbook = item("alert/ModelHighLatency");
    assert!(no_runbook.findings.iter().all(|f| f.starts_with("no runbook") || f.starts_with("no threshold")));
    for i in [&leak, &no_severity, &no_runbook] {
        assert!((i.points - i.max * 2.0 / 3.0).abs() < 1e-9, "{}: {} of {}", i.id, i.points, i.max);
    }
    let section =
        |r: &GradeReport| r.sections.iter().find(|s| s.section == Section::AlertRules).map(|s| s.points);
    let lost = section(&report).unwrap_or(0.0) - section(&broken).unwrap_or(0.0);
    assert!((lost - leak.max).abs() < 0.02, "three thirds of an alert's share lost, not {lost}");
    for i in broken.items.iter().filter(|i| i.id.starts_with("alert/")) {
        if ![&leak.id, &no_severity.id, &no_runbook.id].contains(&&i.id) {
            assert_eq!(i.status, Status::Passed, "{}: {:?}", i.id, i.findings);
        }
    }

    // The seed's rules as given: the alerts the exercises fix do not fire as they should, the
    // bonus alert is missing; a file that does not load is a finding per alert, never a panic.
    let seed = graded_alert_file(&catalogue, SEED_ALERT_RULES, &docs);
    let failing: Vec<&str> = seed
        .items
        .iter()
        .filter(|i| i.id.starts_with("alert/") && i.status != Status::Passed)
        .map(|i| i.id.as_str())
        .collect();
    assert!(
        failing.contains(&"alert/ModelMemoryLeak") && failing.contains(&"alert/FraudDetectorErrorBudgetBurn")
    );
    assert!(!failing.contains(&"alert/ModelNoPredictions"), "{failing:?}");
    let invalid =
        graded_alert_file(&catalogue, "groups:\n- name: x\n  rules:\n  - alert: A\n    expr: up ==\n", &docs);
    let file = invalid.items.iter().find(|i| i.id == "file/alert_rules.yml").expect("file item");
    assert!(file.findings.iter().any(|f| f.contains("alert_rules.yml:5")), "{:?}", file.findings);
    assert!(invalid.items.iter().filter(|i| i.id.starts_with("alert/")).all(|i| i.points == 0.0));
}

#[test]
fn a_packs_exercises_are_graded_with_the_pack() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/deliverables/course-pack");
    let pack = load_checked(std::path::Path::new(dir)).expect("the pack loads");
    let mut catalogue = Catalogue::builtin().expect("catalogue");
    let builtin_items = catalogue.items.len();
    catalogue.add_pack(&pack).expect("adds");
    assert_eq!(catalogue.items.len(), builtin_items + 2);
    assert!(catalogue.add_pack(&pack).unwrap_err().contains("given twice"));
    let answer = |exercise: &str, text: &str| Answer {
        exercise: exercise.into(),
        kind: AnswerKind::Query,
        pack: "checkout-course".into(),
        version: String::new(),
        text: text.into(),
        claimed_solved: true,
    };
    let ws = Workspace {
        answers: vec![
            answer(
                "checkout-error-ratio",
                "sum(rate(checkout_requests_total{code=\"500\"}[5m]))/sum(rate(checkout_requests_total[5m]))",
            ),
            answer("checkout-error-rate", "rate(checkout_requests_total[5m])"),
        ],
        ..Workspace::default()
    };
    let report = graded(&catalogue, &ws);
    let item = report.items.iter().find(|i| i.id == "query/checkout-error-ratio").expect("a rubric item");
    assert_eq!((item.section, item.status), (Section::Fundamentals, Status::Passed), "{:?}", item.findings);
    assert!(item.points > 0.0);
    assert!(!report.items.iter().any(|i| i.id == "query/checkout-error-rate"));
    let outside: Vec<&String> =
        report.problems.iter().filter(|p| p.contains("checkout-error-rate")).collect();
    assert_eq!(outside.len(), 1, "{:?}", report.problems);
    assert!(
        outside[0].contains("does not pass") && outside[0].contains("not in the rubric"),
        "{}",
        outside[0]
    );

    // Without the pack its answers are not graded; with it on the command line they are.
    let plain = Catalogue::builtin().expect("catalogue");
    let report = graded(&plain, &ws);
    assert!(report.problems.iter().any(|p| p.contains("no query exercise \"checkout-error-ratio\"")));
    let files = assemble(&ws, &mut Grader::new(&catalogue), &catalogue);
    let zip_path = std::env::temp_dir().join(format!("promplay-grade-pack-{}.zip", std::process::id()));
    std::fs::write(&zip_path, write_zip(&files).expect("zips")).expect("write zip");
    let args: Vec<String> =
        ["grade", &zip_path.to_string_lossy(), "--pack", dir].iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    promql_playground::cli::main_with(&args, &mut out, &mut err);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("ok   query/checkout-error-ratio"), "{text}");
    let _ = std::fs::remove_file(&zip_path);
}

#[test]
fn the_review_draws_a_query_answer_over_the_reference_and_the_cli_does_not() {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let mut ws = reference_workspace(&catalogue);
    ws.answers.retain(|a| a.exercise == "todo-1-2-rate");
    // A wrong answer: the rate of one model's errors instead of its predictions.
    ws.answers[0].text = "rate(model_prediction_errors_total[5m])".into();
    let files = assemble(&ws, &mut Grader::new(&catalogue), &catalogue);
    let bundle = read_zip(&write_zip(&files).expect("zips")).expect("reads back");
    let item = |report: &GradeReport| {
        report.items.iter().find(|i| i.id == "query/todo-1-2-rate").cloned().expect("graded")
    };
    let plain = item(&grade_bundle(&catalogue, &bundle).expect("grades"));
    assert!(plain.chart.is_none(), "the command line draws nothing");
    let json = serde_json::to_string(&plain).expect("json");
    assert!(json.contains("\"chart\":null"), "and its JSON says so: {json}");

    let reviewed = item(&grade_bundle_with(&catalogue, &bundle, true).expect("grades"));
    assert_eq!((reviewed.status, reviewed.points), (plain.status, plain.points), "charts change no grade");
    let chart = reviewed.chart.expect("a chart for the review");
    assert!(chart.range.start < chart.range.end && chart.range.step > 0);
    assert!(!chart.series.expected.is_empty() && !chart.series.actual.is_empty());
    assert_eq!(reviewed.status, Status::Failed);
    assert_ne!(chart.series.actual, chart.series.expected, "the wrong answer's lines are its own");
}
