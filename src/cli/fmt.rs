//! `promplay fmt`: a query formatted exactly as Prometheus's `/api/v1/format_query` does.

use std::io::Write;

use crate::assist::format::format_query;

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "fmt",
    summary: "format a query as Prometheus's /api/v1/format_query does",
    usage: "Usage: promplay fmt EXPR\n\n\
        Prints EXPR formatted the way Prometheus 3's /api/v1/format_query returns it (long\n\
        expressions split over indented lines), followed by a newline.\n\n\
        Exit codes: 0 ok, 1 the query does not parse (the error is printed), 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &[], &[])?;
    let expr = args.one_positional("EXPR")?;
    let text = format_query(expr).map_err(|e| CliError::failed(e.to_string()))?;
    writeln!(out, "{text}")?;
    Ok(0)
}
