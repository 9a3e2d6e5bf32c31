//! Answers whose series differ from the expected ones only by their metric name. The name is
//! part of a series' identity, so such an answer lists every series as missing and every one
//! as extra; what the learner needs to hear instead is which name is expected and what keeps
//! or drops a name (a selector keeps it, a function, an aggregation or arithmetic drops it).

use std::collections::BTreeMap;

use super::compare::almost_equal;
use super::PointVerdict;
use crate::engine::{Labels, Millis, Value};

/// When the answer at `p` has exactly the expected series except for their metric names, a
/// sentence saying what differs (name and, if they also differ, values); `None` otherwise.
pub fn name_only_difference(p: &PointVerdict) -> Option<String> {
    let d = &p.diff;
    let actual = p.actual.as_ref().ok()?;
    if d.missing.is_empty() || d.missing.len() != d.extra.len() {
        return None;
    }
    let (expected, got) = (by_nameless_labels(&p.expected), by_nameless_labels(actual));
    if expected.len() != got.len() || !expected.keys().all(|k| got.contains_key(k)) {
        return None;
    }
    let same_values = expected.iter().all(|(k, e)| {
        let a = &got[k];
        e.len() == a.len() && e.iter().zip(a).all(|((te, ve), (ta, va))| te == ta && almost_equal(*ve, *va))
    });
    let values = if same_values { " and values" } else { " (their values differ too)" };
    let name = |l: &[Labels]| l.first().and_then(|l| l.metric_name().map(str::to_string));
    Some(match (name(&d.missing), name(&d.extra)) {
        (Some(want), None) => format!(
            "your series have the expected labels{values} but no metric name, while the expected ones \
             are named `{want}`: read `{want}` itself. A function, an aggregation or arithmetic drops \
             the name."
        ),
        (None, Some(have)) => format!(
            "your series have the expected labels{values} but keep the metric name `{have}`, while the \
             expected ones have none: the expected result is computed (a function, an aggregation or \
             arithmetic drops the name), not the stored series as they are."
        ),
        (Some(want), Some(have)) => {
            format!("your series are named `{have}` where `{want}` is expected, with the expected labels{values}.")
        }
        (None, None) => return None,
    })
}

/// The samples of a vector or matrix by label set without the metric name.
fn by_nameless_labels(v: &Value) -> BTreeMap<Labels, Vec<(Millis, f64)>> {
    let mut out = BTreeMap::new();
    match v {
        Value::Vector(s) => {
            for x in s {
                out.insert(x.labels.without_metric_name(), vec![(x.t, x.v)]);
            }
        }
        Value::Matrix(s) => {
            for x in s {
                out.insert(x.labels.without_metric_name(), x.points.iter().map(|p| (p.t, p.v)).collect());
            }
        }
        Value::Scalar { .. } | Value::String { .. } => {}
    }
    // Two series that differ only by name would collapse here: then it is not a rename.
    let count = match v {
        Value::Vector(s) => s.len(),
        Value::Matrix(s) => s.len(),
        _ => 0,
    };
    if out.len() != count {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::compare::compare;
    use super::super::Checkpoint;
    use super::*;
    use crate::engine::{Sample, METRIC_NAME};

    fn vector(name: Option<&str>, values: &[(&str, f64)]) -> Value {
        Value::Vector(
            values
                .iter()
                .map(|(m, v)| {
                    let mut l = Labels::from_pairs([("model", *m)]);
                    if let Some(n) = name {
                        l.set(METRIC_NAME, n);
                    }
                    Sample::float(l, 0, *v)
                })
                .collect(),
        )
    }

    fn verdict(expected: Value, actual: Value) -> PointVerdict {
        PointVerdict {
            at: Checkpoint::Instant(0),
            diff: compare(&expected, &actual, false),
            expected,
            actual: Ok(actual),
        }
    }

    #[test]
    fn names_the_expected_name() {
        let rec = |v: f64| vector(Some("model:predictions:daily"), &[("a", 1.0), ("b", v)]);
        let raw = vector(None, &[("a", 1.0), ("b", 2.0)]);
        let why = name_only_difference(&verdict(rec(2.0), raw.clone())).expect("a rename");
        assert!(why.contains("expected labels and values but no metric name"), "{why}");
        assert!(why.contains("`model:predictions:daily`"), "{why}");
        let why = name_only_difference(&verdict(rec(3.0), raw.clone())).expect("a rename");
        assert!(why.contains("(their values differ too)"), "{why}");
        let why = name_only_difference(&verdict(raw.clone(), rec(2.0))).expect("the other way");
        assert!(why.contains("keep the metric name `model:predictions:daily`"), "{why}");
        let other = vector(Some("x"), &[("a", 1.0), ("b", 2.0)]);
        let why = name_only_difference(&verdict(rec(2.0), other)).expect("another name");
        assert!(
            why.starts_with("your series are named `x` where `model:predictions:daily` is expected"),
            "{why}"
        );
    }

    #[test]
    fn other_differences_are_not_renames() {
        let rec = vector(Some("r"), &[("a", 1.0), ("b", 2.0)]);
        for actual in [
            vector(None, &[("a", 1.0)]),
            vector(None, &[("a", 1.0), ("c", 2.0)]),
            vector(Some("r"), &[("a", 1.0), ("b", 5.0)]),
            Value::Scalar { t: 0, v: 1.0 },
        ] {
            assert_eq!(name_only_difference(&verdict(rec.clone(), actual.clone())), None, "{actual:?}");
        }
    }
}
