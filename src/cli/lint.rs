//! `promplay lint`: the query linter on a query or a rule file, one finding a line.

use std::io::Write;

use crate::assist::library::catalog::{seed_rules, SEED_RECORDING_RULES};
use crate::assist::lint::{lint_query, lint_rules, worst, Finding, Fix, LintContext, RecordedRule, Severity};
use crate::content::builtin::DEFAULT_DATASET;
use crate::content::builtin_dataset;

use super::{time, Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "lint",
    summary: "lint a query or a rule file (counters, rate windows, matching, recorded alternatives...)",
    usage: "Usage: promplay lint [--dataset ID] [--time T] [--fix] (EXPR | --rules FILE)\n\n\
        Prints one finding a line, `LINE:COL: SEVERITY CHECK: message` (severities: information,\n\
        warning, bug, fatal; checks: docs/lint.md). Metric types, the scrape interval and label\n\
        sets come from the dataset; recorded alternatives from the seed's recording rules (for\n\
        EXPR) or from the rule file's own rules (for --rules, a plain rule file or a ConfigMap).\n\n\
        \x20 --dataset ID   the dataset the query runs on (default: ml-platform)\n\
        \x20 --time T       the instant data-driven checks look at (default: the last sample)\n\
        \x20 --fix          print the query or file with every fix applied instead\n\n\
        Exit codes: 0 nothing worse than information, 1 a warning or worse, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["dataset", "time", "rules"], &["fix"])?;
    let id = args.get("dataset").unwrap_or(DEFAULT_DATASET);
    let dataset =
        builtin_dataset(id).map_err(|e| CliError::failed(format!("unknown dataset {id:?}: {e}")))?;
    let storage = dataset.storage().map_err(|e| CliError::failed(e.to_string()))?;
    let seed = seed_rules(SEED_RECORDING_RULES).map_err(|e| CliError::failed(e.to_string()))?;
    let mut ctx = LintContext::new(Some(&storage), Some(&dataset.meta), RecordedRule::from_file(&seed));
    if let Some(t) = args.get("time") {
        ctx.time = time::parse_time(t).map_err(CliError::Usage)?;
    }
    let (text, findings) = match (args.get("rules"), args.positional.as_slice()) {
        (Some(path), []) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
            let findings = lint_rules(&text, &ctx);
            (text, findings)
        }
        (None, [expr]) => (expr.clone(), lint_query(expr, &ctx)),
        (Some(_), _) => return Err(CliError::usage("give EXPR or --rules FILE, not both")),
        (None, []) => return Err(CliError::usage("missing EXPR (or --rules FILE)")),
        (None, _) => return Err(CliError::usage("expected one EXPR")),
    };
    if args.has("fix") {
        writeln!(out, "{}", apply_all(&text, &findings).trim_end_matches('\n'))?;
    } else {
        for f in &findings {
            writeln!(out, "{}", f.render())?;
        }
    }
    Ok(i32::from(worst(&findings).is_some_and(|s| s >= Severity::Warning)))
}

/// `text` with the fix of every finding applied, skipping fixes that overlap one already
/// taken (run lint again for those).
fn apply_all(text: &str, findings: &[Finding]) -> String {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut edits = Vec::new();
    for fix in findings.iter().filter_map(|f| f.fix.as_ref()) {
        let overlaps =
            fix.edits.iter().any(|e| taken.iter().any(|&(s, t)| e.start < t && s < e.end.max(e.start + 1)));
        if !overlaps {
            taken.extend(fix.edits.iter().map(|e| (e.start, e.end.max(e.start + 1))));
            edits.extend(fix.edits.iter().cloned());
        }
    }
    Fix::new("all fixes", edits).apply(text)
}
