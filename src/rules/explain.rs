//! Why a recording rule recorded nothing, in the dataset's terms: an expression that does not
//! parse, evaluations that all failed, an input recorded by another rule that is itself
//! empty, or (through the query explainer) a missing metric, a label matcher that matches no
//! series, two sides of an operator whose label sets never match.

use super::ast;
use super::eval::{Evaluation, RuleOutcome};
use crate::content::explain_empty;
use crate::engine::{parse, EngineOptions, Millis};

/// Fills `explanation` of every rule of `evaluation` that recorded nothing.
pub fn explain_empty_rules(evaluation: &mut Evaluation, opts: &EngineOptions) {
    let snapshot: Vec<(String, bool)> = evaluation.rules.iter().map(|r| (r.record.clone(), r.is_empty())).collect();
    for i in 0..evaluation.rules.len() {
        if !evaluation.rules[i].is_empty() {
            continue;
        }
        let reasons = reasons(evaluation, i, &snapshot, opts);
        evaluation.rules[i].explanation = reasons;
    }
}

fn reasons(evaluation: &Evaluation, i: usize, records: &[(String, bool)], opts: &EngineOptions) -> Vec<String> {
    let rule: &RuleOutcome = &evaluation.rules[i];
    if rule.ticks == 0 {
        return vec!["The dataset's time range holds no evaluation time of this group.".into()];
    }
    let expr = match parse::parse(&rule.expr) {
        Ok(e) => e,
        Err(e) => return vec![format!("The expression does not parse: {e}")],
    };
    if rule.error_count >= rule.ticks {
        let first = rule.errors.first().map(|(_, m)| m.as_str()).unwrap_or("unknown error");
        return vec![format!("Every evaluation failed: {first}")];
    }
    // An input recorded by an earlier rule that recorded nothing: that rule is the cause.
    let empty_inputs: Vec<&str> = ast::selectors(&expr)
        .iter()
        .filter_map(|vs| ast::exact_name(vs))
        .filter(|name| records.iter().any(|(r, empty)| r == name && *empty))
        .collect();
    if !empty_inputs.is_empty() {
        let names: Vec<String> = empty_inputs.iter().map(|n| format!("`{n}`")).collect();
        return vec![format!(
            "It reads {}, recorded by another rule that recorded nothing (see that rule's explanation).",
            names.join(" and ")
        )];
    }
    let mut out = Vec::new();
    for t in probe_times(evaluation.start, evaluation.end, rule.interval) {
        out = explain_empty::explain(&evaluation.storage, &rule.expr, t, opts);
        if !out.is_empty() {
            break;
        }
    }
    if out.is_empty() {
        out.push("No evaluation returned a sample, and no single part of the expression is to blame.".into());
    }
    out
}

/// A few evaluation times to diagnose at: the last tick, the middle one, the first one.
fn probe_times(start: Millis, end: Millis, interval: Millis) -> Vec<Millis> {
    let align = |t: Millis| t.div_euclid(interval.max(1)) * interval.max(1);
    let mut times = vec![align(end), align(start + (end - start) / 2), align(start) + interval];
    times.dedup();
    times
}
