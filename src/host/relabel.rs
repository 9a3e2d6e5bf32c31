//! Relabeling in the engine module: config checks, one series' trace, and relabeling a whole
//! dataset a slice at a time; the finished relabeled copy is kept (like the rules lab's
//! recorded series) and opens as a dataset of its own in the playground and the explorer.

use std::sync::Arc;

use super::clock;
use super::relabel_exercises as exercises;
use super::Host;
use crate::cardinality::select;
use crate::content::DatasetMeta;
use crate::engine::Storage;
use crate::link::answer;
use crate::link::relabel::{
    CheckRelabel, GradeRelabelExercise, OpenRelabelExercise, PickSeries, RelabelCheck, RelabelExercises,
    RelabelRequest, RelabelResult, RelabelSource, RelabelStep, RuleLine, StartRelabel, TraceSeries,
    TraceStepView, TraceView,
};
use crate::link::rules::{Progress, Step};
use crate::relabel::dataset::{relabeled_id, DatasetRelabel};
use crate::relabel::{load, trace, ConfigError, LoadOptions, Loaded, Outcome};

/// Series relabeled per step: small enough that a step stays well under a frame budget of
/// the slowest browsers, large enough that the steps' overhead does not show.
const SERIES_PER_STEP: usize = 4_000;

/// Most series [`PickSeries`] returns.
const MAX_PICK: usize = 50;

/// A relabeled dataset the engine module keeps.
pub struct Relabeled {
    pub meta: DatasetMeta,
    pub storage: Arc<Storage>,
}

/// A relabeling under way.
struct Running {
    source: String,
    meta: DatasetMeta,
    storage: Arc<Storage>,
    run: DatasetRelabel,
    started: f64,
}

/// What the engine module keeps for this area between calls.
#[derive(Default)]
pub struct RelabelState {
    running: Option<Running>,
    /// The last finished relabeling (one at a time: a new one replaces it).
    pub relabeled: Option<Relabeled>,
}

pub(super) fn handle(host: &mut Host, request: RelabelRequest) -> Vec<u8> {
    match request {
        RelabelRequest::Check(c) => answer::<CheckRelabel>(check(&c.source)),
        RelabelRequest::Trace(c) => answer::<TraceSeries>(trace_one(&c.source, c.labels)),
        RelabelRequest::Pick(c) => answer::<PickSeries>(pick(host, &c)),
        RelabelRequest::Start(c) => answer::<StartRelabel>(start(host, c)),
        RelabelRequest::Step(RelabelStep) => answer::<RelabelStep>(step(host)),
        RelabelRequest::Exercises(RelabelExercises) => answer::<RelabelExercises>(exercises::list(host)),
        RelabelRequest::Exercise(c) => answer::<OpenRelabelExercise>(exercises::open(host, &c.id)),
        RelabelRequest::Grade(c) => answer::<GradeRelabelExercise>(exercises::grade(host, c)),
    }
}

fn load_source(source: &RelabelSource) -> Result<Loaded, ConfigError> {
    let opts = LoadOptions { job: source.job.clone(), metric: source.metric, ..LoadOptions::default() };
    load(&source.text, &opts)
}

fn rule_lines(loaded: &Loaded) -> Vec<RuleLine> {
    loaded
        .set
        .rules
        .iter()
        .map(|r| RuleLine { line: r.at.rule.line, action: r.action(), summary: r.summary() })
        .collect()
}

fn check(source: &RelabelSource) -> RelabelCheck {
    match load_source(source) {
        Ok(loaded) => RelabelCheck {
            error: None,
            rules: rule_lines(&loaded),
            section: loaded.set.section,
            shape: Some(loaded.shape),
        },
        Err(e) => {
            RelabelCheck { error: Some(e), rules: Vec::new(), section: Default::default(), shape: None }
        }
    }
}

fn trace_one(source: &RelabelSource, labels: Vec<(String, String)>) -> Result<TraceView, ConfigError> {
    let loaded = load_source(source)?;
    let t = trace(&loaded.set, labels);
    let rules = rule_lines(&loaded);
    let steps = rules
        .into_iter()
        .enumerate()
        .map(|(i, rule)| match t.steps.get(i) {
            Some(s) => TraceStepView { rule, after: s.after.clone(), evaluated: true, changed: s.changed },
            None => TraceStepView { rule, after: None, evaluated: false, changed: false },
        })
        .collect();
    let (output, dropped_by) = match &t.outcome {
        Outcome::Kept(l) => (Some(l.clone()), None),
        Outcome::Dropped { rule } => (None, Some(*rule)),
    };
    let nameless = output.as_ref().is_some_and(|l| !l.iter().any(|(n, _)| n == "__name__"));
    Ok(TraceView { input: t.input, steps, output, dropped_by, nameless })
}

