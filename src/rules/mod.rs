//! Prometheus rule files: recording and alerting rules, validation and evaluation over a
//! dataset timeline.
//!
//! - [`load`] decodes a rule file (strictly, like Prometheus), [`configmap`] finds rule files
//!   embedded in a Kubernetes ConfigMap, [`check`] is `promtool check rules`;
//! - [`eval`] runs recording and alerting rules over a dataset's timeline ([`alerting`] is one
//!   alerting rule's state machine, [`alert_timeline`] what it did), [`explain`] says why a
//!   rule recorded nothing, [`cost`] compares raw queries with recorded series, [`equivalence`]
//!   says whether a recorded series really replaces its raw query;
//! - [`templating`] expands alert label and annotation templates as Prometheus does;
//! - [`unittest`] is `promtool test rules`.
//! - [`annotate`] edits one annotation of an alerting rule in the file's text (the alerting
//!   lab's runbook fields).

pub mod alert_explain;
pub mod alert_timeline;
pub mod alerting;
pub mod alerts_at;
pub mod annotate;
pub mod ast;
pub mod check;
pub mod configmap;
pub mod cost;
pub mod duration;
pub mod equivalence;
pub mod eval;
pub mod eval_output;
pub mod eval_steps;
pub mod explain;
pub mod load;
pub mod model;
pub mod names;
pub mod notifier;
pub mod templating;
pub mod unittest;
pub mod yaml;

pub use check::{check, CheckOptions, CheckReport, Diagnostic, Severity, Verdict};
pub use eval::{evaluate, evaluate_timed, EvalOptions, Evaluation, Restore, RuleOutcome};
pub use load::Dialect;
pub use model::{KeyValue, Pos, Rule, RuleFile, RuleGroup};
pub use templating::{expand, AlertTemplate, AlertTemplateData, TemplateQuerier};
