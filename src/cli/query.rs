//! `promplay query`: an instant query, printed as Prometheus's `/api/v1/query` body.

use std::io::Write;

use crate::engine::{instant_query, EngineOptions};

use crate::remote::api::QueryCall;

use super::{data, json, remote, time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "query",
    summary: "evaluate an instant query (prints the /api/v1/query JSON body)",
    usage: USAGE,
    run,
};

const USAGE: &str = concat!(
    "Usage: promplay query [--dataset ID | --data FILE | --remote URL [--header H]...] [--time T] EXPR\n\n\
    \x20 --dataset ID   a built-in dataset\n\
    \x20 --data FILE    promqltest `load` blocks, or OpenMetrics text with timestamps\n",
    remote::remote_usage!(),
    "\x20 --time T       Unix seconds or RFC 3339 (default: the last sample's time; now, remotely)\n\n\
    Exit codes: 0 ok, 1 the query failed (the error body is printed), 2 usage error.\n"
);

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut flags = vec![data::FLAGS[0], data::FLAGS[1], "time"];
    flags.extend(remote::FLAGS);
    let args = Args::parse(argv, &flags, &[])?;
    let expr = args.one_positional("EXPR")?;
    let at = args.get("time").map(time::parse_time).transpose().map_err(CliError::Usage)?;
    if let Some(remote) = remote::from_args(&args)? {
        if args.has("data") || args.has("dataset") {
            return Err(CliError::usage("give --remote or local data, not both"));
        }
        let time = at.unwrap_or_else(|| crate::engine::parse::at_time_ms(std::time::SystemTime::now()));
        return remote::print_query(&remote, &QueryCall::Instant { query: expr.to_string(), time }, out);
    }
    let storage = data::storage_from_args(&args)?;
    let at = at.unwrap_or_else(|| storage.time_bounds().map_or(0, |(_, end)| end));
    let (body, code) = match instant_query(&storage, expr, at, &EngineOptions::default()) {
        Ok(res) => (json::success(&res), 0),
        Err(e) => (json::error(&e), 1),
    };
    writeln!(out, "{body}")?;
    Ok(code)
}
