//! `promtool test rules`: Prometheus's unit-test files for rules, read ([`TestFile`]), run
//! ([`run`]) and reported ([`report`]) with promtool's verdicts.
//!
//! A test file names rule files, an evaluation interval and test groups; each group loads
//! input series (promqltest series notation, one sample per `interval` from time 0),
//! evaluates every rule group at the evaluation interval from 0 to the group's latest
//! `eval_time`, and checks the firing alerts (`alert_rule_test`) and PromQL results
//! (`promql_expr_test`) at given times. The semantics are promtool 2.42's
//! (cmd/promtool/unittest.go; ../shared/alerting/SEMANTICS.md §7): alerting rules count as
//! restored at once, group `interval`s are ignored, only firing alerts are compared, an
//! evaluation error ends the test group, PromQL results must match exactly.

pub mod report;
pub mod run;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::duration;
use crate::engine::Millis;

pub use report::render;
pub use run::{evaluate_group, firing, run_file, AlertFacts, FileOutcome, Problem, RuleSource, RunOptions};

/// A unit-test file (promtool's `unitTestFile`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    #[serde(default)]
    pub rule_files: Vec<String>,
    #[serde(default)]
    pub evaluation_interval: Option<String>,
    #[serde(default)]
    pub group_eval_order: Vec<String>,
    #[serde(default)]
    pub tests: Vec<TestGroup>,
}

/// A group of input series and the checks run on them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestGroup {
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub input_series: Vec<InputSeries>,
    #[serde(default)]
    pub alert_rule_test: Vec<AlertTest>,
    #[serde(default)]
    pub promql_expr_test: Vec<PromqlTest>,
    #[serde(default)]
    pub external_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub name: String,
}

/// One input series: `metric{labels}` and its values in series notation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSeries {
    pub series: String,
    #[serde(default)]
    pub values: String,
}

/// The firing alerts expected of one alerting rule at one time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertTest {
    #[serde(default)]
    pub eval_time: Option<String>,
    #[serde(default)]
    pub alertname: String,
    #[serde(default)]
    pub exp_alerts: Vec<ExpectedAlert>,
}

/// One expected alert: its labels (without `alertname`, which is added) and annotations.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAlert {
    #[serde(default)]
    pub exp_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub exp_annotations: BTreeMap<String, String>,
}

/// The expected result of a PromQL expression at one time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromqlTest {
    pub expr: String,
    #[serde(default)]
    pub eval_time: Option<String>,
    #[serde(default)]
    pub exp_samples: Vec<ExpectedSample>,
}

/// One expected sample: its series (`name{labels}`) and value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedSample {
    #[serde(default)]
    pub labels: String,
    #[serde(default)]
    pub value: f64,
}

/// A duration field (`eval_time`, `interval`): absent is 0.
pub fn duration_field(text: &Option<String>) -> Result<Millis, String> {
    match text.as_deref() {
        None | Some("") => Ok(0),
        Some(t) => duration::parse(t),
    }
}

/// Parses a test file's text; errors carry the line they concern, and an unknown field is
/// named the way promtool's strict YAML reading names it (`field histogram not found`).
pub fn parse(name: &str, text: &str) -> Result<TestFile, String> {
    crate::content::yaml::parse::<TestFile>(name, text).map_err(|p| {
        let message = p.to_string();
        match message.split_once("unknown field `") {
            Some((before, rest)) => {
                let (field, after) = rest.split_once('`').unwrap_or((rest, ""));
                let expected = after.trim_start_matches(", ").replace('`', "");
                format!("{before}field {field} not found ({expected})")
            }
            None => message,
        }
    })
}
