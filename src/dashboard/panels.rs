//! The dashboard's panels, chosen from the seed's query catalog: every catalog query a
//! recorded series of the seed's rules replaces, the seed's "multiple percentiles in single
//! panel", and the core request-rate, error-ratio and latency panels taken from the seed's
//! recording rules (the raw query is the rule's expression with every recorded series it reads
//! expanded, as a dashboard without the rules would run it).
//!
//! Nothing here repeats query text: a panel names the catalog entry or the rule it shows.

use std::collections::HashMap;

use promql_parser::parser::Expr;
use serde::{Deserialize, Serialize};

use crate::assist::library::catalog::{seed_queries, seed_rules, SEED_RECORDING_RULES};
use crate::assist::units::{self, Unit};
use crate::content::error::ContentError;
use crate::engine::parse;
use crate::rules::cost;

/// One query of a panel and how Grafana names its series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub expr: String,
    /// Grafana's `legendFormat` (`{{model}}`, or a fixed name such as `p95`).
    pub legend: String,
}

/// One panel: its raw queries and, when the seed's rules record them, the recorded ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    pub title: String,
    /// Where the panel comes from in the seed (task and TODO, or the rule).
    pub source: String,
    pub unit: Unit,
    pub raw: Vec<Target>,
    /// None when no recorded series replaces the raw queries.
    pub recorded: Option<Vec<Target>>,
}

impl Panel {
    /// The queries shown in `recorded` mode (the raw ones when nothing replaces them).
    pub fn targets(&self, recorded: bool) -> &[Target] {
        match (&self.recorded, recorded) {
            (Some(r), true) => r,
            _ => &self.raw,
        }
    }
}

/// Where a panel's queries come from.
enum From {
    /// The catalog entry with this title (its `recorded` name, if any, replaces it).
    Catalog(&'static str),
    /// The seed's recording rule recording this name.
    Rule(&'static str),
}

/// How a panel's series are named in the legend.
enum Legend {
    /// By these labels (`{{model}}`).
    Labels(&'static [&'static str]),
    /// One target per `or` operand of the query, named in order (the seed's percentile panel:
    /// `or` of label-less results keeps only the first, so Grafana gets one target each).
    Split(&'static [&'static str]),
}

/// The panels, in dashboard order: two per row.
const PANELS: &[(&str, From, Legend)] = &[
    (
        "Request rate per model",
        From::Catalog("Sum by model name (group by model label)"),
        Legend::Labels(&["model"]),
    ),
    ("Platform request rate", From::Rule("platform:predictions:rate5m"), Legend::Labels(&[])),
    (
        "Error ratio per model and version",
        From::Rule("model:error_ratio:rate5m"),
        Legend::Labels(&["model", "version"]),
    ),
    ("Platform error ratio", From::Rule("platform:error_ratio:rate5m"), Legend::Labels(&[])),
    ("p95 latency per model", From::Catalog("95th percentile latency"), Legend::Labels(&["model"])),
    (
        "Latency percentiles (p50, p95, p99)",
        From::Catalog("Multiple percentiles in single panel (for Grafana)"),
        Legend::Split(&["p50", "p95", "p99"]),
    ),
    ("Mean latency per model", From::Rule("model:latency:mean"), Legend::Labels(&["model"])),
    ("Cache hit ratio per model", From::Catalog("Per-model cache hit rate"), Legend::Labels(&["model"])),
];

