//! Grading in the engine module: an exercise prepared on a dataset (its recorded series, the
//! reference results at its checkpoints and the reference over the chart range), kept for
//! the next checks, and answers graded against it.

use std::sync::{Arc, Weak};

use promql_parser::parser::value::ValueType;

use super::super::query::reply;
use super::super::Host;
use crate::assist::explain::{explain, ExplainOptions, Explanation};
use crate::content::exercise::{prepare, prepare_shared, Exercise, Prepared};
use crate::content::grade::feedback::describe;
use crate::content::grade::overlay::{chart_range, overlay};
use crate::content::grade::{grade, Plan, RangeParams};
use crate::content::markdown::to_html;
use crate::content::metric_types::type_notes;
use crate::content::DatasetMeta;
use crate::engine::{self, EngineOptions, Millis, Storage, Value};
use crate::link::exercises::{
    CheckAnswer, CheckedView, ExerciseRun, ExplainExercise, OverlayChart, RunExercise,
};
use crate::link::query::QueryTime;

/// How many prepared exercises are kept: going back to a recent exercise grades at once.
const KEEP: usize = 4;

/// An exercise prepared for grading on one dataset.
pub(super) struct Ready {
    /// The exercise as it was prepared (a pack loaded again with changes prepares again).
    exercise: Exercise,
    dataset: String,
    /// The dataset's samples it was prepared on (built again, they are other samples).
    base: Weak<Storage>,
    /// A copy of the samples with the exercise's recorded series; `None`: it grades on the
    /// dataset's own samples. At most one prepared exercise keeps a copy.
    own: Option<Storage>,
    prepared: Prepared,
    /// The chart range and the reference answer's result over it.
    chart: Option<(RangeParams, Value)>,
}

/// Grades `c.query`, preparing the exercise first unless it is prepared already.
pub(super) fn check(host: &mut Host, c: &CheckAnswer) -> CheckedView {
    let base = match ready(host, &c.id, &c.dataset) {
        Ok(base) => base,
        Err(e) => return not_graded(&e),
    };
    let meta = host.datasets.meta(&c.dataset).ok();
    match host.exercises.prepared.last() {
        Some(r) => grade_on(r, r.own.as_ref().unwrap_or(&base), &c.query, meta.as_ref()),
        None => not_graded("the exercise was not prepared"),
    }
}

/// Where Run evaluates a query: over the range the expected-vs-actual chart covers, else at
/// the last checkpoint.
pub(super) fn view_time(plan: &Plan, data: (Millis, Millis)) -> QueryTime {
    match chart_range(plan, data) {
        Some(r) => QueryTime::Range { start: r.start, end: r.end, step: r.step },
        None => QueryTime::Instant { time: plan.instants.iter().copied().max().unwrap_or(data.1) },
    }
}

/// Evaluates `c.query` on the exercise's data without grading it (over its view range; at the
/// range's end when the query is a range vector, which a range query cannot return).
pub(super) fn run(host: &mut Host, c: &RunExercise) -> Result<ExerciseRun, String> {
    let base = ready(host, &c.id, &c.dataset)?;
    let meta = host.datasets.meta(&c.dataset)?;
    let r = host.exercises.prepared.last().ok_or("the exercise was not prepared")?;
    let mut time = view_time(&r.prepared.plan, (meta.start, meta.end));
    let matrix = engine::parse::parse(&c.query).is_ok_and(|e| e.value_type() == ValueType::Matrix);
    if let (QueryTime::Range { end, .. }, true) = (time, matrix) {
        time = QueryTime::Instant { time: end };
    }
    let storage = r.own.as_ref().unwrap_or(&base);
    Ok(ExerciseRun { time, reply: reply(storage, Some(&meta), &c.query, time, &EngineOptions::default()) })
}

