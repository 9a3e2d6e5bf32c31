//! The rules lab in the engine module: the evaluation under way, the last finished one (its
//! storage becomes the host's recorded series, which the playground queries) and the cost
//! comparison under way, each advanced one step per call; and the view data they finish with.

use std::sync::Arc;

use super::session::{Evaluated, Measuring, Session};
use super::{clock, valid_file, Host};
use crate::engine::{self, EngineOptions, Millis, Value};
use crate::host::Recorded;
use crate::link::rules::{
    CostReport, LabReport, Progress, RuleReport, Sparkline, StartCosts, StartLab, Step,
};
use crate::rules::cost;
use crate::rules::{Evaluation, RuleOutcome};

/// Points drawn per series in a rule's chart.
const CHART_POINTS: i64 = 240;
/// Most series drawn in one rule's chart.
const CHART_SERIES: usize = 12;

/// What the lab keeps between calls.
#[derive(Default)]
pub struct LabState {
    running: Option<Running>,
    finished: Option<Finished>,
    measuring: Option<Measuring>,
}

/// An evaluation under way.
struct Running {
    dataset: String,
    session: Session,
}

/// The last finished evaluation, without its storage (that is `Host::recorded`).
struct Finished {
    dataset: String,
    end: Millis,
    rules: Vec<RuleOutcome>,
}

/// Starts evaluating (see [`StartLab`]).
pub fn start(host: &mut Host, c: StartLab) -> Result<Progress, String> {
    let file = valid_file(&c.text)?;
    let base = host.datasets.storage(&c.dataset)?;
    let session = Session::new(&base, &file, c.options);
    let progress = session.progress();
    let lab = &mut host.rules.lab;
    lab.running = Some(Running { dataset: c.dataset, session });
    lab.measuring = None;
    Ok(progress)
}

/// Runs the next step of the evaluation; the last one explains empty rules and keeps the
/// recorded series.
pub fn step(host: &mut Host) -> Result<Step<LabReport>, String> {
    let mut clock = clock(host);
    let lab = &mut host.rules.lab;
    let running = lab.running.as_mut().ok_or("No evaluation is under way: evaluate the rules again.")?;
    if running.session.step(&mut clock) {
        return Ok(Step::Running(running.session.progress()));
    }
    let Some(Running { dataset, session }) = lab.running.take() else {
        return Err("No evaluation is under way: evaluate the rules again.".into());
    };
    let evaluation = session.finish(&mut clock);
    let report = report(&dataset, &evaluation);
    let Evaluation { storage, rules, end, .. } = evaluation;
    lab.finished = Some(Finished { dataset: dataset.clone(), end, rules });
    host.recorded = Some(Recorded { dataset, storage: Arc::new(storage) });
    Ok(Step::Finished(report))
}

/// Starts measuring the pairs of the rule file on the last finished evaluation.
pub fn start_costs(host: &mut Host, c: StartCosts) -> Result<Progress, String> {
    let file = valid_file(&c.text)?;
    if host.rules.lab.finished.is_none() {
        return Err("Evaluate the rules first.".into());
    }
    let measuring = Measuring::new(&file, c.options);
    let progress = measuring.progress();
    host.rules.lab.measuring = Some(measuring);
    Ok(progress)
}

/// Measures the next pair; the last one finishes the table.
pub fn cost_step(host: &mut Host) -> Result<Step<CostReport>, String> {
    let mut clock = clock(host);
    let lab = &mut host.rules.lab;
    let finished = lab.finished.as_ref().ok_or("Evaluate the rules first.")?;
    // The recorded storage is the finished evaluation's unless something replaced it since.
    let storage = match &host.recorded {
        Some(r) if r.dataset == finished.dataset => r.storage.clone(),
        _ => return Err("The evaluated series are gone: evaluate the rules again.".into()),
    };
    let evaluated = Evaluated { storage: &storage, end: finished.end, rules: &finished.rules };
    let measuring = lab.measuring.as_mut().ok_or("No cost comparison is under way: compare again.")?;
    if measuring.step(evaluated, &mut clock) && measuring.done() < measuring.steps() {
        return Ok(Step::Running(measuring.progress()));
    }
    let Some(measuring) = lab.measuring.take() else {
        return Err("No cost comparison is under way: compare again.".into());
    };
    let table = measuring.finish(evaluated, &mut clock);
    Ok(Step::Finished(CostReport { text: cost::render(&table), table }))
}

/// The evaluation as the lab shows it.
fn report(dataset: &str, evaluation: &Evaluation) -> LabReport {
    LabReport {
        dataset: dataset.to_string(),
        mode: evaluation.mode,
        alerting_rules: evaluation.alerting_rules,
        rules: evaluation.rules.iter().map(|r| rule_report(evaluation, r)).collect(),
    }
}

