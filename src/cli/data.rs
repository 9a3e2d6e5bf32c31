//! Where a query's samples come from: `--data FILE` (promqltest `load` blocks, or OpenMetrics
//! text with timestamps) or `--dataset ID` (a built-in dataset).

use crate::content;
use crate::engine::Storage;
use crate::promqltest::run::load_storage;

use super::{Args, CliError};

/// The flags this module reads.
pub const FLAGS: [&str; 2] = ["data", "dataset"];

/// The storage the flags in `args` name (empty when neither is given).
pub fn storage_from_args(args: &Args) -> Result<Storage, CliError> {
    match (args.get("data"), args.get("dataset")) {
        (Some(_), Some(_)) => Err(CliError::usage("give --data or --dataset, not both")),
        (Some(path), None) => load_file(path),
        (None, Some(id)) => load_dataset(id),
        (None, None) => Ok(Storage::new()),
    }
}

/// Reads a data file, telling the two formats apart by content: a promqltest file has a
/// `load` command line.
pub fn load_file(path: &str) -> Result<Storage, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
    let is_promqltest =
        text.lines().map(str::trim).any(|l| l.starts_with("load ") || l.starts_with("load_with_nhcb "));
    if is_promqltest {
        return load_storage(&text).map_err(|e| CliError::failed(format!("{path}: {e}")));
    }
    let mut storage = Storage::new();
    content::openmetrics::read_into(&mut storage, path, &text).map_err(|problems| {
        CliError::failed(problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
    })?;
    Ok(storage)
}

/// Builds the samples of a built-in dataset.
pub fn load_dataset(id: &str) -> Result<Storage, CliError> {
    let dataset =
        content::builtin_dataset(id).map_err(|e| CliError::failed(format!("unknown dataset {id:?}: {e}")))?;
    dataset.storage().map_err(|e| CliError::failed(e.to_string()))
}
