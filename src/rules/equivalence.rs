//! Whether a recorded series really replaces a raw query: both are evaluated at the recorded
//! series' own evaluation times and their results compared as values (label sets with the
//! metric name aside, numbers at the grader's tolerance). A speedup only means something for
//! a pair that computes the same thing; a label on the pair ("tests 1–2") proves nothing.

use serde::{Deserialize, Serialize};

use crate::content::grade::compare::{compare, Diff};
use crate::content::grade::feedback::num;
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, Sample, Series, Storage, Value};

/// What comparing a raw query with its recorded series found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Equivalence {
    /// The same series with the same values at every time compared.
    Same,
    /// They compute different things: why, in a sentence.
    Differs(String),
    /// Nothing to compare: a query failed, or the recorded series holds nothing there.
    Unknown,
}

/// Compares `raw` with `recorded` at the last evaluation of the recorded series at or before
/// each of `times`. A rule's output only changes at its evaluations, so comparing there is
/// exact whatever the rule's interval.
pub fn equivalence(
    storage: &Storage,
    raw: &str,
    recorded: &str,
    times: &[Millis],
    opts: &EngineOptions,
) -> Equivalence {
    let (Ok(raw_expr), Ok(rec_expr)) = (parse::parse(raw), parse::parse(recorded)) else {
        return Equivalence::Unknown;
    };
    let Ok(last) = parse::parse(&format!("max(timestamp({recorded}))")) else { return Equivalence::Unknown };
    let mut compared = 0;
    for &at in times {
        let Some(t) = instant(storage, &last, at, opts).and_then(|v| only_value(&v)) else { continue };
        let t = (t * 1000.0).round() as Millis;
        let (Some(r), Some(rec)) =
            (instant(storage, &raw_expr, t, opts), instant(storage, &rec_expr, t, opts))
        else {
            return Equivalence::Unknown;
        };
        let (r, rec) = (nameless(r), nameless(rec));
        let diff = compare(&rec, &r, false);
        if !diff.is_match() {
            return Equivalence::Differs(describe(&diff, &rec, &r));
        }
        compared += 1;
    }
    if compared == 0 {
        Equivalence::Unknown
    } else {
        Equivalence::Same
    }
}

fn instant(
    storage: &Storage,
    expr: &promql_parser::parser::Expr,
    t: Millis,
    opts: &EngineOptions,
) -> Option<Value> {
    eval::eval_instant(storage, expr, t, opts).ok().map(|o| o.value)
}

/// The value of a one-element vector or a scalar.
fn only_value(v: &Value) -> Option<f64> {
    match v {
        Value::Vector(s) if s.len() == 1 => Some(s[0].v),
        Value::Scalar { v, .. } => Some(*v),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

/// `v` with the metric name removed from every element: a recorded series is named, the raw
/// query usually is not, and that is not a difference in what they compute.
fn nameless(v: Value) -> Value {
    match v {
        Value::Vector(s) => Value::Vector(
            s.into_iter().map(|x| Sample { labels: x.labels.without_metric_name(), ..x }).collect(),
        ),
        Value::Matrix(s) => Value::Matrix(
            s.into_iter().map(|x| Series { labels: x.labels.without_metric_name(), ..x }).collect(),
        ),
        other => other,
    }
}

/// Why they differ, in terms of the raw query's result against the recorded one's.
fn describe(diff: &Diff, recorded: &Value, raw: &Value) -> String {
    if let Some((rec, raw)) = diff.type_mismatch {
        return format!("the raw query returns a {raw}, the recorded series a {rec}");
    }
    if !diff.missing.is_empty() || !diff.extra.is_empty() {
        let shape = |v: &Value| {
            let labels: Vec<&Labels> = match v {
                Value::Vector(s) => s.iter().map(|x| &x.labels).collect(),
                _ => Vec::new(),
            };
            let mut names: Vec<&str> = labels.iter().flat_map(|l| l.iter().map(|(n, _)| n)).collect();
            names.sort_unstable();
            names.dedup();
            let by = if names.is_empty() { "no labels".to_string() } else { names.join(", ") };
            format!("{} series ({by})", labels.len())
        };
        return format!("the raw query returns {}, the recorded series {}", shape(raw), shape(recorded));
    }
    let example = diff.wrong_values.first().map(|w| {
        let which = if w.labels.is_empty() { String::new() } else { format!(" for {}", w.labels) };
        format!(": {} raw against {} recorded{which}", num(w.actual), num(w.expected))
    });
    let n = diff.wrong_value_count;
    let what = if n == 1 { "value differs" } else { "values differ" };
    format!("the same series but {n} {what}{}", example.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promqltest::run::load_storage;

    const DATA: &str = "load 10s
  req_total{job=\"a\", pod=\"1\"} 0+10x60
  req_total{job=\"b\", pod=\"1\"} 0+30x60
  rec:by_job{job=\"a\"} 1x60
  rec:by_job{job=\"b\"} 3x60
  rec:by_pod{job=\"a\", pod=\"1\"} 1x60
  rec:by_pod{job=\"b\", pod=\"1\"} 3x60
  rec:wrong{job=\"a\"} 1x60
  rec:wrong{job=\"b\"} 4x60
";

    #[test]
    fn compares_by_evaluating_both() {
        let st = load_storage(DATA).expect("data");
        let opts = EngineOptions::default();
        let at = [300_000, 200_000];
        let raw = "sum by (job) (rate(req_total[1m]))";
        let check = |rec: &str| equivalence(&st, raw, rec, &at, &opts);
        assert_eq!(check("rec:by_job"), Equivalence::Same);
        let Equivalence::Differs(why) = check("rec:by_pod") else { panic!("by pod") };
        assert_eq!(why, "the raw query returns 2 series (job), the recorded series 2 series (job, pod)");
        let Equivalence::Differs(why) = check("rec:wrong") else { panic!("wrong") };
        assert!(why.starts_with("the same series but 1 value differs: 3 raw against 4 recorded"), "{why}");
        assert_eq!(check("rec:missing"), Equivalence::Unknown);
        assert_eq!(equivalence(&st, "sum(", "rec:by_job", &at, &opts), Equivalence::Unknown);
    }
}
