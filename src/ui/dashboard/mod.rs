//! The dashboard page (the seed's success criterion "Grafana dashboards use recording rules
//! instead of raw queries"): the seed's dashboard panels over the last 6 or 24 hours of the
//! dataset, each switchable between its raw queries and the recorded series that replace
//! them, the whole refresh's cost both ways, and the export as Grafana dashboard JSON.
//!
//! The panels are evaluated in the engine module (`host::dashboard`, through
//! `link::dashboard`), one per step, and the export (`dashboard::grafana`) is written there too.

wasm_only! {
    mod cost;
    mod page;
    mod panel;
    pub use page::DashboardPage;
}

/// The page's path.
pub const DASHBOARD_PATH: &str = "/dashboard";
