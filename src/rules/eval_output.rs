//! Where each rule's evaluations go, the way Prometheus's rule group commits them: a
//! recording rule's result renamed and labelled, an alerting rule's result through its alert
//! state machine into `ALERTS`/`ALERTS_FOR_STATE`; both written to the storage the next
//! rules read, with a staleness marker for every series the previous evaluation wrote and
//! this one did not. A failed evaluation writes nothing, not even markers.

use crate::engine::grouping::{FxHashMap, FxHashSet};

use super::alert_timeline::AlertTimeline;
use super::alerting::{AlertingRule, TemplateEnv};
use super::eval::{EvalOptions, Restore, RuleOutcome};
use super::model::Rule;
use super::templating::EngineQuerier;
use crate::engine::storage::SeriesId;
use crate::engine::value::stale_nan;
use crate::engine::{Labels, Millis, QueryStats, Storage, Value, METRIC_NAME};

/// Most failed evaluations kept per rule (the rest are only counted).
const MAX_KEPT_ERRORS: usize = 5;

/// One rule's evaluations over the timeline and what they produced.
// One value per rule of a file, each kept for the whole evaluation: the size difference
// between the variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum RuleRun {
    Recording { recorder: Recorder, outcome: RuleOutcome },
    Alerting { rule: Box<AlertingRule>, writer: SeriesWriter, evaluations: usize },
}

impl RuleRun {
    pub fn new(
        rule: &Rule,
        limit: i64,
        outcome: RuleOutcome,
        timeline: AlertTimeline,
        opts: &EvalOptions,
    ) -> RuleRun {
        if rule.is_alerting() {
            let mut alerting = AlertingRule::new(rule, limit, opts.templates.dialect);
            alerting.timeline = AlertTimeline { name: alerting.timeline.name.clone(), ..timeline };
            RuleRun::Alerting { rule: Box::new(alerting), writer: SeriesWriter::default(), evaluations: 0 }
        } else {
            RuleRun::Recording { recorder: Recorder::new(rule, limit), outcome }
        }
    }

    /// The work counters of the rule's queries.
    pub fn stats(&mut self) -> &mut QueryStats {
        match self {
            RuleRun::Recording { outcome, .. } => &mut outcome.stats,
            RuleRun::Alerting { rule, .. } => &mut rule.timeline.stats,
        }
    }

    /// Adds time spent on the rule.
    pub fn add_eval_ms(&mut self, ms: f64) {
        match self {
            RuleRun::Recording { outcome, .. } => outcome.eval_ms += ms,
            RuleRun::Alerting { rule, .. } => rule.timeline.eval_ms += ms,
        }
    }

    /// Takes the result of the evaluation at `t` into `storage`. With the group's
    /// `query_offset` the query ran at `t - query_offset` and its samples are written there,
    /// while alerts change state at `t` and their templates query at `t`, as in Prometheus 3
    /// (rules/alerting.go `Eval`).
    pub fn apply(
        &mut self,
        storage: &mut Storage,
        (t, query_offset): (Millis, Millis),
        result: Result<Vec<(Labels, f64)>, String>,
        opts: &EvalOptions,
    ) {
        let written_at = t - query_offset;
        match self {
            RuleRun::Recording { recorder, outcome } => recorder.record(storage, written_at, result, outcome),
            RuleRun::Alerting { rule, writer, evaluations } => {
                // A server marks alerting rules restored after the group's second evaluation.
                let restored = opts.restore == Restore::Immediately || *evaluations >= 2;
                *evaluations += 1;
                let querier = template_querier(storage, t, opts);
                let env = TemplateEnv {
                    external_labels: &opts.external_labels,
                    external_url: &opts.external_url,
                    querier: &querier,
                };
                let samples = result.and_then(|v| rule.eval(t, v, &env, restored));
                let timeline = &mut rule.timeline;
                match samples {
                    Ok(samples) => {
                        let written = writer.write(storage, written_at, samples);
                        for e in written.errors {
                            keep_error(&mut timeline.errors, &mut timeline.error_count, t, e);
                        }
                    }
                    Err(msg) => {
                        timeline.failed_at.push(t);
                        keep_error(&mut timeline.errors, &mut timeline.error_count, t, msg)
                    }
                }
            }
        }
    }
}

fn keep_error(errors: &mut Vec<(Millis, String)>, count: &mut usize, t: Millis, msg: String) {
    *count += 1;
    if errors.len() < MAX_KEPT_ERRORS {
        errors.push((t, msg));
    }
}

/// What alert templates of an evaluation at `t` may query: the storage written so far, and
/// the external URL unless templates run as promtool runs them.
pub fn template_querier<'a>(storage: &'a Storage, t: Millis, opts: &'a EvalOptions) -> EngineQuerier<'a> {
    let external_url = (!opts.templates.no_external_url).then_some(opts.external_url.as_str());
    EngineQuerier { storage, time: t, options: &opts.engine, external_url }
}

/// A rule's query result as the rule manager's query function returns it: a vector (a
/// scalar becomes one sample without labels).
pub fn vector_result(value: Value) -> Result<Vec<(Labels, f64)>, String> {
    match value {
        Value::Vector(v) if v.iter().any(|s| s.h.is_some()) => {
            Err("rule results with native histogram samples are not supported yet".into())
        }
        Value::Vector(v) => Ok(v.into_iter().map(|s| (s.labels, s.v)).collect()),
        Value::Scalar { v, .. } => Ok(vec![(Labels::empty(), v)]),
        _ => Err("rule result is not a vector or scalar".into()),
    }
}

/// What one write did.
#[derive(Default)]
pub struct Written {
    pub samples: usize,
    pub stale_markers: usize,
    /// Samples the storage refused (out of order, duplicates).
    pub errors: Vec<String>,
}

