//! A verdict in words: the headline and the bullet points the exercise page (and the CLI)
//! show a learner: which checkpoint failed and how (missing or extra series, named by the
//! labels that tell them apart; wrong values with expected and actual; samples at other
//! timestamps, with which series and when; wrong type or order), and why an empty answer may
//! be empty. The engine's warnings and infos are passed on as they are.

use super::compare::Diff;
use super::series_names::{count, SeriesNamer};
use super::{Checkpoint, PointVerdict, Verdict};
use crate::content::time::format_instant;
use crate::engine::{Labels, Value, METRIC_NAME};

/// Series listed per kind of difference before "and N more".
const LIST: usize = 5;
/// Examples given per kind of difference (values, timestamps).
const EXAMPLES: usize = 3;

/// What to tell the learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub passed: bool,
    pub headline: String,
    /// Details, most useful first (Markdown: names and queries are in code spans).
    pub items: Vec<String>,
    /// Checkpoints where the answer matched, out of all.
    pub matched: (usize, usize),
    /// The engine's warnings and infos on the answer, exactly as Prometheus words them.
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
}

/// Describes `v`.
pub fn describe(v: &Verdict) -> Feedback {
    let total = v.points.len();
    let matched = v.points.iter().filter(|p| p.passed()).count();
    let mut f = Feedback {
        passed: false,
        headline: String::new(),
        items: Vec::new(),
        matched: (matched, total),
        warnings: v.annotations.warnings.clone(),
        infos: v.annotations.infos.clone(),
    };
    if let Some(e) = &v.parse_error {
        f.headline = "The query does not parse.".into();
        f.items = vec![e.to_string()];
        f.matched = (0, total);
        return f;
    }
    if v.passed {
        f.passed = true;
        f.headline = format!("Correct! Your answer matches at all {total} checkpoints.");
        return f;
    }
    let Some(p) = v.first_failure() else {
        f.headline = "Not quite.".into();
        return f;
    };
    let at = describe_checkpoint(p);
    // Why an answer is empty is the most useful thing to read first.
    f.items.extend(v.empty_reasons.iter().cloned());
    match &p.actual {
        Err(e) => f.items.push(format!("At {at} the query fails: {e}")),
        Ok(actual) => f.items.extend(point_items(&p.expected, actual, &p.diff, &at, is_range(p.at))),
    }
    f.headline = if matched == 0 {
        "Not quite: the result differs from the expected one.".to_string()
    } else {
        format!("Close: your answer matches at {matched} of {total} checkpoints.")
    };
    f
}

fn describe_checkpoint(p: &PointVerdict) -> String {
    match p.at {
        Checkpoint::Instant(t) => format_instant(t),
        Checkpoint::Range(r) => format!("the range {} to {}", format_instant(r.start), format_instant(r.end)),
    }
}

fn is_range(at: Checkpoint) -> bool {
    matches!(at, Checkpoint::Range(_))
}

