//! Differential test: promplay against a real Prometheus (Debian's 2.42) on the same data.
//!
//! Each dataset is written as OpenMetrics, backfilled with promtool into a Prometheus started
//! for the test, and every query of tests/differential/queries/ is evaluated by both engines at
//! instants and over a range that fall between samples. Results must agree (types, series by
//! labels, values at relative error 1e-6); a disagreement passes only when the allow-list names
//! that exact query with a 2.42-vs-3.x difference documented in docs/differential.md.
//!
//! Needs `prometheus` and `promtool` on PATH (scripts/test.sh installs them).
// These tests read files and run the CLI: native only (the wasm32 build has neither).
#![cfg(not(target_arch = "wasm32"))]

mod fixture;
mod prometheus;
mod promplay;
mod queries;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use promql_playground::content::export::write_openmetrics;
use promql_playground::content::{builtin_dataset, openmetrics};
use promql_playground::engine::value::is_stale;
use promql_playground::engine::{EngineOptions, Storage};

use prometheus::Prometheus;
use promplay::{Cli, Library, Mode};
use promql_playground::remote::allow::AllowList;
use promql_playground::remote::outcome::{compare, from_api_body, Outcome};
use queries::Query;

/// Fewest distinct queries a dataset's comparison must cover.
const MIN_QUERIES: usize = 300;
/// Least share of agreeing cases that must have a non-empty answer, so that agreement on
/// empty results cannot carry the test.
const MIN_NONEMPTY_SHARE: f64 = 0.6;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The allow-list, checked against the documentation of the differences.
fn allow_list() -> AllowList {
    let text = read(&root().join("tests/differential/allowlist.tsv"));
    let doc = read(&root().join("docs/differential.md"));
    AllowList::parse(&text, &doc).unwrap_or_else(|e| panic!("{e}"))
}

/// The queries for `dataset`: the shared files plus the dataset's own.
fn queries_for(dataset: &str) -> Vec<Query> {
    let base = root().join("tests/differential/queries");
    let dirs = [base.join("common"), base.join(dataset)];
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).filter(|d| d.is_dir()).collect();
    queries::load(&dirs).unwrap_or_else(|e| panic!("{e}"))
}

/// Verdicts of one dataset's comparison.
#[derive(Default)]
struct Tally {
    cases: usize,
    agreed: usize,
    agreed_nonempty: usize,
    /// Allowed disagreements, one line each.
    explained: Vec<String>,
    /// Unexplained disagreements, one line each.
    failures: Vec<String>,
    /// Allow-list queries that matched a disagreement, with how many cases.
    used: BTreeMap<String, usize>,
}

/// Evaluates every query in every mode on both engines and sorts the verdicts.
fn compare_all(
    dataset: &str,
    prom: &Prometheus,
    promplay: &dyn Fn(&str, Mode) -> Outcome,
    queries: &[Query],
    modes: &[Mode],
    allow: &AllowList,
) -> Tally {
    let mut tally = Tally::default();
    for q in queries {
        for &mode in modes {
            tally.cases += 1;
            let (endpoint, mut params) = mode.api_params();
            params.push(("query", q.text.clone()));
            let want = prom.api(endpoint, &params).and_then(|b| from_api_body(&b));
            let want = match want {
                Ok(w) => w,
                Err(e) => {
                    tally.failures.push(format!("{} {:?} `{}`: Prometheus: {e}", q.origin, mode, q.text));
                    continue;
                }
            };
            let got = promplay(&q.text, mode);
            let verdict = match &got {
                Outcome::Error(kind, msg) if kind == "panic" => Some(msg.clone()),
                _ => compare(&want, &got, q.ordered()),
            };
            let Some(diff) = verdict else {
                tally.agreed += 1;
                tally.agreed_nonempty += usize::from(want.size() > 0);
                continue;
            };
            let line = format!("{} {:?} `{}`: {diff}", q.origin, mode, q.text);
            match allow.find(dataset, &q.text) {
                Some(e) => {
                    *tally.used.entry(e.query.clone()).or_default() += 1;
                    tally.explained.push(format!("[{}] {line}", e.reason));
                }
                None => tally.failures.push(line),
            }
        }
    }
    tally
}

