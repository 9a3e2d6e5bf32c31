//! Why did my query return nothing? Walks an empty query's expression tree down to the
//! innermost part that is already empty and says why in the dataset's terms: a metric name
//! the dataset does not have (with the closest names), a label matcher that matches no series
//! (with the values that exist), a classic histogram queried without `_bucket`/`_sum`/
//! `_count`, a window outside the data, a range shorter than two scrape intervals, two sides
//! of an operator that share no label set, a comparison that filtered everything out, a
//! function that received series and returned none (with what it read).

use std::cell::Cell;
use std::collections::BTreeSet;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{BinaryExpr, Expr, VectorSelector};

use super::grade::compare::is_empty;
use super::time::{format_duration, format_instant};
use crate::engine::range::thousands;
use crate::engine::{eval, EngineOptions, Labels, Millis, Sample, Storage, Value, METRIC_NAME};
use crate::rules::ast::exact_name;

/// Functions that need at least two samples in their window to return anything.
const TWO_SAMPLE_FUNCTIONS: &[&str] =
    &["rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear"];

/// Why a query returned nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WhyEmpty {
    /// The reasons, most specific first (Markdown: names and queries in code spans).
    pub reasons: Vec<String>,
    /// Set when a selector's window misses the data: the first and last sample time of the
    /// data, so a page can offer to jump there.
    pub data_span: Option<(Millis, Millis)>,
}

/// Reasons why `query` returns nothing at `t` (empty when it does return something, does not
/// parse, or no reason is found).
pub fn explain(storage: &Storage, query: &str, t: Millis, opts: &EngineOptions) -> Vec<String> {
    why(storage, query, t, opts).reasons
}

/// Why `query` returns nothing at `t`, and whether the time misses the data.
pub fn why(storage: &Storage, query: &str, t: Millis, opts: &EngineOptions) -> WhyEmpty {
    match crate::engine::parse::parse(query) {
        Ok(expr) => {
            let mut reasons = Vec::new();
            let explainer = Explainer { storage, t, opts, data_span: Cell::new(None) };
            explainer.node(&expr, &mut reasons);
            WhyEmpty { reasons, data_span: explainer.data_span.get() }
        }
        Err(_) => WhyEmpty::default(),
    }
}

/// The time to explain an empty range query at: the end of the range, or the last sample
/// of the data when the range runs past it (a range that overlaps the data is empty for
/// another reason than time, which shows at its last sample).
pub fn probe_time(start: Millis, end: Millis, data: Option<(Millis, Millis)>) -> Millis {
    match data {
        Some((lo, hi)) if start <= hi && end >= lo => end.min(hi),
        _ => end,
    }
}

struct Explainer<'a> {
    storage: &'a Storage,
    t: Millis,
    opts: &'a EngineOptions,
    /// Set by a selector whose window misses the data.
    data_span: Cell<Option<(Millis, Millis)>>,
}

