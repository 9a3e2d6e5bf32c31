//! The seed's dashboard (success criterion "Grafana dashboards use recording rules instead of
//! raw queries"): which panels it has and the raw and recorded queries of each, their
//! evaluation and refresh cost over a 6 h or 24 h window, and its export as a dashboard
//! Grafana imports (written in the engine module: the app asks for it).
//!
//! Pure: the panels come from the seed's query catalog and recording rules, the evaluation
//! takes a storage and a clock, the export is text. The dashboard page reaches the evaluation
//! through `link::dashboard`; `promplay dashboard` prints the panels or the export.

pub mod evaluate;
pub mod grafana;
pub mod panels;
pub mod window;

pub use evaluate::{evaluate_panel, PanelRun, RunCost};
pub use grafana::{grafana_json, ExportOptions};
pub use panels::{seed_panels, Panel, Target};
pub use window::Window;
