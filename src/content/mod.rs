//! Learning content: dataset and exercise packs, their loaders and grading.
//!
//! A pack is a `pack.yaml` manifest listing dataset files and exercise files (see
//! `docs/packs.md`). Dataset files describe their data either with a deterministic generator
//! spec or with explicit series files (OpenMetrics with timestamps, or promqltest `load`
//! notation). The built-in packs are embedded in the binary ([`builtin`]).

pub mod alert_exercise;
pub mod am_exercise;
pub mod builtin;
pub mod builtin_catalogue;
#[cfg(not(target_arch = "wasm32"))]
pub mod check;
pub mod dataset;
pub mod error;
pub mod exercise;
pub mod exercise_pack;
pub mod explain_empty;
pub mod export;
pub mod field_check;
pub mod generator;
pub mod grade;
pub mod instant;
pub mod loader;
pub mod markdown;
pub mod metric_types;
pub mod openmetrics;
pub mod pack;
pub mod progress;
pub mod relabel_exercise;
pub mod rule_exercise;
pub mod series;
pub mod time;
pub mod yaml;
pub mod yaml_de;

pub use builtin::{builtin_dataset, builtin_datasets};
pub use dataset::{Dataset, DatasetMeta, Event, EventKind, Metric, MetricType};
pub use error::{ContentError, Problem};
pub use loader::{LoadedPack, PackFiles};
pub use pack::PackManifest;
