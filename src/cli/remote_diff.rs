//! `promplay diff --remote URL [--dataset ID] QUERIES_FILE --start T --end T --step D`: each
//! query evaluated by the remote API and by the local engine, on a built-in dataset or on the
//! raw series fetched from the remote, with a verdict per query and a total. A differential
//! tool for learners (same numbers?) and for teams checking a migration (Prometheus → Thanos
//! or Mimir).

use std::collections::HashMap;
use std::io::Write;

use crate::engine::{self, parse, EngineOptions, Millis, Storage};
use crate::remote::allow::AllowList;
use crate::remote::api::QueryCall;
use crate::remote::diff::{judge, report, Verdict};
use crate::remote::outcome::{from_api_body, from_promplay, Outcome, RawSeries};
use crate::remote::raw::{raw_query, reach, selector_texts, uses_at};
use crate::remote::record::storage_of;

use super::remote::{self, Remote};
use super::{data, time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "diff",
    summary: "compare a remote Prometheus-compatible API with the local engine, query by query",
    usage: concat!(
        "Usage: promplay diff --remote URL [--header H]... [--dataset ID | --data FILE]\n\
        \x20                    --start T --end T --step D QUERIES_FILE\n\n\
        Evaluates each query of QUERIES_FILE (one a line, # comments) as a range query on the\n\
        remote API and locally, and prints a verdict per query and a total. Locally the query\n\
        runs on the data given, or without it on the raw series it reads, fetched from the\n\
        remote over the window the query needs. Differences between Prometheus 2.x and 3.x\n\
        that docs/differential.md documents are reported as such and do not fail the run.\n\n",
        remote::remote_usage!(),
        "\x20 --dataset ID   a built-in dataset the remote also holds (e.g. backfilled from\n\
        \x20                `promplay export`)\n\
        \x20 --data FILE    promqltest `load` blocks, or OpenMetrics text with timestamps\n\
        \x20 --start T, --end T   Unix seconds or RFC 3339;  --step D   a duration\n\n\
        Exit codes: 0 every query agrees (or differs as documented), 1 otherwise, 2 usage error.\n"
    ),
    run,
};

/// Most samples fetched for the local side of one run.
const MAX_FETCHED_SAMPLES: usize = 20_000_000;

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut flags = vec![data::FLAGS[0], data::FLAGS[1], "start", "end", "step"];
    flags.extend(remote::FLAGS);
    let args = Args::parse(argv, &flags, &[])?;
    let file = args.one_positional("QUERIES_FILE")?;
    let remote = remote::from_args(&args)?.ok_or_else(|| CliError::usage("missing --remote"))?;
    let need = |name: &str| args.get(name).ok_or_else(|| CliError::usage(format!("missing --{name}")));
    let start = time::parse_time(need("start")?).map_err(CliError::Usage)?;
    let end = time::parse_time(need("end")?).map_err(CliError::Usage)?;
    let step = time::parse_step(need("step")?).map_err(CliError::Usage)?;
    if end < start || step <= 0 || (end - start) / step > 11_000 {
        return Err(CliError::usage("want start ≤ end, a positive step and at most 11,000 steps"));
    }
    let text =
        std::fs::read_to_string(file).map_err(|e| CliError::failed(format!("cannot read {file}: {e}")))?;
    let queries: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if queries.is_empty() {
        return Err(CliError::failed(format!("{file} holds no queries")));
    }
    let local =
        if args.has("data") || args.has("dataset") { Some(data::storage_from_args(&args)?) } else { None };
    let allow = AllowList::builtin();
    let mut fetcher = RawFetcher { remote: &remote, cache: HashMap::new(), fetched: 0 };
    let mut rows = Vec::new();
    for query in queries {
        let call = QueryCall::Range { query: query.to_string(), start, end, step };
        let verdict =
            match remote.query_body(&call).map_err(|e| e.to_string()).and_then(|b| from_api_body(&b)) {
                Err(e) => Verdict::Failed(format!("remote: {e}")),
                Ok(want) => {
                    let got = match &local {
                        Some(storage) => Ok(evaluate(storage, query, start, end, step)),
                        None => fetcher
                            .storage_for(query, start, end)
                            .map(|s| evaluate(&s, query, start, end, step)),
                    };
                    match got {
                        Ok(got) => judge(query, &want, &got, &allow, args.get("dataset")),
                        Err(e) => Verdict::Failed(e),
                    }
                }
            };
        rows.push((query.to_string(), verdict));
    }
    let (text, ok) = report(&rows);
    write!(out, "{text}")?;
    Ok(i32::from(!ok))
}

fn evaluate(storage: &Storage, query: &str, start: Millis, end: Millis, step: Millis) -> Outcome {
    from_promplay(engine::range_query(storage, query, start, end, step, &EngineOptions::default()))
}

/// Fetches the raw series queries read, each selector's window once.
struct RawFetcher<'a> {
    remote: &'a Remote,
    cache: HashMap<String, RawSeries>,
    fetched: usize,
}

impl RawFetcher<'_> {
    /// A storage holding every raw sample `query` can read over `start..=end`.
    fn storage_for(&mut self, query: &str, start: Millis, end: Millis) -> Result<Storage, String> {
        let Ok(expr) = parse::parse(query) else { return Ok(Storage::new()) }; // both sides refuse it
        if uses_at(&expr) {
            return Err("the query pins data with @: give the data with --dataset or --data".into());
        }
        let window = end - start + reach(&expr, EngineOptions::default().lookback_window());
        let mut series = RawSeries::new();
        for selector in selector_texts(&expr) {
            let raw = raw_query(&selector, window);
            if !self.cache.contains_key(&raw) {
                let found = self.remote.fetch_matrix(&raw, end)?;
                self.fetched += found.iter().map(|(_, p)| p.len()).sum::<usize>();
                if self.fetched > MAX_FETCHED_SAMPLES {
                    return Err(format!(
                        "more than {MAX_FETCHED_SAMPLES} raw samples fetched: narrow the range"
                    ));
                }
                self.cache.insert(raw.clone(), found);
            }
            series.extend(self.cache[&raw].iter().cloned());
        }
        Ok(storage_of(&series))
    }
}
