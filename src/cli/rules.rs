//! `promplay rules`: rule files from the command line. `check` is `promtool check rules`
//! (same verdicts and exit codes, messages with `file:line:col`), `eval` runs the recording
//! rules over a dataset and writes the recorded series as OpenMetrics, `bench` prints the
//! raw-query vs recorded-series cost table.

use std::io::{BufWriter, Write};
use std::time::Instant;

use crate::content::dataset::{Metric, MetricType};
use crate::content::export::write_openmetrics;
use crate::rules::cost::{self, CostOptions};
use crate::rules::explain::explain_empty_rules;
use crate::rules::{
    check, duration, evaluate_timed, CheckOptions, Dialect, EvalOptions, Evaluation, RuleFile, Verdict,
};

use super::data::{storage_from_args, FLAGS as DATA_FLAGS};
use super::time::parse_time;
use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "rules",
    summary: "check, evaluate and benchmark Prometheus rule files",
    usage: "Usage: promplay rules check FILE... [--lint-fatal] [--lint=none] [--promtool-2] [--no-configmap]\n\
        \x20      promplay rules eval FILE (--dataset ID | --data FILE) [--start T] [--end T] [--output FILE] [--summary FILE]\n\
        \x20      promplay rules bench FILE (--dataset ID | --data FILE) [--runs N] [--range D] [--step D]\n\
        \x20      promplay rules alerts FILE... (--dataset ID | --data FILE) [--at T]\n\n\
        FILE is a Prometheus rule file, or a Kubernetes ConfigMap holding rule files under `data:`.\n\n\
        check   validates like `promtool check rules`: the same verdicts and exit codes (0 valid,\n\
        \x20       1 invalid, 3 duplicate rules with --lint-fatal), every message with file:line:col.\n\
        \x20       --promtool-2 checks as Prometheus 2.42 does (legacy metric and label names); the\n\
        \x20       default is Prometheus 3. --no-configmap refuses ConfigMaps, as promtool does.\n\
        eval    evaluates the recording rules over the dataset's whole timeline, each group at its\n\
        \x20       interval, and writes the recorded series as OpenMetrics (standard output, or\n\
        \x20       --output FILE). The summary (series per rule, or why a rule recorded nothing) goes\n\
        \x20       to --summary FILE, or to standard output after the file is written with --output.\n\
        bench   evaluates the rules, then times each raw query against the recorded series that\n\
        \x20       replaces it (instant query at the end of the data, and a dashboard range query\n\
        \x20       over the last --range, default 6h, step --step, default 1m), median of --runs\n\
        \x20       (default 7) batches, and prints the table with the storage cost of every rule.\n\
        alerts  evaluates the rule files (recording and alerting rules, each group at its interval)\n\
        \x20       from the data's first sample like a Prometheus server started then. With --at T it\n\
        \x20       prints the alerts pending or firing at T as the body of /api/v1/alerts; without,\n\
        \x20       every alerting rule's firings (start, end, duration, peak value, labels) and why a\n\
        \x20       rule never fired.\n\n\
        Exit codes: 0 ok, 1 invalid rules or unreadable input, 2 usage error, 3 lint (check).\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let Some((sub, rest)) = argv.split_first() else {
        return Err(CliError::usage("missing subcommand (check, eval, bench or alerts)"));
    };
    match sub.as_str() {
        "check" => run_check(rest, out),
        "eval" => run_eval(rest, out),
        "bench" => run_bench(rest, out),
        "alerts" => super::rules_alerts::run(rest, out, load_rules),
        other => Err(CliError::usage(format!("unknown subcommand {other:?} (check, eval, bench or alerts)"))),
    }
}

fn read(path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))
}

fn run_check(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["lint"], &["lint-fatal", "promtool-2", "no-configmap"])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    let no_lint = match args.get("lint").unwrap_or("duplicate-rules") {
        "none" => true,
        "duplicate-rules" | "all" => false,
        other => {
            return Err(CliError::usage(format!(
                "unknown --lint value {other:?} (all, duplicate-rules, none)"
            )))
        }
    };
    let opts = CheckOptions {
        dialect: if args.has("promtool-2") { Dialect::Prometheus2 } else { Dialect::Prometheus3 },
        unwrap_configmap: !args.has("no-configmap"),
        no_lint,
    };
    let lint_fatal = args.has("lint-fatal");
    let mut code = 0;
    for path in &args.positional {
        let report = check(&read(path)?, &opts);
        write!(out, "{}", report.render(path))?;
        if !report.embedded_keys.is_empty() {
            writeln!(out, "  (rule files found in the ConfigMap: {})", report.embedded_keys.join(", "))?;
        }
        writeln!(out)?;
        code = code.max(match report.verdict() {
            Verdict::Failed => 1,
            v => v.exit_code(lint_fatal),
        });
    }
    // promtool: any error gives 1, even when another file only had lint findings.
    Ok(if code == 3 && lint_fatal { 3 } else { code.min(1) })
}

