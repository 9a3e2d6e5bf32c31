//! `promplay test`: runs promqltest files and reports failures and counts; `promplay test
//! rules` runs promtool's rule unit tests (`test_rules.rs`).

use std::io::Write;
use std::path::Path;

use crate::promqltest::{render_report, run_file};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "test",
    summary: "run promqltest files, or promtool rule unit tests (`test rules`)",
    usage: "Usage: promplay test [--show-skips] FILE...\n\
        \x20      promplay test rules [--prometheus-3] FILE...   (promtool's rule unit tests)\n\n\
        Prints each failed eval as `file:line: <expr>` with its differences, then per-file\n\
        counts, the skip reasons, and `N passed, N failed, N skipped`.\n\n\
        \x20 --show-skips   also list each skipped eval with its reason\n\n\
        Exit codes: 0 all evals passed or were skipped, 1 some eval failed, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    if argv.first().is_some_and(|a| a == "rules") {
        return super::test_rules::run(&argv[1..], out);
    }
    let args = Args::parse(argv, &[], &["show-skips"])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    let mut reports = Vec::new();
    for path in &args.positional {
        let report =
            run_file(Path::new(path)).map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
        reports.push(report);
    }
    write!(out, "{}", render_report(&reports, args.has("show-skips")))?;
    let failed = reports.iter().any(|r| r.counts().failed > 0);
    Ok(i32::from(failed))
}