impl Explainer<'_> {
    /// The value of `expr` at the instant, `None` if it fails to evaluate.
    fn value(&self, expr: &Expr) -> Option<Value> {
        eval::eval_instant(self.storage, expr, self.t, self.opts).ok().map(|o| o.value)
    }

    fn empty(&self, expr: &Expr) -> bool {
        self.value(expr).is_some_and(|v| is_empty(&v))
    }

    /// Explains an expression known (or suspected) to be empty.
    fn node(&self, expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::VectorSelector(vs) => self.selector(vs, None, out),
            Expr::MatrixSelector(ms) => {
                self.selector(&ms.vs, Some(crate::engine::selector::duration_ms(&ms.range)), out)
            }
            Expr::Paren(p) => self.node(&p.expr, out),
            Expr::Unary(u) => self.node(&u.expr, out),
            Expr::Subquery(s) => self.node(&s.expr, out),
            Expr::Aggregate(a) => {
                if self.empty(&a.expr) {
                    self.node(&a.expr, out);
                } else {
                    self.emptied(&format!("`{}`", a.op), &[&a.expr], out);
                }
            }
            Expr::Call(c) => {
                let empty_args: Vec<&Expr> =
                    c.args.args.iter().map(|a| a.as_ref()).filter(|a| self.empty(a)).collect();
                if !empty_args.is_empty() {
                    empty_args.into_iter().for_each(|a| self.node(a, out));
                } else if TWO_SAMPLE_FUNCTIONS.contains(&c.func.name) {
                    self.short_window(c.func.name, &c.args.args, out);
                } else {
                    let inputs: Vec<&Expr> = c.args.args.iter().map(|a| a.as_ref()).collect();
                    self.emptied(&format!("{}()", c.func.name), &inputs, out);
                }
            }
            Expr::Binary(b) => self.binary(b, out),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }

    fn binary(&self, b: &BinaryExpr, out: &mut Vec<String>) {
        let (lv, rv) = (self.value(&b.lhs), self.value(&b.rhs));
        let (Some(lv), Some(rv)) = (lv, rv) else { return };
        if is_empty(&lv) || is_empty(&rv) {
            if is_empty(&lv) {
                self.node(&b.lhs, out);
            }
            if is_empty(&rv) {
                self.node(&b.rhs, out);
            }
            return;
        }
        let op = b.op.to_string();
        let returns_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
        match (&lv, &rv) {
            (Value::Vector(l), Value::Vector(r)) => {
                let matching = b.modifier.as_ref().and_then(|m| m.matching.as_ref());
                let (on, names) = match matching {
                    Some(m) => (m.is_include(), m.labels().labels.clone()),
                    None => (false, Vec::new()),
                };
                let sig = |labels: &Labels| {
                    let l = labels.without_metric_name();
                    if on {
                        l.keep_only(&names)
                    } else {
                        l.drop_names(&names)
                    }
                };
                let ls: BTreeSet<Labels> = l.iter().map(|s| sig(&s.labels)).collect();
                let rs: BTreeSet<Labels> = r.iter().map(|s| sig(&s.labels)).collect();
                if ls.is_disjoint(&rs) {
                    out.push(no_shared_label_set(
                        &op,
                        l.first().map(|s| &s.labels),
                        r.first().map(|s| &s.labels),
                        matching.is_some(),
                    ));
                } else if b.op.is_comparison_operator() && !returns_bool {
                    out.push(format!("The comparison `{op}` is false for every matching pair of series, so it filters them all out."));
                }
            }
            (Value::Vector(v), Value::Scalar { v: s, .. })
            | (Value::Scalar { v: s, .. }, Value::Vector(v))
                if b.op.is_comparison_operator() && !returns_bool =>
            {
                let vals: Vec<f64> = v.iter().map(|x| x.v).filter(|x| !x.is_nan()).collect();
                let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                out.push(format!(
                    "The filter `{op} {}` removed every series: the values compared range from {} to {}.",
                    fmt_num(*s),
                    fmt_num(lo),
                    fmt_num(hi)
                ));
            }
            _ => {}
        }
    }

    /// An operation (`name`) whose inputs hold series but whose result is empty: says what it
    /// received and read, and why for the operations that commonly do this.
    fn emptied(&self, name: &str, inputs: &[&Expr], out: &mut Vec<String>) {
        let (mut series, mut samples, mut series_seen) = (0usize, 0u64, Vec::new());
        for input in inputs {
            let Ok(o) = eval::eval_instant(self.storage, input, self.t, self.opts) else { continue };
            samples += o.stats.samples_touched;
            match o.value {
                Value::Vector(v) => {
                    series += v.len();
                    series_seen.extend(v.into_iter().map(|s| s.labels));
                }
                Value::Matrix(m) => {
                    series += m.len();
                    series_seen.extend(m.into_iter().map(|s| s.labels));
                }
                Value::Scalar { .. } | Value::String { .. } => {}
            }
        }
        if series == 0 {
            return;
        }
        let mut msg = format!(
            "At {}, {name} received {} series ({} samples read) but returned nothing.",
            format_instant(self.t),
            thousands(series as u64),
            thousands(samples)
        );
        if name == "histogram_quantile()" && series_seen.iter().all(|l| l.get("le").is_none()) {
            msg.push_str(
                " Its input has no `le` label, so it finds no buckets: keep `le` in the aggregation inside, \
                 e.g. `sum by (le, model) (rate(..._bucket[5m]))`.",
            );
        } else if matches!(name, "absent()" | "absent_over_time()") {
            msg.push_str(&format!(
                " {name} returns a series only when its input is empty: here the input has series, so nothing is absent."
            ));
        }
        out.push(msg);
    }

    /// A two-sample function over a window that holds fewer than two samples.
    fn short_window(&self, func: &str, args: &[Box<Expr>], out: &mut Vec<String>) {
        let Some(ms) = args.iter().find_map(|a| match a.as_ref() {
            Expr::MatrixSelector(ms) => Some(ms),
            _ => None,
        }) else {
            return;
        };
        let range = crate::engine::selector::duration_ms(&ms.range);
        let ids = matching_series(self.storage, &ms.vs);
        let Some(interval) = ids.iter().find_map(|&id| scrape_interval(&self.storage.all()[id].points))
        else {
            return;
        };
        if range < 2 * interval {
            out.push(format!(
                "The window [{}] is shorter than two scrape intervals (the data is scraped every {}): {func}() needs at least two samples in its window, so it returns nothing. Use a window of at least 4× the interval, e.g. [{}].",
                format_duration(range),
                format_duration(interval),
                format_duration((4 * interval).max(5 * 60_000))
            ));
        } else {
            out.push(format!(
                "{func}() found fewer than two samples in its [{}] window for every series.",
                format_duration(range)
            ));
        }
    }

    /// Why a selector selects nothing.
    fn selector(&self, vs: &VectorSelector, range: Option<Millis>, out: &mut Vec<String>) {
        let name = exact_name(vs);
        let metrics = self.storage.metric_names();
        if let Some(name) = name {
            if !metrics.contains(&name) {
                out.push(unknown_metric(name, &metrics));
                return;
            }
        }
        let has_name =
            |id: &usize| name.is_none_or(|n| self.storage.all()[*id].labels.metric_name() == Some(n));
        let of_name: Vec<usize> = (0..self.storage.len()).filter(has_name).collect();
        let others: Vec<&Matcher> = vs.matchers.matchers.iter().filter(|m| m.name != METRIC_NAME).collect();
        let what = name.map(|n| format!("`{n}`")).unwrap_or_else(|| "the selected".to_string());
        for m in &others {
            let keeps =
                of_name.iter().any(|&id| m.is_match(self.storage.all()[id].labels.get_or_empty(&m.name)));
            if keeps {
                continue;
            }
            let values: BTreeSet<&str> =
                of_name.iter().filter_map(|&id| self.storage.all()[id].labels.get(&m.name)).collect();
            if values.is_empty() {
                let names: BTreeSet<&str> = of_name
                    .iter()
                    .flat_map(|&id| self.storage.all()[id].labels.iter().map(|(n, _)| n))
                    .filter(|n| *n != METRIC_NAME)
                    .collect();
                out.push(format!(
                    "No {what} series has a label `{}`. Its labels are: {}.",
                    m.name,
                    names.into_iter().collect::<Vec<_>>().join(", ")
                ));
            } else {
                let list: Vec<&str> = values.iter().copied().collect();
                let close = closest(&m.value, &list, 3);
                let hint = if matches!(m.op, MatchOp::Equal) && !close.is_empty() {
                    format!(
                        " Did you mean {}?",
                        close.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(" or ")
                    )
                } else {
                    String::new()
                };
                out.push(format!(
                    "The matcher `{}{}\"{}\"` matches no {what} series. `{}` takes the values: {}.{hint}",
                    m.name,
                    m.op,
                    m.value,
                    m.name,
                    preview(&list, 12)
                ));
            }
        }
        if !out.is_empty() {
            return;
        }
        let ids = matching_series(self.storage, vs);
        if ids.is_empty() {
            if !others.is_empty() && !vs.matchers.or_matchers.is_empty() {
                return;
            }
            out.push(format!(
                "Each matcher matches some {what} series, but no series matches all of them together."
            ));
            return;
        }
        // Series exist: the time window must miss the data.
        let offset = crate::engine::selector::offset_ms(&vs.offset);
        let end = self.t - offset;
        let start = end - range.unwrap_or(self.opts.lookback_delta);
        if let Some((lo, hi)) = self.storage.time_bounds() {
            if end < lo || start >= hi {
                self.data_span.set(Some((lo, hi)));
                out.push(format!(
                    "The selector looks at {} to {}{}, but the data spans {} to {}.",
                    format_instant(start),
                    format_instant(end),
                    if offset != 0 {
                        format!(" (offset {})", format_duration(offset))
                    } else {
                        String::new()
                    },
                    format_instant(lo),
                    format_instant(hi)
                ));
                return;
            }
        }
        let window = range.unwrap_or(self.opts.lookback_delta);
        out.push(format!(
            "The matching series have no sample in the {} before {} (they may have stopped reporting).",
            format_duration(window),
            format_instant(end)
        ));
    }
}