/// The seed's dashboard.
pub fn seed_panels() -> Result<Vec<Panel>, ContentError> {
    let catalog = seed_queries()?;
    let rules = seed_rules(SEED_RECORDING_RULES)?;
    let expanded: HashMap<String, String> =
        cost::pairs(&rules).into_iter().filter(|p| !p.from_seed).map(|p| (p.label, p.raw)).collect();
    let missing =
        |what: &str| ContentError::at("src/dashboard/panels.rs", 0, format!("no seed query {what}"));
    let mut out = Vec::new();
    for (title, from, legend) in PANELS {
        let (raw, recorded, source) = match from {
            From::Catalog(name) => {
                let q = catalog.iter().find(|q| q.title == *name).ok_or_else(|| missing(name))?;
                (q.query.clone(), q.recorded.clone(), format!("{}, {}", q.todo, q.title))
            }
            From::Rule(record) => {
                let raw = expanded.get(*record).ok_or_else(|| missing(record))?;
                (raw.clone(), Some(record.to_string()), format!("TODO 3.1 recording rule `{record}`"))
            }
        };
        let unit = units::of_query(&raw);
        let (raw, recorded) = match legend {
            Legend::Labels(labels) => {
                let legend = labels.iter().map(|l| format!("{{{{{l}}}}}")).collect::<Vec<_>>().join(" ");
                let target = |expr: String| vec![Target { expr, legend: legend.clone() }];
                (target(raw), recorded.map(target))
            }
            Legend::Split(names) => {
                let parts = or_operands(&raw).map_err(|e| missing(&format!("{raw}: {e}")))?;
                if parts.len() != names.len() {
                    return Err(missing(&format!("with {} `or` operands: {raw}", names.len())));
                }
                let targets =
                    parts.into_iter().zip(*names).map(|(expr, n)| Target { expr, legend: n.to_string() });
                (targets.collect(), None)
            }
        };
        out.push(Panel { title: title.to_string(), source, unit, raw, recorded });
    }
    Ok(out)
}

/// The operands of a chain of top-level `or`s, each as one line of PromQL.
fn or_operands(query: &str) -> Result<Vec<String>, String> {
    fn collect(expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::Binary(b) if b.op.to_string() == "or" => {
                collect(&b.lhs, out);
                collect(&b.rhs, out);
            }
            Expr::Paren(p) => collect(&p.expr, out),
            other => out.push(other.to_string()),
        }
    }
    let expr = parse::parse(query).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    collect(&expr, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_query_with_a_recorded_replacement_has_a_panel() {
        let panels = seed_panels().unwrap();
        assert_eq!(panels.len(), PANELS.len());
        let recorded: Vec<&str> =
            panels.iter().filter_map(|p| p.recorded.as_ref()).flatten().map(|t| t.expr.as_str()).collect();
        for q in seed_queries().unwrap() {
            if let Some(name) = &q.recorded {
                assert!(recorded.contains(&name.as_str()), "{name} ({}) has no panel", q.title);
            }
        }
    }

    #[test]
    fn the_percentile_panel_has_one_target_per_quantile() {
        let panels = seed_panels().unwrap();
        let p = panels.iter().find(|p| p.title.starts_with("Latency percentiles")).unwrap();
        let exprs: Vec<&str> = p.raw.iter().map(|t| t.expr.as_str()).collect();
        assert_eq!(exprs.len(), 3);
        for (e, q) in exprs.iter().zip(["0.5", "0.95", "0.99"]) {
            assert!(e.starts_with(&format!("histogram_quantile({q}, ")), "{e}");
            assert!(!e.contains(" or "), "{e}");
        }
        assert_eq!(p.recorded, None);
        assert_eq!(p.targets(true), p.raw.as_slice());
    }

    #[test]
    fn rule_panels_expand_the_recorded_series_they_read() {
        let panels = seed_panels().unwrap();
        let platform = panels.iter().find(|p| p.title == "Platform error ratio").unwrap();
        let raw = &platform.raw[0].expr;
        assert!(!raw.contains(':') && raw.contains("model_prediction_errors_total"), "{raw}");
        assert_eq!(platform.targets(true)[0].expr, "platform:error_ratio:rate5m");
        let latency = panels.iter().find(|p| p.title == "p95 latency per model").unwrap();
        assert_eq!((latency.unit, latency.raw[0].legend.as_str()), (Unit::Seconds, "{{model}}"));
    }
}
