//! The alerting lab's evaluation in the engine module, a slice of time per call so the page
//! paints between calls: the rules over the dataset (the [`Stepper`]), then the finishing
//! work one piece per call (why silent alerts never fired, the documented events, each
//! rule's view). The finished evaluation's series become what the playground queries;
//! hover and what-if read it afterwards.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::clock;
use super::super::Host;
use super::{load_texts, view};
use crate::alertmanager::input::{from_rules, Input};
use crate::content::dataset::Event;
use crate::engine::{Millis, Storage};
use crate::host::Recorded;
use crate::link::alerts::{
    AlertRuleView, AlertsAt, AlertsReport, HoverAlert, HoverView, StartAlerts, WhatIf,
};
use crate::link::rules::{Progress, Step};
use crate::rules::alert_explain::{
    check_events, explain_silent_alerts, explain_timeline, with_threshold, EventCheck,
};
use crate::rules::alert_timeline::AlertTimeline;
use crate::rules::alerting::RuleTemplates;
use crate::rules::alerts_at::rule_alerts_at;
use crate::rules::eval_steps::{preview_alert, Stepper};
use crate::rules::notifier::DEFAULT_RESEND_DELAY;
use crate::rules::{EvalOptions, Evaluation, Rule, RuleFile, RuleGroup};

/// Time one call may take: the engine runs in a worker, so this only sets how often the
/// progress bar moves (and the cost of a round trip, and a frame, per step).
const STEP_BUDGET_MS: f64 = 100.0;
/// Progress units of the evaluation proper (the finishing steps add theirs).
const EVALUATION_UNITS: usize = 100;

/// What the lab keeps between calls.
#[derive(Default)]
pub struct LabState {
    running: Option<Running>,
    finished: Option<Finished>,
}

/// An evaluation under way.
struct Running {
    dataset: String,
    file: RuleFile,
    opts: EvalOptions,
    events: Vec<Event>,
    /// None only while a step moves it on.
    stage: Option<Stage>,
    /// Time spent so far (the page's clock).
    spent_ms: f64,
}

enum Stage {
    Evaluating(Box<Stepper>),
    /// Explaining, checking events, then one rule view per step.
    Finishing {
        evaluation: Box<Evaluation>,
        events: Vec<EventCheck>,
        views: Vec<AlertRuleView>,
        next: usize,
    },
}

/// The last finished evaluation.
pub struct Finished {
    /// Read by the tests (the page knows which dataset it asked for).
    #[cfg_attr(not(test), allow(dead_code))]
    dataset: String,
    file: RuleFile,
    opts: EvalOptions,
    storage: Arc<Storage>,
    alerts: Vec<AlertTimeline>,
    records: Vec<(String, bool)>,
    start: Millis,
    end: Millis,
    /// What-if previews by rule position: the modified rule and its timeline.
    previews: HashMap<usize, (Rule, AlertTimeline)>,
}

/// Starts evaluating (see [`StartAlerts`]).
pub fn start(host: &mut Host, c: StartAlerts) -> Result<Progress, String> {
    let file = load_texts(&c.rules)?;
    let base = host.datasets.storage(&c.dataset)?;
    let events = host.datasets.meta(&c.dataset)?.events;
    let stepper = Stepper::new(&base, file.clone(), c.options.clone());
    let running = Running {
        dataset: c.dataset,
        file,
        opts: c.options,
        events,
        stage: Some(Stage::Evaluating(Box::new(stepper))),
        spent_ms: 0.0,
    };
    let progress = running.progress();
    host.alerts.lab.running = Some(running);
    Ok(progress)
}

impl Running {
    fn alerting_rules(&self) -> usize {
        self.file.rules().filter(|(_, r)| r.is_alerting()).count()
    }

    /// Evaluation is the first hundred units; then one per finishing step.
    fn progress(&self) -> Progress {
        let total = EVALUATION_UNITS + 2 + self.alerting_rules();
        match &self.stage {
            None => Progress { done: 0, total, label: String::new() },
            Some(Stage::Evaluating(s)) => {
                let (done, all) = s.progress();
                let label = s.current().map_or_else(|| "rules".into(), |r| format!("rule {r}"));
                Progress { done: done * EVALUATION_UNITS / all.max(1), total, label }
            }
            Some(Stage::Finishing { next, .. }) => {
                let label = match next {
                    0 => "why silent alerts never fired".to_string(),
                    1 => "the dataset's documented events".to_string(),
                    _ => "the timelines".to_string(),
                };
                Progress { done: EVALUATION_UNITS + next, total, label }
            }
        }
    }
}