/// Writes the full report next to the test's scratch files, prints the summary and fails the
/// test on any unexplained disagreement, stale allow-list entry or too thin coverage.
fn verdict(dataset: &str, queries: usize, min_queries: usize, tally: &Tally, allow: &AllowList) {
    let unused = allow.unused(dataset, &tally.used);
    let mut report = String::new();
    let _ = writeln!(
        report,
        "differential[{dataset}]: {queries} queries, {} cases: {} agree ({} non-empty), {} explained, {} unexplained",
        tally.cases,
        tally.agreed,
        tally.agreed_nonempty,
        tally.explained.len(),
        tally.failures.len()
    );
    for l in &tally.explained {
        let _ = writeln!(report, "  explained {l}");
    }
    for l in &tally.failures {
        let _ = writeln!(report, "  DISAGREE {l}");
    }
    for e in &unused {
        let _ = writeln!(report, "  STALE allowlist.tsv:{} `{}` no longer disagrees", e.line, e.query);
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("differential-{dataset}.txt"));
    let _ = std::fs::write(&path, &report);
    let head: Vec<&str> = report.lines().take(60).collect();
    println!("{}\n(full report: {})", head.join("\n"), path.display());

    let nonempty = tally.agreed_nonempty as f64 / tally.agreed.max(1) as f64;
    assert!(queries >= min_queries, "{dataset}: only {queries} distinct queries (want ≥ {min_queries})");
    assert!(
        tally.failures.is_empty(),
        "{dataset}: {} unexplained disagreements, first: {}",
        tally.failures.len(),
        tally.failures[0]
    );
    assert!(unused.is_empty(), "{dataset}: {} stale allow-list entries", unused.len());
    assert!(
        nonempty >= MIN_NONEMPTY_SHARE,
        "{dataset}: only {:.0}% of agreeing answers are non-empty",
        nonempty * 100.0
    );
}

/// Loads OpenMetrics text through promplay's own reader (the one `--data FILE` uses), so the
/// promplay side reads exactly the samples promtool backfilled.
fn load_openmetrics(name: &str, text: &str) -> Storage {
    let mut storage = Storage::new();
    if let Err(problems) = openmetrics::read_into(&mut storage, name, text) {
        let shown: Vec<String> =
            problems.iter().take(5).map(|p| format!("{}:{}: {}", p.file, p.line, p.message)).collect();
        panic!("promplay cannot read {name}:\n{}", shown.join("\n"));
    }
    storage
}

/// The fixture's evaluation modes: instants after the restarts and the early stop, inside the
/// restart gap, before the late series starts, and a range over the last two hours. All at
/// `x.5 s`, where no fixture sample can sit.
fn fixture_modes() -> Vec<Mode> {
    let at = |h: i64, m: i64| fixture::START_MS + (h * 3600 + m * 60) * 1000 + 7_500;
    vec![
        Mode::Instant(at(25, 30)),
        Mode::Instant(at(15, 9)),
        Mode::Instant(at(4, 0)),
        Mode::Range { start: at(24, 0), end: at(25, 50), step: 600_000 },
    ]
}

/// The default dataset's evaluation modes: inside the peak, just after the OOM restart, inside
/// the error incident, near the end, and a 6-hour dashboard range at a 10-minute step.
fn ml_platform_modes(start: i64) -> Vec<Mode> {
    let at = |h: i64, m: i64| start + (h * 3600 + m * 60) * 1000 + 7_500;
    vec![
        Mode::Instant(at(15, 0)),
        Mode::Instant(at(28, 5)),
        Mode::Instant(at(33, 45)),
        Mode::Instant(at(47, 50)),
        Mode::Range { start: at(41, 50), end: at(47, 50), step: 600_000 },
    ]
}

/// Writes `text` next to the test's scratch files and backfills it into a fresh Prometheus.
fn serve(dataset: &str, text: &str) -> (PathBuf, Prometheus) {
    let om = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("differential-{dataset}.om"));
    std::fs::write(&om, text).unwrap_or_else(|e| panic!("{}: {e}", om.display()));
    let prom = Prometheus::start(dataset, &om).unwrap_or_else(|e| panic!("{e}"));
    (om, prom)
}

/// Backfills `text` into a Prometheus, loads it into promplay through the same OpenMetrics, and
/// compares every query of `dataset` in every mode.
///
/// `storage` is promplay's copy of the same samples when the caller already has it in memory;
/// otherwise promplay reads `text` with its OpenMetrics reader.
fn differential(
    dataset: &str,
    text: &str,
    storage: Option<Storage>,
    modes: &[Mode],
) -> (Prometheus, Library) {
    let t0 = Instant::now();
    let (om, prom) = serve(dataset, text);
    let _ = std::fs::remove_file(om);
    let t1 = Instant::now();
    let storage = storage.unwrap_or_else(|| load_openmetrics(dataset, text));
    let lib = Library { storage, opts: EngineOptions::default() };
    let t2 = Instant::now();
    let queries = queries_for(dataset);
    let allow = allow_list();
    let tally = compare_all(dataset, &prom, &|q, m| lib.eval(q, m), &queries, modes, &allow);
    println!(
        "{dataset}: backfill + start {:.1} s, promplay load {:.1} s, comparisons {:.1} s",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        t2.elapsed().as_secs_f64()
    );
    verdict(dataset, queries.len(), MIN_QUERIES, &tally, &allow);
    (prom, lib)
}