/// Writes a rule's output series and marks the ones it stopped writing as stale.
#[derive(Default)]
pub struct SeriesWriter {
    /// Series written by the last successful evaluation.
    previous: FxHashSet<Labels>,
    /// The same, in the order written, with their storage ids: a range query hands every
    /// tick the very same label sets, and then nothing needs hashing or looking up.
    last: Vec<(Labels, SeriesId)>,
}

impl SeriesWriter {
    pub fn write(&mut self, storage: &mut Storage, t: Millis, samples: Vec<(Labels, f64)>) -> Written {
        let mut written = Written::default();
        if same_label_sets(self.last.iter().map(|(l, _)| l), samples.iter().map(|(l, _)| l)) {
            for ((_, id), (_, v)) in self.last.iter().zip(&samples) {
                match storage.append(*id, t, *v) {
                    Ok(()) => written.samples += 1,
                    Err(e) => written.errors.push(e.to_string()),
                }
            }
            return written;
        }
        let mut current = FxHashSet::with_capacity_and_hasher(samples.len(), Default::default());
        self.last.clear();
        for (labels, v) in samples {
            let id = storage.series_id(&labels);
            match storage.append(id, t, v) {
                Ok(()) => written.samples += 1,
                Err(e) => written.errors.push(e.to_string()),
            }
            self.last.push((labels.clone(), id));
            current.insert(labels);
        }
        for gone in self.previous.difference(&current) {
            if storage.add(gone, t, stale_nan()).is_ok() {
                written.stale_markers += 1;
            }
        }
        self.previous = current;
        written
    }

    /// The series the last successful evaluation wrote.
    pub fn current(&self) -> &FxHashSet<Labels> {
        &self.previous
    }
}

/// True when both lists hold the very same label sets (by identity) in the same order.
fn same_label_sets<'a>(
    a: impl ExactSizeIterator<Item = &'a Labels>,
    b: impl ExactSizeIterator<Item = &'a Labels>,
) -> bool {
    a.len() == b.len() && a.zip(b).all(|(x, y)| x.identity() == y.identity())
}

/// Writes one recording rule's output: rename, add rule labels, refuse duplicate label sets
/// and results over the group's limit.
pub struct Recorder {
    name: String,
    labels: Vec<(String, String)>,
    limit: usize,
    writer: SeriesWriter,
    seen: FxHashSet<Labels>,
    /// Result label sets already renamed, by identity (a range query's result hands every
    /// tick the same shared label set of a series): (the input, kept alive, and its output).
    renamed: FxHashMap<usize, (Labels, Labels)>,
    /// The last tick's output label sets, once checked distinct and counted as seen.
    last: Vec<Labels>,
}

impl Recorder {
    pub fn new(rule: &Rule, limit: i64) -> Self {
        Recorder {
            name: rule.record.clone(),
            labels: rule.labels.iter().map(|kv| (kv.name.clone(), kv.value.clone())).collect(),
            limit: usize::try_from(limit).unwrap_or(0),
            writer: SeriesWriter::default(),
            seen: FxHashSet::default(),
            renamed: FxHashMap::default(),
            last: Vec::new(),
        }
    }

    pub fn record(
        &mut self,
        storage: &mut Storage,
        t: Millis,
        result: Result<Vec<(Labels, f64)>, String>,
        out: &mut RuleOutcome,
    ) {
        let samples = match result.and_then(|v| self.relabel(v)) {
            Ok(s) => s,
            Err(msg) => return keep_error(&mut out.errors, &mut out.error_count, t, msg),
        };
        if !samples.is_empty() {
            out.ticks_with_output += 1;
        }
        if !same_label_sets(self.last.iter(), samples.iter().map(|(l, _)| l)) {
            for (labels, _) in &samples {
                if self.seen.insert(labels.clone()) {
                    out.series.push(labels.clone());
                }
            }
            self.last = samples.iter().map(|(l, _)| l.clone()).collect();
        }
        let written = self.writer.write(storage, t, samples);
        out.samples += written.samples;
        out.stale_markers += written.stale_markers;
        for e in written.errors {
            keep_error(&mut out.errors, &mut out.error_count, t, e);
        }
    }

    /// `__name__` = the record name, then the rule's labels (an empty value removes one).
    fn relabel(&mut self, vector: Vec<(Labels, f64)>) -> Result<Vec<(Labels, f64)>, String> {
        let mut out = Vec::with_capacity(vector.len());
        // Tick-by-tick results bring new label sets every tick: keep the memo bounded.
        if self.renamed.len() > 4 * (self.seen.len() + vector.len()) + 64 {
            self.renamed.clear();
        }
        for (input, v) in vector {
            let labels = match self.renamed.get(&input.identity()) {
                Some((_, renamed)) => renamed.clone(),
                None => {
                    let mut labels = input.clone();
                    labels.set(METRIC_NAME, self.name.as_str());
                    for (n, val) in &self.labels {
                        labels.set(n.as_str(), val.as_str());
                    }
                    self.renamed.insert(input.identity(), (input, labels.clone()));
                    labels
                }
            };
            out.push((labels, v));
        }
        // The same label sets as the last tick were distinct then.
        let mut names = FxHashSet::default();
        if !same_label_sets(self.last.iter(), out.iter().map(|(l, _)| l))
            && !out.iter().all(|(l, _)| names.insert(l))
        {
            return Err("vector contains metrics with the same labelset after applying rule labels".into());
        }
        if self.limit > 0 && out.len() > self.limit {
            return Err(format!("exceeded limit of {} with {} series", self.limit, out.len()));
        }
        Ok(out)
    }
}
