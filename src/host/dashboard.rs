//! The dashboard in the engine module: every panel of the seed's dashboard evaluated over the
//! window, one panel per call (raw, then recorded when the rules lab recorded series on the
//! dataset), so the page repaints and can stop in between.

use super::clock;
use super::Host;
use crate::dashboard::{evaluate_panel, grafana_json, seed_panels, ExportOptions, Panel};
use crate::engine::EngineOptions;
use crate::link::answer;
use crate::link::dashboard::{
    DashboardReport, DashboardRequest, DashboardStep, ExportDashboard, PanelResult, StartDashboard,
};
use crate::link::rules::{Progress, Step};

/// What the engine module keeps between calls: the evaluation under way.
#[derive(Default)]
pub struct DashboardState {
    running: Option<Running>,
}

struct Running {
    panels: Vec<Panel>,
    report: DashboardReport,
}

impl Running {
    fn progress(&self) -> Progress {
        let done = self.report.panels.len();
        let label = self.panels.get(done).map(|p| p.title.clone()).unwrap_or_default();
        Progress { done, total: self.panels.len(), label }
    }
}

pub(super) fn handle(host: &mut Host, request: DashboardRequest) -> Vec<u8> {
    match request {
        DashboardRequest::Start(c) => answer::<StartDashboard>(start(host, c)),
        DashboardRequest::Step(DashboardStep) => answer::<DashboardStep>(step(host)),
        DashboardRequest::Export(c) => answer::<ExportDashboard>(export(c)),
    }
}

fn export(c: ExportDashboard) -> Result<String, String> {
    let panels = seed_panels().map_err(|e| e.to_string())?;
    Ok(grafana_json(&panels, &ExportOptions { window: c.window, recorded: c.recorded }))
}

fn start(host: &mut Host, c: StartDashboard) -> Result<Progress, String> {
    let panels = seed_panels().map_err(|e| e.to_string())?;
    let base = host.datasets.storage(&c.dataset)?;
    let (_, end) = base.time_bounds().ok_or("The dataset holds no samples.")?;
    let recorded_available = host.recorded.as_ref().is_some_and(|r| r.dataset == c.dataset);
    let report = DashboardReport {
        dataset: c.dataset,
        window: c.window,
        range: c.window.range_ending(end),
        recorded_available,
        panels: Vec::new(),
    };
    let running = Running { panels, report };
    let progress = running.progress();
    host.dashboard.running = Some(running);
    Ok(progress)
}

fn step(host: &mut Host) -> Result<Step<DashboardReport>, String> {
    let mut clock = clock(host);
    let gone = || "No dashboard evaluation is under way: refresh the dashboard.".to_string();
    let running = host.dashboard.running.as_ref().ok_or_else(gone)?;
    let (dataset, range, with_recorded) =
        (running.report.dataset.clone(), running.report.range, running.report.recorded_available);
    let Some(panel) = running.panels.get(running.report.panels.len()).cloned() else {
        return host.dashboard.running.take().map(|r| Step::Finished(r.report)).ok_or_else(gone);
    };
    let raw_storage = host.storage(&dataset, false)?;
    let opts = EngineOptions::default();
    let raw = evaluate_panel(&raw_storage, &panel, false, range, &opts, &mut clock);
    let recorded = match (with_recorded, panel.recorded.is_some()) {
        (true, true) => {
            let storage = host.storage(&dataset, true)?;
            Some(evaluate_panel(&storage, &panel, true, range, &opts, &mut clock))
        }
        _ => None,
    };
    let running = host.dashboard.running.as_mut().ok_or_else(gone)?;
    running.report.panels.push(PanelResult { panel, raw, recorded });
    if running.report.panels.len() < running.panels.len() {
        return Ok(Step::Running(running.progress()));
    }
    host.dashboard.running.take().map(|r| Step::Finished(r.report)).ok_or_else(gone)
}

#[cfg(test)]
mod tests {
    use super::super::roundtrip;
    use super::*;
    use crate::content::builtin::DEFAULT_DATASET;
    use crate::dashboard::Window;
    use crate::link::rules::{LabStep, StartLab};
    use crate::rules::EvalOptions;
    use crate::ui::rules_lab::SEED_RULES;

