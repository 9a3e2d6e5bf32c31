//! Cardinality: what Prometheus's TSDB status page (`/api/v1/status/tsdb`) reports, over any
//! storage the playground has open (built-in, pack, relabeled, with recorded series) and over
//! any selection of it, plus the series a `by (...)` grouping would produce and the PromQL
//! that shows each figure.

pub mod queries;
pub mod remote;
pub mod select;
pub mod status;

pub use select::{grouping, parse_by, select, Grouping, GROUP_ROWS};
pub use status::{check_limit, HeadStats, MemoryFormula, Postings, Stat, TsdbStatus, DEFAULT_LIMIT};
