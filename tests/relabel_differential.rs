//! Differential test of relabeling against the real thing: Debian's `promtool` 2.42 applies
//! each generated config's `relabel_configs` to static targets (`promtool check
//! service-discovery`, which prints every target's labels after relabeling as JSON), and
//! `promplay relabel --prometheus 2.42` must give the same labels for every label set.
//!
//! The 2.42-vs-3.x differences (SEMANTICS.md §7) are handled explicitly: the comparison runs
//! promplay with 2.42 semantics, and the same label sets are also run with 3.x semantics to
//! count (and print) where the two versions part, so a difference is never hidden.
//!
//! Needs `promtool` on PATH (scripts/test.sh step_differential installs it).
#![cfg(not(target_arch = "wasm32"))]

#[path = "relabel/generate.rs"]
mod generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use promql_playground::cli::main_with;

type LabelMap = BTreeMap<String, String>;

const CONFIGS: usize = 300;
const SETS_PER_CONFIG: usize = 6;

/// Labels Prometheus adds to every static target before relabeling (when unset).
fn target_labels(input: &LabelMap, index: usize) -> LabelMap {
    let mut l = input.clone();
    l.insert("__address__".into(), format!("target-{index}.example:9100"));
    for (k, v) in [
        ("job", "j"),
        ("__metrics_path__", "/metrics"),
        ("__scheme__", "http"),
        ("__scrape_interval__", "1m"),
        ("__scrape_timeout__", "10s"),
    ] {
        l.entry(k.into()).or_insert_with(|| v.into());
    }
    l
}

/// What 2.42's `PopulateLabels` does after the rules: a target without an address or with an
/// unreadable interval is an error (shown with no labels, as a drop is); `__meta_*` labels go;
/// `instance` defaults to the address.
fn populate(after: Option<LabelMap>) -> LabelMap {
    let Some(mut l) = after else { return LabelMap::new() };
    let addr = l.get("__address__").cloned().unwrap_or_default();
    let interval_ok = l.get("__scrape_interval__").map(String::as_str) == Some("1m")
        && l.get("__scrape_timeout__").map(String::as_str) == Some("10s");
    if addr.is_empty() || !interval_ok {
        return LabelMap::new();
    }
    l.retain(|k, _| !k.starts_with("__meta_"));
    l.entry("instance".into()).or_insert(addr);
    l
}

/// The config file promtool reads: one job, one static target per label set.
fn config_file(case: &generate::Case) -> String {
    let mut text = String::from("scrape_configs:\n  - job_name: j\n    static_configs:\n");
    for (i, input) in case.inputs.iter().enumerate() {
        let labels: Vec<String> = input
            .iter()
            .map(|(k, v)| format!("{k}: {}", serde_json::to_string(v).unwrap_or_default()))
            .collect();
        text.push_str(&format!(
            "      - targets: [\"target-{i}.example:9100\"]\n        labels: {{{}}}\n",
            labels.join(", ")
        ));
    }
    text.push_str("    relabel_configs:\n");
    for line in case.rules.lines() {
        text.push_str(&format!("      {line}\n"));
    }
    text
}

/// promtool's answer: the sorted list of target label sets, or Err(message) when it refuses
/// the config.
fn promtool(path: &Path) -> Result<Vec<LabelMap>, String> {
    let out = Command::new("promtool")
        .args(["check", "service-discovery", "--timeout=150ms"])
        .arg(path)
        .arg("j")
        .output()
        .unwrap_or_else(|e| panic!("cannot run promtool ({e}): install Debian's prometheus package"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("{}{}", stdout, String::from_utf8_lossy(&out.stderr)));
    }
    let targets: Vec<serde_json::Value> =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("promtool printed no JSON ({e}):\n{stdout}"));
    let mut sets: Vec<LabelMap> =
        targets.iter().map(|t| serde_json::from_value(t["labels"].clone()).unwrap_or_default()).collect();
    sets.sort();
    Ok(sets)
}

