//! The PromQL that shows each figure of the cardinality explorer in the playground, so the
//! page teaches the queries too (the seed's `count by (job) ({__name__=~".+"})` and friends).
//!
//! A query counts the series that have a sample in the 5-minute lookback at its evaluation
//! time; the TSDB status counts every series the head holds. With churning pods the query
//! therefore shows fewer series: the explorer says so next to the link.

/// A PromQL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every series.
pub const ALL_SERIES: &str = "{__name__=~\".+\"}";

/// Total series (the seed's first question).
pub fn total(selector: &str) -> String {
    format!("count({})", or_all(selector))
}

/// Series per metric name, largest first (the seed's second question).
pub fn per_metric(selector: &str, limit: usize) -> String {
    format!("topk({limit}, count by (__name__) ({}))", or_all(selector))
}

/// Series per job (the seed's third question).
pub fn per_job(selector: &str) -> String {
    format!("count by (job) ({})", or_all(selector))
}

/// Series per value of `label`.
pub fn per_value(selector: &str, label: &str) -> String {
    format!("count by ({label}) ({})", with_label(selector, label))
}

/// Number of distinct values of `label`.
pub fn distinct_values(selector: &str, label: &str) -> String {
    format!("count(count by ({label}) ({}))", with_label(selector, label))
}

/// Series with `label="value"`.
pub fn pair(label: &str, value: &str) -> String {
    format!("count({{{label}={}}})", quote(value))
}

/// Series of metric `name` (the seed's `count($metric)`).
pub fn metric(name: &str) -> String {
    format!("count({{__name__={}}})", quote(name))
}

/// Series a `by (...)` grouping produces.
pub fn grouping(selector: &str, by: &[String]) -> String {
    format!("count(count by ({}) ({}))", by.join(", "), or_all(selector))
}

fn or_all(selector: &str) -> String {
    let s = selector.trim();
    if s.is_empty() {
        return ALL_SERIES.into();
    }
    match s.strip_suffix('*') {
        Some(prefix) if !s.contains('{') => format!("{{__name__=~{}}}", quote(&format!("{prefix}.*"))),
        _ => s.to_string(),
    }
}

/// The selector narrowed to series that have `label` (`{label!=""}` when it selects all).
fn with_label(selector: &str, label: &str) -> String {
    if selector.trim().is_empty() {
        format!("{{{label}!=\"\"}}")
    } else {
        or_all(selector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_queries() {
        assert_eq!(total(""), "count({__name__=~\".+\"})");
        assert_eq!(per_job(""), "count by (job) ({__name__=~\".+\"})");
        assert_eq!(per_metric("", 10), "topk(10, count by (__name__) ({__name__=~\".+\"}))");
        assert_eq!(total("model_*"), "count({__name__=~\"model_.*\"})");
        assert_eq!(distinct_values("", "pod_uid"), "count(count by (pod_uid) ({pod_uid!=\"\"}))");
        assert_eq!(pair("job", "a\"b"), "count({job=\"a\\\"b\"})");
    }
}