/// Two non-empty instant vectors on either side of a binary operator whose match signatures
/// (the label sets `on()`/`ignoring()` leave) never meet, so no pair of series matches.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelMismatch {
    /// The label names (metric name left out) of the left and right series, sorted.
    pub left: Vec<String>,
    pub right: Vec<String>,
    /// Names both sides have, and those only one side has.
    pub shared: Vec<String>,
    pub only_left: Vec<String>,
    pub only_right: Vec<String>,
    /// One series of each side, and how many each side has.
    pub left_example: Labels,
    pub right_example: Labels,
    pub left_series: usize,
    pub right_series: usize,
}

impl LabelMismatch {
    /// The labels only one side has (the left's when both have some).
    pub fn extra(&self) -> &[String] {
        if self.only_left.is_empty() {
            &self.only_right
        } else {
            &self.only_left
        }
    }

    /// The matching that pairs the series up: `on(shared) group_left` when the left side has
    /// the extra labels (many left series per right one), `group_right` the other way round.
    pub fn fix_modifier(&self) -> String {
        let group = if self.only_left.is_empty() { "group_right" } else { "group_left" };
        format!("on({}) {group}", self.shared.join(", "))
    }

    /// The modifier that makes the operator match, when matching alone can: one side has
    /// labels the other lacks, and the sides share some label or one has none at all (then
    /// `on()`). Set operators match many-to-many: `on(shared)` without a group modifier.
    pub fn fix(&self, set_operator: bool) -> Option<String> {
        let fixable = !self.extra().is_empty()
            && (!self.shared.is_empty() || self.left.is_empty() || self.right.is_empty());
        fixable.then(|| {
            if set_operator {
                format!("on({})", self.shared.join(", "))
            } else {
                self.fix_modifier()
            }
        })
    }
}

