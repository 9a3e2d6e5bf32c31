//! What completion can offer: the language's words (functions with signatures, aggregations,
//! keywords) and the names found in a loaded [`Storage`] (metrics, label names, label values),
//! with each metric's type and help as the dataset's metadata declares them.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::dataset::{DatasetMeta, MetricType};
use crate::engine::{Storage, METRIC_NAME};

/// A language word with the one-line help shown next to it in the completion list.
#[derive(Clone, Copy, Debug)]
pub struct Word {
    pub name: &'static str,
    pub detail: &'static str,
}

const fn w(name: &'static str, detail: &'static str) -> Word {
    Word { name, detail }
}

/// PromQL functions of Prometheus 3.x (float samples), with their signatures.
pub const FUNCTIONS: &[Word] = &[
    w("abs", "abs(v instant-vector)"),
    w("absent", "absent(v instant-vector): 1 if v is empty"),
    w("absent_over_time", "absent_over_time(v range-vector)"),
    w("acos", "acos(v instant-vector)"),
    w("acosh", "acosh(v instant-vector)"),
    w("asin", "asin(v instant-vector)"),
    w("asinh", "asinh(v instant-vector)"),
    w("atan", "atan(v instant-vector)"),
    w("atanh", "atanh(v instant-vector)"),
    w("avg_over_time", "avg_over_time(v range-vector)"),
    w("ceil", "ceil(v instant-vector)"),
    w("changes", "changes(v range-vector)"),
    w("clamp", "clamp(v instant-vector, min scalar, max scalar)"),
    w("clamp_max", "clamp_max(v instant-vector, max scalar)"),
    w("clamp_min", "clamp_min(v instant-vector, min scalar)"),
    w("cos", "cos(v instant-vector)"),
    w("cosh", "cosh(v instant-vector)"),
    w("count_over_time", "count_over_time(v range-vector)"),
    w("day_of_month", "day_of_month(v=vector(time()) instant-vector)"),
    w("day_of_week", "day_of_week(v=vector(time()) instant-vector)"),
    w("day_of_year", "day_of_year(v=vector(time()) instant-vector)"),
    w("days_in_month", "days_in_month(v=vector(time()) instant-vector)"),
    w("deg", "deg(v instant-vector)"),
    w("delta", "delta(v range-vector): gauge change over the window"),
    w("deriv", "deriv(v range-vector): per-second slope (linear regression)"),
    w("exp", "exp(v instant-vector)"),
    w("floor", "floor(v instant-vector)"),
    w("histogram_quantile", "histogram_quantile(φ scalar, b instant-vector with le)"),
    w("hour", "hour(v=vector(time()) instant-vector)"),
    w("idelta", "idelta(v range-vector)"),
    w("increase", "increase(v range-vector): counter increase over the window"),
    w("irate", "irate(v range-vector): rate from the last two samples"),
    w("label_join", "label_join(v, dst, separator, src...)"),
    w("label_replace", "label_replace(v, dst, replacement, src, regex)"),
    w("last_over_time", "last_over_time(v range-vector)"),
    w("ln", "ln(v instant-vector)"),
    w("log10", "log10(v instant-vector)"),
    w("log2", "log2(v instant-vector)"),
    w("mad_over_time", "mad_over_time(v range-vector)"),
    w("max_over_time", "max_over_time(v range-vector)"),
    w("min_over_time", "min_over_time(v range-vector)"),
    w("minute", "minute(v=vector(time()) instant-vector)"),
    w("month", "month(v=vector(time()) instant-vector)"),
    w("pi", "pi()"),
    w("predict_linear", "predict_linear(v range-vector, t scalar): value t seconds ahead"),
    w("present_over_time", "present_over_time(v range-vector)"),
    w("quantile_over_time", "quantile_over_time(φ scalar, v range-vector)"),
    w("rad", "rad(v instant-vector)"),
    w("rate", "rate(v range-vector): per-second counter rate"),
    w("resets", "resets(v range-vector)"),
    w("round", "round(v instant-vector, to_nearest=1 scalar)"),
    w("scalar", "scalar(v instant-vector)"),
    w("sgn", "sgn(v instant-vector)"),
    w("sin", "sin(v instant-vector)"),
    w("sinh", "sinh(v instant-vector)"),
    w("sort", "sort(v instant-vector)"),
    w("sort_by_label", "sort_by_label(v instant-vector, label string, ...)"),
    w("sort_by_label_desc", "sort_by_label_desc(v instant-vector, label string, ...)"),
    w("sort_desc", "sort_desc(v instant-vector)"),
    w("sqrt", "sqrt(v instant-vector)"),
    w("stddev_over_time", "stddev_over_time(v range-vector)"),
    w("stdvar_over_time", "stdvar_over_time(v range-vector)"),
    w("sum_over_time", "sum_over_time(v range-vector)"),
    w("tan", "tan(v instant-vector)"),
    w("tanh", "tanh(v instant-vector)"),
    w("time", "time(): evaluation time in seconds"),
    w("timestamp", "timestamp(v instant-vector)"),
    w("vector", "vector(s scalar)"),
    w("year", "year(v=vector(time()) instant-vector)"),
];