/// Explains `c.query` at `c.time` on the exercise's data (with its recorded series), as
/// Run evaluates it.
pub(super) fn explain_on(host: &mut Host, c: &ExplainExercise) -> Result<Explanation, String> {
    let clock = Some(super::super::clock(host));
    let base = ready(host, &c.id, &c.dataset)?;
    let r = host.exercises.prepared.last().ok_or("the exercise was not prepared")?;
    let opts = ExplainOptions { time: c.time, engine: EngineOptions::default(), clock };
    explain(&c.query, r.own.as_ref().unwrap_or(&base), &opts).map_err(|e| e.to_string())
}

/// Makes exercise `id` on `dataset` the last prepared exercise (preparing it unless a
/// prepared one is still valid) and returns the dataset's samples.
fn ready(host: &mut Host, id: &str, dataset: &str) -> Result<Arc<Storage>, String> {
    let ex = host.exercises.find(id)?;
    let base = host.storage(dataset, false)?;
    let list = &mut host.exercises.prepared;
    let valid = |r: &Ready| {
        r.exercise == ex && r.dataset == dataset && r.base.upgrade().is_some_and(|b| Arc::ptr_eq(&b, &base))
    };
    if let Some(i) = list.iter().position(valid) {
        let r = list.remove(i);
        list.push(r);
        return Ok(base);
    }
    let meta = host.datasets.meta(dataset)?;
    let r = prepare_on(ex, &meta, &base)?;
    let list = &mut host.exercises.prepared;
    // Drop an outdated preparation of the same exercise, and keep one copy of samples only.
    let outdated = |o: &Ready| o.exercise.id == r.exercise.id && o.dataset == r.dataset;
    let second_copy = |o: &Ready| o.own.is_some() && r.own.is_some();
    list.retain(|o| !outdated(o) && !second_copy(o));
    if list.len() >= KEEP {
        list.remove(0);
    }
    list.push(r);
    Ok(base)
}

/// Prepares `ex` on the samples `base` of dataset `meta` (recording its rules into a copy if
/// it has any) and evaluates the reference over the chart range.
fn prepare_on(ex: Exercise, meta: &DatasetMeta, base: &Arc<Storage>) -> Result<Ready, String> {
    let opts = EngineOptions::default();
    let mut own = (!ex.recording_rules.is_empty()).then(|| Storage::clone(base));
    let prepared = match own.as_mut() {
        Some(st) => prepare(&ex, meta, st, &opts)?,
        None => prepare_shared(&ex, meta, base, &opts)?,
    };
    let storage = own.as_ref().unwrap_or(base);
    let chart = chart_range(&prepared.plan, (meta.start, meta.end)).and_then(|r| {
        let reference = ex.answers.first()?;
        let out = engine::range_query(storage, reference, r.start, r.end, r.step, &opts).ok()?;
        Some((r, out.value))
    });
    Ok(Ready { exercise: ex, dataset: meta.id.clone(), base: Arc::downgrade(base), own, prepared, chart })
}

/// Grades `query` and draws both results over the chart range.
fn grade_on(r: &Ready, storage: &Storage, query: &str, meta: Option<&DatasetMeta>) -> CheckedView {
    let opts = EngineOptions::default();
    let verdict = grade(storage, &r.prepared.plan, &r.prepared.expected, query, &opts);
    let parse_span = verdict.parse_error.as_ref().map(|p| p.span);
    let chart = r.chart.as_ref().and_then(|(range, expected)| {
        if verdict.parse_error.is_some() {
            return None;
        }
        let actual =
            engine::range_query(storage, query, range.start, range.end, range.step, &opts).ok()?.value;
        Some(OverlayChart { range: *range, series: overlay(expected, &actual)? })
    });
    let f = describe(&verdict);
    let notes = match (meta, parse_span) {
        (Some(meta), None) => type_notes(query, meta),
        _ => Vec::new(),
    };
    CheckedView {
        graded: true,
        passed: f.passed,
        headline: f.headline,
        items_html: f.items.iter().map(|i| to_html(i)).collect(),
        parse_span,
        warnings: f.warnings,
        infos: f.infos,
        type_notes: notes,
        chart,
    }
}

