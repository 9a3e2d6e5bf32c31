//! The query library (the seed's Deliverable 1, `PROMQL_QUERIES.md`): every query of the seed
//! grouped by task, with its explanation and its cost measured on a dataset.

pub mod catalog;

pub use catalog::{seed_queries, SeedQuery};