/// Aggregation operators.
pub const AGGREGATIONS: &[Word] = &[
    w("avg", "avg by (labels) (v): mean per group"),
    w("bottomk", "bottomk(k, v): the k smallest per group"),
    w("count", "count by (labels) (v): number of series per group"),
    w("count_values", "count_values(\"label\", v)"),
    w("group", "group by (labels) (v): 1 per group"),
    w("limit_ratio", "limit_ratio(ratio, v)"),
    w("limitk", "limitk(k, v)"),
    w("max", "max by (labels) (v)"),
    w("min", "min by (labels) (v)"),
    w("quantile", "quantile(φ, v)"),
    w("stddev", "stddev by (labels) (v)"),
    w("stdvar", "stdvar by (labels) (v)"),
    w("sum", "sum by (labels) (v)"),
    w("topk", "topk(k, v): the k largest per group"),
];

/// Keywords that follow an expression: modifiers, grouping, vector matching, set operators.
pub const KEYWORDS: &[Word] = &[
    w("and", "set intersection"),
    w("atan2", "binary arctangent operator"),
    w("bool", "comparison returning 0/1 instead of filtering"),
    w("by", "group by these labels"),
    w("group_left", "many-to-one matching"),
    w("group_right", "one-to-many matching"),
    w("ignoring", "match ignoring these labels"),
    w("offset", "shift the evaluation time back"),
    w("on", "match on these labels only"),
    w("or", "set union"),
    w("unless", "set complement"),
    w("without", "group by all labels except these"),
];

/// Keywords after which a parenthesised label list follows.
pub const LABEL_LIST_KEYWORDS: &[&str] = &["by", "without", "on", "ignoring", "group_left", "group_right"];

/// Range durations offered inside `[...]`.
pub const DURATIONS: &[Word] = &[
    w("1m", "1 minute"),
    w("5m", "5 minutes: the usual rate() window"),
    w("10m", "10 minutes"),
    w("15m", "15 minutes"),
    w("30m", "30 minutes"),
    w("1h", "1 hour"),
    w("6h", "6 hours"),
    w("1d", "1 day"),
];

/// True when `name` is a function name.
pub fn is_function(name: &str) -> bool {
    FUNCTIONS.iter().any(|f| f.name == name)
}

/// True when `name` is an aggregation operator.
pub fn is_aggregation(name: &str) -> bool {
    AGGREGATIONS.iter().any(|f| f.name == name)
}

/// True when `name` is a keyword (case-sensitive, as PromQL's lexer treats them).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.iter().any(|f| f.name == name)
}

/// Names found in a dataset, indexed for completion.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Catalog {
    metrics: BTreeSet<String>,
    /// metric → label names its series carry (without `__name__`).
    labels_by_metric: BTreeMap<String, BTreeSet<String>>,
    /// (metric, label) → values.
    values_by_metric: BTreeMap<(String, String), BTreeSet<String>>,
    /// label → values over every series.
    values: BTreeMap<String, BTreeSet<String>>,
    /// metric → what the dataset's metadata says of it (`gauge: Size of ...`).
    details: BTreeMap<String, String>,
}