/// The feedback when the exercise cannot be graded, saying why.
fn not_graded(why: &str) -> CheckedView {
    CheckedView {
        graded: false,
        passed: false,
        headline: "This exercise cannot be graded.".into(),
        items_html: vec![to_html(why)],
        parse_span: None,
        warnings: Vec::new(),
        infos: Vec::new(),
        type_notes: Vec::new(),
        chart: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{roundtrip, Host};
    use super::*;
    use crate::link::exercises::ExerciseCheckpoints;
    use crate::link::query::{QueryTime, RunQuery};

    fn check(host: &mut Host, id: &str, query: &str) -> CheckedView {
        let c = CheckAnswer { id: id.into(), dataset: "ml-platform".into(), query: query.into() };
        roundtrip(host, c).unwrap()
    }

    #[test]
    fn a_wrong_answer_gets_feedback_and_the_overlay_chart_then_the_right_one_passes() {
        let mut host = Host::new();
        let wrong = check(&mut host, "todo-1-3-sum-by", "sum(rate(model_predictions_total[5m]))");
        assert!(wrong.graded && !wrong.passed, "{wrong:?}");
        assert!(wrong.items_html.iter().any(|i| i.contains("missing")), "{:?}", wrong.items_html);
        let chart = wrong.chart.expect("a chart");
        assert!(!chart.series.expected.is_empty() && chart.series.actual.len() == 1);
        assert!(chart.range.start < chart.range.end && chart.range.step > 0);

        let right = check(&mut host, "todo-1-3-sum-by", "sum(rate(model_predictions_total[5m])) by (model)");
        assert!(right.graded && right.passed, "{right:?}");
        assert!(right.headline.starts_with("Correct!"), "{}", right.headline);
        // Prepared once, graded twice.
        assert_eq!(host.exercises.prepared.len(), 1);
    }

    #[test]
    fn feedback_passes_on_the_engine_s_warnings() {
        // TODO 2.1 without `le` in the aggregation: the engine warns, and the page says so.
        let q =
            "histogram_quantile(0.95, sum by (model) (rate(model_prediction_duration_seconds_bucket[5m])))";
        let c = check(&mut Host::new(), "todo-2-1-p95", q);
        assert!(c.graded && !c.passed, "{c:?}");
        assert!(c.warnings.iter().any(|w| w.contains("bucket label \"le\" is missing")), "{:?}", c.warnings);
        assert!(
            c.items_html.iter().any(|i| i.contains("histogram_quantile() received 5 series")),
            "{:?}",
            c.items_html
        );
    }

    #[test]
    fn a_wrong_answer_names_series_by_the_labels_that_tell_them_apart() {
        let c = check(&mut Host::new(), "todo-1-2-rate", "irate(model_predictions_total[5m])");
        assert!(c.graded && !c.passed, "{c:?}");
        let values = c.items_html.iter().find(|i| i.contains(" values differ: ")).expect("wrong values");
        // Nine labels per series in the data; one (`pod`) tells these apart.
        assert!(values.contains("<code>{pod=\"fraud-detector-"), "{values}");
        assert!(!values.contains("cluster=") && values.len() < 400, "{} chars: {values}", values.len());
    }

    #[test]
    fn run_evaluates_over_the_chart_range_without_grading() {
        let mut host = Host::new();
        let run = |host: &mut Host, q: &str| {
            let c =
                RunExercise { id: "todo-1-3-sum-by".into(), dataset: "ml-platform".into(), query: q.into() };
            roundtrip(host, c).unwrap().unwrap()
        };
        let r = run(&mut host, "sum by (model) (rate(model_predictions_total[5m]))");
        let QueryTime::Range { start, end, .. } = r.time else { panic!("{:?}", r.time) };
        assert!(start < end);
        let Ok(out) = &r.reply.result else { panic!("{:?}", r.reply.result) };
        assert!(matches!(&out.value, Value::Matrix(m) if m.len() == 5), "{:?}", out.value);
        // A range vector cannot be range-queried: it is shown at the range's end.
        let r = run(&mut host, "model_predictions_total[5m]");
        assert_eq!(r.time, QueryTime::Instant { time: end });
        assert!(matches!(r.reply.result, Ok(ref o) if matches!(o.value, Value::Matrix(_))));
        let r = run(&mut host, "rate(model_predictions_total{model=\"fraud_detector\"}[5m])");
        assert!(r.reply.why_empty.is_some_and(|w| w.reasons[0].contains("Did you mean")));
    }

    #[test]
    fn explain_reads_the_exercise_s_recorded_series() {
        let mut host = Host::new();
        let id = "bug-recorded-p95-per-platform";
        let query = host.exercises.find(id).unwrap().starter.unwrap();
        // At the end of the range Run shows, as the exercise page does.
        let at = ExerciseCheckpoints { id: id.into(), dataset: "ml-platform".into() };
        let (QueryTime::Range { end: time, .. } | QueryTime::Instant { time }) =
            roundtrip(&mut host, at).unwrap().unwrap().view;
        let c = ExplainExercise { id: id.into(), dataset: "ml-platform".into(), query, time };
        let e = roundtrip(&mut host, c).unwrap().unwrap();
        let series: Vec<usize> = e.nodes.iter().map(|n| n.result.as_ref().map_or(0, |r| r.series)).collect();
        // The division matches nothing; its sides read the exercise's recorded series.
        assert_eq!(series, [0, 5, 1]);
        let missing =
            ExplainExercise { id: "nope".into(), dataset: "ml-platform".into(), query: "up".into(), time };
        assert_eq!(roundtrip(&mut host, missing).unwrap().unwrap_err(), "there is no exercise \"nope\"");
    }

    #[test]
    fn a_parse_error_is_underlined_without_a_chart() {
        let c = check(&mut Host::new(), "todo-1-3-sum-by", "sum by (model) (rate(x[5m])");
        assert!(c.graded && !c.passed && c.chart.is_none());
        assert_eq!(c.headline, "The query does not parse.");
        let (start, end) = c.parse_span.expect("a span");
        assert!(start <= end && end <= 27, "{start}..{end}");
    }

    #[test]
    fn recorded_series_stay_in_the_exercise_s_copy() {
        let mut host = Host::new();
        let reference = host.exercises.find("todo-3-2-recorded-rate").unwrap().answers[0].clone();
        let c = check(&mut host, "todo-3-2-recorded-rate", &reference);
        assert!(c.passed, "{c:?}");
        let metric = host.exercises.find("todo-3-2-recorded-rate").unwrap().recording_rules[0].record.clone();
        let time = crate::content::builtin_dataset("ml-platform").unwrap().meta.end;
        let q = RunQuery {
            dataset: "ml-platform".into(),
            query: metric,
            time: QueryTime::Instant { time },
            with_recorded: false,
            limits: Default::default(),
        };
        let out = roundtrip(&mut host, q).unwrap().result.unwrap();
        assert_eq!(out.value, Value::Vector(Vec::new()), "the dataset itself has no recorded series");
    }

    #[test]
    fn a_changed_pack_exercise_is_prepared_again() {
        let mut host = Host::new();
        let mut ex = host.exercises.find("todo-1-3-sum-by").unwrap();
        ex.id = "pack-sum".into();
        host.exercises.from_packs = vec![ex.clone()];
        let q = "sum(rate(model_predictions_total[5m]))";
        assert!(!check(&mut host, "pack-sum", q).passed);
        ex.answers = vec![q.into()];
        host.exercises.from_packs = vec![ex];
        assert!(check(&mut host, "pack-sum", q).passed);
        assert_eq!(host.exercises.prepared.len(), 1, "the stale preparation is dropped");
    }

    #[test]
    fn what_cannot_be_graded_says_why() {
        let mut host = Host::new();
        let c = check(&mut host, "nope", "up");
        assert!(!c.graded && !c.passed);
        assert_eq!(c.items_html, vec!["<p>there is no exercise \"nope\"</p>\n".to_string()]);
        let c = CheckAnswer {
            id: "todo-1-3-sum-by".into(),
            dataset: "high-cardinality".into(),
            query: "up".into(),
        };
        let c = roundtrip(&mut host, c).unwrap();
        assert!(!c.graded && c.items_html[0].contains("outside the data of high-cardinality"), "{c:?}");
    }
}