    fn evaluate(host: &mut Host) -> DashboardReport {
        let start = StartDashboard { dataset: DEFAULT_DATASET.into(), window: Window::Last6h };
        let first = roundtrip(host, start).unwrap().unwrap();
        assert_eq!((first.done, first.total), (0, 8));
        let mut steps = 0;
        loop {
            steps += 1;
            match roundtrip(host, DashboardStep).unwrap().unwrap() {
                Step::Running(p) => assert_eq!(p.done, steps),
                Step::Finished(report) => {
                    assert_eq!(steps, 8, "one panel per step");
                    return report;
                }
            }
        }
    }

    /// Records the seed's rules over the six hours the dashboard shows.
    fn record_seed_rules(host: &mut Host) {
        let (_, end) = host.datasets.storage(DEFAULT_DATASET).unwrap().time_bounds().unwrap();
        // The window and the lookback before it.
        let start = end - Window::Last6h.length() - 600_000;
        let options = EvalOptions { start: Some(start), end: Some(end), ..EvalOptions::default() };
        let lab = StartLab { dataset: DEFAULT_DATASET.into(), text: SEED_RULES.into(), options };
        roundtrip(host, lab).unwrap().unwrap();
        while let Step::Running(_) = roundtrip(host, LabStep).unwrap().unwrap() {}
    }

    #[test]
    fn every_panel_evaluates_raw_and_recorded_and_recorded_reads_fewer_samples() {
        let mut host = Host::new();
        let raw_only = evaluate(&mut host);
        assert!(!raw_only.recorded_available);
        for p in &raw_only.panels {
            assert_eq!((&p.raw.error, p.recorded.is_some()), (&None, false), "{}", p.panel.title);
            assert!(!p.raw.series.is_empty() && p.raw.cost.samples > 0, "{} has data", p.panel.title);
        }

        record_seed_rules(&mut host);
        let report = evaluate(&mut host);
        assert!(report.recorded_available);
        for p in &report.panels {
            let Some(rec) = &p.recorded else {
                assert!(p.panel.recorded.is_none(), "{}", p.panel.title);
                continue;
            };
            assert_eq!(rec.error, None, "{}", p.panel.title);
            assert!(!rec.series.is_empty(), "{}: recorded series over the whole window", p.panel.title);
            assert!(
                rec.cost.samples < p.raw.cost.samples,
                "{}: recorded {} vs raw {} samples",
                p.panel.title,
                rec.cost.samples,
                p.raw.cost.samples
            );
        }
        let (raw, recorded) = (report.total(|_| false), report.total(|_| true));
        let summed = report.panels.iter().map(|p| p.raw.cost.samples).sum::<u64>();
        assert_eq!(raw.samples, summed);
        assert!(recorded.samples < raw.samples, "recorded {} vs raw {}", recorded.samples, raw.samples);
        // The panels a recording replaces read a small fraction of what their raw queries do.
        let replaced = |recorded: bool| {
            report.total(|i| recorded && report.panels[i].recorded.is_some()).samples
                - report
                    .panels
                    .iter()
                    .filter(|p| p.recorded.is_none())
                    .map(|p| p.raw.cost.samples)
                    .sum::<u64>()
        };
        let (before, after) = (replaced(false), replaced(true));
        eprintln!(
            "dashboard samples: raw {} recorded {}; replaced panels {before} -> {after}",
            raw.samples, recorded.samples
        );
        assert!(after * 10 < before, "replaced panels: recorded {after} vs raw {before}");
    }

    #[test]
    fn the_export_follows_each_panels_switch() {
        let mut host = Host::new();
        let recorded = vec![true, false, false, false, false, false, false, false];
        let text =
            roundtrip(&mut host, ExportDashboard { window: Window::Last24h, recorded }).unwrap().unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let exprs: Vec<&str> =
            (0..2).filter_map(|i| json["panels"][i]["targets"][0]["expr"].as_str()).collect();
        assert_eq!(exprs[0], "model:predictions:rate5m");
        assert!(exprs[1].contains("rate(model_predictions_total[5m])"), "{}", exprs[1]);
        assert_eq!(json["time"]["from"], "now-24h");
    }

    #[test]
    fn a_step_without_a_start_is_an_error() {
        let mut host = Host::new();
        assert!(roundtrip(&mut host, DashboardStep).unwrap().is_err());
        let unknown = StartDashboard { dataset: "no-such-dataset".into(), window: Window::Last24h };
        assert!(roundtrip(&mut host, unknown).unwrap().is_err());
    }
}
