//! The `promplay` command line: one file per subcommand, dispatched from one table.
//!
//! Exit codes: 0 success, 1 a query or test failed, 2 the command line was wrong.
//! To add a subcommand: write `src/cli/<name>.rs` exposing `pub const COMMAND: Command`, then
//! add `mod <name>;` and its `COMMAND` to [`COMMANDS`] below.

use std::io::Write;

mod am;
mod am_simulate;
mod args;
mod bench;
mod bench_load;
mod cardinality;
mod check;
mod data;
mod explain;
mod export;
mod fmt;
mod fuzz;
mod grade;
mod json;
mod library;
mod lint;
mod query;
mod query_range;
mod record;
mod relabel;
mod relabel_dataset;
mod remote;
mod remote_diff;
mod rules;
mod rules_alerts;
mod test;
mod test_rules;
mod time;

pub use args::Args;

/// The subcommands, in the order `--help` lists them.
const COMMANDS: &[Command] = &[
    query::COMMAND,
    query_range::COMMAND,
    test::COMMAND,
    check::COMMAND,
    export::COMMAND,
    bench_load::COMMAND,
    bench::COMMAND,
    rules::COMMAND,
    fmt::COMMAND,
    lint::COMMAND,
    explain::COMMAND,
    library::COMMAND,
    relabel::COMMAND,
    cardinality::COMMAND,
    am::COMMAND,
    remote_diff::COMMAND,
    record::COMMAND,
    fuzz::COMMAND,
    grade::COMMAND,
];

/// One subcommand.
pub struct Command {
    pub name: &'static str,
    /// One line for the command list.
    pub summary: &'static str,
    /// The full usage text of `promplay <name> --help`.
    pub usage: &'static str,
    /// Runs the command with the arguments after its name, writing results to `out`;
    /// returns the exit code.
    pub run: fn(&[String], &mut dyn Write) -> Result<i32, CliError>,
}

/// Why a command stopped.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong (exit code 2, usage shown).
    Usage(String),
    /// The command could not do its job: unreadable data, output error (exit code 1).
    Failed(String),
}

impl CliError {
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError::Usage(msg.into())
    }

    pub fn failed(msg: impl Into<String>) -> Self {
        CliError::Failed(msg.into())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Failed(format!("cannot write output: {e}"))
    }
}

fn usage() -> String {
    let mut s = String::from("promplay: PromQL queries and promqltest files from the command line\n\nUsage: promplay <command> [options]\n\nCommands:\n");
    for c in COMMANDS {
        s.push_str(&format!("  {:<13} {}\n", c.name, c.summary));
    }
    s.push_str("\nRun `promplay <command> --help` for a command's options.\nExit codes: 0 ok, 1 query or test failure, 2 usage error.\n");
    s
}

/// Runs the command line `args` (without the program name); returns the exit code.
pub fn main_with(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some(name) = args.first() else {
        let _ = write!(err, "{}", usage());
        return 2;
    };
    if matches!(name.as_str(), "help" | "--help" | "-h") {
        let _ = write!(out, "{}", usage());
        return 0;
    }
    let Some(cmd) = COMMANDS.iter().find(|c| c.name == name) else {
        let _ = write!(err, "promplay: unknown command {name:?}\n\n{}", usage());
        return 2;
    };
    let rest = &args[1..];
    if rest.iter().take_while(|a| *a != "--").any(|a| a == "--help" || a == "-h") {
        let usage = if cmd.name == "test" && rest.first().is_some_and(|a| a == "rules") {
            test_rules::USAGE
        } else {
            cmd.usage
        };
        let _ = write!(out, "{usage}");
        return 0;
    }
    match (cmd.run)(rest, out) {
        Ok(code) => code,
        Err(CliError::Usage(msg)) => {
            let _ = write!(err, "promplay {}: {msg}\n\n{}", cmd.name, cmd.usage);
            2
        }
        Err(CliError::Failed(msg)) => {
            let _ = writeln!(err, "promplay {}: {msg}", cmd.name);
            1
        }
    }
}
