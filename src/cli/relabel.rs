//! `promplay relabel`: runs relabel rules over one label set (printing the result as JSON,
//! or the rule-by-rule trace) or over a whole dataset (printing what they remove).

use std::collections::BTreeMap;
use std::io::Write;

use crate::relabel::{load, process, trace, LoadOptions, Loaded, Outcome, Semantics};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "relabel",
    summary: "apply relabel_configs to a label set or a dataset",
    usage: "Usage: promplay relabel --config FILE [--job NAME] [--metric] (--labels JSON [--trace] | --dataset ID)\n\n\
        Applies relabel rules the way Prometheus 3 does.\n\n\
        \x20 --config FILE    a list of rules, a relabel_configs: / metric_relabel_configs: mapping,\n\
        \x20                  or a Prometheus config (its scrape_configs job --job)\n\
        \x20 --job NAME       the scrape job whose rules to use (needed when there are several)\n\
        \x20 --metric         use the job's metric_relabel_configs (default: relabel_configs, or\n\
        \x20                  metric_relabel_configs when the job has only those)\n\
        \x20 --labels JSON    one label set, e.g. '{\"__address__\":\"a:9100\",\"version\":\"v1.2.3\"}':\n\
        \x20                  prints the result as one JSON object with sorted keys, or null when\n\
        \x20                  a rule drops it\n\
        \x20 --trace          with --labels: print the labels after every rule instead\n\
        \x20 --dataset ID     relabel every series of a built-in dataset (as metric_relabel_configs\n\
        \x20                  would) and print series and samples before and after, per metric and\n\
        \x20                  label, and what each rule removed\n\
        \x20 --prometheus V   3 (default) or 2.42: reproduce that version's relabeling\n\n\
        Exit codes: 0 done, 1 the config is invalid (Prometheus's message, with FILE:LINE:COL),\n\
        2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args =
        Args::parse(argv, &["config", "job", "labels", "dataset", "prometheus"], &["metric", "trace"])?;
    if let Some(extra) = args.positional.first() {
        return Err(CliError::usage(format!("unexpected argument {extra:?}")));
    }
    let path = args.get("config").ok_or_else(|| CliError::usage("missing --config"))?;
    let semantics = match args.get("prometheus").unwrap_or("3") {
        "3" => Semantics::Prometheus3,
        "2.42" => Semantics::Prometheus2_42,
        other => return Err(CliError::usage(format!("--prometheus must be 3 or 2.42, not {other:?}"))),
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
    let opts =
        LoadOptions { job: args.get("job").map(str::to_string), metric: args.has("metric"), semantics };
    let loaded = load(&text, &opts).map_err(|e| CliError::failed(format!("{path}:{e}")))?;
    match (args.get("labels"), args.get("dataset")) {
        (Some(json), None) => one_set(&loaded, json, args.has("trace"), out),
        (None, Some(id)) => super::relabel_dataset::run(&loaded, id, out),
        _ => Err(CliError::usage("give one of --labels or --dataset")),
    }
}

/// Relabels one label set given as JSON.
fn one_set(loaded: &Loaded, json: &str, show_trace: bool, out: &mut dyn Write) -> Result<i32, CliError> {
    let input: BTreeMap<String, String> = serde_json::from_str(json)
        .map_err(|e| CliError::usage(format!("--labels must be a JSON object of strings: {e}")))?;
    if show_trace {
        let t = trace(&loaded.set, input);
        writeln!(out, "input    {}", format_set(&t.input))?;
        for (i, rule) in loaded.set.rules.iter().enumerate() {
            let line = rule.at.rule.line;
            match t.steps.get(i) {
                Some(step) => match &step.after {
                    Some(after) if step.changed => writeln!(
                        out,
                        "rule {} (line {line})  {}\n         {}",
                        i + 1,
                        rule.summary(),
                        format_set(after)
                    )?,
                    Some(_) => {
                        writeln!(out, "rule {} (line {line})  {}\n         unchanged", i + 1, rule.summary())?
                    }
                    None => {
                        writeln!(out, "rule {} (line {line})  {}\n         DROPPED", i + 1, rule.summary())?
                    }
                },
                None => writeln!(out, "rule {} (line {line})  not evaluated", i + 1)?,
            }
        }
        return Ok(0);
    }
    match process(&loaded.set, input) {
        Outcome::Kept(labels) => {
            let map: BTreeMap<String, String> = labels.into_iter().collect();
            let text = serde_json::to_string(&map).map_err(|e| CliError::failed(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        Outcome::Dropped { .. } => writeln!(out, "null")?,
    }
    Ok(0)
}

/// `{a="b", c="d"}` with Go-quoted values.
fn format_set(labels: &[(String, String)]) -> String {
    let parts: Vec<String> = labels.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
    format!("{{{}}}", parts.join(", "))
}