/// The label mismatch of binary operator `b` at `t`: both sides evaluate to non-empty
/// instant vectors and no left series has the match signature of a right one.
pub fn label_mismatch(
    storage: &Storage,
    b: &BinaryExpr,
    t: Millis,
    opts: &EngineOptions,
) -> Option<LabelMismatch> {
    let vector = |side: &Expr| match eval::eval_instant(storage, side, t, opts).map(|o| o.value) {
        Ok(Value::Vector(v)) if !v.is_empty() => Some(v),
        _ => None,
    };
    let (left, right) = (vector(&b.lhs)?, vector(&b.rhs)?);
    mismatch_of(b, &left, &right)
}

/// The label mismatch of `b` given the values of its two sides (None when a side is empty or
/// some pair matches).
pub fn mismatch_of(b: &BinaryExpr, left: &[Sample], right: &[Sample]) -> Option<LabelMismatch> {
    if left.is_empty() || right.is_empty() {
        return None;
    }
    let signature = |labels: &Labels| match_signature(b, labels);
    let ls: BTreeSet<Labels> = left.iter().map(|s| signature(&s.labels)).collect();
    let rs: BTreeSet<Labels> = right.iter().map(|s| signature(&s.labels)).collect();
    if !ls.is_disjoint(&rs) {
        return None;
    }
    let names = |v: &[Sample]| -> BTreeSet<String> {
        v.iter()
            .flat_map(|s| s.labels.iter().map(|(n, _)| n.to_string()))
            .filter(|n| n != METRIC_NAME)
            .collect()
    };
    let (ln, rn) = (names(left), names(right));
    Some(LabelMismatch {
        shared: ln.intersection(&rn).cloned().collect(),
        only_left: ln.difference(&rn).cloned().collect(),
        only_right: rn.difference(&ln).cloned().collect(),
        left: ln.into_iter().collect(),
        right: rn.into_iter().collect(),
        left_example: left[0].labels.clone(),
        right_example: right[0].labels.clone(),
        left_series: left.len(),
        right_series: right.len(),
    })
}

