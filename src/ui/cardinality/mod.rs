//! The cardinality explorer (seed Task 5.2): what Prometheus's TSDB status page reports for
//! the open dataset (built-in, pack, relabeled, with recorded series), the same breakdown for
//! any selector, the series a `by (...)` grouping would produce, and for every figure the
//! PromQL that shows it in the playground.
//!
//! The figures come from the engine module (`host::cardinality`, through
//! `link::cardinality`); the queries from the pure `crate::cardinality::queries`.

wasm_only! {
    mod page;
    mod remote_figures;
    mod tables;
}

wasm_only! {
    pub use page::CardinalityPage;
}

/// The explorer's address.
pub const CARDINALITY_PATH: &str = "/cardinality";