fn rule_report(evaluation: &Evaluation, rule: &RuleOutcome) -> RuleReport {
    RuleReport {
        group: rule.group.clone(),
        record: rule.record.clone(),
        expr: rule.expr.clone(),
        interval: rule.interval,
        series: rule.series.len(),
        samples: rule.samples,
        eval_ms: rule.eval_ms,
        explanation: rule.explanation.clone(),
        error_count: rule.error_count,
        first_error: rule.errors.first().map(|(_, m)| m.clone()),
        chart: (!rule.is_empty()).then(|| sparkline(evaluation, rule)).flatten(),
    }
}

/// The rule's series over the whole evaluated timeline (at most [`CHART_SERIES`]).
fn sparkline(evaluation: &Evaluation, rule: &RuleOutcome) -> Option<Sparkline> {
    let (start, end) = (evaluation.start, evaluation.end);
    let step = ((end - start) / CHART_POINTS).max(rule.interval).max(1);
    let query = format!("{{__name__={:?}}}", rule.record);
    let out =
        engine::range_query(&evaluation.storage, &query, start, end, step, &EngineOptions::default()).ok()?;
    let Value::Matrix(mut series) = out.value else { return None };
    series.truncate(CHART_SERIES);
    Some(Sparkline { series, start, end, step })
}

#[cfg(test)]
mod tests {
    use super::super::super::roundtrip;
    use super::*;
    use crate::content::time::parse_instant;
    use crate::link::query::{QueryTime, RunQuery};
    use crate::link::rules::CostStep;
    use crate::link::rules::{LabFinish, LabStep};
    use crate::rules::cost::CostOptions;
    use crate::rules::equivalence::Equivalence;
    use crate::rules::eval::Mode;
    use crate::rules::EvalOptions;
    use crate::ui::rules_lab::SEED_RULES;

    const DATASET: &str = "ml-platform";

    /// One hour of the default dataset (the whole two days take long in a debug build).
    fn hour() -> (Millis, EvalOptions) {
        let end = parse_instant("2026-01-06T10:00:00Z").expect("instant");
        (end, EvalOptions { start: Some(end - 3_600_000), end: Some(end), ..EvalOptions::default() })
    }

    /// Starts an evaluation of `text` and steps it to the end, checking the progress (16
    /// recording rules).
    fn evaluate(host: &mut Host, text: &str) -> LabReport {
        let start = StartLab { dataset: DATASET.into(), text: text.into(), options: hour().1 };
        let mut progress = roundtrip(host, start).unwrap().unwrap();
        assert_eq!((progress.done, progress.total), (0, 16));
        loop {
            match roundtrip(host, LabStep).unwrap().unwrap() {
                // A step evaluates for a moment: part of a rule, or several rules.
                Step::Running(p) => {
                    assert!(
                        p.done >= progress.done && p.done < 16 && p.total == 16,
                        "{p:?} after {progress:?}"
                    );
                    progress = p;
                }
                Step::Finished(report) => return report,
            }
        }
    }