#[test]
fn fixture_agrees_with_prometheus() {
    let text = fixture::to_openmetrics(&fixture::generate(), i64::MIN, i64::MAX);
    let (prom, lib) = differential("fixture", &text, None, &fixture_modes());

    // The harness itself must be able to fail: an engine that evaluates 30 s late (a plausible
    // off-by-one in time handling) has to disagree on most of the seed's non-empty answers.
    let late = |m: Mode| match m {
        Mode::Instant(t) => Mode::Instant(t + 30_000),
        Mode::Range { start, end, step } => Mode::Range { start: start + 30_000, end: end + 30_000, step },
    };
    let path = root().join("tests/differential/queries/common/seed.txt");
    let queries = queries::parse_file("seed.txt", &read(&path)).unwrap_or_else(|e| panic!("{e}"));
    let none = AllowList::parse("", "").unwrap_or_else(|e| panic!("{e}"));
    let tally = compare_all("late", &prom, &|q, m| lib.eval(q, late(m)), &queries, &fixture_modes(), &none);
    let nonempty = tally.failures.len() + tally.agreed_nonempty;
    let caught = tally.failures.len() as f64 / nonempty.max(1) as f64;
    println!("a 30 s-late engine: {} of {nonempty} non-empty cases caught", tally.failures.len());
    assert!(caught > 0.8, "a 30 s-late engine went unnoticed in {:.0}% of cases", (1.0 - caught) * 100.0);
}

/// The default dataset. Its export is large (hundreds of MB of OpenMetrics for 2.5 M samples
/// with realistic labels), so promplay takes the generated storage directly, minus the
/// staleness markers that OpenMetrics cannot carry: exactly the samples the export writes and
/// Prometheus gets. The OpenMetrics reader itself is exercised by the fixture and CLI tests.
#[test]
fn ml_platform_agrees_with_prometheus() {
    let dataset = builtin_dataset("ml-platform").unwrap_or_else(|e| panic!("{e}"));
    let storage = dataset.storage().unwrap_or_else(|e| panic!("{e}"));
    let mut text = Vec::new();
    write_openmetrics(&storage, &dataset.meta.metrics, None, &mut text).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8(text).unwrap_or_else(|e| panic!("{e}"));
    let modes = ml_platform_modes(dataset.meta.start);
    let (prom, _) = differential("ml-platform", &text, Some(without_staleness_markers(&storage)), &modes);
    remote_mode_agrees(&prom, &modes);
}

