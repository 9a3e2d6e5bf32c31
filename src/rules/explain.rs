//! Why a recording rule recorded nothing, in the dataset's terms: an expression that does not
//! parse, evaluations that all failed, an input recorded by another rule that is itself
//! empty, or (through the query explainer) a missing metric, a label matcher that matches no
//! series, two sides of an operator whose label sets never match.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, LabelModifier};

use super::ast;
use super::eval::{Evaluation, RuleOutcome};
use crate::content::explain_empty;
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, Storage, Value, METRIC_NAME};

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
    let span = (evaluation.start, evaluation.end, rule.interval);
    why_always_empty(&evaluation.storage, &expr, span, records, opts)
}

/// Why `expr` returned nothing at any evaluation of `(start, end, interval)`: an input
/// recorded by a rule that recorded nothing (`records`: every record name and whether it
/// recorded nothing), two sides that never match, or what the query explainer finds at a
/// few evaluation times.
pub fn why_always_empty(
    storage: &Storage,
    expr: &Expr,
    (start, end, interval): (Millis, Millis, Millis),
    records: &[(String, bool)],
    opts: &EngineOptions,
) -> Vec<String> {
    // An input recorded by an earlier rule that recorded nothing: that rule is the cause.
    let empty_inputs: Vec<&str> = ast::selectors(expr)
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
    let text = expr.to_string();
    let mut out = Vec::new();
    for t in probe_times(start, end, interval) {
        out = label_mismatch(storage, expr, t, opts).into_iter().collect();
        if out.is_empty() {
            out = explain_empty::explain(storage, &text, t, opts);
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
        let vector = |side: &Expr| match eval::eval_instant(storage, side, t, opts).map(|o| o.value) {
            Ok(Value::Vector(v)) if !v.is_empty() => Some(v),
            _ => None,
        };
        let (Some(left), Some(right)) = (vector(&b.lhs), vector(&b.rhs)) else { return };
        let matching = b.modifier.as_ref().and_then(|m| m.matching.as_ref());
        let signature = |labels: &Labels| {
            let l = labels.without_metric_name();
            match matching {
                Some(m) if m.is_include() => l.keep_only(&m.labels().labels),
                Some(m) => l.drop_names(&m.labels().labels),
                None => l,
            }
        };
        let ls: BTreeSet<Labels> = left.iter().map(|s| signature(&s.labels)).collect();
        let rs: BTreeSet<Labels> = right.iter().map(|s| signature(&s.labels)).collect();
        if !ls.is_disjoint(&rs) {
            return;
        }
        let names = |v: &[crate::engine::Sample]| -> BTreeSet<String> {
            v.iter()
                .flat_map(|s| s.labels.iter().map(|(n, _)| n.to_string()))
                .filter(|n| n != METRIC_NAME)
                .collect()
        };
        let (ln, rn) = (names(&left), names(&right));
        let only_left: Vec<&str> = ln.difference(&rn).map(String::as_str).collect();
        let only_right: Vec<&str> = rn.difference(&ln).map(String::as_str).collect();
        let shared: Vec<&str> = ln.intersection(&rn).map(String::as_str).collect();
        if shared.is_empty() || (only_left.is_empty() && only_right.is_empty()) {
            return;
        }
        let list = |v: &[&str]| v.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let op = b.op.to_string();
        let side = |s: &Expr| one_line(&s.to_string());
        let mut msg = format!(
            "`{op}` matches series whose labels are identical{}, but the left side ({}) has labels {} and the right side ({}) has {}",
            if matching.is_some() { " on the labels its on()/ignoring() leaves" } else { "" },
            side(&b.lhs),
            list(&ln.iter().map(String::as_str).collect::<Vec<_>>()),
            side(&b.rhs),
            list(&rn.iter().map(String::as_str).collect::<Vec<_>>()),
        );
        let extra = if only_left.is_empty() { list(&only_right) } else { list(&only_left) };
        msg.push_str(&format!(": {extra} has no counterpart, so no pair matches and nothing is recorded."));
        // Extra labels on the left: many left series per right one (group_left), and the
        // other way round for the right.
        let (group, lacking, lacking_side, missing) = match only_left.is_empty() {
            false => (" group_left", &b.rhs, "right", &only_left),
            true => (" group_right", &b.lhs, "left", &only_right),
        };
        // An aggregation that dropped labels its input has can keep them: then each series
        // meets its own counterpart, which is usually what the rule meant.
        if let Some(kept) = keep_in_aggregation(storage, lacking, missing, t, opts) {
            let many_side = if lacking_side == "right" { "left" } else { "right" };
            msg.push_str(&format!(
                " Fix: keep {extra} on the {lacking_side} side too, `{kept}`, so that each series meets its own \
                 counterpart; or match on the shared labels, `{op} on({}){group}()`, which pairs each \
                 {many_side} series with the one {lacking_side} series of the same {}; or aggregate {extra} \
                 away on its side first.",
                shared.join(", "),
                list(&shared)
            ));
        } else {
            msg.push_str(&format!(
                " Fix: match on the shared labels, `{op} on({}){group}()`, or aggregate {extra} away on its side first.",
                shared.join(", ")
            ));
        }
        found = Some(msg);
    });
    found
}

/// When `side` is an aggregation `op by (labels) (inner)` whose inner series carry every one
/// of `missing`, the same aggregation keeping them (`sum by (model, version) (…)`).
fn keep_in_aggregation(
    storage: &Storage,
    side: &Expr,
    missing: &[&str],
    t: Millis,
    opts: &EngineOptions,
) -> Option<String> {
    let mut e = side;
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    let Expr::Aggregate(agg) = e else { return None };
    let Some(LabelModifier::Include(by)) = &agg.modifier else { return None };
    let Ok(Value::Vector(inner)) = eval::eval_instant(storage, &agg.expr, t, opts).map(|o| o.value) else {
        return None;
    };
    let carried = |name: &str| !inner.is_empty() && inner.iter().all(|s| s.labels.get(name).is_some());
    if !missing.iter().all(|n| carried(n)) {
        return None;
    }
    let labels: Vec<&str> = by.labels.iter().map(String::as_str).chain(missing.iter().copied()).collect();
    Some(format!("{} by ({}) (…)", agg.op, labels.join(", ")))
}

/// An expression on one line, shortened for a message.
pub fn one_line(text: &str) -> String {
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
