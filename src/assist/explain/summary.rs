//! What a node's value looks like: its type, how many series, which labels with how many
//! values each, one example; and, for an aggregation, the groups it formed.

use promql_parser::parser::{AggregateExpr, LabelModifier};
use serde::{Deserialize, Serialize};

use crate::engine::grouping::{FxHashMap, FxHashSet};
use crate::engine::{Labels, Value, METRIC_NAME};

/// A label of the result and how many distinct values it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelCount {
    pub name: String,
    pub values: usize,
}

/// A node's value, summarized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `instant vector`, `range vector`, `scalar` or `string`.
    pub kind: String,
    pub series: usize,
    /// Label names (the metric name first when present) with their value counts.
    pub labels: Vec<LabelCount>,
    /// One series' labels (`{model="a"}`) or the scalar's value.
    pub example: Option<String>,
    /// The example series' value (an instant vector's), or its sample count (a range vector's).
    pub example_value: Option<String>,
}

/// Summarizes a value. `label_sets` (the label sets seen over several evaluations) replaces
/// a range vector's series when given.
pub fn summarize(value: &Value) -> Summary {
    match value {
        Value::Scalar { v, .. } => Summary {
            kind: "scalar".into(),
            series: 0,
            labels: Vec::new(),
            example: Some(number(*v)),
            example_value: None,
        },
        Value::String { s, .. } => Summary {
            kind: "string".into(),
            series: 0,
            labels: Vec::new(),
            example: Some(format!("{s:?}")),
            example_value: None,
        },
        Value::Vector(v) => {
            let mut s = of_label_sets("instant vector", v.iter().map(|s| &s.labels));
            s.example_value =
                v.first().map(|x| if x.h.is_some() { "a histogram".into() } else { number(x.v) });
            s
        }
        Value::Matrix(m) => {
            let mut s = of_label_sets("range vector", m.iter().map(|s| &s.labels));
            s.example_value = m.first().map(|x| format!("{} samples", x.points.len() + x.histograms.len()));
            s
        }
    }
}

/// A summary of the series with these label sets.
pub fn of_label_sets<'a>(kind: &str, sets: impl Iterator<Item = &'a Labels>) -> Summary {
    // One set of (name, value) pairs, counted per name afterwards: one insertion per label.
    let mut pairs: FxHashSet<(&str, &str)> = FxHashSet::default();
    let mut series = 0;
    let mut example = None;
    for labels in sets {
        series += 1;
        if example.is_none() {
            example = Some(labels.to_string());
        }
        pairs.extend(labels.iter());
    }
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for (n, _) in pairs {
        *counts.entry(n).or_default() += 1;
    }
    let mut labels: Vec<LabelCount> =
        counts.into_iter().map(|(n, v)| LabelCount { name: n.to_string(), values: v }).collect();
    // The metric name first, then by name.
    labels.sort_by(|a, b| (a.name != METRIC_NAME, &a.name).cmp(&(b.name != METRIC_NAME, &b.name)));
    Summary { kind: kind.into(), series, labels, example, example_value: None }
}

/// How an aggregation grouped its input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Groups {
    pub inputs: usize,
    pub groups: usize,
    /// The largest groups: their labels and how many input series each took.
    pub largest: Vec<(String, usize)>,
    pub smallest_size: usize,
    pub largest_size: usize,
}

/// Most groups listed.
const LISTED: usize = 8;

/// The groups `agg` forms from its input series.
pub fn groups(agg: &AggregateExpr, input: &Value) -> Option<Groups> {
    let Value::Vector(v) = input else { return None };
    let key = |l: &Labels| match &agg.modifier {
        Some(LabelModifier::Include(ls)) => l.keep_only(&ls.labels),
        Some(LabelModifier::Exclude(ls)) => l.without_metric_name().drop_names(&ls.labels),
        None => Labels::empty(),
    };
    let mut counts: FxHashMap<Labels, usize> = FxHashMap::default();
    for s in v {
        *counts.entry(key(&s.labels)).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().map(|(l, n)| (l.to_string(), n)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(Groups {
        inputs: v.len(),
        groups: list.len(),
        smallest_size: list.iter().map(|g| g.1).min().unwrap_or(0),
        largest_size: list.iter().map(|g| g.1).max().unwrap_or(0),
        largest: list.into_iter().take(LISTED).collect(),
    })
}

/// A value as the tree shows it: up to 6 significant digits.
pub fn number(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() >= 1e-4 && v.abs() < 1e15) {
        let digits = (6 - 1 - v.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        crate::engine::gofmt::format_g(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(0.123456789), "0.123457");
        assert_eq!(number(1234.5), "1234.5");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(1.5e20), "1.5e+20");
    }
}