/// The labels of a series that operator `b` matches on: all but the metric name, narrowed by
/// `on(...)` or `ignoring(...)`.
pub fn match_signature(b: &BinaryExpr, labels: &Labels) -> Labels {
    let l = labels.without_metric_name();
    match b.modifier.as_ref().and_then(|m| m.matching.as_ref()) {
        Some(m) if m.is_include() => l.keep_only(&m.labels().labels),
        Some(m) => l.drop_names(&m.labels().labels),
        None => l,
    }
}

/// Ids of the stored series a selector's matchers select.
fn matching_series(storage: &Storage, vs: &VectorSelector) -> Vec<usize> {
    let name = exact_name(vs);
    let all_match =
        |ms: &[Matcher], labels: &Labels| ms.iter().all(|m| m.is_match(labels.get_or_empty(&m.name)));
    storage
        .all()
        .iter()
        .enumerate()
        .filter(|(_, s)| name.is_none_or(|n| s.labels.metric_name() == Some(n)))
        .filter(|(_, s)| {
            all_match(&vs.matchers.matchers, &s.labels)
                && (vs.matchers.or_matchers.is_empty()
                    || vs.matchers.or_matchers.iter().any(|ms| all_match(ms, &s.labels)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The typical spacing of a series' samples (the median gap), if it has two samples.
pub fn scrape_interval(points: &[crate::engine::Point]) -> Option<Millis> {
    let mut gaps: Vec<Millis> = points.windows(2).map(|w| w[1].t - w[0].t).filter(|g| *g > 0).collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    Some(gaps[gaps.len() / 2])
}

fn unknown_metric(name: &str, metrics: &[&str]) -> String {
    let family: Vec<&str> = ["_bucket", "_sum", "_count"]
        .iter()
        .map(|s| format!("{name}{s}"))
        .filter_map(|n| metrics.iter().copied().find(|m| *m == n))
        .collect();
    if family.len() >= 2 {
        return format!(
            "`{name}` is a classic histogram: it has no series of that exact name, only {}. Use `{name}_bucket` with histogram_quantile(), or `{name}_sum` / `{name}_count` for averages.",
            family.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
        );
    }
    let close = closest(name, metrics, 3);
    if close.is_empty() {
        format!("There is no metric `{name}` in this dataset.")
    } else {
        format!(
            "There is no metric `{name}` in this dataset. Closest names: {}.",
            close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        )
    }
}

fn no_shared_label_set(
    op: &str,
    left: Option<&Labels>,
    right: Option<&Labels>,
    has_matching: bool,
) -> String {
    let show = |l: Option<&Labels>| l.map(|l| l.without_metric_name().to_string()).unwrap_or_default();
    let common: Vec<String> = match (left, right) {
        (Some(l), Some(r)) => l
            .iter()
            .filter(|(n, _)| *n != METRIC_NAME && r.get(n).is_some())
            .map(|(n, _)| n.to_string())
            .collect(),
        _ => Vec::new(),
    };
    let advice = if common.is_empty() {
        "The two sides have no label name in common; aggregate one side first (e.g. `sum by (model) (...)`)."
            .to_string()
    } else if has_matching {
        format!(
            "Check the label list of on()/ignoring(): labels present on both sides are {}.",
            common.join(", ")
        )
    } else {
        format!("Match on the labels both sides share, e.g. `{op} on({})`, and add group_left when several left series match one right series.", common.join(", "))
    };
    format!(
        "The two sides of `{op}` share no label set, so no pair of series matches. A left series: {}; a right series: {}. {advice}",
        show(left),
        show(right)
    )
}

/// Up to `n` candidates closest to `target` by edit distance (ties: shorter first), leaving
/// out those too far to be a plausible typo or relative.
pub fn closest<'a>(target: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| {
            let d = edit_distance(target, c);
            // A candidate containing the target (or contained in it) is a close relative.
            let related = c.contains(target) || target.contains(*c);
            (if related { d.min(2) } else { d }, *c)
        })
        .filter(|(d, c)| *d <= (target.len().max(c.len()) / 2).max(2))
        .collect();
    scored.sort_by_key(|(d, c)| (*d, c.len()));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn preview(list: &[&str], n: usize) -> String {
    let mut s = list.iter().take(n).map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ");
    if list.len() > n {
        s.push_str(&format!(" and {} more", list.len() - n));
    }
    s
}

fn fmt_num(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e-3 && v.abs() < 1e12 {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names() {
        let names = ["model_predictions_total", "model_prediction_errors_total", "model_memory_usage_bytes"];
        assert_eq!(closest("model_prediction_total", &names, 1), vec!["model_predictions_total"]);
        assert_eq!(closest("model_memory_bytes", &names, 1), vec!["model_memory_usage_bytes"]);
        assert!(closest("zzz", &names, 3).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    /// Two models' counters and a latency histogram, every 30 s for an hour from 0.
    fn storage() -> Storage {
        let mut st = Storage::new();
        for i in 0..=120i64 {
            let t = i * 30_000;
            for (model, rate) in [("fraud-detector", 2.0), ("recommender", 5.0)] {
                let labels = Labels::from_pairs([("__name__", "model_predictions_total"), ("model", model)]);
                st.add(&labels, t, rate * i as f64).expect("in order");
                for (le, share) in [("0.1", 0.5), ("1", 0.9), ("+Inf", 1.0)] {
                    let labels =
                        Labels::from_pairs([("__name__", "lat_bucket"), ("model", model), ("le", le)]);
                    st.add(&labels, t, (rate * share * i as f64).floor()).expect("in order");
                }
            }
        }
        st
    }

    #[test]
    fn explains_a_misspelt_label_value() {
        let why = why(
            &storage(),
            "rate(model_predictions_total{model=\"fraud_detector\"}[5m])",
            1_800_000,
            &EngineOptions::default(),
        );
        assert_eq!(why.reasons.len(), 1, "{why:?}");
        assert!(why.reasons[0].ends_with("Did you mean \"fraud-detector\"?"), "{why:?}");
        assert_eq!(why.data_span, None);
    }

    #[test]
    fn names_the_operation_that_emptied_matching_series() {
        let opts = EngineOptions::default();
        let st = storage();
        let q = "histogram_quantile(0.9, sum by (model) (rate(lat_bucket[5m])))";
        let reasons = explain(&st, q, 1_800_000, &opts);
        // Six bucket series, 10 samples each in the 5-minute window.
        assert_eq!(
            reasons,
            vec!["At 1970-01-01T00:30:00Z, histogram_quantile() received 2 series (60 samples read) but returned \
                  nothing. Its input has no `le` label, so it finds no buckets: keep `le` in the aggregation \
                  inside, e.g. `sum by (le, model) (rate(..._bucket[5m]))`."
                .to_string()]
        );
        let reasons = explain(&st, "absent(model_predictions_total)", 1_800_000, &opts);
        let absent = "At 1970-01-01T00:30:00Z, absent() received 2 series (2 samples read) but returned nothing. absent()";
        assert!(reasons[0].starts_with(absent), "{reasons:?}");
    }

    #[test]
    fn a_time_outside_the_data_says_where_the_data_is() {
        let why = why(&storage(), "sum(model_predictions_total)", 7_200_000, &EngineOptions::default());
        assert_eq!(why.data_span, Some((0, 3_600_000)));
        assert_eq!(
            why.reasons,
            vec!["The selector looks at 1970-01-01T01:55:00Z to 1970-01-01T02:00:00Z, but the data spans \
                  1970-01-01T00:00:00Z to 1970-01-01T01:00:00Z."
                .to_string()]
        );
    }

    #[test]
    fn range_queries_are_explained_at_their_last_instant_with_data() {
        let data = Some((100, 200));
        for (start, end, want) in [(150, 300, 200), (120, 180, 180), (300, 400, 400), (0, 50, 50)] {
            assert_eq!(probe_time(start, end, data), want, "{start}..{end}");
        }
        assert_eq!(probe_time(0, 10, None), 10);
    }

    #[test]
    fn intervals() {
        use crate::engine::Point;
        let pts: Vec<Point> = [0, 30_000, 60_000, 95_000].iter().map(|&t| Point { t, v: 0.0 }).collect();
        assert_eq!(scrape_interval(&pts), Some(30_000));
        assert_eq!(scrape_interval(&pts[..1]), None);
    }
}
