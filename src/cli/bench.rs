//! `promplay bench`: evaluation time and throughput of the seed exercise's queries on a
//! dataset, each as an instant query and as a 6-hour dashboard range query.
//!
//! Prints per query the median evaluation time over `--runs` runs, the samples the query read
//! and samples per second. `--tsv` prints the same rows machine-readably, with the exact
//! evaluation times, for scripts/bench-vs-prometheus.sh to replay against Prometheus.

use std::io::Write;
use std::time::Instant;

use crate::bench::{measure_with, modes, run_all, table, tsv, Mode, QUERIES};
use crate::bench_rules::{self, seed_rule_file};
use crate::content::builtin::DEFAULT_DATASET;
use crate::engine::QueryStats;
use crate::remote::api::QueryCall;

use super::remote::{self, Remote};
use super::{data, time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "bench",
    summary: "time the seed's queries (median eval time, samples, samples/s)",
    usage: concat!(
        "Usage: promplay bench [--dataset ID | --data FILE | --remote URL [--end T]] [--runs N] [--tsv | --rules]\n\n\
        Evaluates each of the seed exercise's queries as an instant query (an hour before the\n\
        data ends, between two scrapes) and as a 6-hour dashboard range query (60 s step), N\n\
        times each (default 15) after a warm-up run, and prints the median evaluation time, the\n\
        samples the query read and samples per second.\n\n\
        \x20 --dataset ID   a built-in dataset (default: ml-platform)\n\
        \x20 --data FILE    promqltest `load` blocks, or OpenMetrics text with timestamps\n\
        \x20 --runs N       measured runs per query\n\
        \x20 --tsv          tab-separated rows with the exact times, for scripts\n\
        \x20 --rules        instead, evaluate the seed's recording and alerting rules over the\n\
        \x20                whole data, N times (default 5), as the alerting lab runs them\n",
        remote::remote_usage!(),
        "\x20                (times each query's round trip; samples from the API's stats=all)\n\
        \x20 --end T        with --remote: where the remote's data ends (default: now)\n\n\
        Exit codes: 0 ok, 1 a query failed, 2 usage error.\n"
    ),
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut flags = vec![data::FLAGS[0], data::FLAGS[1], "runs", "end"];
    flags.extend(remote::FLAGS);
    let args = Args::parse(argv, &flags, &["tsv", "rules"])?;
    let runs = args.runs(if args.has("rules") { 5 } else { 15 })?;
    if let Some(remote) = remote::from_args(&args)? {
        if args.has("rules") {
            return Err(CliError::usage("--rules evaluates locally: leave out --remote"));
        }
        return bench_remote(&remote, &args, runs, out);
    }
    let t0 = Instant::now();
    let storage = if args.has("data") || args.has("dataset") {
        data::storage_from_args(&args)?
    } else {
        data::load_dataset(DEFAULT_DATASET)?
    };
    let load_time = t0.elapsed();
    let end = storage
        .time_bounds()
        .map(|(_, end)| end)
        .ok_or_else(|| CliError::failed("the data holds no samples"))?;
    let origin = Instant::now();
    if args.has("rules") {
        let file = seed_rule_file().map_err(CliError::failed)?;
        let report = bench_rules::measure(&storage, &file, runs, &|| origin.elapsed().as_secs_f64() * 1000.0);
        write!(out, "{}", bench_rules::table(&report))?;
        return Ok(0);
    }
    let rows = run_all(&storage, end, runs, &|| origin.elapsed().as_secs_f64() * 1000.0);
    if args.has("tsv") {
        write!(out, "{}", tsv(&rows))?;
    } else {
        let source = args.get("data").or(args.get("dataset")).unwrap_or(DEFAULT_DATASET);
        writeln!(
            out,
            "{source}: {} series, {} samples (loaded in {:.0} ms); median of {runs} runs",
            storage.len(),
            storage.sample_count(),
            load_time.as_secs_f64() * 1000.0
        )?;
        write!(out, "{}", table(&rows))?;
    }
    Ok(i32::from(rows.iter().any(|r| r.error.is_some())))
}

/// The seed's queries timed against a remote API: each round trip, the samples the server
/// reports reading (`stats=all`, Prometheus 2.35 and later; 0 when it does not say).
fn bench_remote(remote: &Remote, args: &Args, runs: usize, out: &mut dyn Write) -> Result<i32, CliError> {
    let end = match args.get("end") {
        Some(t) => time::parse_time(t).map_err(CliError::Usage)?,
        None => crate::engine::parse::at_time_ms(std::time::SystemTime::now()),
    };
    let eval = |query: &str, mode: Mode| -> Result<QueryStats, String> {
        let call = match mode {
            Mode::Instant(time) => QueryCall::Instant { query: query.to_string(), time },
            Mode::Range { start, end, step } => {
                QueryCall::Range { query: query.to_string(), start, end, step }
            }
        };
        let (endpoint, mut params) = call.endpoint();
        params.push(("stats", "all".to_string()));
        let url = remote.source.url(endpoint, &params);
        let (status, body) = remote.get(&url).map_err(|e| e.to_string())?;
        let json = crate::remote::error::read_envelope(&url, status, &body).map_err(|e| e.to_string())?;
        let samples = json.pointer("/data/stats/samples/totalQueryableSamples").and_then(|v| v.as_u64());
        Ok(QueryStats { samples_touched: samples.unwrap_or(0), ..QueryStats::default() })
    };
    let origin = Instant::now();
    let clock = || origin.elapsed().as_secs_f64() * 1000.0;
    let modes = modes(end);
    let rows: Vec<_> =
        QUERIES.iter().flat_map(|q| modes.iter().map(|&m| measure_with(q, m, runs, &clock, &eval))).collect();
    if args.has("tsv") {
        write!(out, "{}", tsv(&rows))?;
    } else {
        writeln!(out, "{}: round trips, median of {runs} runs", remote.source.base())?;
        write!(out, "{}", table(&rows))?;
    }
    Ok(i32::from(rows.iter().any(|r| r.error.is_some())))
}
