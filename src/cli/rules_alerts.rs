//! `promplay rules alerts FILE... (--dataset ID | --data FILE) [--at T]`: evaluates the rule
//! files over the data like a Prometheus server started at its first sample, then prints
//! the alerts active at T as the body of `/api/v1/alerts`, or without `--at` every alerting
//! rule's firings over the whole timeline as a table (with why a rule never fired).

use std::fmt::Write as _;
use std::io::Write;
use std::time::Instant;

use crate::content::time::format_instant;
use crate::rules::alert_explain::{
    below_threshold, check_events, explain_silent_alerts, significant, EventCheck,
};
use crate::rules::alert_timeline::AlertTimeline;
use crate::rules::alerts_at::{alerts_at, go_exponent, go_time, ActiveAlert};
use crate::rules::{duration, evaluate, EvalOptions, Evaluation, RuleFile};

use super::data::{storage_from_args, FLAGS as DATA_FLAGS};
use super::json::{write_labels, write_str};
use super::time::parse_time;
use super::{Args, CliError};

/// Runs `promplay rules alerts ARGS`.
pub fn run(
    argv: &[String],
    out: &mut dyn Write,
    load: fn(&str) -> Result<RuleFile, CliError>,
) -> Result<i32, CliError> {
    let mut valued = vec!["at"];
    valued.extend(DATA_FLAGS);
    let args = Args::parse(argv, &valued, &[])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    let mut file = RuleFile::default();
    for path in &args.positional {
        file.groups.extend(load(path)?.groups);
    }
    let storage = storage_from_args(&args)?;
    let Some((first, last)) = storage.time_bounds() else {
        return Err(CliError::usage("missing --dataset or --data (or the data holds no samples)"));
    };
    let at = args.get("at").map(parse_time).transpose().map_err(CliError::usage)?;
    if at.is_some_and(|t| t < first) {
        return Err(CliError::usage(format!(
            "--at is before the data's first sample ({})",
            format_instant(first)
        )));
    }
    let opts = EvalOptions { start: Some(first), end: Some(at.unwrap_or(last)), ..EvalOptions::default() };
    let started = Instant::now();
    let mut evaluation = evaluate(&storage, &file, &opts);
    let took = started.elapsed().as_secs_f64() * 1000.0;
    match at {
        Some(t) => writeln!(out, "{}", alerts_body(&alerts_at(&evaluation, &file, t, &opts)))?,
        None => {
            explain_silent_alerts(&mut evaluation, &file, &opts.engine);
            write!(out, "{}", timeline_table(&evaluation, took))?;
            let events = match args.get("dataset") {
                Some(id) => crate::content::builtin_dataset(id).map(|d| d.meta.events).unwrap_or_default(),
                None => Vec::new(),
            };
            let checks = check_events(&evaluation, &file, &events, &opts.engine);
            if !checks.is_empty() {
                write!(out, "{}", events_table(&checks))?;
            }
        }
    }
    Ok(0)
}

/// The body of `/api/v1/alerts`, field for field as Prometheus writes it.
pub fn alerts_body(alerts: &[ActiveAlert]) -> String {
    let mut s = String::from(r#"{"status":"success","data":{"alerts":["#);
    for (i, a) in alerts.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"labels":"#);
        write_labels(&mut s, &a.labels);
        s.push_str(r#","annotations":{"#);
        for (j, (k, v)) in a.annotations.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            write_str(&mut s, k);
            s.push(':');
            write_str(&mut s, v);
        }
        let _ = write!(s, r#"}},"state":"{}","activeAt":"{}""#, a.state.as_str(), go_time(a.active_at));
        if let Some(k) = a.keep_firing_since {
            let _ = write!(s, r#","keepFiringSince":"{}""#, go_time(k));
        }
        s.push_str(r#","value":"#);
        write_str(&mut s, &go_exponent(a.value));
        s.push('}');
    }
    s.push_str("]}}");
    s
}

/// Every alerting rule's firings: start, end, duration, peak value and labels.
pub fn timeline_table(evaluation: &Evaluation, took_ms: f64) -> String {
    let mut s = format!(
        "Evaluated {} recording and {} alerting rules from {} to {} in {took_ms:.0} ms.\n",
        evaluation.rules.len(),
        evaluation.alerts.len(),
        format_instant(evaluation.start),
        format_instant(evaluation.end)
    );
    for a in &evaluation.alerts {
        rule_table(&mut s, a, evaluation.end);
    }
    s
}

fn rule_table(s: &mut String, a: &AlertTimeline, end: i64) {
    let lowest = below_threshold(&a.expr);
    let firings = a.firings(lowest);
    let pending_only: usize =
        a.instances.iter().flat_map(|i| &i.episodes).filter(|e| e.fired_at.is_none()).count();
    let _ = writeln!(
        s,
        "\n{} (group {}, every {}, for {}{}): {} firing{}, {} pending that never fired",
        a.name,
        a.group,
        duration::format(a.interval),
        duration::format(a.for_),
        if a.keep_firing_for > 0 {
            format!(", keep_firing_for {}", duration::format(a.keep_firing_for))
        } else {
            String::new()
        },
        firings.len(),
        if firings.len() == 1 { "" } else { "s" },
        pending_only
    );
    if !firings.is_empty() {
        let peak = if lowest { "lowest" } else { "peak" };
        let _ = writeln!(s, "  {:<20}  {:<20}  {:>9}  {:>12}  labels", "start", "end", "duration", peak);
    }
    for f in &firings {
        let stop = f.end.unwrap_or(end);
        let _ = writeln!(
            s,
            "  {:<20}  {:<20}  {:>9}  {:>12}  {}",
            format_instant(f.start),
            f.end.map(format_instant).unwrap_or_else(|| "(still firing)".into()),
            duration::format(stop - f.start),
            f.peak.map(significant).unwrap_or_default(),
            f.labels
        );
    }
    for reason in &a.explanation {
        let _ = writeln!(s, "  why it never fired: {reason}");
    }
    if a.error_count > 0 {
        let first = a.errors.first().map(|(_, m)| m.as_str()).unwrap_or("");
        let _ = writeln!(s, "  {} failed evaluations, first: {first}", a.error_count);
    }
}

/// For each documented event of the dataset, whether the alerts it is meant to fire did.
pub fn events_table(checks: &[EventCheck]) -> String {
    let mut s = String::from("\nDocumented events of the dataset and the alerts they are meant to fire:\n");
    for c in checks {
        let when = match c.end {
            Some(end) => format!("{} – {}", format_instant(c.start), format_instant(end)),
            None => format!("from {}", format_instant(c.start)),
        };
        match &c.fired {
            Some(f) => {
                let _ = writeln!(
                    s,
                    "  {} ({when}): {} fired at {} ({} after the event began)",
                    c.event,
                    c.alert,
                    format_instant(f.start),
                    duration::format((f.start - c.start).max(0))
                );
            }
            None => {
                let _ = writeln!(s, "  {} ({when}): {} did not fire", c.event, c.alert);
                for reason in &c.explanation {
                    let _ = writeln!(s, "      why: {reason}");
                }
            }
        }
    }
    s
}
