//! A Prometheus-compatible HTTP API as a data source — Prometheus itself, Thanos Querier,
//! Grafana Mimir or Cortex under `/prometheus`, VictoriaMetrics: the URLs to ask, how their
//! answers and failures read, the raw series a query needs, and the comparison of a remote
//! answer with the local engine's. Nothing here does I/O: the command line fetches with a
//! native HTTP client (`src/cli/remote.rs`), and the browser will with its own fetch.

pub mod allow;
pub mod api;
pub mod diff;
pub mod error;
pub mod outcome;
pub mod raw;
pub mod record;
pub mod window;

pub use api::Source;
pub use error::RemoteError;
