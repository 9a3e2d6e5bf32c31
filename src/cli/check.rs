//! `promplay check`: validates packs (datasets and exercises) and reports every problem as
//! `file:line: reason`.

use std::io::Write;
use std::path::Path;

use crate::content::check::check_path;

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "check",
    summary: "validate dataset and exercise packs",
    usage: "Usage: promplay check PATH...\n\n\
        Each PATH is a pack directory (holding pack.yaml) or a pack manifest file. Prints every\n\
        problem as `file:line: reason`, then one summary line per pack.\n\n\
        Exit codes: 0 every pack is valid, 1 some pack has a problem, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &[], &[])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing PATH"));
    }
    let mut failed = false;
    for path in &args.positional {
        let report = check_path(Path::new(path));
        for p in &report.problems {
            writeln!(out, "{p}")?;
        }
        let shown = report.manifest.display();
        if report.problems.is_empty() {
            writeln!(out, "{shown}: ok: {} datasets, {} exercises", report.datasets.len(), report.exercises)?;
            for d in &report.datasets {
                writeln!(out, "  {}", d.summary())?;
            }
        } else {
            failed = true;
            writeln!(out, "{shown}: {} problems", report.problems.len())?;
        }
    }
    Ok(i32::from(failed))
}