/// Runs the evaluation for a slice of time, or one finishing step.
pub fn step(host: &mut Host) -> Result<Step<AlertsReport>, String> {
    let mut clock = clock(host);
    let started = clock();
    let none = || "No evaluation is under way: evaluate the rules again.".to_string();
    let running = host.alerts.lab.running.as_mut().ok_or_else(none)?;
    let stage = running.stage.take().ok_or_else(none)?;
    let engine = running.opts.engine.clone();
    let (stage, done) = match stage {
        Stage::Evaluating(mut stepper) => match stepper.step(STEP_BUDGET_MS, &mut clock) {
            true => (Stage::Evaluating(stepper), false),
            false => {
                let evaluation = Box::new(stepper.finish());
                (Stage::Finishing { evaluation, events: Vec::new(), views: Vec::new(), next: 0 }, false)
            }
        },
        Stage::Finishing { mut evaluation, mut events, mut views, next } => {
            match next {
                0 => explain_silent_alerts(&mut evaluation, &running.file, &engine),
                1 => events = check_events(&evaluation, &running.file, &running.events, &engine),
                i => {
                    let span = (evaluation.start, evaluation.end);
                    views.push(view::rule_view(&evaluation.alerts[i - 2], &evaluation.storage, span));
                }
            }
            let done = next + 1 >= 2 + evaluation.alerts.len();
            (Stage::Finishing { evaluation, events, views, next: next + 1 }, done)
        }
    };
    running.stage = Some(stage);
    running.spent_ms += clock() - started;
    if !done {
        return Ok(Step::Running(running.progress()));
    }
    let Some(Running {
        dataset,
        file,
        opts,
        stage: Some(Stage::Finishing { evaluation, events, views, .. }),
        spent_ms,
        ..
    }) = host.alerts.lab.running.take()
    else {
        return Err(none());
    };
    let evaluation = *evaluation;
    let report = AlertsReport {
        dataset: dataset.clone(),
        start: evaluation.start,
        end: evaluation.end,
        recording_rules: evaluation.rules.len(),
        empty_records: evaluation
            .rules
            .iter()
            .filter(|r| r.is_empty())
            .map(|r| (r.record.clone(), r.explanation.clone()))
            .collect(),
        rules: views,
        events,
        counts: view::counts(&evaluation.alerts, (evaluation.start, evaluation.end)),
        eval_ms: spent_ms,
    };
    let Evaluation { storage, rules, alerts, start, end, .. } = evaluation;
    let storage = Arc::new(storage);
    host.alerts.lab.finished = Some(Finished {
        dataset: dataset.clone(),
        file,
        opts,
        storage: storage.clone(),
        alerts,
        records: rules.iter().map(|r| (r.record.clone(), r.is_empty())).collect(),
        start,
        end,
        previews: HashMap::new(),
    });
    host.recorded = Some(Recorded { dataset, storage });
    Ok(Step::Finished(report))
}

impl Finished {
    /// Alerting rule `i` with its group.
    fn rule(&self, i: usize) -> Result<(&RuleGroup, &Rule), String> {
        self.file
            .rules()
            .filter(|(_, r)| r.is_alerting())
            .nth(i)
            .ok_or_else(|| format!("there is no alerting rule number {i}"))
    }

    /// Rule `i`'s timeline: its what-if preview, if there is one.
    fn timeline(&self, i: usize) -> Result<(&Rule, &AlertTimeline), String> {
        if let Some((rule, t)) = self.previews.get(&i) {
            return Ok((rule, t));
        }
        let (_, rule) = self.rule(i)?;
        let t = self.alerts.get(i).ok_or_else(|| format!("there is no alerting rule number {i}"))?;
        Ok((rule, t))
    }
}

fn finished(host: &Host) -> Result<&Finished, String> {
    host.alerts.lab.finished.as_ref().ok_or_else(|| "Evaluate the rules first.".to_string())
}

