//! Pack validation: every case under tests/packs/ is a pack directory; the bad ones hold an
//! `expect.txt` listing every problem `promplay check` must report (`file:line: text`, the
//! text being a part of the message), and no other problem may be reported.
// These tests read files and run the CLI: native only (the wasm32 build has neither).
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use promql_playground::content::check::check_path;
use promql_playground::content::loader::{check_response, files_needed, load_pack, MemoryFiles};
use promql_playground::content::pack::PackManifest;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/packs");

#[test]
fn bad_packs_report_every_problem_with_file_and_line() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(CASES).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for dir in entries {
        let expect_file = dir.join("expect.txt");
        if !expect_file.exists() {
            continue;
        }
        let expected: Vec<String> = std::fs::read_to_string(&expect_file)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let report = check_path(&dir);
        let prefix = format!("{}/", dir.display());
        let got: Vec<String> = report
            .problems
            .iter()
            .map(|p| p.to_string().trim_start_matches(prefix.as_str()).to_string())
            .collect();
        let name = dir.file_name().unwrap().to_string_lossy();
        for want in &expected {
            let (place, text) = split_expectation(want);
            assert!(
                got.iter().any(|g| g.starts_with(&place) && g[place.len()..].contains(text)),
                "{name}: expected `{want}` among:\n{}",
                got.join("\n")
            );
        }
        assert_eq!(got.len(), expected.len(), "{name}: unexpected problems:\n{}", got.join("\n"));
        checked += 1;
    }
    assert!(checked >= 19, "only {checked} bad-pack cases found");
}

/// `file:line: text` → (`file:line: ` or `file: ` for line 0, `text`).
fn split_expectation(line: &str) -> (String, &str) {
    let mut parts = line.splitn(3, ':');
    let (file, no, text) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap().trim());
    let place = if no == "0" { format!("{file}: ") } else { format!("{file}:{no}: ") };
    (place, text)
}

#[test]
fn good_pack_with_explicit_series_loads() {
    let report = check_path(&Path::new(CASES).join("good-series"));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.exercises, 1);
    let meta = &report.datasets[0];
    // 2 OpenMetrics series (5 samples) + 1 load series (`5 _ 7 stale 3x2`: 6 samples, the
    // staleness marker included, `_` skipped).
    assert_eq!((meta.series, meta.samples), (3, 11));
    assert_eq!(meta.start, 1_767_571_200_000);
    assert_eq!(meta.end, 1_767_571_200_000 + 6 * 30_000);
    let kinds: Vec<_> =
        meta.metrics.iter().map(|m| (m.name.as_str(), m.kind.as_str(), m.help.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            ("checkout_queue_depth", "gauge", "Orders waiting."),
            ("checkout_requests_total", "counter", "Requests handled.")
        ]
    );
    assert_eq!(meta.events[0].selector(), "{code=\"500\"}");
}

#[test]
fn fetched_responses_that_are_not_packs_are_refused() {
    for (status, body, want) in [
        (404, "Not Found", "not found (HTTP 404)"),
        (500, "oops", "HTTP 500"),
        (0, "", "could not be fetched"),
        (200, "", "empty"),
        (200, "  <!doctype html><html></html>", "a web page, not a pack"),
        (200, "<html><body>login</body></html>", "a web page, not a pack"),
    ] {
        let err = check_response("https://x.org/p/pack.yaml", status, body).unwrap_err().to_string();
        assert!(err.starts_with("https://x.org/p/pack.yaml: "), "{err}");
        assert!(err.contains(want), "{status} {body:?}: {err}");
    }
    assert!(check_response("https://x.org/p/pack.yaml", 200, "format: promplay-pack/1").is_ok());
    // A 200 response that is YAML but some other file.
    for (body, want) in [
        ("groups: []\n", "not a pack manifest"),
        ("just text", "not a pack manifest"),
        ("\u{0}\u{1}binary", "not a pack manifest"),
    ] {
        let err = PackManifest::parse("https://x.org/p/pack.yaml", body).unwrap_err();
        assert!(err[0].message.contains(want), "{body:?}: {}", err[0].message);
    }
}

#[test]
fn the_browser_flow_fetches_in_rounds() {
    let dir = Path::new(CASES).join("good-series");
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let manifest = read("pack.yaml");
    let mut files = MemoryFiles::default();
    let mut rounds = 0;
    loop {
        let need = files_needed(&manifest, &files);
        if need.is_empty() {
            break;
        }
        for p in need {
            files.0.insert(p.clone(), read(&p));
        }
        rounds += 1;
        assert!(rounds <= 3, "files_needed does not converge");
    }
    assert_eq!(rounds, 2);
    let pack = load_pack("https://x.org/pack.yaml", &manifest, &mut files).unwrap();
    assert_eq!(pack.dataset("checkout").unwrap().meta.series, 3);
    // A file missing from what was fetched is a problem of the pack, not a panic.
    files.0.remove("data/queue.load");
    let err = load_pack("https://x.org/pack.yaml", &manifest, &mut files).unwrap_err();
    assert!(err.to_string().contains("checkout.yaml:17: cannot read \"data/queue.load\""), "{err}");
}

#[test]
fn built_in_packs_check_clean() {
    for dir in ["datasets", "exercises"] {
        let report = check_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
        assert!(report.problems.is_empty(), "{dir}: {:?}", report.problems);
    }
}
