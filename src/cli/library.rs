//! `promplay library`: the seed's query library (Deliverable 1, `PROMQL_QUERIES.md`) as
//! Markdown, plain text or JSON, with every query's cost measured on a built-in dataset.

use std::io::Write;
use std::time::Instant;

use crate::assist::library::{self, render};
use crate::content::builtin::DEFAULT_DATASET;
use crate::content::builtin_dataset;

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "library",
    summary: "the seed's queries explained, linted and measured (PROMQL_QUERIES.md)",
    usage: "Usage: promplay library [--dataset ID] [--format markdown|text|json] [--runs N]\n\n\
        Prints every PromQL query of the seed exercise, grouped by task and TODO, with what each\n\
        part of it does, the lint findings that apply (with their fixes), the seed's performance\n\
        notes, and the recorded series that replaces it. Costs are measured after the seed's\n\
        recording rules ran over the dataset: series returned, samples read and median time, as\n\
        an instant query at the dataset's end and as a range query over its last 6 h every 1m.\n\n\
        \x20 --dataset ID   a built-in dataset (default: ml-platform)\n\
        \x20 --format F     markdown (default: a PROMQL_QUERIES.md to hand out), text, or json\n\
        \x20                (the fields are described in docs/library.md)\n\
        \x20 --runs N       timed runs per median (default 5)\n\n\
        Exit codes: 0 ok, 1 the dataset cannot be loaded, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "format", "runs"], &[])?;
    if !args.positional.is_empty() {
        return Err(CliError::usage("unexpected arguments"));
    }
    let format = args.get("format").unwrap_or("markdown");
    if !matches!(format, "markdown" | "text" | "json") {
        return Err(CliError::usage(format!("unknown format {format:?} (markdown, text or json)")));
    }
    let id = args.get("dataset").unwrap_or(DEFAULT_DATASET);
    let dataset =
        builtin_dataset(id).map_err(|e| CliError::failed(format!("unknown dataset {id:?}: {e}")))?;
    let storage = dataset.storage().map_err(|e| CliError::failed(e.to_string()))?;
    let opts = library::cost_options(args.runs(5)?);
    let origin = Instant::now();
    let mut clock = || origin.elapsed().as_secs_f64() * 1000.0;
    let lib =
        library::build(id, &storage, Some(&dataset.meta), &opts, &mut clock).map_err(CliError::failed)?;
    match format {
        "markdown" => write!(out, "{}", render::markdown(&lib))?,
        "text" => write!(out, "{}", render::text(&lib))?,
        _ => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&lib).map_err(|e| CliError::failed(e.to_string()))?
        )?,
    }
    Ok(0)
}
