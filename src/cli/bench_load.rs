//! `promplay bench-load`: how long building each dataset's storage takes (generation plus
//! insertion), the cost a learner pays when the site opens a dataset.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::content::{builtin_dataset, builtin_datasets};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "bench-load",
    summary: "time building the built-in datasets' samples",
    usage: "Usage: promplay bench-load [--dataset ID] [--runs N]\n\n\
        Prints per dataset its series and sample counts and the median time (over N runs,\n\
        default 5) to read its metadata and to build its storage.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "runs"], &[])?;
    let runs = args.runs(5)?;
    let ids: Vec<String> = match args.get("dataset") {
        Some(id) => vec![id.to_string()],
        None => builtin_datasets()
            .map_err(|e| CliError::failed(e.to_string()))?
            .into_iter()
            .map(|d| d.meta.id)
            .collect(),
    };
    writeln!(
        out,
        "{:<18} {:>8} {:>10} {:>10} {:>10} {:>14}",
        "dataset", "series", "samples", "meta ms", "build ms", "samples/s"
    )?;
    for id in ids {
        let mut meta_times = Vec::new();
        let mut build_times = Vec::new();
        let mut sizes = (0, 0);
        for _ in 0..runs {
            let t0 = Instant::now();
            let d = builtin_dataset(&id).map_err(|e| CliError::failed(e.to_string()))?;
            meta_times.push(t0.elapsed());
            let t1 = Instant::now();
            let st = d.storage().map_err(|e| CliError::failed(e.to_string()))?;
            build_times.push(t1.elapsed());
            sizes = (st.len(), st.sample_count());
        }
        let (meta, build) = (median(&mut meta_times), median(&mut build_times));
        writeln!(
            out,
            "{id:<18} {:>8} {:>10} {:>10.1} {:>10.1} {:>14.0}",
            sizes.0,
            sizes.1,
            meta.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e3,
            sizes.1 as f64 / build.as_secs_f64().max(1e-9)
        )?;
    }
    Ok(0)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
