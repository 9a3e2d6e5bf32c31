//! The high-cardinality dataset's TSDB status agrees with what Debian's `promtool tsdb
//! analyze` (2.42) reports for a block backfilled from the dataset's OpenMetrics export:
//! series, label names, unique label pairs, and the lists of highest-cardinality metric
//! names and labels, most common label pairs and cumulative label value lengths (the 2.42
//! memory formula). A head-only `/api/v1/status/tsdb` would not see a backfilled block, so
//! `tsdb analyze` is the real reference here.
//!
//! Ties: promtool cuts its lists at `--limit` and orders equal counts at random; every line
//! it prints must be in our full list with the same count, and nothing of ours with a larger
//! count may be missing from its list.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use promql_playground::cardinality::{MemoryFormula, Postings, Stat};
#[path = "common/promtool.rs"]
mod promtool_support;
use promtool_support::{promtool, Scratch};

use promql_playground::content::builtin_dataset;
use promql_playground::content::export::write_openmetrics;

const LIMIT: usize = 30;

/// The analysis: headline figures and `(count, name)` lists by section title.
struct Analysis {
    figures: HashMap<String, u64>,
    lists: HashMap<String, Vec<(u64, String)>>,
}

fn parse(text: &str) -> Analysis {
    let mut figures = HashMap::new();
    let mut lists: HashMap<String, Vec<(u64, String)>> = HashMap::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        if let Some(title) = line.strip_suffix(':') {
            section = Some(title.to_string());
            continue;
        }
        if let Some((k, v)) = line.split_once(": ") {
            if let Ok(n) = v.trim().parse() {
                figures.insert(k.to_string(), n);
            }
            continue;
        }
        if let (Some(s), Some((n, name))) = (&section, line.split_once(' ')) {
            if let Ok(n) = n.parse() {
                lists.entry(s.clone()).or_default().push((n, name.to_string()));
            }
        }
    }
    Analysis { figures, lists }
}

/// Checks a promtool list against our complete list.
fn agree(what: &str, theirs: &[(u64, String)], ours: &[Stat]) -> Result<(), String> {
    if theirs.is_empty() {
        return Err(format!("{what}: promtool printed nothing"));
    }
    let by_name: HashMap<&str, u64> = ours.iter().map(|s| (s.name.as_str(), s.value)).collect();
    for (n, name) in theirs {
        if by_name.get(name.as_str()) != Some(n) {
            return Err(format!("{what}: promtool says {n} {name}, we say {:?}", by_name.get(name.as_str())));
        }
    }
    let cut = theirs.iter().map(|t| t.0).min().unwrap_or(0);
    for s in ours.iter().filter(|s| s.value > cut) {
        if !theirs.iter().any(|t| t.1 == s.name) {
            return Err(format!(
                "{what}: {} {} is above promtool's cut but missing from its list",
                s.value, s.name
            ));
        }
    }
    Ok(())
}

#[test]
fn high_cardinality_agrees_with_promtool_tsdb_analyze() {
    let dataset = builtin_dataset("high-cardinality").unwrap();
    let storage = dataset.storage().unwrap();
    let dir = Scratch::new("cardinality-analyze");
    let file = dir.join("high-cardinality.om");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    write_openmetrics(&storage, &dataset.meta.metrics, None, &mut w).unwrap();
    drop(w);
    let db = dir.join("data");
    promtool(&["tsdb", "create-blocks-from", "openmetrics", file.to_str().unwrap(), db.to_str().unwrap()]);
    let blocks = std::fs::read_dir(&db)
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().join("meta.json").exists()))
        .count();
    assert_eq!(blocks, 1, "the hour of data fits one block");
    let limit = LIMIT.to_string();
    let a = parse(&promtool(&["tsdb", "analyze", &format!("--limit={limit}"), db.to_str().unwrap()]));

    let postings = Postings::of_storage(&storage);
    let status = postings.status(usize::MAX, MemoryFormula::Prometheus3);
    let memory_2_42 = postings.status(usize::MAX, MemoryFormula::Prometheus2).memory_in_bytes_by_label_name;
    let figures = [
        ("Series", status.head_stats.num_series),
        ("Label names", postings.by_name.len() as u64),
        ("Postings (unique label pairs)", status.head_stats.num_label_pairs),
    ];
    let mut failures = Vec::new();
    for (name, ours) in figures {
        let theirs = a.figures.get(name).copied();
        println!("{name}: promtool {theirs:?}, promplay {ours}");
        if theirs != Some(ours) {
            failures.push(format!("{name}: promtool {theirs:?}, promplay {ours}"));
        }
    }
    let lists: [(&str, &[Stat]); 4] = [
        ("Highest cardinality metric names", &status.series_count_by_metric_name),
        ("Highest cardinality labels", &status.label_value_count_by_label_name),
        ("Most common label pairs", &status.series_count_by_label_value_pair),
        ("Label names with highest cumulative label value length", &memory_2_42),
    ];
    for (title, ours) in lists {
        let theirs = a.lists.get(title).cloned().unwrap_or_default();
        println!("{title}: {} lines of promtool checked", theirs.len());
        if let Err(e) = agree(title, &theirs, ours) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
