//! The seed's queries as data: seed.yaml (the PromQL blocks of the seed exercise, by task
//! and TODO) plus the expressions of the seed's recording and alerting rule files.

use serde::Deserialize;

use crate::content::error::ContentError;
use crate::content::yaml;
use crate::rules::configmap;
use crate::rules::load::decode_text;
use crate::rules::{CheckOptions, RuleFile};

/// The seed's recording rules (TODO 3.1), as the ConfigMap it applies.
pub const SEED_RECORDING_RULES: &str =
    include_str!("../../../tests/rules/seed_recording_rules.configmap.yaml");
/// The seed's alerting rules (TODO 4.1).
pub const SEED_ALERT_RULES: &str = include_str!("../../../tests/rules/seed_alert_rules.configmap.yaml");

const SEED_QUERIES: &str = include_str!("seed.yaml");

/// One query of the seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedQuery {
    /// The seed's task (`Task 2: Advanced PromQL for ML metrics`) and TODO.
    pub task: String,
    pub todo: String,
    /// The seed's comment above the query, or the rule it comes from.
    pub title: String,
    /// The query as the seed writes it.
    pub query: String,
    /// The recorded series of the seed's rules that replaces this query.
    pub recorded: Option<String>,
    /// The seed's own remark about the query's performance.
    pub note: Option<String>,
    /// Shown by Task 5.1 as what not to do.
    pub anti_pattern: bool,
    /// The series a recording rule's expression records (None for other queries).
    pub record: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    task: String,
    todo: String,
    #[serde(default)]
    rules: Option<String>,
    #[serde(default)]
    queries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    title: String,
    query: String,
    #[serde(default)]
    recorded: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    anti_pattern: bool,
}

/// Every query of the seed, in the seed's order.
pub fn seed_queries() -> Result<Vec<SeedQuery>, ContentError> {
    let file = "src/assist/library/seed.yaml";
    let sections: Vec<Section> = yaml::parse(file, SEED_QUERIES).map_err(ContentError::from)?;
    let mut out = Vec::new();
    for s in sections {
        let query = |title: String, query: String, recorded: Option<String>| SeedQuery {
            task: s.task.clone(),
            todo: s.todo.clone(),
            title,
            query: query.trim_end().to_string(),
            recorded,
            note: None,
            anti_pattern: false,
            record: None,
        };
        match s.rules.as_deref() {
            Some("recording") => {
                for (_, r) in seed_rules(SEED_RECORDING_RULES)?.rules() {
                    let mut q = query(format!("Recording rule `{}`", r.record), r.expr.clone(), None);
                    q.record = Some(r.record.clone());
                    out.push(q);
                }
            }
            Some("alerting") => {
                for (_, r) in seed_rules(SEED_ALERT_RULES)?.rules() {
                    out.push(query(format!("Alert `{}`", r.alert), r.expr.clone(), None));
                }
            }
            Some(other) => {
                return Err(ContentError::at(file, 0, format!("unknown rules kind {other:?}")));
            }
            None => {}
        }
        for e in &s.queries {
            let mut q = query(e.title.clone(), e.query.clone(), e.recorded.clone());
            q.note = e.note.clone();
            q.anti_pattern = e.anti_pattern;
            out.push(q);
        }
    }
    Ok(out)
}

/// One of the seed's rule files (each a ConfigMap), decoded as `promtool check rules` decodes
/// it but without its checks: the rules tests check the seed's files, and skipping them keeps
/// the alert templates' code out of the playground's engine module (its lint reads these).
pub fn seed_rules(text: &str) -> Result<RuleFile, ContentError> {
    let undecodable = || ContentError::at("tests/rules", 0, "a seed rule file does not decode");
    let parts = configmap::unwrap(text).filter(|parts| !parts.is_empty()).ok_or_else(undecodable)?;
    let mut all = RuleFile::default();
    for part in parts {
        let file = decode_text(&part.text, CheckOptions::default().dialect, part.shift)
            .map_err(|_| undecodable())?;
        if all.groups.is_empty() {
            all.first_line = file.first_line;
        }
        all.groups.extend(file.groups);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_query_parses() {
        let queries = seed_queries().unwrap();
        assert_eq!(queries.len(), 89);
        for q in &queries {
            crate::engine::parse::parse(&q.query).unwrap_or_else(|e| panic!("{}: {e}", q.query));
        }
        let rules = queries.iter().filter(|q| q.title.starts_with("Recording rule")).count();
        let alerts = queries.iter().filter(|q| q.title.starts_with("Alert")).count();
        assert_eq!((rules, alerts), (16, 11));
        assert_eq!(queries.iter().filter(|q| q.anti_pattern).count(), 5);
    }
}
