//! Recording-rule evaluation, driven by data: each tests/rules/eval/NAME.case holds the
//! samples (promqltest `load` syntax) and, after `expect`, every recorded series with its
//! samples (`labels t:v ...`, t in seconds, `stale` for a staleness marker), the evaluation
//! mode, and `! record message` for a rule whose evaluations fail. NAME.rules.yml holds the
//! rules.

use std::path::Path;

use promql_playground::engine::value::{format_float, is_stale};
use promql_playground::promqltest::run::load_storage;
use promql_playground::rules::eval::Mode;
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/eval");

/// Evaluates one case; returns the differences from its expectation.
fn run_case(name: &str) -> Vec<String> {
    let read = |ext: &str| std::fs::read_to_string(Path::new(DIR).join(format!("{name}.{ext}"))).expect(name);
    let case = read("case");
    let (data, expect) = case.split_once("\nexpect\n").expect("an `expect` line");
    let storage = load_storage(data).expect("loadable data");
    let report = check(&read("rules.yml"), &CheckOptions::default());
    let file = report.file.clone().unwrap_or_else(|| panic!("{name}: {}", report.render(name)));
    let evaluation = evaluate(&storage, &file, &EvalOptions::default());

    let mut got: Vec<String> = Vec::new();
    got.push(match evaluation.mode {
        Mode::PerRule => "mode per-rule".into(),
        Mode::PerTick => "mode per-tick".into(),
    });
    let recorded = evaluation.recorded_storage();
    for s in recorded.all() {
        let points: Vec<String> = s
            .points
            .iter()
            .map(|p| {
                format!("{}:{}", p.t / 1000, if is_stale(p.v) { "stale".into() } else { format_float(p.v) })
            })
            .collect();
        got.push(format!("{} {}", s.labels, points.join(" ")));
    }
    let mut problems = Vec::new();
    let want: Vec<&str> =
        expect.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    for line in want.iter().filter(|l| !l.starts_with('!')) {
        if !got.iter().any(|g| g == line) {
            problems.push(format!("{name}: missing `{line}`"));
        }
    }
    for line in &got {
        if !want.contains(&line.as_str()) {
            problems.push(format!("{name}: unexpected `{line}`"));
        }
    }
    for line in want.iter().filter_map(|l| l.strip_prefix("! ")) {
        let (record, message) = line.split_once(' ').unwrap_or((line, ""));
        let rule = evaluation.rules.iter().find(|r| r.record == record);
        let ok = rule
            .is_some_and(|r| r.error_count == r.ticks && r.errors.iter().any(|(_, m)| m.contains(message)));
        if !ok {
            problems.push(format!(
                "{name}: want every evaluation of {record} to fail with `{message}`, got {rule:?}"
            ));
        }
    }
    problems
}

#[test]
fn eval_cases() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .expect("tests/rules/eval")
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".case").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "cases: {names:?}");
    let problems: Vec<String> = names.iter().flat_map(|n| run_case(n)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
