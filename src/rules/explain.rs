//! Why a recording rule recorded nothing, in the dataset's terms: an expression that does not
//! parse, evaluations that all failed, an input recorded by another rule that is itself
//! empty, or (through the query explainer) a missing metric, a label matcher that matches no
//! series, two sides of an operator whose label sets never match.

use promql_parser::parser::Expr;

use super::ast;
use super::eval::{Evaluation, RuleOutcome};
use crate::content::explain_empty;
use crate::engine::{parse, EngineOptions, Millis, Storage};

/// Fills `explanation` of every rule of `evaluation` that recorded nothing.
pub fn explain_empty_rules(evaluation: &mut Evaluation, opts: &EngineOptions) {
    let snapshot: Vec<(String, bool)> =
        evaluation.rules.iter().map(|r| (r.record.clone(), r.is_empty())).collect();
    for i in 0..evaluation.rules.len() {
        if !evaluation.rules[i].is_empty() {
            continue;
        }
        let reasons = reasons(evaluation, i, &snapshot, opts);
        evaluation.rules[i].explanation = reasons;
    }
}

fn reasons(
    evaluation: &Evaluation,
    i: usize,
    records: &[(String, bool)],
    opts: &EngineOptions,
) -> Vec<String> {
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
        out = label_mismatch(&evaluation.storage, &expr, t, opts).into_iter().collect();
        if out.is_empty() {
            out = explain_empty::explain(&evaluation.storage, &rule.expr, t, opts);
        }
        if !out.is_empty() {
            break;
        }
    }
    if out.is_empty() {
        out.push("No evaluation returned a sample, and no single part of the expression is to blame.".into());
    }
    out
}

/// The first binary operator (outermost first) between two non-empty vectors whose label
/// sets never match, described by the label names each side has and the other lacks, with
/// the fix: match `on()` the shared labels (plus `group_left` when the left side has several
/// series per match), or aggregate the extra labels away.
fn label_mismatch(storage: &Storage, expr: &Expr, t: Millis, opts: &EngineOptions) -> Option<String> {
    let mut found = None;
    ast::walk(expr, &mut |e| {
        if found.is_some() {
            return;
        }
        let Expr::Binary(b) = e else { return };
        if b.op.is_set_operator() {
            return;
        }
        let Some(m) = explain_empty::label_mismatch(storage, b, t, opts) else { return };
        if m.shared.is_empty() || (m.only_left.is_empty() && m.only_right.is_empty()) {
            return;
        }
        let list = |v: &[String]| v.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let op = b.op.to_string();
        let side = |s: &Expr| one_line(&s.to_string());
        let matching = b.modifier.as_ref().and_then(|m| m.matching.as_ref());
        let mut msg = format!(
            "`{op}` matches series whose labels are identical{}, but the left side ({}) has labels {} and the right side ({}) has {}",
            if matching.is_some() { " on the labels its on()/ignoring() leaves" } else { "" },
            side(&b.lhs),
            list(&m.left),
            side(&b.rhs),
            list(&m.right),
        );
        let extra = list(m.extra());
        msg.push_str(&format!(": {extra} has no counterpart, so no pair matches and nothing is recorded."));
        msg.push_str(&format!(
            " Fix: match on the shared labels, `{op} {}()`, or aggregate {extra} away on its side first.",
            m.fix_modifier()
        ));
        found = Some(msg);
    });
    found
}

/// An expression on one line, shortened for a message.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 90 {
        format!("{}…", flat.chars().take(89).collect::<String>())
    } else {
        flat
    }
}

/// A few evaluation times to diagnose at: the last tick, the middle one, the first one.
fn probe_times(start: Millis, end: Millis, interval: Millis) -> Vec<Millis> {
    let align = |t: Millis| t.div_euclid(interval.max(1)) * interval.max(1);
    let mut times = vec![align(end), align(start + (end - start) / 2), align(start) + interval];
    times.dedup();
    times
}
