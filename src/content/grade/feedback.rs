//! A verdict in words: the headline and the bullet points the exercise page (and the CLI)
//! show a learner: which checkpoint failed and how (missing or extra series with their
//! labels, wrong values with expected and actual, wrong type or order), and why an empty
//! answer may be empty.

use super::{Checkpoint, PointVerdict, Verdict};
use crate::content::time::format_instant;
use crate::engine::Labels;

/// Series listed per kind of difference before "and N more".
const LIST: usize = 5;

/// What to tell the learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub passed: bool,
    pub headline: String,
    /// Details, most useful first (Markdown: names and queries are in code spans).
    pub items: Vec<String>,
    /// Checkpoints where the answer matched, out of all.
    pub matched: (usize, usize),
}

/// Describes `v`.
pub fn describe(v: &Verdict) -> Feedback {
    let total = v.points.len();
    let matched = v.points.iter().filter(|p| p.passed()).count();
    if let Some(e) = &v.parse_error {
        return Feedback {
            passed: false,
            headline: "The query does not parse.".into(),
            items: vec![e.to_string()],
            matched: (0, total),
        };
    }
    if v.passed {
        let headline = format!("Correct! Your answer matches at all {total} checkpoints.");
        return Feedback { passed: true, headline, items: Vec::new(), matched: (matched, total) };
    }
    let mut items = Vec::new();
    let Some(p) = v.first_failure() else {
        return Feedback { passed: false, headline: "Not quite.".into(), items, matched: (matched, total) };
    };
    let at = describe_checkpoint(p);
    // Why an answer is empty is the most useful thing to read first.
    items.extend(v.empty_reasons.iter().cloned());
    match &p.actual {
        Err(e) => items.push(format!("At {at} the query fails: {e}")),
        Ok(_) => point_items(p, &at, &mut items),
    }
    let headline = if matched == 0 {
        "Not quite: the result differs from the expected one.".to_string()
    } else {
        format!("Close: your answer matches at {matched} of {total} checkpoints.")
    };
    Feedback { passed: false, headline, items, matched: (matched, total) }
}

fn describe_checkpoint(p: &PointVerdict) -> String {
    match p.at {
        Checkpoint::Instant(t) => format_instant(t),
        Checkpoint::Range(r) => format!("the range {} to {}", format_instant(r.start), format_instant(r.end)),
    }
}

fn point_items(p: &PointVerdict, at: &str, items: &mut Vec<String>) {
    let d = &p.diff;
    if let Some((expected, actual)) = d.type_mismatch {
        items.push(format!("At {at} the result is a {actual}, but a {expected} is expected."));
        return;
    }
    if let Some(why) = super::names::name_only_difference(p) {
        items.push(format!("At {at}, {why}"));
        return;
    }
    let exp_n = series_count(&p.expected);
    if !d.missing.is_empty() {
        items.push(format!(
            "At {at}, {} of the {exp_n} expected series are missing: {}",
            d.missing.len(),
            list(&d.missing)
        ));
    }
    if !d.extra.is_empty() {
        items.push(format!("At {at}, {} series should not be there: {}", d.extra.len(), list(&d.extra)));
    }
    if d.wrong_value_count > 0 {
        let examples: Vec<String> = d
            .wrong_values
            .iter()
            .take(3)
            .map(|w| {
                format!(
                    "{} is {} (expected {})",
                    if w.labels.is_empty() { "the value".to_string() } else { w.labels.to_string() },
                    num(w.actual),
                    num(w.expected)
                )
            })
            .collect();
        items.push(format!("At {at}, {} values differ: {}.", d.wrong_value_count, examples.join("; ")));
    }
    if d.missing_points + d.extra_points > 0 {
        items.push(format!(
            "At {at}, the samples' timestamps differ: {} expected samples missing, {} unexpected.",
            d.missing_points, d.extra_points
        ));
    }
    if d.wrong_order {
        items.push(format!("At {at}, the series are right but in the wrong order."));
    }
    if d.missing.len() == exp_n && exp_n > 0 && !d.extra.is_empty() {
        items.push(
            "None of your series has the expected labels: compare the label sets (aggregation `by (...)`, \
             matchers, functions that drop the metric name)."
                .into(),
        );
    }
}

fn series_count(v: &crate::engine::Value) -> usize {
    match v {
        crate::engine::Value::Vector(s) => s.len(),
        crate::engine::Value::Matrix(s) => s.len(),
        _ => 1,
    }
}

fn list(labels: &[Labels]) -> String {
    let mut s: Vec<String> = labels.iter().take(LIST).map(|l| l.to_string()).collect();
    if labels.len() > LIST {
        s.push(format!("and {} more", labels.len() - LIST));
    }
    s.join(", ")
}

/// A value as a learner reads it: up to 6 significant digits.
pub fn num(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e9).contains(&a) {
        return format!("{v:.5e}");
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::super::compare::compare;
    use super::*;
    use crate::engine::{Sample, Value};

    fn vector(items: &[(&str, f64)]) -> Value {
        Value::Vector(
            items.iter().map(|(m, v)| Sample::float(Labels::from_pairs([("model", *m)]), 0, *v)).collect(),
        )
    }

    #[test]
    fn says_what_differs() {
        let expected = vector(&[("a", 1.0), ("b", 2.0)]);
        let actual = vector(&[("a", 1.5), ("c", 2.0)]);
        let p = PointVerdict {
            at: Checkpoint::Instant(0),
            diff: compare(&expected, &actual, false),
            expected,
            actual: Ok(actual),
        };
        let v =
            Verdict { passed: false, parse_error: None, points: vec![p], empty_reasons: vec!["why".into()] };
        let f = describe(&v);
        assert!(!f.passed);
        assert_eq!(f.matched, (0, 1));
        let text = f.items.join("\n");
        for want in [
            "1 of the 2 expected series are missing: {model=\"b\"}",
            "should not be there: {model=\"c\"}",
            "{model=\"a\"} is 1.5 (expected 1)",
            "why",
        ] {
            assert!(text.contains(want), "{want} not in {text}");
        }
    }

    #[test]
    fn numbers() {
        for (v, s) in
            [(1.0, "1"), (0.123456789, "0.123457"), (2.5e-7, "2.50000e-7"), (f64::NAN, "NaN"), (-3.0, "-3")]
        {
            assert_eq!(num(v), s);
        }
    }
}
