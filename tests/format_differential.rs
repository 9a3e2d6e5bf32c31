//! Differential test of the formatter: `promplay fmt` against the `/api/v1/format_query` of a
//! real Prometheus (Debian's 2.42, started for the test on 127.0.0.1), byte for byte, for every
//! query of the seed, of the exercises (starters, answers, rejects, rule files), of the engine's
//! differential corpus and of tests/format/queries.txt (every node type, modifiers, `@`,
//! offsets, subqueries, grouping, string escapes, number forms, long queries that split).
//!
//! The formatter follows Prometheus 3. Where 2.42 prints something else, the query must be
//! listed in tests/format/known_differences.tsv with both texts and a reason documented in
//! docs/format.md; a listed query that agrees again fails the test (the list stays exact).
//!
//! Needs `prometheus` and `promtool` on PATH (scripts/test.sh installs them).
#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code)]
#[path = "differential/prometheus.rs"]
mod prometheus;
#[allow(dead_code)]
#[path = "differential/queries.rs"]
mod queries;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use promql_playground::assist::format::format_query;
use promql_playground::assist::library::seed_queries;
use promql_playground::content::exercise_pack::builtin_exercises;
use promql_playground::content::rule_exercise;
use promql_playground::rules::{check, CheckOptions};

use prometheus::Prometheus;

/// Fewest distinct queries the comparison must cover.
const MIN_QUERIES: usize = 100;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A known difference: the query, the text we print (Prometheus 3's), what 2.42 answers and
/// the reason (a heading of docs/format.md).
struct Known {
    ours: String,
    v242: String,
    reason: String,
}

/// Reads tests/format/known_differences.tsv: four JSON strings per line, tab-separated.
fn known_differences() -> BTreeMap<String, Known> {
    let text = std::fs::read_to_string(root().join("tests/format/known_differences.tsv"))
        .expect("known differences");
    let doc = std::fs::read_to_string(root().join("docs/format.md")).expect("docs/format.md");
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<String> = line
            .split('\t')
            .map(|c| {
                serde_json::from_str(c).unwrap_or_else(|e| panic!("known_differences.tsv:{}: {e}", i + 1))
            })
            .collect();
        let [query, ours, v242, reason] = <[String; 4]>::try_from(cols)
            .unwrap_or_else(|_| panic!("known_differences.tsv:{}: want 4 columns", i + 1));
        assert!(
            doc.contains(&format!("### {reason}")),
            "known_differences.tsv:{}: reason {reason:?} is not a heading of docs/format.md",
            i + 1
        );
        out.insert(query, Known { ours, v242, reason });
    }
    out
}

/// Every query to compare, each text once, with where it came from.
fn corpus() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for q in seed_queries().expect("the seed's queries") {
        out.push((format!("seed {}", q.todo), q.query));
    }
    for ex in builtin_exercises().expect("the exercises") {
        let origin = format!("exercise {}", ex.id);
        for q in ex.starter.iter().chain(&ex.answers).chain(&ex.rejects) {
            out.push((origin.clone(), q.clone()));
        }
        for r in &ex.recording_rules {
            out.push((origin.clone(), r.expr.clone()));
        }
    }
    for ex in rule_exercise::builtin().expect("the rule exercises") {
        for text in [&ex.starter, &ex.reference].into_iter().chain(&ex.rejects) {
            let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
            for (_, r) in report.file.iter().flat_map(|f| f.rules()) {
                out.push((format!("rule exercise {}", ex.id), r.expr.clone()));
            }
        }
    }
    let dirs = [root().join("tests/format"), root().join("tests/differential/queries/common")];
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    for q in queries::load(&dirs).expect("query files") {
        out.push((q.origin, q.text));
    }
    let mut seen = BTreeSet::new();
    out.retain(|(_, q)| seen.insert(q.clone()));
    out
}

/// What Prometheus's format_query answers: the text, or `error: <message>`.
fn prometheus_format(prom: &Prometheus, query: &str) -> String {
    let body = prom.api("format_query", &[("query", query.to_string())]).expect("format_query");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    match (v["status"].as_str(), v["data"].as_str(), v["error"].as_str()) {
        (Some("success"), Some(text), _) => text.to_string(),
        (_, _, Some(err)) => format!("error: {}", err.trim_start_matches("invalid parameter \"query\": ")),
        _ => panic!("unexpected format_query reply: {body}"),
    }
}

#[test]
fn format_agrees_with_prometheus() {
    let scratch = std::env::temp_dir().join(format!("promplay-format-{}.om", std::process::id()));
    std::fs::write(&scratch, "# TYPE up gauge\nup 1 1700000000\n# EOF\n").expect("scratch file");
    let prom = Prometheus::start("format", &scratch).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_file(&scratch);
    let known = known_differences();
    let corpus = corpus();
    let (mut agree, mut rejected, mut explained) = (0, 0, 0);
    let (mut failures, mut unlisted, mut used) = (Vec::new(), Vec::new(), BTreeSet::new());
    for (origin, query) in &corpus {
        let ours = format_query(query).map_err(|e| format!("error: {e}")).unwrap_or_else(|e| e);
        let theirs = prometheus_format(&prom, query);
        match known.get(query) {
            Some(k) => {
                used.insert(query.clone());
                if ours == theirs {
                    failures.push(format!(
                        "{origin}: `{query}` is listed as a known difference but agrees: {ours:?}"
                    ));
                } else if ours != k.ours || theirs != k.v242 {
                    failures.push(format!(
                        "{origin}: `{query}` ({}) now gives ours {ours:?}, 2.42 {theirs:?}; listed: ours {:?}, 2.42 {:?}",
                        k.reason, k.ours, k.v242
                    ));
                } else {
                    explained += 1;
                }
            }
            None if ours == theirs => agree += 1,
            // A query both reject is the parser's business, not the formatter's: the error
            // texts are compared by the engine's own differential tests.
            None if ours.starts_with("error: ") && theirs.starts_with("error: ") => rejected += 1,
            None => {
                let row =
                    [query.as_str(), &ours, &theirs, "?"].map(|c| serde_json::Value::from(c).to_string());
                unlisted.push(row.join("\t"));
                failures.push(format!("{origin}: `{query}`\n  promplay: {ours:?}\n  2.42:     {theirs:?}"));
            }
        }
    }
    let stale: Vec<&String> = known.keys().filter(|q| !used.contains(*q)).collect();
    println!(
        "format_query: {} queries: {agree} formatted byte for byte alike, {rejected} rejected by both, \
         {explained} known differences (docs/format.md), {} failures",
        corpus.len(),
        failures.len()
    );
    if !unlisted.is_empty() {
        // The rows to review and add to known_differences.tsv when a difference is expected.
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("format-disagreements.tsv");
        let _ = std::fs::write(&path, unlisted.join("\n") + "\n");
        println!("unlisted disagreements as known_differences.tsv rows: {}", path.display());
    }
    assert!(corpus.len() >= MIN_QUERIES, "only {} queries (want ≥ {MIN_QUERIES})", corpus.len());
    assert!(stale.is_empty(), "known differences no query of the corpus uses: {stale:?}");
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}
