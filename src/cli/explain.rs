//! `promplay explain`: the explain tree of a query on a dataset, as text or JSON; with
//! `--runs N`, the cost of explaining next to the cost of evaluating.

use std::io::Write;
use std::time::Instant;

use crate::assist::explain::{explain, render_text, ExplainOptions};
use crate::content::builtin::DEFAULT_DATASET;
use crate::engine::{instant_query, parse, EngineOptions, Millis, Storage};

use super::{data, time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "explain",
    summary: "explain a query node by node: what each part does and returns on the dataset",
    usage: "Usage: promplay explain [--dataset ID] [--time T] [--format text|json] [--runs N] EXPR\n\
        \x20      promplay explain --bench [--dataset ID] [--runs N]\n\n\
        Prints every node of EXPR with its kind, what it does, and what evaluating it at T gives:\n\
        series, labels with their value counts, an example, samples read and time; how binary\n\
        operators matched their series (and the fix when nothing matched), the groups of\n\
        aggregations, why an empty part is empty.\n\n\
        \x20 --dataset ID   a built-in dataset (default: ml-platform)\n\
        \x20 --time T       Unix seconds or RFC 3339 (default: the last sample's time)\n\
        \x20 --format F     text (default) or json\n\
        \x20 --runs N       instead: evaluate and explain N times each and print the median times\n\
        \x20 --bench        the same for every query of the seed exercise (`promplay bench`'s list),\n\
        \x20                heaviest last, with the ratio of explaining to evaluating (default 20 runs)\n\n\
        Exit codes: 0 ok, 1 the query does not parse or fails, 2 usage error.\n",
    run,
};

/// Milliseconds since the first call: the explain tree's clock.
fn clock() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "time", "format", "runs"], &["bench"])?;
    let storage = data::load_dataset(args.get("dataset").unwrap_or(DEFAULT_DATASET))?;
    let time = match args.get("time") {
        Some(t) => time::parse_time(t).map_err(CliError::Usage)?,
        None => storage.time_bounds().map_or(0, |(_, end)| end),
    };
    let opts = ExplainOptions { time, engine: EngineOptions::default(), clock: Some(clock) };
    if args.has("bench") {
        return bench_seed(out, &storage, time, &opts, args.runs(20)?);
    }
    let query = args.one_positional("EXPR")?;
    if args.get("runs").is_some() {
        return bench(out, &storage, query, time, &opts, args.runs(1)?);
    }
    let e = explain(query, &storage, &opts).map_err(|e| CliError::failed(e.to_string()))?;
    match args.get("format").unwrap_or("text") {
        "text" => write!(out, "{}", render_text(&e))?,
        "json" => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&e).map_err(|e| CliError::failed(e.to_string()))?
        )?,
        other => return Err(CliError::usage(format!("unknown format {other:?} (text or json)"))),
    }
    Ok(i32::from(e.error.is_some()))
}

/// Median evaluation and explain times of `query` over `runs` runs each.
fn bench(
    out: &mut dyn Write,
    storage: &Storage,
    query: &str,
    time: Millis,
    opts: &ExplainOptions,
    runs: usize,
) -> Result<i32, CliError> {
    parse::parse(query).map_err(|e| CliError::failed(e.to_string()))?;
    let (eval_ms, explain_ms) = measure(storage, query, time, opts, runs);
    writeln!(
        out,
        "evaluate: {eval_ms:.3} ms  explain: {explain_ms:.3} ms  ratio: {:.2}  (medians of {runs} runs)",
        explain_ms / eval_ms.max(1e-9)
    )?;
    Ok(0)
}

/// Explaining against evaluating for every seed query, sorted by the samples it reads (then
/// by evaluation time) so that the heaviest query comes last; the ratio of the heaviest is
/// the number to watch (under 2), and the last line names it.
fn bench_seed(
    out: &mut dyn Write,
    storage: &Storage,
    time: Millis,
    opts: &ExplainOptions,
    runs: usize,
) -> Result<i32, CliError> {
    let mut rows: Vec<(&str, u64, f64, f64)> = crate::bench::QUERIES
        .iter()
        .map(|q| {
            let samples = explain(q, storage, opts).map_or(0, |e| e.samples);
            let (eval_ms, explain_ms) = measure(storage, q, time, opts, runs);
            (*q, samples, eval_ms, explain_ms)
        })
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)));
    writeln!(
        out,
        "{:>8} {:>10} {:>10} {:>6}  query (medians of {runs} runs, heaviest last)",
        "samples", "eval ms", "explain ms", "ratio"
    )?;
    let ratio = |eval_ms: f64, explain_ms: f64| explain_ms / eval_ms.max(1e-9);
    let flat = |q: &str| q.split_whitespace().collect::<Vec<_>>().join(" ");
    for (q, samples, eval_ms, explain_ms) in &rows {
        let shown: String = flat(q).chars().take(90).collect();
        writeln!(
            out,
            "{samples:>8} {eval_ms:>10.3} {explain_ms:>10.3} {:>6.2}  {shown}",
            ratio(*eval_ms, *explain_ms)
        )?;
    }
    if let Some((q, samples, eval_ms, explain_ms)) = rows.last() {
        writeln!(
            out,
            "heaviest ({samples} samples read): evaluate {eval_ms:.3} ms, explain {explain_ms:.3} ms, ratio {:.2} (target < 2): {}",
            ratio(*eval_ms, *explain_ms),
            flat(q)
        )?;
    }
    Ok(0)
}

/// Median milliseconds of evaluating `query` (parsing included, as a query is run) and of
/// explaining it, `runs` times each, alternating so that both see the same machine load.
pub fn measure(
    storage: &Storage,
    query: &str,
    time: Millis,
    opts: &ExplainOptions,
    runs: usize,
) -> (f64, f64) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1000.0
    };
    let (mut evals, mut explains) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        evals.push(timed(&|| {
            let _ = instant_query(storage, query, time, &opts.engine);
        }));
        explains.push(timed(&|| {
            let _ = explain(query, storage, opts);
        }));
    }
    (median(evals), median(explains))
}
