//! `promplay bench`: evaluation time and throughput of the seed exercise's queries on a
//! dataset, each as an instant query and as a 6-hour dashboard range query.
//!
//! Prints per query the median evaluation time over `--runs` runs, the samples the query read
//! and samples per second. `--tsv` prints the same rows machine-readably, with the exact
//! evaluation times, for scripts/bench-vs-prometheus.sh to replay against Prometheus.

use std::io::Write;
use std::time::Instant;

use crate::bench::{run_all, table, tsv};
use crate::bench_rules::{self, seed_rule_file};
use crate::content::builtin::DEFAULT_DATASET;

use super::{data, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "bench",
    summary: "time the seed's queries (median eval time, samples, samples/s)",
    usage: "Usage: promplay bench [--dataset ID | --data FILE] [--runs N] [--tsv | --rules]\n\n\
        Evaluates each of the seed exercise's queries as an instant query (an hour before the\n\
        data ends, between two scrapes) and as a 6-hour dashboard range query (60 s step), N\n\
        times each (default 15) after a warm-up run, and prints the median evaluation time, the\n\
        samples the query read and samples per second.\n\n\
        \x20 --dataset ID   a built-in dataset (default: ml-platform)\n\
        \x20 --data FILE    promqltest `load` blocks, or OpenMetrics text with timestamps\n\
        \x20 --runs N       measured runs per query\n\
        \x20 --tsv          tab-separated rows with the exact times, for scripts\n\
        \x20 --rules        instead, evaluate the seed's recording and alerting rules over the\n\
        \x20                whole data, N times (default 5), as the alerting lab runs them\n\n\
        Exit codes: 0 ok, 1 a query failed, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &[data::FLAGS[0], data::FLAGS[1], "runs"], &["tsv", "rules"])?;
    let runs = args.runs(if args.has("rules") { 5 } else { 15 })?;
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