    fn instant(host: &mut Host, query: &str, with_recorded: bool) -> usize {
        let time = QueryTime::Instant { time: hour().0 };
        let run = RunQuery {
            dataset: DATASET.into(),
            query: query.into(),
            time,
            with_recorded,
            limits: Default::default(),
        };
        match roundtrip(host, run).unwrap().result.map(|o| o.value) {
            Ok(Value::Vector(v)) => v.len(),
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn the_seed_rules_record_queryable_series_and_explain_the_empty_ones() {
        let mut host = Host::new();
        assert_eq!(instant(&mut host, "model:latency:p95", true), 0, "nothing recorded yet");
        let report = evaluate(&mut host, SEED_RULES);
        assert_eq!((report.dataset.as_str(), report.mode, report.rules.len()), (DATASET, Mode::PerRule, 16));
        let mut empty: Vec<&str> =
            report.rules.iter().filter(|r| r.is_empty()).map(|r| r.record.as_str()).collect();
        empty.sort();
        assert_eq!(
            empty,
            [
                "model:cost:per_1k_predictions",
                "model:efficiency:predictions_per_cpu",
                "model:efficiency:predictions_per_gb_memory"
            ]
        );
        for rule in &report.rules {
            assert_eq!(rule.chart.is_some(), !rule.is_empty(), "{}", rule.record);
            assert_eq!(rule.explanation.is_empty(), !rule.is_empty(), "{}", rule.record);
        }
        let why = report.rules.iter().find(|r| r.record == "model:efficiency:predictions_per_cpu").unwrap();
        assert!(why.explanation.join(" ").contains("version"), "{:?}", why.explanation);
        let p95 = report.rules.iter().find(|r| r.record == "model:latency:p95").unwrap();
        let chart = p95.chart.as_ref().unwrap();
        assert_eq!((chart.series.len(), p95.series), (5, 5), "one series per model");
        let (end, _) = hour();
        assert!(p95.interval > 15_000, "an hour in 240 points is 15 s apart: the rule's interval is coarser");
        assert_eq!((chart.start, chart.end, chart.step), (end - 3_600_000, end, p95.interval));
        assert!(p95.samples > 0 && p95.eval_ms >= 0.0);

        assert_eq!(
            instant(&mut host, "model:latency:p95", true),
            5,
            "the playground sees the recorded series"
        );
        assert_eq!(instant(&mut host, "model:latency:p95", false), 0, "only when it asks for them");

        // A fresh engine module replaying the run (its start, then to the end in one request,
        // as after Stop) records the same.
        let mut fresh = Host::new();
        let start = StartLab { dataset: DATASET.into(), text: SEED_RULES.into(), options: hour().1 };
        roundtrip(&mut fresh, start).unwrap().unwrap();
        let Step::Finished(replayed) = roundtrip(&mut fresh, LabFinish).unwrap().unwrap() else {
            panic!("the run finishes in one request")
        };
        let outline = |r: &LabReport| {
            r.rules.iter().map(|x| (x.record.clone(), x.series, x.samples)).collect::<Vec<_>>()
        };
        assert_eq!(outline(&replayed), outline(&report));
        assert_eq!(instant(&mut fresh, "model:latency:p95", true), 5);
    }

    #[test]
    fn costs_are_measured_pair_by_pair_on_the_evaluation() {
        let mut host = Host::new();
        let options = CostOptions { runs: 1, min_batch_ms: 0.0, range: 600_000, ..CostOptions::default() };
        let costs = StartCosts { text: SEED_RULES.into(), options: options.clone() };
        assert_eq!(roundtrip(&mut host, costs).unwrap(), Err("Evaluate the rules first.".into()));
        evaluate(&mut host, SEED_RULES);
        let costs = StartCosts { text: SEED_RULES.into(), options };
        let first = roundtrip(&mut host, costs).unwrap().unwrap();
        assert_eq!(first.label, cost::SEED_PAIRS[0].0);
        let pairs = first.total;
        let mut steps = 0;
        let report = loop {
            steps += 1;
            match roundtrip(&mut host, CostStep).unwrap().unwrap() {
                Step::Running(p) => assert_eq!(p.done, steps),
                Step::Finished(report) => break report,
            }
        };
        assert_eq!((steps, report.table.pairs.len()), (pairs, pairs), "one pair per step");
        assert_eq!(report.table.storage.len(), 16);
        assert_eq!(report.text, cost::render(&report.table));
        let p95 = report.table.pairs.iter().find(|p| p.pair.recorded == "model:latency:p95").unwrap();
        assert_eq!((p95.instant_raw.result_series, p95.instant_recorded.result_series), (5, 5));
        // Equivalence is decided by evaluating both: the seed's Tests 1–2 compare a per-model
        // rate with a per-version recorded series, which is no replacement.
        assert_eq!(p95.equivalence, Equivalence::Same);
        let tests_1_2 = &report.table.pairs[0];
        assert_eq!(tests_1_2.pair.raw, "sum by (model) (rate(model_predictions_total[5m]))");
        let Equivalence::Differs(why) = &tests_1_2.equivalence else { panic!("{tests_1_2:?}") };
        assert!(why.contains("(model)") && why.contains("(model, version)"), "{why}");
        assert!(report.text.contains("differs") && report.text.contains("does not count"), "{}", report.text);
        let platform =
            report.table.pairs.iter().find(|p| p.pair.recorded == "platform:predictions:rate5m").unwrap();
        assert_eq!(platform.equivalence, Equivalence::Same);
        assert!(p95.instant_raw.samples > p95.instant_recorded.samples, "{p95:?}");
        assert_eq!(
            roundtrip(&mut host, CostStep).unwrap().map(|_| ()),
            Err("No cost comparison is under way: compare again.".into())
        );
    }

    #[test]
    fn steps_without_a_start_and_invalid_files_are_errors() {
        let mut host = Host::new();
        assert!(roundtrip(&mut host, LabStep).unwrap().is_err());
        assert!(roundtrip(&mut host, CostStep).unwrap().is_err());
        let broken = StartLab { dataset: DATASET.into(), text: "groups: [".into(), options: hour().1 };
        assert!(roundtrip(&mut host, broken).unwrap().unwrap_err().contains("errors"));
        let unknown = StartLab { dataset: "nope".into(), text: SEED_RULES.into(), options: hour().1 };
        assert_eq!(roundtrip(&mut host, unknown).unwrap(), Err("there is no dataset \"nope\"".into()));
    }
}