impl Catalog {
    /// Indexes every series of `storage`.
    pub fn from_storage(storage: &Storage) -> Self {
        let mut c = Catalog::default();
        for s in storage.all() {
            let metric = s.labels.metric_name().unwrap_or("").to_string();
            if !metric.is_empty() {
                c.metrics.insert(metric.clone());
            }
            for (n, v) in s.labels.iter().filter(|(n, _)| *n != METRIC_NAME) {
                c.labels_by_metric.entry(metric.clone()).or_default().insert(n.to_string());
                c.values_by_metric.entry((metric.clone(), n.to_string())).or_default().insert(v.to_string());
                c.values.entry(n.to_string()).or_default().insert(v.to_string());
            }
        }
        c
    }

    /// A catalogue from a remote API's answers: metric names (`/api/v1/label/__name__/values`),
    /// each label's values over every series (`/api/v1/label/<name>/values`), and what
    /// `/api/v1/metadata` says of each metric (`counter: Requests served.`).
    pub fn from_api(
        metrics: Vec<String>,
        values: Vec<(String, Vec<String>)>,
        details: Vec<(String, String)>,
    ) -> Self {
        Catalog {
            metrics: metrics.into_iter().collect(),
            values: values.into_iter().map(|(n, v)| (n, v.into_iter().collect())).collect(),
            details: details.into_iter().collect(),
            ..Catalog::default()
        }
    }

    /// All metric names, sorted.
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(String::as_str)
    }

    /// True when the dataset has a metric of this name.
    pub fn has_metric(&self, name: &str) -> bool {
        self.metrics.contains(name)
    }

    /// Label names of `metric`'s series, or of every series when `metric` is unknown/absent.
    pub fn label_names(&self, metric: Option<&str>) -> Vec<&str> {
        match metric.and_then(|m| self.labels_by_metric.get(m)) {
            Some(set) => set.iter().map(String::as_str).collect(),
            None => self.values.keys().map(String::as_str).collect(),
        }
    }

    /// Values of `label` on `metric`'s series, or on every series when `metric` is
    /// unknown/absent.
    pub fn label_values(&self, metric: Option<&str>, label: &str) -> Vec<&str> {
        let by_metric = metric.and_then(|m| self.values_by_metric.get(&(m.to_string(), label.to_string())));
        match by_metric.or_else(|| self.values.get(label)) {
            Some(set) => set.iter().map(String::as_str).collect(),
            None => Vec::new(),
        }
    }

    /// Describes each metric as the dataset's metadata declares it (its type, then its help):
    /// a histogram's `_bucket`, `_sum` and `_count` series each say which part they are.
    pub fn with_metadata(mut self, meta: &DatasetMeta) -> Self {
        for name in &self.metrics {
            if let Some(family) = meta.metric(name) {
                let part = type_part(name, &family.name, family.kind);
                let detail = if family.help.is_empty() { part } else { format!("{part}: {}", family.help) };
                self.details.insert(name.clone(), detail);
            }
        }
        self
    }

    /// What completion says of a metric: its type and help from the dataset's metadata; a
    /// name without metadata is a recorded series when it has a colon (the rule-naming
    /// convention), else of unknown type (never guessed from its suffix: a `_count` may be a
    /// gauge).
    pub fn metric_detail(&self, name: &str) -> &str {
        match self.details.get(name) {
            Some(d) => d,
            None if name.contains(':') => "recorded series",
            None => "no type in the dataset's metadata",
        }
    }
}

/// Which part of family `family` (of type `kind`) the series name `name` is.
fn type_part(name: &str, family: &str, kind: MetricType) -> String {
    let suffix = name.strip_prefix(family).unwrap_or("");
    match (kind, suffix) {
        (MetricType::Histogram, "_bucket") => "histogram buckets (counters by le)".into(),
        (MetricType::Histogram | MetricType::Summary, "_sum") => format!("{} sum (counter)", kind.as_str()),
        (MetricType::Histogram | MetricType::Summary, "_count") => {
            format!("{} count (counter)", kind.as_str())
        }
        _ => kind.as_str().into(),
    }
}
