//! PromQL Playground: a PromQL engine over canned ML-serving metrics, the content (datasets,
//! exercises) built on it, and rule evaluation. The same library backs the browser app
//! (`ui`, wasm32 only) and the native `promplay` CLI.
//!
//! Layering rule: `engine`, `content` and `rules` never import UI crates. In the browser the
//! app (`ui`) and the engine run as two modules: `ui` reaches the engine only through the
//! messages of `link`, which `host` answers inside the engine module.

pub mod alertmanager;
pub mod assist;
pub mod bench;
pub mod bench_rules;
pub mod cardinality;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod content;
pub mod dashboard;
pub mod deliverables;
pub mod engine;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz;
pub mod gotemplate;
pub mod host;
pub mod link;
pub mod promqltest;
pub mod relabel;
pub mod remote;
pub mod rules;

// The components inside are wasm32-only; its pure view helpers compile (and are tested)
// natively too.
pub mod ui;
