//! Differential test of alerting-rule evaluation against the real promtool (Debian's 2.42):
//! the seed's recording and alert rules plus ≥ 50 generated alerting rules, over windows of
//! the built-in dataset around its documented events, are written as a promtool unit-test
//! file whose every expectation comes from promplay's evaluation (firing alerts with labels
//! and annotations, `ALERTS` series) at ≥ 1,000 instants, including one evaluation before
//! and after every transition. `promtool test rules` must pass it; and, so that the harness
//! can fail, it must fail a copy with one expectation changed.
//!
//! Skips (and says so) when promtool is not on PATH; scripts/test.sh installs it.
#![cfg(not(target_arch = "wasm32"))]

mod expect;
mod inputs;
mod rules;
mod tolerance;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use promql_playground::content::builtin_dataset;
use promql_playground::engine::Storage;
use promql_playground::rules::model::RuleFile;
use promql_playground::rules::unittest::{evaluate_group, run_file, RuleSource, RunOptions, TestGroup};
use promql_playground::rules::{check, CheckOptions};

/// Label and annotation templates in the generated rules.
const TEMPLATES: bool = true;
// (Failures promtool reports are parsed by `tolerance`; only last-digit differences of
// values promtool sums in a random order pass.)
/// Fewest checked instants over all windows.
const MIN_INSTANTS: usize = 1_000;
const INTERVAL: i64 = inputs::STEP;

fn promtool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROMTOOL_BIN") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join("promtool")).find(|p| p.is_file())
}

/// Rule files from the test's folder.
struct Dir(PathBuf);

impl RuleSource for Dir {
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String> {
        let text = std::fs::read_to_string(self.0.join(pattern)).map_err(|e| format!("{pattern}: {e}"))?;
        Ok(vec![(pattern.to_string(), text)])
    }
}

/// One test group (a window): its YAML and what it checks.
struct Group {
    yaml: String,
    instants: usize,
    firing: usize,
    transitions: usize,
    /// An alert expected firing, for the copy that must fail: (alertname, eval_time).
    firing_check: Option<(String, String)>,
}