/// What differs between `expected` and `actual` at one place (`at`: "2026-01-06T10:00:00Z",
/// "the range A to B"), one sentence per kind of difference. `range`: the values are range
/// results, so a value or sample is named with its time. Rule exercises word their
/// recorded series' differences with this too.
pub fn point_items(expected: &Value, actual: &Value, d: &Diff, at: &str, range: bool) -> Vec<String> {
    let mut items = Vec::new();
    if let Some((expected, actual)) = d.type_mismatch {
        items.push(format!("At {at} the result is a {actual}, but a {expected} is expected."));
        return items;
    }
    let namer = SeriesNamer::new(series_labels(expected).chain(series_labels(actual)));
    let exp_n = series_labels(expected).count();
    if let Some(names) = only_names_differ(d) {
        items.push(names);
    } else {
        if !d.missing.is_empty() {
            items.push(format!(
                "At {at}, {} of the {exp_n} expected series {} missing: {}.",
                d.missing.len(),
                if d.missing.len() == 1 { "is" } else { "are" },
                namer.list(&d.missing, LIST)
            ));
        }
        if !d.extra.is_empty() {
            items.push(format!(
                "At {at}, {} should not be there: {}.",
                count(d.extra.len(), "series", "series"),
                namer.list(&d.extra, LIST)
            ));
        }
        if d.missing.len() == exp_n && exp_n > 0 && !d.extra.is_empty() {
            items.push(
                "None of your series has the expected labels: compare the label sets (aggregation `by (...)`, \
                 matchers, functions that drop the metric name)."
                    .into(),
            );
        }
    }
    if d.wrong_value_count > 0 {
        let examples: Vec<String> = d
            .wrong_values
            .iter()
            .take(EXAMPLES)
            .map(|w| {
                let when = if range { format!(" at {}", format_instant(w.t)) } else { String::new() };
                format!("{}{when} is {} (expected {})", namer.name(&w.labels), num(w.actual), num(w.expected))
            })
            .collect();
        items.push(format!(
            "At {at}, {}: {}.",
            count(d.wrong_value_count, "value differs", "values differ"),
            examples.join("; ")
        ));
    }
    if d.missing_points + d.extra_points > 0 {
        let mut parts = Vec::new();
        if d.missing_points > 0 {
            parts.push(count(d.missing_points, "expected sample is missing", "expected samples are missing"));
        }
        if d.extra_points > 0 {
            parts.push(count(d.extra_points, "sample should not be there", "samples should not be there"));
        }
        let examples: Vec<String> = d
            .point_gaps
            .iter()
            .take(EXAMPLES)
            .map(|g| {
                let what = if g.missing { "has no sample at" } else { "has an unexpected sample at" };
                format!("{} {what} {}", namer.name(&g.labels), format_instant(g.t))
            })
            .collect();
        items.push(format!(
            "At {at}, the samples' timestamps differ: {} ({}).",
            parts.join(" and "),
            examples.join("; ")
        ));
    }
    if d.wrong_order {
        items.push(format!("At {at}, the series are right but in the wrong order."));
    }
    items
}

/// When the missing and the extra series are the same but for their metric name, says so
/// (with both names) instead of listing them twice.
fn only_names_differ(d: &Diff) -> Option<String> {
    if d.missing.is_empty() || d.missing.len() != d.extra.len() {
        return None;
    }
    let unnamed = |sets: &[Labels]| -> Vec<Labels> {
        let mut v: Vec<Labels> = sets.iter().map(Labels::without_metric_name).collect();
        v.sort();
        v
    };
    if unnamed(&d.missing) != unnamed(&d.extra) {
        return None;
    }
    let theirs = match (d.extra[0].get(METRIC_NAME), d.missing[0].get(METRIC_NAME)) {
        (Some(yours), Some(expected)) => format!("are named `{yours}`, not `{expected}`"),
        (None, Some(expected)) => format!("have no metric name, where `{expected}` is expected"),
        (Some(yours), None) => format!("keep the metric name `{yours}`, which the expected result drops"),
        (None, None) => return None,
    };
    Some(format!(
        "Your series have the expected labels but {theirs}: a function or arithmetic drops the metric \
         name, a filter (`> 0`) or `last_over_time` keeps it."
    ))
}