/// The alerts of rule `rule` at `t`.
pub fn at(host: &mut Host, c: &AlertsAt) -> Result<HoverView, String> {
    let f = finished(host)?;
    let (rule, timeline) = f.timeline(c.rule)?;
    let templates = RuleTemplates::new(rule, f.opts.templates.dialect);
    let eval_time = timeline.tick_times().take_while(|&t| t <= c.t).last().unwrap_or(timeline.first_tick);
    let alerts = rule_alerts_at(c.rule, timeline, &templates, &f.storage, c.t, &f.opts)
        .into_iter()
        .map(|a| HoverAlert {
            labels: a.labels,
            state: a.state,
            value: a.value,
            active_at: a.active_at,
            annotations: a.annotations,
        })
        .collect();
    Ok(HoverView { eval_time, alerts })
}

/// Rule `rule` with another threshold, `for` or `keep_firing_for`; all `None` restores it.
pub fn what_if(host: &mut Host, c: &WhatIf) -> Result<AlertRuleView, String> {
    let f = host.alerts.lab.finished.as_mut().ok_or_else(|| "Evaluate the rules first.".to_string())?;
    let (group, rule) = f.rule(c.rule)?;
    if c.threshold.is_none() && c.for_.is_none() && c.keep_firing_for.is_none() {
        f.previews.remove(&c.rule);
        let original = f.alerts.get(c.rule).ok_or("no such rule")?;
        return Ok(view::rule_view(original, &f.storage, (f.start, f.end)));
    }
    let mut changed = rule.clone();
    if let Some(v) = c.threshold {
        changed.expr = with_threshold(&rule.expr, v)
            .ok_or_else(|| format!("`{}` has no constant threshold to change.", rule.expr))?;
    }
    changed.for_ = c.for_.unwrap_or(rule.for_).max(0);
    changed.keep_firing_for = c.keep_firing_for.unwrap_or(rule.keep_firing_for).max(0);
    let group = group.clone();
    let mut timeline = preview_alert(&f.storage, &group, &changed, &f.opts, (f.start, f.end));
    timeline.index = f.alerts.get(c.rule).map_or(0, |t| t.index);
    timeline.explanation =
        explain_timeline(&f.storage, &f.file, f.records.clone(), &timeline, (f.start, f.end), &f.opts.engine);
    let shown = view::rule_view(&timeline, &f.storage, (f.start, f.end));
    f.previews.insert(c.rule, (changed, timeline));
    Ok(shown)
}

/// The finished evaluation's alerts as Prometheus sends them to Alertmanager (what-if
/// previews left out: those are not the rule file), with the evaluation's window.
pub fn sent_alerts(host: &Host) -> Result<(Input, Millis, Millis), String> {
    let f = host.alerts.lab.finished.as_ref().ok_or(
        "The alerting lab has no evaluated rules yet: evaluate them there first, or use a hand-written timeline.",
    )?;
    let input = from_rules(&f.alerts, &f.storage, &f.file, &f.opts, DEFAULT_RESEND_DELAY);
    Ok((input, f.start, f.end))
}

