//! `promplay export`: writes a dataset as OpenMetrics text with timestamps, ready for
//! `promtool tsdb create-blocks-from openmetrics`.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::content::builtin_dataset;
use crate::content::check::load_checked;
use crate::content::export::write_openmetrics;
use crate::content::Dataset;

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "export",
    summary: "write a dataset as OpenMetrics (for promtool backfilling)",
    usage: "Usage: promplay export --dataset ID [--pack DIR] [--format openmetrics] [--output FILE]\n\n\
        Writes every sample of the dataset as OpenMetrics text with timestamps (seconds),\n\
        one family at a time, ending with `# EOF`; load it into Prometheus with\n\
        `promtool tsdb create-blocks-from openmetrics FILE DATA_DIR`.\n\n\
        \x20 --dataset ID     a built-in dataset (ml-platform, high-cardinality), or one of --pack\n\
        \x20 --pack DIR       take the dataset from the pack in DIR instead of the built-ins\n\
        \x20 --format F       openmetrics (the only format, and the default)\n\
        \x20 --output FILE    write to FILE instead of standard output\n\n\
        Exit codes: 0 written, 1 the dataset could not be loaded or written, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "pack", "format", "output"], &[])?;
    if !args.positional.is_empty() {
        return Err(CliError::usage(format!("unexpected argument {:?}", args.positional[0])));
    }
    let id = args.get("dataset").ok_or_else(|| CliError::usage("missing --dataset"))?;
    match args.get("format").unwrap_or("openmetrics") {
        "openmetrics" => {}
        other => return Err(CliError::usage(format!("unknown format {other:?} (only openmetrics)"))),
    }
    let dataset = match args.get("pack") {
        Some(dir) => pack_dataset(Path::new(dir), id)?,
        None => builtin_dataset(id).map_err(|e| CliError::failed(e.to_string()))?,
    };
    let storage = dataset.storage().map_err(|e| CliError::failed(e.to_string()))?;
    match args.get("output") {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| CliError::failed(format!("cannot create {path}: {e}")))?;
            let mut w = BufWriter::new(file);
            write_openmetrics(&storage, &dataset.meta.metrics, None, &mut w)?;
            w.flush()?;
        }
        None => {
            let mut w = BufWriter::new(out);
            write_openmetrics(&storage, &dataset.meta.metrics, None, &mut w)?;
            w.flush()?;
        }
    }
    Ok(0)
}

/// A dataset of the pack in `dir`, with the pack's problems as the error.
fn pack_dataset(dir: &Path, id: &str) -> Result<Dataset, CliError> {
    let pack = load_checked(dir).map_err(CliError::failed)?;
    pack.dataset(id).cloned().ok_or_else(|| CliError::failed(format!("the pack has no dataset {id:?}")))
}
