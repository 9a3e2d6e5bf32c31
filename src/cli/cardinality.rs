//! `promplay cardinality`: prints the body of Prometheus's `/api/v1/status/tsdb` for a
//! dataset (optionally relabeled first, or narrowed to a selector), and with `--by` the
//! series a grouping would produce.

use std::io::Write;

use crate::cardinality::{check_limit, grouping, parse_by, select, MemoryFormula, Postings, DEFAULT_LIMIT};
use crate::relabel::dataset::relabel_storage;
use crate::relabel::{load, LoadOptions};

use super::data::load_dataset;
use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "cardinality",
    summary: "print a dataset's TSDB status (/api/v1/status/tsdb)",
    usage: "Usage: promplay cardinality --dataset ID [--limit N] [--match SELECTOR] [--by LABELS]\n\
        \x20                           [--relabel FILE [--job NAME]] [--prometheus 3|2.42]\n\n\
        Prints the body Prometheus's /api/v1/status/tsdb returns for the dataset's series:\n\
        headStats, then the top N metric names by series, label names by distinct values,\n\
        label names by memory, and label pairs by series.\n\n\
        \x20 --dataset ID       a built-in dataset (ml-platform, high-cardinality)\n\
        \x20 --limit N          entries per list (default 10, at most 10000)\n\
        \x20 --match SELECTOR   only the series a selector picks ({job=\"x\"}, model_*)\n\
        \x20 --by LABELS        instead: the series `count by (LABELS)` would produce, and the\n\
        \x20                    largest groups (e.g. --by 'model, version')\n\
        \x20 --relabel FILE     relabel the dataset first (metric_relabel_configs of --job, or\n\
        \x20                    any shape promplay relabel reads)\n\
        \x20 --prometheus V     3 (default) or 2.42: the memoryInBytesByLabelName formula\n\n\
        Exit codes: 0 done, 1 the dataset or config cannot be read, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "limit", "match", "by", "relabel", "job", "prometheus"], &[])?;
    if let Some(extra) = args.positional.first() {
        return Err(CliError::usage(format!("unexpected argument {extra:?}")));
    }
    let id = args.get("dataset").ok_or_else(|| CliError::usage("missing --dataset"))?;
    let limit = match args.get("limit") {
        Some(n) => {
            let n: i64 = n.parse().map_err(|_| CliError::usage("--limit needs a number"))?;
            check_limit(n).map_err(CliError::usage)?
        }
        None => DEFAULT_LIMIT,
    };
    let formula = match args.get("prometheus").unwrap_or("3") {
        "3" => MemoryFormula::Prometheus3,
        "2.42" => MemoryFormula::Prometheus2,
        other => return Err(CliError::usage(format!("--prometheus must be 3 or 2.42, not {other:?}"))),
    };
    let mut storage = load_dataset(id)?;
    if let Some(path) = args.get("relabel") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
        let opts =
            LoadOptions { job: args.get("job").map(str::to_string), metric: true, ..LoadOptions::default() };
        let loaded = load(&text, &opts).map_err(|e| CliError::failed(format!("{path}:{e}")))?;
        storage = relabel_storage(&storage, &loaded.set).0;
    }
    let ids = select(&storage, args.get("match").unwrap_or("")).map_err(CliError::failed)?;
    let text = match args.get("by") {
        Some(by) => {
            let names = parse_by(by).map_err(CliError::usage)?;
            body(grouping(&storage, &ids, &names, limit))
        }
        None => body(Postings::of_series(&storage, ids).status(limit, formula)),
    };
    writeln!(out, "{}", text.map_err(|e| CliError::failed(e.to_string()))?)?;
    Ok(0)
}

/// An API body, keys in Prometheus's order (`status`, then `data`).
fn body<T: serde::Serialize>(data: T) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Body<T> {
        status: &'static str,
        data: T,
    }
    serde_json::to_string(&Body { status: "success", data })
}
