//! The report of a unit-test run: promtool's facts (`alertname: X, time: 5m`, `expr: "q",
//! time: 1m`, `rule: R, time: 0s, err: ...`) laid out as a diff, so a failure says which
//! alert or sample is missing, unexpected, or different and how.
//!
//! ```text
//! Unit Testing:  alerts_test.yml
//!   FAILED:
//!     name: disk, alertname: DiskFull, time: 10m,
//!         expected 1 firing alert, got 1 (- expected only, + got only, ~ annotations differ):
//!         ~ {alertname="DiskFull", instance="a"}
//!             - summary: "Disk a is full"
//!             + summary: "Disk a is 97% full"
//! ```

use std::fmt::Write;

use super::run::{AlertFacts, FileOutcome, Problem};
use crate::engine::value::format_float;
use crate::engine::Labels;
use crate::rules::duration;

/// The report of every file, as `promplay test rules` prints it.
pub fn render(outcomes: &[FileOutcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        let _ = writeln!(s, "Unit Testing:  {}", o.name);
        for w in &o.warnings {
            let _ = writeln!(s, "  WARNING: {w}");
        }
        if o.ok() {
            let _ = writeln!(s, "  SUCCESS ({} of {} checks passed)\n", o.passed, o.checks);
            continue;
        }
        s.push_str("  FAILED:\n");
        for p in &o.problems {
            problem(&mut s, p);
            s.push('\n');
        }
    }
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    let checks: usize = outcomes.iter().map(|o| o.checks).sum();
    let passed: usize = outcomes.iter().map(|o| o.passed).sum();
    let _ = writeln!(
        s,
        "{} of {} files passed; {passed} of {checks} checks passed.",
        outcomes.len() - failed,
        outcomes.len()
    );
    s
}

/// `name: G, ` when the test group has a name.
fn group_prefix(group: &str) -> String {
    if group.is_empty() {
        String::new()
    } else {
        format!("name: {group}, ")
    }
}

fn problem(s: &mut String, p: &Problem) {
    match p {
        Problem::File(message) => {
            let _ = writeln!(s, "    {}", indent(message, "    "));
        }
        Problem::RuleFiles { group, messages } => {
            let _ = writeln!(s, "    {}the rule files could not be loaded:", group_prefix(group));
            for m in messages {
                let _ = writeln!(s, "      {}", indent(m, "      "));
            }
        }
        Problem::Input { group, message } => {
            let _ = writeln!(s, "    {}{message}", group_prefix(group));
        }
        Problem::Eval { group, t, errors } => {
            let _ = writeln!(
                s,
                "    {}rule evaluation failed at {}; the test group stops here:",
                group_prefix(group),
                duration::format(*t)
            );
            for (rule, message) in errors {
                let _ = writeln!(s, "    rule: {rule}, time: {}, err: {message}", duration::format(*t));
            }
        }
        Problem::Alerts { group, alertname, eval_time, expected, got } => {
            let _ = writeln!(
                s,
                "    {}alertname: {alertname}, time: {},",
                group_prefix(group),
                duration::format(*eval_time)
            );
            alert_diff(s, expected, got);
        }
        Problem::QueryError { group, expr, eval_time, message } => {
            let _ = writeln!(
                s,
                "    {}expr: {expr:?}, time: {}, err: {message}",
                group_prefix(group),
                duration::format(*eval_time)
            );
        }
        Problem::Samples { group, expr, eval_time, expected, got } => {
            let _ = writeln!(
                s,
                "    {}expr: {expr:?}, time: {},",
                group_prefix(group),
                duration::format(*eval_time)
            );
            sample_diff(s, expected, got);
        }
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// Expected and got alerts side by side: matched by labels, then their annotations.
fn alert_diff(s: &mut String, expected: &[AlertFacts], got: &[AlertFacts]) {
    let _ = writeln!(
        s,
        "        expected {}, got {} (- expected only, + got only, ~ annotations differ):",
        plural(expected.len(), "firing alert"),
        got.len()
    );
    let mut unmatched: Vec<&AlertFacts> = got.iter().collect();
    for e in expected {
        let same_labels = unmatched.iter().position(|g| g.labels == e.labels);
        let exact = unmatched.iter().position(|g| *g == e);
        match exact.or(same_labels) {
            Some(i) => {
                let g = unmatched.remove(i);
                if g.annotations != e.annotations {
                    let _ = writeln!(s, "        ~ {}", labels(&e.labels));
                    annotation_diff(s, &e.annotations, &g.annotations);
                }
            }
            None => {
                let _ = writeln!(s, "        - {}", labels(&e.labels));
                for (k, v) in &e.annotations {
                    let _ = writeln!(s, "              {k}: {v:?}");
                }
            }
        }
    }
    for g in unmatched {
        let _ = writeln!(s, "        + {}", labels(&g.labels));
        for (k, v) in &g.annotations {
            let _ = writeln!(s, "              {k}: {v:?}");
        }
    }
}

fn annotation_diff(s: &mut String, expected: &[(String, String)], got: &[(String, String)]) {
    let mut names: Vec<&String> = expected.iter().chain(got).map(|(k, _)| k).collect();
    names.sort();
    names.dedup();
    let find = |list: &[(String, String)], k: &str| list.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    for k in names {
        let (e, g) = (find(expected, k), find(got, k));
        if e == g {
            continue;
        }
        if let Some(e) = e {
            let _ = writeln!(s, "            - {k}: {e:?}");
        }
        if let Some(g) = g {
            let _ = writeln!(s, "            + {k}: {g:?}");
        }
    }
}

/// Expected and got samples: matched by labels, then their values.
fn sample_diff(s: &mut String, expected: &[(Labels, f64)], got: &[(Labels, f64)]) {
    let _ = writeln!(
        s,
        "        expected {}, got {} (- expected only, + got only, ~ value differs):",
        plural(expected.len(), "sample"),
        got.len()
    );
    let mut unmatched: Vec<&(Labels, f64)> = got.iter().collect();
    for (l, v) in expected {
        match unmatched.iter().position(|(gl, _)| gl == l) {
            Some(i) => {
                let (_, gv) = unmatched.remove(i);
                if gv != v {
                    let _ =
                        writeln!(s, "        ~ {}: expected {}, got {}", labels(l), value(*v), value(*gv));
                }
            }
            None => {
                let _ = writeln!(s, "        - {} {}", labels(l), value(*v));
            }
        }
    }
    for (l, v) in unmatched {
        let _ = writeln!(s, "        + {} {}", labels(l), value(*v));
    }
}

/// A value, with the exact digits promtool compares (`0.1`, `1e+06`, `NaN`).
fn value(v: f64) -> String {
    format_float(v)
}

fn labels(l: &Labels) -> String {
    l.to_string()
}

fn indent(text: &str, by: &str) -> String {
    text.replace('\n', &format!("\n{by}"))
}
