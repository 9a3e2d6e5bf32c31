//! One panel evaluated the way a dashboard refresh runs it: every target as a range query over
//! the window, with what the refresh costs (evaluation time and samples read).

use serde::{Deserialize, Serialize};

use super::panels::Panel;
use crate::engine::{self, EngineOptions, Labels, Millis, Series};

/// What one refresh of a panel (or of the whole dashboard) costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunCost {
    /// Evaluation time in milliseconds (0 under a clock that does not tick).
    pub ms: f64,
    /// Samples the queries read from storage.
    pub samples: u64,
    /// Series in the results.
    pub series: usize,
}

impl RunCost {
    /// Adds another panel's cost.
    pub fn add(&mut self, other: &RunCost) {
        self.ms += other.ms;
        self.samples += other.samples;
        self.series += other.series;
    }
}

/// A panel's result in one mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PanelRun {
    /// Every target's series, in target order; a series of a target with a fixed legend
    /// name (the percentile panel's `p95`) is labelled `legend="p95"` instead.
    pub series: Vec<Series>,
    pub cost: RunCost,
    /// The first target that failed, and why.
    pub error: Option<String>,
}

/// The label carrying a fixed legend name.
pub const LEGEND_LABEL: &str = "legend";

/// Evaluates `panel` (its recorded targets when `recorded`) as range queries over
/// `(start, end, step)`, timing with `clock` (milliseconds).
pub fn evaluate_panel(
    storage: &engine::Storage,
    panel: &Panel,
    recorded: bool,
    (start, end, step): (Millis, Millis, Millis),
    opts: &EngineOptions,
    clock: &mut dyn FnMut() -> f64,
) -> PanelRun {
    let mut run = PanelRun::default();
    for target in panel.targets(recorded) {
        let t0 = clock();
        let out = engine::range_query(storage, &target.expr, start, end, step, opts);
        run.cost.ms += clock() - t0;
        match out {
            Ok(out) => {
                run.cost.samples += out.stats.samples_touched;
                let engine::Value::Matrix(mut series) = out.value else { continue };
                if !target.legend.contains("{{") {
                    for s in &mut series {
                        s.labels = Labels::from_pairs([(LEGEND_LABEL, target.legend.as_str())]);
                    }
                }
                run.cost.series += series.len();
                run.series.extend(series);
            }
            Err(e) => {
                run.error.get_or_insert_with(|| format!("{}: {e}", target.expr));
            }
        }
    }
    run
}
