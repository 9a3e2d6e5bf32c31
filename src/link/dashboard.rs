//! Dashboard messages: evaluating every panel of the seed's dashboard over a window, raw and
//! recorded, with the refresh cost of each, one panel per step (see `link::rules` for the
//! step protocol the page drives).

use serde::{Deserialize, Serialize};

use crate::dashboard::{Panel, PanelRun, RunCost, Window};
use crate::engine::Millis;
use crate::link::rules::{Progress, Step};

/// Dashboard requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum DashboardRequest {
    Start(StartDashboard),
    Step(DashboardStep),
    Export(ExportDashboard),
}

/// Starts evaluating the dashboard on `dataset` over `window` ending at the dataset's end,
/// replacing any evaluation under way. Recorded queries read the rules lab's last evaluation
/// when it was on this dataset.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartDashboard {
    pub dataset: String,
    pub window: Window,
}

call!(StartDashboard => Result<Progress, String>, Dashboard(DashboardRequest::Start));

/// Evaluates the next panel (raw, then recorded); finishes with the whole dashboard.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct DashboardStep;

call!(DashboardStep => Result<Step<DashboardReport>, String>, Dashboard(DashboardRequest::Step));

/// The dashboard as Grafana dashboard JSON over `window`, panel `i` on its recorded series
/// when `recorded[i]` (the JSON is written in the engine module, which keeps its code out of
/// the app).
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportDashboard {
    pub window: Window,
    pub recorded: Vec<bool>,
}

call!(ExportDashboard => Result<String, String>, Dashboard(DashboardRequest::Export));

/// The evaluated dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardReport {
    pub dataset: String,
    pub window: Window,
    /// The range queries' start, end and step.
    pub range: (Millis, Millis, Millis),
    /// Whether recorded series (the rules lab's last evaluation) were there to read.
    pub recorded_available: bool,
    pub panels: Vec<PanelResult>,
}

/// One panel evaluated both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelResult {
    pub panel: Panel,
    pub raw: PanelRun,
    /// None when the panel has no recorded queries or nothing was recorded.
    pub recorded: Option<PanelRun>,
}

impl PanelResult {
    /// The run shown when the panel is switched to recorded (`recorded`) or raw.
    pub fn run(&self, recorded: bool) -> &PanelRun {
        match (&self.recorded, recorded) {
            (Some(r), true) => r,
            _ => &self.raw,
        }
    }
}

impl DashboardReport {
    /// One refresh of the whole dashboard, with panel `i` recorded when `recorded(i)`.
    pub fn total(&self, recorded: impl Fn(usize) -> bool) -> RunCost {
        let mut total = RunCost::default();
        for (i, p) in self.panels.iter().enumerate() {
            total.add(&p.run(recorded(i)).cost);
        }
        total
    }
}