fn pick(host: &mut Host, c: &PickSeries) -> Result<Vec<Vec<(String, String)>>, String> {
    let storage = host.storage(&c.dataset, false)?;
    let ids = select(&storage, &c.selector)?;
    Ok(ids
        .into_iter()
        .take(c.limit.min(MAX_PICK))
        .map(|id| storage.get(id).labels.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect())
        .collect())
}

fn start(host: &mut Host, c: StartRelabel) -> Result<Progress, String> {
    let loaded =
        load_source(&c.source).map_err(|e| format!("line {}, column {}: {}", e.line, e.col, e.message))?;
    let meta = host.datasets.meta(&c.dataset).or_else(|e| {
        host.relabel.relabeled.as_ref().filter(|r| r.meta.id == c.dataset).map(|r| r.meta.clone()).ok_or(e)
    })?;
    let storage = host.storage(&c.dataset, false)?;
    let run = DatasetRelabel::new(&loaded.set, storage.len());
    let started = clock(host)();
    host.relabel.running = Some(Running { source: c.dataset, meta, storage, run, started });
    Ok(progress(host.relabel.running.as_ref()))
}

fn progress(running: Option<&Running>) -> Progress {
    let (done, total) = running.map_or((0, 0), |r| r.run.progress());
    Progress { done, total, label: running.map_or(String::new(), |r| r.source.clone()) }
}

fn step(host: &mut Host) -> Result<Step<RelabelResult>, String> {
    let now = clock(host);
    let running = host.relabel.running.as_mut().ok_or("no relabeling is under way")?;
    if !running.run.advance(&running.storage, SERIES_PER_STEP) {
        return Ok(Step::Running(progress(Some(running))));
    }
    let Some(done) = host.relabel.running.take() else { return Err("no relabeling is under way".into()) };
    let (storage, report) = done.run.finish(&done.storage);
    let ms = now() - done.started;
    let id = relabeled_id(&done.source);
    let mut meta = done.meta;
    meta.title = format!("{} (relabeled)", meta.title);
    meta.description =
        format!("The dataset {} after the relabel rules of the relabeling simulator.", done.source);
    meta.id = id.clone();
    meta.series = storage.len() as u64;
    meta.samples = storage.sample_count() as u64;
    host.relabel.relabeled = Some(Relabeled { meta, storage: Arc::new(storage) });
    Ok(Step::Finished(RelabelResult { dataset: id, source: done.source, report, ms }))
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::link::data::OpenDataset;
    use crate::link::query::{QueryTime, RunQuery};

    const SEED_FIXED: &str = "metric_relabel_configs:\n- regex: container_id\n  action: labeldrop\n- source_labels: [version]\n  regex: '(v\\d+)\\.\\d+\\.\\d+'\n  target_label: version\n- source_labels: [__name__]\n  regex: 'go_.*|process_.*|promhttp_.*'\n  action: drop\n";

    fn source(text: &str) -> RelabelSource {
        RelabelSource { text: text.into(), job: None, metric: false }
    }

    #[test]
    fn a_typo_is_reported_at_its_line() {
        let check =
            roundtrip(&mut Host::new(), CheckRelabel { source: source("- action: keep\n  regx: a\n") })
                .unwrap();
        let e = check.error.unwrap();
        assert_eq!((e.line, e.col), (2, 3));
        assert!(e.message.contains("field regx not found"));
    }

    #[test]
    fn the_relabeled_dataset_opens_and_answers_queries() {
        let mut host = Host::new();
        let start = StartRelabel { dataset: "ml-platform".into(), source: source(SEED_FIXED) };
        let p = roundtrip(&mut host, start).unwrap().unwrap();
        assert_eq!((p.done, p.total), (0, 606));
        let result = loop {
            match roundtrip(&mut host, RelabelStep).unwrap().unwrap() {
                Step::Running(_) => continue,
                Step::Finished(r) => break r,
            }
        };
        assert_eq!(result.dataset, "ml-platform-relabeled");
        assert_eq!(result.report.before.series, 606);
        let info = roundtrip(&mut host, OpenDataset { id: result.dataset.clone() }).unwrap().unwrap();
        assert_eq!(info.facts.series, result.report.after.series);
        let q = RunQuery {
            dataset: result.dataset,
            query: "count(count by (version) (model_predictions_total))".into(),
            time: QueryTime::Instant { time: info.facts.meta.start + 3_600_000 },
            with_recorded: false,
            limits: Default::default(),
        };
        assert!(roundtrip(&mut host, q).unwrap().result.is_ok());
    }
}