/// promplay's answer for one label set (through the CLI's own code), or Err(message).
fn promplay(path: &Path, labels: &LabelMap, version: &str) -> Result<Option<LabelMap>, String> {
    let args: Vec<String> = [
        "relabel",
        "--config",
        &path.display().to_string(),
        "--job",
        "j",
        "--prometheus",
        version,
        "--labels",
        &serde_json::to_string(labels).unwrap_or_default(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = main_with(&args, &mut out, &mut err);
    if code != 0 {
        return Err(String::from_utf8_lossy(&err).into_owned());
    }
    serde_json::from_slice(&out).map_err(|e| format!("promplay printed no JSON: {e}"))
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("relabel-differential");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The comparison of one config; returns (label sets compared, sets where 3.x differs, note).
fn compare(dir: &Path, n: usize, case: &generate::Case) -> CaseOutcome {
    let path = dir.join(format!("config-{n:03}.yml"));
    std::fs::write(&path, config_file(case)).unwrap();
    let inputs: Vec<LabelMap> = case.inputs.iter().enumerate().map(|(i, l)| target_labels(l, i)).collect();
    let real = promtool(&path);
    let ours: Result<Vec<Option<LabelMap>>, String> =
        inputs.iter().map(|l| promplay(&path, l, "2.42")).collect();
    let v3: Result<Vec<Option<LabelMap>>, String> = inputs.iter().map(|l| promplay(&path, l, "3")).collect();
    let v3_note = |ours: &Result<Vec<Option<LabelMap>>, String>| match (ours, &v3) {
        (Ok(a), Ok(b)) => (a.iter().zip(b).filter(|(x, y)| x != y).count(), None),
        (Err(_), Ok(_)) => (inputs.len(), Some(format!("config {n}: refused by 2.42, loads in 3.x"))),
        (Ok(_), Err(e)) => (inputs.len(), Some(format!("config {n}: loads in 2.42, refused by 3.x: {e}"))),
        (Err(_), Err(_)) => (0, None),
    };
    match (&real, &ours) {
        (Err(_), Err(_)) => {
            let (d, note) = v3_note(&ours);
            Ok((inputs.len(), d, note.or_else(|| Some(format!("config {n}: refused by both")))))
        }
        (Ok(real), Ok(mine)) => {
            let mut got: Vec<LabelMap> = mine.iter().cloned().map(populate).collect();
            got.sort();
            if &got != real {
                return Err(format!(
                    "config {n} disagrees\n--- rules\n{}--- promtool\n{real:#?}\n--- promplay\n{got:#?}",
                    case.rules
                ));
            }
            let (d, note) = v3_note(&ours);
            Ok((inputs.len(), d, note))
        }
        (Err(e), Ok(_)) => {
            Err(format!("config {n}: promtool refuses it ({e}) but promplay loads it:\n{}", case.rules))
        }
        (Ok(_), Err(e)) => {
            Err(format!("config {n}: promtool loads it but promplay refuses it ({e}):\n{}", case.rules))
        }
    }
}

/// What [`compare`] found for one config: (label sets compared, sets where 3.x differs, note),
/// or the disagreement.
type CaseOutcome = Result<(usize, usize, Option<String>), String>;

#[test]
fn relabeling_agrees_with_prometheus_2_42() {
    let started = Instant::now();
    let dir = scratch();
    let cases = generate::cases(0x5eed_2042, CONFIGS, SETS_PER_CONFIG);
    // Two workers: promtool waits for discovery, so the time is mostly sleeping.
    let results: Vec<CaseOutcome> = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|w| {
                let (dir, cases) = (&dir, &cases);
                s.spawn(move || {
                    (0..cases.len())
                        .filter(|i| i % 2 == w)
                        .map(|i| (i, compare(dir, i, &cases[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = halves.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    });
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let ok: Vec<&(usize, usize, Option<String>)> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let sets: usize = ok.iter().map(|r| r.0).sum();
    let differ: usize = ok.iter().map(|r| r.1).sum();
    let agree = ok.len();
    let notes: Vec<&String> = ok.iter().filter_map(|r| r.2.as_ref()).collect();
    let refused_both = notes.iter().filter(|n| n.ends_with("refused by both")).count();
    for note in notes.iter().filter(|n| !n.ends_with("refused by both")).take(10) {
        println!("  2.42 vs 3.x: {note}");
    }
    println!(
        "relabel differential vs promtool 2.42: {} configs ({refused_both} refused by both), {sets} label sets, \
         {agree} configs agree, {} disagree; {differ} label sets relabel differently under 3.x semantics ({:.1} s)",
        cases.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} configs disagree:\n{}",
        failures.len(),
        failures.iter().take(5).map(|s| s.as_str()).collect::<Vec<_>>().join("\n\n")
    );
    assert!(sets >= CONFIGS * SETS_PER_CONFIG);
}