/// The label sets of a value's series (none for a scalar or string).
fn series_labels(v: &Value) -> Box<dyn Iterator<Item = &Labels> + '_> {
    match v {
        Value::Vector(s) => Box::new(s.iter().map(|s| &s.labels)),
        Value::Matrix(s) => Box::new(s.iter().map(|s| &s.labels)),
        Value::Scalar { .. } | Value::String { .. } => Box::new(std::iter::empty()),
    }
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

    fn verdict(at: Checkpoint, expected: Value, actual: Value, empty_reasons: Vec<String>) -> Verdict {
        let p = PointVerdict { at, diff: compare(&expected, &actual, false), expected, actual: Ok(actual) };
        Verdict {
            passed: false,
            parse_error: None,
            points: vec![p],
            empty_reasons,
            annotations: Default::default(),
        }
    }

    #[test]
    fn says_what_differs() {
        let expected = vector(&[("a", 1.0), ("b", 2.0)]);
        let actual = vector(&[("a", 1.5), ("c", 2.0)]);
        let f = describe(&verdict(Checkpoint::Instant(0), expected, actual, vec!["why".into()]));
        assert!(!f.passed);
        assert_eq!(f.matched, (0, 1));
        assert_eq!(
            f.items,
            [
                "why",
                "At 1970-01-01T00:00:00Z, 1 of the 2 expected series is missing: `{model=\"b\"}`.",
                "At 1970-01-01T00:00:00Z, 1 series should not be there: `{model=\"c\"}`.",
                "At 1970-01-01T00:00:00Z, 1 value differs: `{model=\"a\"}` is 1.5 (expected 1).",
            ]
        );
    }

    /// Nine labels per series, of which only `pod` tells them apart.
    fn pods(values: &[(&str, f64)]) -> Vec<Sample> {
        let common = [
            ("__name__", "x"),
            ("container", "model-server"),
            ("instance", "10.0.0.1:8080"),
            ("job", "model-serving"),
            ("model", "fraud-detector"),
            ("namespace", "ml"),
            ("node", "n1"),
            ("version", "v2"),
        ];
        values
            .iter()
            .map(|(pod, v)| {
                let mut pairs = common.to_vec();
                pairs.push(("pod", pod));
                Sample::float(Labels::from_pairs(pairs), 0, *v)
            })
            .collect()
    }

    #[test]
    fn names_series_by_the_labels_that_tell_them_apart_with_plurals() {
        let expected = Value::Vector(pods(&[("fd-0", 1.0), ("fd-1", 2.0), ("fd-2", 3.0)]));
        let actual = Value::Vector(pods(&[("fd-0", 1.5), ("fd-1", 2.5), ("fd-2", 3.0)]));
        let f = describe(&verdict(Checkpoint::Instant(0), expected, actual, Vec::new()));
        assert_eq!(
            f.items,
            ["At 1970-01-01T00:00:00Z, 2 values differ: `{pod=\"fd-0\"}` is 1.5 (expected 1); `{pod=\"fd-1\"}` is 2.5 (expected 2)."]
        );
    }

    #[test]
    fn timestamps_that_differ_say_which_series_and_when() {
        use crate::engine::{Point, Series};
        let series = |pts: &[i64]| {
            Value::Matrix(vec![Series::floats(
                Labels::from_pairs([("model", "a")]),
                pts.iter().map(|&t| Point { t, v: 1.0 }).collect(),
            )])
        };
        let range = super::super::RangeParams { start: 0, end: 120_000, step: 60_000 };
        let f = describe(&verdict(
            Checkpoint::Range(range),
            series(&[0, 60_000]),
            series(&[0, 60_000, 120_000]),
            Vec::new(),
        ));
        assert_eq!(
            f.items,
            ["At the range 1970-01-01T00:00:00Z to 1970-01-01T00:02:00Z, the samples' timestamps differ: 1 sample \
              should not be there (`{model=\"a\"}` has an unexpected sample at 1970-01-01T00:02:00Z)."]
        );
    }

    #[test]
    fn a_different_metric_name_is_named() {
        let named = |name: &str| {
            Value::Vector(vec![Sample::float(
                Labels::from_pairs([("__name__", name), ("model", "a")]),
                0,
                1.0,
            )])
        };
        let f = describe(&verdict(
            Checkpoint::Instant(0),
            named("model:predictions:daily"),
            named("other"),
            Vec::new(),
        ));
        assert_eq!(
            f.items,
            ["Your series have the expected labels but are named `other`, not `model:predictions:daily`: a \
              function or arithmetic drops the metric name, a filter (`> 0`) or `last_over_time` keeps it."]
        );
    }

    #[test]
    fn passes_on_the_engine_s_annotations() {
        let mut v = verdict(Checkpoint::Instant(0), vector(&[("a", 1.0)]), vector(&[]), Vec::new());
        v.annotations.warn("PromQL warning: bucket label \"le\" is missing or has a malformed value of \"\"");
        let f = describe(&v);
        assert_eq!(
            f.warnings,
            ["PromQL warning: bucket label \"le\" is missing or has a malformed value of \"\""]
        );
        assert!(f.infos.is_empty());
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
