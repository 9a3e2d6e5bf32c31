//! Which series a breakdown covers: a PromQL series selector (`{job="model-serving"}`,
//! `model_predictions_total{model=~"fraud.*"}`) or a metric-name pattern (`model_*`), and the
//! number of series a `by (...)` grouping of them would produce.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::status::{top, Stat};
use crate::engine::parse::parse;
use crate::engine::selector::{select_matching, CompiledMatcher};
use crate::engine::storage::SeriesId;
use crate::engine::{Storage, METRIC_NAME};

/// The series of `storage` that `selector` selects; an empty selector selects every series.
pub fn select(storage: &Storage, selector: &str) -> Result<Vec<SeriesId>, String> {
    let text = selector.trim();
    if text.is_empty() {
        return Ok((0..storage.len()).collect());
    }
    if let Some(prefix) = name_pattern(text) {
        let m = CompiledMatcher::regex(METRIC_NAME, &format!("{}.*", regex::escape(prefix)))
            .ok_or_else(|| format!("{text:?} is not a metric-name pattern"))?;
        return Ok(select_matching(storage, &[m]));
    }
    let expr = parse(text).map_err(|e| e.to_string())?;
    let promql_parser::parser::Expr::VectorSelector(vs) = expr else {
        return Err(format!(
            "{text:?} is not a series selector: write a metric name and/or {{label matchers}}"
        ));
    };
    if vs.offset.is_some() || vs.at.is_some() {
        return Err("offset and @ do not change which series exist: leave them out".into());
    }
    let mut groups: Vec<Vec<CompiledMatcher>> = Vec::new();
    let base: Vec<CompiledMatcher> = vs.matchers.matchers.iter().map(CompiledMatcher::new).collect();
    if vs.matchers.or_matchers.is_empty() {
        groups.push(base);
    } else {
        for g in &vs.matchers.or_matchers {
            groups.push(g.iter().map(CompiledMatcher::new).chain(base.iter().cloned()).collect());
        }
    }
    let mut ids = Vec::new();
    for mut group in groups {
        if let Some(name) = &vs.name {
            group.push(CompiledMatcher::eq(METRIC_NAME, name));
        }
        ids.extend(select_matching(storage, &group));
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// `model_*` → `model_`: a metric-name prefix with a trailing `*` (not PromQL, but what people
/// type first).
pub(super) fn name_pattern(text: &str) -> Option<&str> {
    let prefix = text.strip_suffix('*')?;
    prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':').then_some(prefix)
}

/// How many of a grouping's largest groups the explorer lists.
pub const GROUP_ROWS: usize = 5;

/// What a `by (labels)` grouping of some series produces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grouping {
    /// The label names grouped by.
    pub by: Vec<String>,
    /// Output series of `count by (...)`: distinct value tuples.
    pub groups: u64,
    /// The largest groups (`a="x", b="y"` → series in it).
    pub largest: Vec<Stat>,
}

/// Groups the series `ids` by the labels `by` (as `count by (by) (...)` would).
pub fn grouping(storage: &Storage, ids: &[SeriesId], by: &[String], limit: usize) -> Grouping {
    let mut counts: HashMap<Vec<&str>, u64> = HashMap::new();
    for &id in ids {
        let labels = &storage.get(id).labels;
        let key: Vec<&str> = by.iter().map(|n| labels.get_or_empty(n)).collect();
        *counts.entry(key).or_default() += 1;
    }
    let groups = counts.len() as u64;
    let entries = counts
        .into_iter()
        .map(|(values, n)| {
            let text: Vec<String> = by
                .iter()
                .zip(values)
                .map(|(name, v)| format!("{name}={}", crate::cardinality::queries::quote(v)))
                .collect();
            (text.join(", "), n)
        })
        .collect();
    Grouping { by: by.to_vec(), groups, largest: top(entries, limit) }
}

/// Reads `job, model` or `(job, model)` as a list of label names.
pub fn parse_by(text: &str) -> Result<Vec<String>, String> {
    let inner = text.trim().trim_start_matches("by").trim();
    let inner = inner.strip_prefix('(').and_then(|s| s.strip_suffix(')')).unwrap_or(inner);
    let names: Vec<String> =
        inner.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    for n in &names {
        let valid = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("{n:?} is not a label name"));
        }
    }
    Ok(names)
}
