//! `promplay query-range`: a range query, printed as Prometheus's `/api/v1/query_range` body.

use std::io::Write;

use crate::engine::{range_query, EngineOptions, Millis};

use crate::remote::api::QueryCall;

use super::{data, json, remote, time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "query-range",
    summary: "evaluate a range query (prints the /api/v1/query_range JSON body)",
    usage: concat!(
        "Usage: promplay query-range [--dataset ID | --data FILE | --remote URL [--header H]...]\n\
        \x20                          --start T --end T --step D EXPR\n\n\
        \x20 --dataset ID   a built-in dataset\n\
        \x20 --data FILE    promqltest `load` blocks, or OpenMetrics text with timestamps\n",
        remote::remote_usage!(),
        "\x20 --start T      Unix seconds or RFC 3339\n\
        \x20 --end T        Unix seconds or RFC 3339\n\
        \x20 --step D       a duration (30s, 1m30s) or seconds\n\n\
        Exit codes: 0 ok, 1 the query failed (the error body is printed), 2 usage error.\n"
    ),
    run,
};

/// Prometheus's API refuses range queries with more points than this per series.
const MAX_POINTS: Millis = 11_000;

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut flags = vec![data::FLAGS[0], data::FLAGS[1], "start", "end", "step"];
    flags.extend(remote::FLAGS);
    let args = Args::parse(argv, &flags, &[])?;
    let expr = args.one_positional("EXPR")?;
    let need = |name: &str| args.get(name).ok_or_else(|| CliError::usage(format!("missing --{name}")));
    let start = time::parse_time(need("start")?).map_err(CliError::Usage)?;
    let end = time::parse_time(need("end")?).map_err(CliError::Usage)?;
    let step = time::parse_step(need("step")?).map_err(CliError::Usage)?;
    if let Some(remote) = remote::from_args(&args)? {
        if args.has("data") || args.has("dataset") {
            return Err(CliError::usage("give --remote or local data, not both"));
        }
        let call = QueryCall::Range { query: expr.to_string(), start, end, step };
        return remote::print_query(&remote, &call, out);
    }
    let storage = data::storage_from_args(&args)?;
    // The API's own parameter checks, worded as Prometheus words them.
    let (body, code) = if end < start {
        (
            json::error_body(
                "bad_data",
                "invalid parameter \"end\": end timestamp must not be before start time",
            ),
            1,
        )
    } else if (end - start) / step > MAX_POINTS {
        let msg = "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)";
        (json::error_body("bad_data", msg), 1)
    } else {
        match range_query(&storage, expr, start, end, step, &EngineOptions::default()) {
            Ok(res) => (json::success(&res), 0),
            Err(e) => (json::error(&e), 1),
        }
    };
    writeln!(out, "{body}")?;
    Ok(code)
}
