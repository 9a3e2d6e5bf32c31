//! `promplay fuzz`: runs the fuzz targets of `crate::fuzz` for a time budget and reports
//! executions, findings (panics, inputs slower than a second), the corpus kept and the
//! peak memory. Findings are written to `--out` (one file per input, named by its hash) so
//! they can be copied into `tests/fuzz/<target>/` as regression cases.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::fuzz::{self, targets::TARGETS, Problem, Watchdog};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "fuzz",
    summary: "fuzz the readers of untrusted text (panics, hangs)",
    usage: "Usage: promplay fuzz [--seconds N] [--runs N] [--target NAME]... [--seed N] [--out DIR] [--list]

Feeds generated and mutated inputs to every reader of untrusted text: PromQL (parse and
evaluate over the built-in datasets), pack manifests, dataset, series and exercise files,
rule files, promqltest scripts, relabel and Alertmanager configs, alert and notification
templates, remote API answers, submission archives (.zip).
A panic or an input slower than --slow-ms is a finding; an input still running after 30 s ends
the run (exit code 3) after saving it.

Options:
  --seconds N   time budget for the whole run, split between the targets (default 60)
  --runs N      stop each target after N inputs (default: no limit)
  --target T    fuzz only this target (repeatable; --list names them)
  --seed N      random seed (default 1): the same seed replays the same inputs
  --out DIR     where findings are written (default fuzz-findings)
  --slow-ms N   an input slower than N ms is a finding (default 1000; raise it for
                unoptimised builds)
  --list        list the targets and exit

Exit codes: 0 no findings, 1 findings, 2 usage error, 3 a hung input.
",
    run,
};

/// An input running this long is stuck: saved, and the process ends.
const HANG: Duration = Duration::from_secs(30);

fn run(args: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(args, &["seconds", "runs", "target*", "seed", "out", "slow-ms"], &["list"])?;
    if args.has("list") {
        for t in TARGETS {
            writeln!(out, "{:<22} {}", t.name, t.about)?;
        }
        return Ok(0);
    }
    let number = |name: &str, default: u64| -> Result<u64, CliError> {
        args.get(name).map_or(Ok(default), |v| {
            v.parse().map_err(|_| CliError::usage(format!("--{name} takes a whole number, not {v:?}")))
        })
    };
    let seconds = number("seconds", 60)?;
    let max_runs = number("runs", u64::MAX)?;
    let seed = number("seed", 1)?;
    let slow = Duration::from_millis(number("slow-ms", fuzz::SLOW.as_millis() as u64)?);
    let dir = args.get("out").unwrap_or("fuzz-findings").to_string();
    let wanted: Vec<&str> = args.all("target");
    let mut chosen = Vec::new();
    for name in &wanted {
        chosen.push(
            fuzz::target(name)
                .ok_or_else(|| CliError::usage(format!("no fuzz target {name:?} (see --list)")))?,
        );
    }
    if chosen.is_empty() {
        chosen = TARGETS.iter().collect();
    }
    fuzz::quiet_panics();
    OUT_DIR.get_or_init(|| dir.clone());
    let watchdog = Watchdog::start(HANG, on_hang);
    let budget = Duration::from_secs_f64(seconds as f64 / chosen.len() as f64);
    writeln!(
        out,
        "{:<22} {:>11} {:>9} {:>8} {:>10} {:>8}",
        "target", "runs", "runs/s", "corpus", "slowest", "findings"
    )?;
    let (mut total_runs, mut total_findings) = (0u64, 0usize);
    for target in chosen {
        let report = fuzz::fuzz(target, seed, budget, max_runs, slow, Some(&watchdog));
        writeln!(
            out,
            "{:<22} {:>11} {:>9.0} {:>8} {:>8.1}ms {:>8}",
            report.target,
            report.runs,
            report.runs as f64 / report.elapsed.as_secs_f64().max(1e-9),
            report.corpus,
            report.slowest.as_secs_f64() * 1000.0,
            report.findings.len()
        )?;
        out.flush()?;
        for f in &report.findings {
            let path = save(&dir, f.target, &f.input).map_err(CliError::failed)?;
            match &f.problem {
                Problem::Panic(m) => writeln!(out, "  panic: {} ({})", m.replace('\n', " "), path)?,
                Problem::Slow(d) => writeln!(out, "  slow: {:.0} ms ({})", d.as_secs_f64() * 1000.0, path)?,
            }
        }
        total_runs += report.runs;
        total_findings += report.findings.len();
    }
    let memory = fuzz::peak_rss_kib().map_or("unknown".into(), |k| format!("{} MiB", k / 1024));
    writeln!(out, "total: {total_runs} runs, {total_findings} findings, peak memory {memory}")?;
    Ok(if total_findings == 0 { 0 } else { 1 })
}

static OUT_DIR: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Saves a stuck input and ends the process (its thread cannot be stopped).
fn on_hang(target: &str, input: &str) {
    let dir = OUT_DIR.get().map_or("fuzz-findings", |d| d.as_str());
    let saved = save(dir, target, input).unwrap_or_else(|e| e);
    eprintln!("promplay fuzz: {target}: an input ran longer than {} s: {saved}", HANG.as_secs());
    std::process::exit(3);
}

/// Writes a finding as `DIR/<target>/<hash>.txt`; returns the path.
fn save(dir: &str, target: &str, input: &str) -> Result<String, String> {
    let folder = Path::new(dir).join(target);
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let path = folder.join(format!("{:016x}.txt", fuzz::hash(input.as_bytes())));
    std::fs::write(&path, input).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