/// Runs the command line in-process: exit code, standard output and standard error.
fn promplay(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = promql_playground::cli::main_with(&args, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

/// Remote mode against the real server holding ml-platform: `query --remote` prints the API's
/// body unchanged; `diff --remote` agrees on every seed query both on the built-in dataset and
/// on raw series fetched from the server, and fails on data that is not the server's; a pack
/// recorded from the server loads and answers as the server does; a wrong path and a closed
/// port get their own messages.
fn remote_mode_agrees(prom: &Prometheus, modes: &[Mode]) {
    let url = prom.url();
    let Some(&Mode::Range { start, end, step }) = modes.iter().find(|m| matches!(m, Mode::Range { .. }))
    else {
        panic!("ml-platform has a range mode")
    };
    let (t, query) = (promplay::secs(end), "sum by (model) (rate(model_predictions_total[5m]))");
    let direct = prom
        .api("query", &[("query", query.to_string()), ("time", t.clone())])
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) =
        promplay(&["query", "--remote", &url, "--header", "X-Scope-OrgID: a", "--time", &t, query]);
    assert_eq!((code, out.trim_end(), err.as_str()), (0, direct.trim_end(), ""));

    let seed = root().join("tests/differential/queries/common/seed.txt");
    let (from, to, by) = (promplay::secs(start), promplay::secs(end), promplay::secs(step));
    let diff = |queries: &Path, extra: &[&str]| {
        let queries = queries.to_string_lossy();
        let mut args = vec!["diff", "--remote", url.as_str(), "--start", &from, "--end", &to, "--step", &by];
        args.extend(extra);
        args.push(&queries);
        promplay(&args)
    };
    for (what, extra) in [("dataset", &["--dataset", "ml-platform"][..]), ("raw series", &[][..])] {
        let (code, out, err) = diff(&seed, extra);
        let total = out.lines().last().unwrap_or_default().to_string();
        println!("diff --remote on {what}: {total}");
        assert_eq!(code, 0, "diff on {what} failed:\n{out}{err}");
        assert!(total.contains(" 0 differ, 0 failed") && !total.contains(" 0 agree"), "{total}");
    }
    // The tool must be able to fail: local data that is not the server's.
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("remote-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap_or_else(|e| panic!("{e}"));
    let other = scratch.join("other.test");
    std::fs::write(&other, "load 1m\n  model_predictions_total{model=\"x\"} 0+1x10\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = diff(&seed, &["--data", &other.to_string_lossy()]);
    assert!(code == 1 && out.contains("DIFFER"), "{out}");

    // A pack recorded from the server loads, and answers the model queries as the server does.
    let pack = scratch.join("pack");
    let pack_dir = pack.to_string_lossy().into_owned();
    let recorded_from = promplay::secs(start - 3 * 3_600_000);
    let errors_or_memory = r#"{__name__=~"model_prediction_errors_total|model_memory_usage_bytes"}"#;
    let (code, out, err) = promplay(&[
        "record",
        "--remote",
        &url,
        "--match",
        "model_predictions_total",
        "--match",
        errors_or_memory,
        "--start",
        &recorded_from,
        "--end",
        &to,
        "--out",
        &pack_dir,
        "--id",
        "incident",
    ]);
    println!("record: {}", out.trim_end());
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = promplay(&["check", &pack_dir]);
    assert!(code == 0 && out.contains("ok: 1 datasets"), "{out}");
    let model_queries: Vec<&str> = [
        "rate(model_predictions_total[5m])",
        "sum by (model) (rate(model_prediction_errors_total[5m]))",
        "max_over_time(model_memory_usage_bytes[1h])",
        "increase(model_predictions_total[1h])",
    ]
    .to_vec();
    let queries = scratch.join("queries.txt");
    std::fs::write(&queries, model_queries.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = diff(&queries, &["--data", &pack.join("incident.om").to_string_lossy()]);
    assert!(code == 0 && out.contains("4 queries: 4 agree"), "{out}{err}");
    let _ = std::fs::remove_dir_all(&scratch);

    let (code, _, err) = promplay(&["query", "--remote", &format!("{url}/nope"), "up"]);
    assert!(code == 1 && err.contains("answered 404"), "{err}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    let closed = closed.unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = promplay(&["query", "--remote", &format!("http://127.0.0.1:{closed}"), "up"]);
    assert!(code == 1 && err.contains("cannot reach"), "{err}");
}

/// A copy of `storage` without staleness markers (what an OpenMetrics export keeps).
fn without_staleness_markers(storage: &Storage) -> Storage {
    let mut out = Storage::new();
    for s in storage.all() {
        let id = out.series_id(&s.labels);
        for p in s.points.iter().filter(|p| !is_stale(p.v)) {
            out.append(id, p.t, p.v).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    out
}

/// The CLI's contract: `promplay query` and `query-range` print exactly the body Prometheus's
/// API returns. Every query of the seed exercise runs through the command line (in-process,
/// reading an OpenMetrics file like a learner would) and its JSON is read with the same reader
/// as Prometheus's reply. The file holds the fixture's last 66 minutes, so that the CLI's
/// per-call load stays cheap; every window of the queries below ends inside it.
#[test]
fn cli_json_agrees_with_prometheus() {
    let at = |h: i64, m: i64| fixture::START_MS + (h * 3600 + m * 60) * 1000 + 7_500;
    let text = fixture::to_openmetrics(&fixture::generate(), at(24, 25), at(25, 31));
    let (om, prom) = serve("fixture-cli", &text);
    let cli = Cli { data: om.to_string_lossy().into_owned() };
    let path = root().join("tests/differential/queries/common/seed.txt");
    let queries = queries::parse_file("seed.txt", &read(&path)).unwrap_or_else(|e| panic!("{e}"));
    let modes = [Mode::Instant(at(25, 30)), Mode::Range { start: at(25, 0), end: at(25, 30), step: 600_000 }];
    let allow = allow_list();
    let tally = compare_all("fixture-cli", &prom, &|q, m| cli.eval(q, m), &queries, &modes, &allow);
    verdict("fixture-cli", queries.len(), 60, &tally, &allow);
}
