//! Prometheus relabeling (`relabel_configs`, `metric_relabel_configs`): decoding and
//! validating rule lists exactly as Prometheus does, running them over a label set (with a
//! rule-by-rule trace) and over a whole dataset.
//!
//! - [`decode`] reads the YAML (a rule list, a section, or a job of a Prometheus config) and
//!   [`validate`] refuses what Prometheus refuses, with Prometheus's messages and positions;
//! - [`regex`] compiles Go regexes, [`expand`] is Go's `$1` expansion, [`builder`] is
//!   Prometheus's label builder, [`apply`] runs the actions.
//!
//! The semantics are Prometheus 3's (SEMANTICS.md of the relabel corpus); [`Semantics`]
//! also reproduces Prometheus 2.42, which the differential test runs for real.

pub mod apply;
pub mod builder;
pub mod case;
pub mod dataset;
pub mod decode;
pub mod expand;
pub mod model;
pub mod names;
pub mod regex;
pub mod validate;

pub use apply::{process, process_recorded, trace, LabelPairs, Outcome, Trace, TraceStep};
pub use builder::Change;
pub use decode::{load, ConfigError, LoadOptions, Loaded, Shape};
pub use model::{Action, NameScheme, Rule, RuleSet, Section, Semantics};

/// The seed's `prometheus-relabeling.yaml` (TODO 5.3), as the seed writes it.
pub const SEED_CONFIG: &str = include_str!("seed_relabeling.yaml");