#[test]
fn promtool_passes_our_alert_expectations() {
    let Some(promtool) = promtool() else {
        println!("SKIPPED: promtool is not on PATH (apt-get install prometheus; scripts/test.sh does this)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dataset = builtin_dataset("ml-platform").expect("built-in dataset");
    let storage = dataset.storage().expect("dataset builds");
    let dir = std::env::temp_dir().join(format!("promplay-alerting-differential-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");

    // Input series per window, as promtool will read them (parsed by the same notation).
    let mut groups: Vec<TestGroup> = inputs::WINDOWS
        .iter()
        .map(|w| input_group(w, inputs::series(&storage, dataset.meta.start, w)))
        .collect();
    let empty = RuleFile::default();
    let loaded: Vec<(Storage, i64)> = groups
        .iter()
        .zip(inputs::WINDOWS)
        .map(|(g, w)| {
            let (evaluation, _) =
                evaluate_group(g, INTERVAL, &empty, RunOptions::promtool_2()).expect("inputs load");
            (evaluation.storage, w.length)
        })
        .collect();
    let refs: Vec<(&Storage, i64)> = loaded.iter().map(|(s, e)| (s, *e)).collect();

    let mut files = rules::seed_files(root);
    let (generated, generated_rules) = rules::generated_file(&refs, TEMPLATES);
    assert!(generated_rules >= 50, "only {generated_rules} generated rules");
    files.push(("generated.yml".into(), generated));
    let mut rule_file = RuleFile::default();
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).expect("write rules");
        let report = check(text, &CheckOptions::promtool_2());
        assert!(report.diagnostics.is_empty(), "{}", report.render(name));
        rule_file.groups.extend(report.file.expect("rules load").groups);
    }
    let alerting = rule_file.rules().filter(|(_, r)| r.is_alerting()).count();

    let started = Instant::now();
    let mut built = Vec::new();
    for (g, w) in groups.iter_mut().zip(inputs::WINDOWS) {
        built.push(expectations(g, w, &rule_file));
    }
    let ours = started.elapsed();
    let instants: usize = built.iter().map(|g| g.instants).sum();
    let firing: usize = built.iter().map(|g| g.firing).sum();
    let transitions: usize = built.iter().map(|g| g.transitions).sum();
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    // promtool 2.42 orders groups at random unless told: name them all, in file order.
    let order: Vec<String> = rule_file.groups.iter().map(|g| g.name.clone()).collect();
    let file = test_file(&names, &order, built.iter().map(|g| g.yaml.as_str()));
    let path = dir.join("alerts_test.yml");
    std::fs::write(&path, &file).expect("write test file");
    println!(
        "{alerting} alerting rules ({generated_rules} generated) over {} windows: {instants} checked instants, \
         {transitions} transitions, {firing} firing alerts expected; promplay evaluated them in {:.1} s",
        built.len(),
        ours.as_secs_f64()
    );

    // Our runner reads the file back and agrees with itself.
    let own = run_file("alerts_test.yml", &file, &Dir(dir.clone()), RunOptions::promtool_2());
    assert!(own.ok(), "{}", promql_playground::rules::unittest::render(&[own]));

    let started = Instant::now();
    let (code, output) = run_promtool(&promtool, &dir, "alerts_test.yml");
    let (unexplained, tolerated) = if code == 0 { (Vec::new(), 0) } else { tolerance::unexplained(&output) };
    println!(
        "promtool test rules: exit {code} in {:.1} s; {tolerated} checks differ only in the last printed digit \
         of a value promtool sums in a random order (see tolerance.rs)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        code == 0 || (code == 1 && unexplained.is_empty()),
        "promtool disagrees:\n{}",
        unexplained.join("\n\n")
    );
    assert!(tolerated * 100 <= instants, "{tolerated} last-digit differences: more than 1% of the checks");
    assert!(instants >= MIN_INSTANTS, "only {instants} checked instants");
    assert!(
        firing > 100 && transitions > 50,
        "the checks must see alerts fire ({firing}) and change ({transitions})"
    );

    // The harness can fail: one firing alert expected absent must make promtool fail.
    let (g, (alertname, at)) =
        built.iter().find_map(|g| g.firing_check.clone().map(|c| (g, c))).expect("some alert fires");
    let wrong = format!(
        "{}      - eval_time: {at}\n        alertname: {alertname}\n        exp_alerts: []\n",
        g.yaml
    );
    std::fs::write(dir.join("wrong_test.yml"), test_file(&names, &order, [wrong.as_str()])).expect("write");
    let (code, output) = run_promtool(&promtool, &dir, "wrong_test.yml");
    assert_eq!(code, 1, "promtool must reject a wrong expectation:\n{}", tail(&output));
    let named = format!("alertname: {alertname}, time: {at}");
    assert!(output.contains(&named), "promtool names {named}:\n{}", tail(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A test group with the window's input series and a check at its end (so that promtool
/// evaluates the whole window).
fn input_group(w: &inputs::Window, series: Vec<(promql_playground::engine::Labels, String)>) -> TestGroup {
    TestGroup {
        name: w.name.to_string(),
        interval: Some("30s".into()),
        input_series: series
            .into_iter()
            .map(|(l, values)| promql_playground::rules::unittest::InputSeries {
                series: l.to_string(),
                values,
            })
            .collect(),
        alert_rule_test: vec![promql_playground::rules::unittest::AlertTest {
            eval_time: Some(promql_playground::rules::duration::format(w.length)),
            alertname: "NoSuchAlert".into(),
            exp_alerts: Vec::new(),
        }],
        external_labels: [("region".to_string(), "eu-west-1".to_string())].into_iter().collect(),
        external_url: "http://prometheus.example:9090".into(),
        ..TestGroup::default()
    }
}

/// Evaluates one window and writes its test group.
fn expectations(g: &TestGroup, w: &inputs::Window, rules: &RuleFile) -> Group {
    let (evaluation, opts) = evaluate_group(g, INTERVAL, rules, RunOptions::promtool_2()).expect("evaluates");
    let c = expect::checks(&evaluation, rules, &opts, INTERVAL, w.length);
    let mut yaml = format!(
        "  - name: {}\n    interval: 30s\n    external_labels: {{region: eu-west-1}}\n    external_url: {}\n    input_series:\n",
        w.name,
        rules::json(&g.external_url)
    );
    for s in &g.input_series {
        let _ = writeln!(
            yaml,
            "      - series: {}\n        values: {}",
            rules::json(&s.series),
            rules::json(&s.values)
        );
    }
    let firing_check = first_firing(&c.alert_tests);
    yaml.push_str("    promql_expr_test:\n");
    yaml.push_str(&c.promql_tests);
    yaml.push_str("    alert_rule_test:\n");
    yaml.push_str(&c.alert_tests);
    Group { yaml, instants: c.instants, firing: c.firing, transitions: c.transitions, firing_check }
}

/// The first alert check that expects firing alerts: (alertname, eval_time).
fn first_firing(alert_tests: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = alert_tests.lines().collect();
    lines.windows(3).find_map(|w| {
        let at = w[0].trim().strip_prefix("- eval_time: ")?;
        let name = w[1].trim().strip_prefix("alertname: ")?;
        (w[2].trim() == "exp_alerts:").then(|| (name.to_string(), at.to_string()))
    })
}

fn test_file<'a>(
    rule_files: &[String],
    order: &[String],
    groups: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut s = String::from("rule_files:\n");
    for f in rule_files {
        let _ = writeln!(s, "  - {f}");
    }
    s.push_str("evaluation_interval: 30s\ngroup_eval_order:\n");
    for g in order {
        let _ = writeln!(s, "  - {g}");
    }
    s.push_str("tests:\n");
    for g in groups {
        s.push_str(g);
    }
    s
}

fn run_promtool(promtool: &Path, dir: &Path, file: &str) -> (i32, String) {
    let out =
        Command::new(promtool).args(["test", "rules", file]).current_dir(dir).output().expect("run promtool");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(80)..].join("\n")
}