/// The dataset the finished evaluation ran on (for tests).
#[cfg(test)]
pub fn finished_dataset(host: &Host) -> Option<&str> {
    host.alerts.lab.finished.as_ref().map(|f| f.dataset.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::super::roundtrip;
    use super::*;
    use crate::content::time::parse_instant;
    use crate::link::alerts::{AlertsStep, RuleTexts, RunAlertTests};
    use crate::link::query::{QueryTime, RunQuery};
    use crate::rules::alert_timeline::AlertState;
    use crate::ui::alerts_lab::{SEED_ALERT_RULES, SEED_TESTS};
    use crate::ui::rules_lab::SEED_RULES;

    const DATASET: &str = "ml-platform";

    fn seed() -> RuleTexts {
        RuleTexts { recording: SEED_RULES.into(), alerting: SEED_ALERT_RULES.into() }
    }

    /// The fraud-detector incident (Tuesday 09:00–10:30) and the hours around it.
    fn window() -> EvalOptions {
        let at = |s: &str| parse_instant(s).expect("instant");
        EvalOptions {
            start: Some(at("2026-01-06T07:30:00Z")),
            end: Some(at("2026-01-06T11:00:00Z")),
            ..EvalOptions::default()
        }
    }

    fn evaluate(host: &mut Host) -> AlertsReport {
        let start = StartAlerts { dataset: DATASET.into(), rules: seed(), options: window() };
        let mut last = roundtrip(host, start).unwrap().unwrap();
        let mut steps = 0;
        loop {
            steps += 1;
            match roundtrip(host, AlertsStep).unwrap().unwrap() {
                Step::Running(p) => {
                    assert!(p.done >= last.done && p.done <= p.total, "{p:?} after {last:?}");
                    last = p;
                }
                Step::Finished(report) => {
                    assert!(steps >= 2 + report.rules.len(), "{steps} steps");
                    return report;
                }
            }
        }
    }

    #[test]
    fn the_seed_alerts_fire_on_the_incident_and_hover_shows_annotations() {
        let mut host = Host::new();
        let report = evaluate(&mut host);
        assert_eq!(finished_dataset(&host), Some(DATASET));
        assert_eq!((report.recording_rules, report.rules.len()), (16, 11));
        let high = report.rules.iter().position(|r| r.name == "ModelHighErrorRate").expect("rule");
        let view = &report.rules[high];
        assert_eq!(view.threshold, Some((">".into(), 0.05)));
        let fired = view.firings.first().expect("fires during the incident");
        assert_eq!(fired.labels.get("model"), Some("fraud-detector"));
        assert!(view.chart.as_ref().is_some_and(|c| !c.series.is_empty()));
        let event = report.events.iter().find(|e| e.event == "fraud-v2-errors").expect("event");
        assert!(event.fired.is_some(), "{event:?}");

        let hover = roundtrip(&mut host, AlertsAt { rule: high, t: fired.start + 45_000 }).unwrap().unwrap();
        assert_eq!(hover.eval_time, fired.start + 30_000);
        let alert = &hover.alerts[0];
        assert_eq!(alert.state, AlertState::Firing);
        let summary = alert.annotations.iter().find(|(k, _)| k == "summary").map(|(_, v)| v.as_str());
        assert_eq!(summary, Some("High error rate for model fraud-detector"));
        let description = &alert.annotations.iter().find(|(k, _)| k == "description").expect("description").1;
        assert!(
            description.starts_with("Model fraud-detector has error rate of ")
                && description.ends_with("% (threshold: 5%)")
        );

        // ALERTS is queryable in the playground now.
        let time = QueryTime::Instant { time: fired.start + 60_000 };
        let query = r#"ALERTS{alertname="ModelHighErrorRate", alertstate="firing"}"#;
        let run = RunQuery {
            dataset: DATASET.into(),
            query: query.into(),
            time,
            with_recorded: true,
            limits: Default::default(),
        };
        let out = roundtrip(&mut host, run).unwrap().result.unwrap();
        assert!(matches!(out.value, crate::engine::Value::Vector(v) if v.len() == 1));
    }

    #[test]
    fn what_if_moves_the_firing_and_can_be_undone() {
        let mut host = Host::new();
        let report = evaluate(&mut host);
        let high = report.rules.iter().position(|r| r.name == "ModelHighErrorRate").expect("rule");
        let before = report.rules[high].firings[0].start;
        let later = WhatIf { rule: high, threshold: None, for_: Some(20 * 60_000), keep_firing_for: None };
        let view = roundtrip(&mut host, later).unwrap().unwrap();
        assert_eq!(view.for_, 20 * 60_000);
        assert_eq!(view.firings[0].start, before + 15 * 60_000, "for: 20m instead of 5m");
        let never = WhatIf { rule: high, threshold: Some(0.5), for_: None, keep_firing_for: None };
        let view = roundtrip(&mut host, never).unwrap().unwrap();
        assert!(view.firings.is_empty() && view.expr.contains("> 0.5"), "{view:?}");
        assert!(view.explanation.join(" ").contains("never crossed"), "{:?}", view.explanation);
        let undo = WhatIf { rule: high, threshold: None, for_: None, keep_firing_for: None };
        assert_eq!(roundtrip(&mut host, undo).unwrap().unwrap().firings[0].start, before);
    }

    #[test]
    fn the_tests_tab_runs_promtool_files_against_the_lab_rules() {
        let mut host = Host::new();
        let run = RunAlertTests { rules: seed(), tests: SEED_TESTS.into() };
        let report = roundtrip(&mut host, run).unwrap().unwrap();
        assert!(report.passed, "{}", report.text);
        assert!(report.checks >= 3 && report.checks == report.checks_passed);
        let broken = SEED_TESTS.replace("severity: warning", "severity: page");
        let report = roundtrip(&mut host, RunAlertTests { rules: seed(), tests: broken }).unwrap().unwrap();
        assert!(!report.passed && report.text.contains("alertname: ModelHighErrorRate"), "{}", report.text);
    }

    #[test]
    fn the_alertmanager_lab_simulates_the_lab_alerts() {
        use crate::link::alertmanager::{AlertSource, SimulationStep, StartSimulation};
        use crate::ui::alertmanager_lab::SEED_CONFIG;
        let mut host = Host::new();
        let simulate = |host: &mut Host| -> Result<crate::link::alertmanager::SimulationReport, String> {
            let start = StartSimulation {
                config: SEED_CONFIG.into(),
                alerts: AlertSource::AlertingLab,
                dataset: "ignored: the lab's own".into(),
            };
            roundtrip(host, start).unwrap()?;
            loop {
                if let Step::Finished(report) = roundtrip(host, SimulationStep).unwrap()? {
                    return Ok(report);
                }
            }
        };
        let none: String = simulate(&mut host).unwrap_err();
        assert!(none.starts_with("The alerting lab has no evaluated rules yet"), "{none}");
        let lab = evaluate(&mut host);
        let report = simulate(&mut host).expect("simulates");
        assert_eq!((report.start, report.end), (lab.start, lab.end));
        let fired: usize = lab.rules.iter().map(|r| r.firings.len()).sum();
        let spans: usize = report.alerts.iter().map(|a| a.firing.len()).sum();
        assert_eq!((report.alerts.len(), spans, fired), (5, 5, 5), "every firing of the lab is an input");
        let routed: Vec<(&str, &[String])> = report
            .alerts
            .iter()
            .map(|a| (a.labels.get("alertname").unwrap_or_default(), a.receivers.as_slice()))
            .collect();
        let expected = [
            ("ModelHighErrorRate", "slack-warnings"),
            ("ModelCriticalErrorRate", "pagerduty"),
            ("ModelLowCacheHitRate", "email"),
            ("PlatformTrafficAnomaly", "slack-warnings"),
            ("SLOErrorBudgetBurn", "slack-warnings"),
        ];
        for ((name, receivers), (want, receiver)) in routed.iter().zip(expected) {
            assert_eq!((*name, *receivers), (want, &[receiver.to_string()][..]));
        }
        let high = &report.alerts[0];
        assert_eq!(
            high.firing,
            [(
                parse_instant("2026-01-06T09:07:30Z").unwrap(),
                Some(parse_instant("2026-01-06T10:31:30Z").unwrap())
            )]
        );
        // 3.5 hours of sends: 310 POSTs; notifications per receiver (default, pagerduty,
        // slack-warnings, email) with and without inhibition.
        assert_eq!(report.posts, 310);
        assert_eq!(report.with_inhibition.per_receiver, [0, 2, 3, 1]);
        assert_eq!(report.without_inhibition.per_receiver, [0, 2, 3, 1]);
    }

    #[test]
    fn errors_before_and_without_an_evaluation() {
        let mut host = Host::new();
        assert!(roundtrip(&mut host, AlertsStep).unwrap().is_err());
        assert_eq!(
            roundtrip(&mut host, AlertsAt { rule: 0, t: 0 }).unwrap(),
            Err("Evaluate the rules first.".into())
        );
        let broken = RuleTexts { recording: SEED_RULES.into(), alerting: "groups: [".into() };
        let start = StartAlerts { dataset: DATASET.into(), rules: broken, options: window() };
        let err = roundtrip(&mut host, start).unwrap().unwrap_err();
        assert!(err.contains("alert_rules.yml:2:1: yaml:"), "{err}");
    }
}
