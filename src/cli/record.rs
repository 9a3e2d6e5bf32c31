//! `promplay record --remote URL --match SEL... --start T --end T --out DIR`: records the
//! series a remote source holds over a window as a pack (docs/packs.md) an instructor can
//! publish and write exercises on, then checks that the pack loads.

use std::io::Write;
use std::path::Path;

use crate::content::check::check_path;
use crate::content::pack::check_id;
use crate::engine::parse;
use crate::remote::outcome::RawSeries;
use crate::remote::raw::{raw_query, selector_texts};
use crate::remote::record::{metadata, pack_files, storage_of, PackInfo};

use super::remote::{self, Remote};
use super::{time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "record",
    summary: "record series from a remote Prometheus-compatible API as a pack",
    usage: concat!(
        "Usage: promplay record --remote URL [--header H]... --match SEL [--match SEL]...\n\
        \x20                      --start T --end T --out DIR [--id ID] [--title TEXT]\n\n\
        Fetches every stored sample of the series the selectors match between T and T, with\n\
        the metric types and help from /api/v1/metadata, and writes DIR/pack.yaml, the dataset\n\
        file and an OpenMetrics series file (docs/packs.md); then checks the pack loads.\n\n",
        remote::remote_usage!(),
        "\x20 --match SEL    a series selector, e.g. '{job=\"checkout\"}' or 'http_requests_total'\n\
        \x20 --out DIR      a new or empty directory\n\
        \x20 --id ID        the pack's and dataset's id (default: recorded)\n\
        \x20 --title TEXT   the dataset's title\n\n\
        Exit codes: 0 recorded and valid, 1 failed, 2 usage error.\n"
    ),
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut flags = vec!["match*", "start", "end", "out", "id", "title"];
    flags.extend(remote::FLAGS);
    let args = Args::parse(argv, &flags, &[])?;
    if !args.positional.is_empty() {
        return Err(CliError::usage("unexpected arguments (selectors go after --match)"));
    }
    let remote = remote::from_args(&args)?.ok_or_else(|| CliError::usage("missing --remote"))?;
    let need = |name: &str| args.get(name).ok_or_else(|| CliError::usage(format!("missing --{name}")));
    let start = time::parse_time(need("start")?).map_err(CliError::Usage)?;
    let end = time::parse_time(need("end")?).map_err(CliError::Usage)?;
    if end <= start {
        return Err(CliError::usage("--end must be after --start"));
    }
    let dir = Path::new(need("out")?);
    let id = args.get("id").unwrap_or("recorded");
    check_id(id).map_err(|e| CliError::usage(format!("--id: {e}")))?;
    if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(CliError::failed(format!("{} is not empty: give a new directory", dir.display())));
    }
    let matches = args.all("match");
    if matches.is_empty() {
        return Err(CliError::usage("give at least one --match selector"));
    }
    let mut series = Vec::new();
    for sel in matches {
        series.extend(fetch(&remote, sel, start, end)?);
    }
    let storage = storage_of(&series);
    // Types and help are a courtesy: a server without the metadata API still records.
    let meta_url = remote.source.url("metadata", &[]);
    let metrics = remote
        .get(&meta_url)
        .ok()
        .and_then(|(_, body)| serde_json::from_str(&body).ok())
        .map(|j| metadata(&j))
        .unwrap_or_default();
    let title =
        args.get("title").map_or_else(|| format!("Recorded from {}", remote.source.base()), str::to_string);
    let info = PackInfo { id: id.to_string(), title, source: remote.source.base().to_string() };
    let files = pack_files(&info, &storage, &metrics, start).map_err(CliError::failed)?;
    std::fs::create_dir_all(dir).map_err(|e| CliError::failed(format!("{}: {e}", dir.display())))?;
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| CliError::failed(format!("{}: {e}", path.display())))?;
    }
    let report = check_path(dir);
    for p in &report.problems {
        writeln!(out, "{p}")?;
    }
    writeln!(
        out,
        "{}: {} series, {} samples recorded from {}",
        dir.join("pack.yaml").display(),
        storage.len(),
        storage.sample_count(),
        remote.source.base()
    )?;
    Ok(i32::from(!report.problems.is_empty()))
}

/// The raw samples of the series `selector` matches over `start..=end`.
fn fetch(remote: &Remote, selector: &str, start: i64, end: i64) -> Result<RawSeries, CliError> {
    let expr = parse::parse(selector).map_err(|e| CliError::usage(format!("--match {selector:?}: {e}")))?;
    let texts = selector_texts(&expr);
    if !matches!(expr, promql_parser::parser::Expr::VectorSelector(_)) || texts.len() != 1 {
        return Err(CliError::usage(format!("--match {selector:?}: give one series selector")));
    }
    // `(start, end]` is what a range selector at `end` returns; one millisecond more keeps
    // a sample exactly at `start`.
    remote.fetch_matrix(&raw_query(&texts[0], end - start + 1), end).map_err(CliError::failed)
}