/// Loads a rule file for evaluation: it must pass the check (lint findings are fine).
fn load_rules(path: &str) -> Result<RuleFile, CliError> {
    let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
    let report = check(&read(path)?, &opts);
    match (report.verdict(), &report.file) {
        (Verdict::Failed, _) | (_, None) => Err(CliError::failed(report.render(path))),
        (_, Some(file)) => Ok(file.clone()),
    }
}

fn evaluated(args: &Args, path: &str) -> Result<(RuleFile, Evaluation, f64), CliError> {
    let file = load_rules(path)?;
    let storage = storage_from_args(args)?;
    if storage.is_empty() {
        return Err(CliError::usage("missing --dataset or --data"));
    }
    let time = |flag: &str| args.get(flag).map(parse_time).transpose().map_err(CliError::usage);
    let opts = EvalOptions { start: time("start")?, end: time("end")?, ..EvalOptions::default() };
    let started = Instant::now();
    let mut clock = move || started.elapsed().as_secs_f64() * 1000.0;
    let mut evaluation = evaluate_timed(&storage, &file, &opts, &mut clock);
    let took = started.elapsed();
    explain_empty_rules(&mut evaluation, &opts.engine);
    Ok((file, evaluation, took.as_secs_f64() * 1000.0))
}

fn run_eval(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut valued = vec!["start", "end", "output", "summary"];
    valued.extend(DATA_FLAGS);
    let args = Args::parse(argv, &valued, &[])?;
    let path = args.one_positional("FILE")?;
    let (file, evaluation, took) = evaluated(&args, path)?;
    let recorded = evaluation.recorded_storage();
    let metrics: Vec<Metric> = file
        .rules()
        .filter(|(_, r)| r.is_recording())
        .map(|(g, r)| Metric {
            name: r.record.clone(),
            kind: MetricType::Gauge,
            help: format!(
                "Recorded by group {:?}: {}",
                g.name,
                r.expr.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        })
        .collect();
    match args.get("output") {
        Some(p) => {
            let f =
                std::fs::File::create(p).map_err(|e| CliError::failed(format!("cannot create {p}: {e}")))?;
            let mut w = BufWriter::new(f);
            write_openmetrics(&recorded, &metrics, None, &mut w)?;
            w.flush()?;
        }
        None => write_openmetrics(&recorded, &metrics, None, out)?,
    }
    if let Some(p) = args.get("summary") {
        std::fs::write(p, summary(&evaluation, took))
            .map_err(|e| CliError::failed(format!("cannot write {p}: {e}")))?;
    } else if args.get("output").is_some() {
        write!(out, "{}", summary(&evaluation, took))?;
    }
    Ok(0)
}

/// One line per rule: what it recorded, or why it recorded nothing.
pub fn summary(evaluation: &Evaluation, took_ms: f64) -> String {
    let mut s = format!(
        "Evaluated {} recording rules from t={}s to t={}s in {took_ms:.0} ms ({}).\n",
        evaluation.rules.len(),
        evaluation.start / 1000,
        evaluation.end / 1000,
        match evaluation.mode {
            crate::rules::eval::Mode::PerRule => "one range query per rule",
            crate::rules::eval::Mode::PerTick => "one instant query per rule per tick",
        }
    );
    for r in &evaluation.rules {
        s.push_str(&format!(
            "{:<44} every {:<4} {:>6.0} ms {:>4} series {:>7} samples {:>5} stale markers\n",
            r.record,
            duration::format(r.interval),
            r.eval_ms,
            r.series.len(),
            r.samples,
            r.stale_markers
        ));
        for reason in &r.explanation {
            s.push_str(&format!("    why empty: {reason}\n"));
        }
        if r.error_count > 0 {
            let first = r.errors.first().map(|(_, m)| m.as_str()).unwrap_or("");
            s.push_str(&format!("    {} failed evaluations, first: {first}\n", r.error_count));
        }
    }
    if evaluation.alerting_rules > 0 {
        s.push_str(&format!("({} alerting rules are not evaluated here.)\n", evaluation.alerting_rules));
    }
    s
}

fn run_bench(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let mut valued = vec!["runs", "range", "step", "start", "end"];
    valued.extend(DATA_FLAGS);
    let args = Args::parse(argv, &valued, &[])?;
    let path = args.one_positional("FILE")?;
    let dur = |flag: &str, default: i64| -> Result<i64, CliError> {
        args.get(flag).map_or(Ok(default), |v| {
            duration::parse(v).map_err(|e| CliError::usage(format!("--{flag}: {e}")))
        })
    };
    let runs = match args.get("runs") {
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| CliError::usage("--runs must be a positive number"))?,
        None => CostOptions::default().runs,
    };
    let opts = CostOptions {
        runs,
        range: dur("range", 6 * 3_600_000)?,
        step: dur("step", 60_000)?,
        ..CostOptions::default()
    };
    let (file, evaluation, took) = evaluated(&args, path)?;
    let origin = Instant::now();
    let mut clock = move || origin.elapsed().as_secs_f64() * 1000.0;
    let table = cost::compare(&evaluation, &file, &opts, &mut clock);
    write!(out, "{}\n{}", summary(&evaluation, took), cost::render(&table))?;
    Ok(0)
}
