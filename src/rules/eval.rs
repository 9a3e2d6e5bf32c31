//! Recording-rule evaluation over a dataset's timeline, as Prometheus's rule manager would
//! have run it: each group every `interval` (ticks aligned to multiples of the interval),
//! rules in order so later rules read what earlier ones recorded, results written as
//! `__name__` = the record name plus the rule's labels, and a staleness marker when a series
//! drops out of a rule's output.
//!
//! Fast path: when no rule reads a series recorded by itself or a later rule, the whole
//! timeline of one rule is one range query (the engine caches its selectors across steps),
//! which gives the same samples as one instant query per tick. Otherwise every tick is an
//! instant query over the storage as recorded so far.

use std::collections::{HashMap, HashSet};

use promql_parser::parser::Expr;

use super::ast;
use super::model::{Rule, RuleFile, RuleGroup};
use crate::engine::value::stale_nan;
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, QueryStats, Storage, Value, METRIC_NAME};

/// Prometheus's default `global.evaluation_interval`, used by groups without an interval.
pub const DEFAULT_INTERVAL: Millis = 60_000;

/// Most tick errors kept per rule (the rest are only counted).
const MAX_KEPT_ERRORS: usize = 5;

/// What to evaluate over.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EvalOptions {
    /// First and last evaluation time; default: the dataset's first and last sample.
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// The interval of groups that do not set one.
    pub global_interval: Millis,
    pub engine: EngineOptions,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            start: None,
            end: None,
            global_interval: DEFAULT_INTERVAL,
            engine: EngineOptions::default(),
        }
    }
}

/// How the timeline was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// One range query per rule.
    PerRule,
    /// One instant query per rule per tick (some rule reads a later rule's output).
    PerTick,
}

/// What one recording rule did over the timeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleOutcome {
    pub group: String,
    /// 0-based position in its group.
    pub index: usize,
    pub record: String,
    pub expr: String,
    pub interval: Millis,
    /// Evaluations (ticks) in the timeline.
    pub ticks: usize,
    /// Ticks that recorded at least one sample.
    pub ticks_with_output: usize,
    /// The distinct series recorded.
    pub series: Vec<Labels>,
    /// Samples recorded (staleness markers not counted).
    pub samples: usize,
    pub stale_markers: usize,
    /// The first few failed ticks: (time, message).
    pub errors: Vec<(Millis, String)>,
    pub error_count: usize,
    /// Work done by the rule's queries, summed over the timeline.
    pub stats: QueryStats,
    /// Time spent evaluating the rule over the timeline, in the clock's milliseconds (0 when
    /// evaluated without a clock, or tick by tick).
    pub eval_ms: f64,
    /// Why the rule recorded nothing (filled by [`super::explain`]).
    pub explanation: Vec<String>,
}

impl RuleOutcome {
    /// True when the rule recorded no sample at all.
    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }
}

/// The result of evaluating a rule file: the dataset plus every recorded series, and one
/// outcome per recording rule.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub storage: Storage,
    pub rules: Vec<RuleOutcome>,
    pub start: Millis,
    pub end: Millis,
    pub mode: Mode,
    /// Alerting rules present in the file (evaluated by the alerting lab, not here).
    pub alerting_rules: usize,
}

impl Evaluation {
    /// Only the recorded series (for export).
    pub fn recorded_storage(&self) -> Storage {
        let mut out = Storage::new();
        for rule in &self.rules {
            for &id in self.storage.postings(METRIC_NAME, &rule.record) {
                let stored = self.storage.get(id);
                let dst = out.series_id(&stored.labels);
                for p in &stored.points {
                    // Points come from one series, already in time order.
                    let _ = out.append(dst, p.t, p.v);
                }
            }
        }
        out
    }
}

/// Evaluates the recording rules of `file` over `base` (which is not changed).
pub fn evaluate(base: &Storage, file: &RuleFile, opts: &EvalOptions) -> Evaluation {
    evaluate_timed(base, file, opts, &mut || 0.0)
}

/// [`evaluate`], timing each rule with `clock` (milliseconds: `Instant` natively,
/// `performance.now()` in the browser).
pub fn evaluate_timed(
    base: &Storage,
    file: &RuleFile,
    opts: &EvalOptions,
    clock: &mut dyn FnMut() -> f64,
) -> Evaluation {
    let bounds = base.time_bounds().unwrap_or((0, 0));
    let start = opts.start.unwrap_or(bounds.0);
    let end = opts.end.unwrap_or(bounds.1).max(start);
    let mut engine = opts.engine.clone();
    // A rule's timeline is one query however many ticks it has.
    engine.max_range_steps = usize::MAX;
    let mut run = Run { storage: base.clone(), engine, start, end, global: opts.global_interval.max(1) };

    let plan = plan(file);
    let mode = if plan.iter().any(|p| p.reads_later) { Mode::PerTick } else { Mode::PerRule };
    let mut rules: Vec<RuleOutcome> = plan.iter().map(|p| run.outcome(p)).collect();
    let mut recorders: Vec<Recorder> = plan.iter().map(|p| Recorder::new(p.rule, p.group.limit)).collect();
    match mode {
        Mode::PerRule => {
            for (i, p) in plan.iter().enumerate() {
                let t0 = clock();
                run.whole_timeline(p, &mut recorders[i], &mut rules[i]);
                rules[i].eval_ms = clock() - t0;
            }
        }
        Mode::PerTick => run.tick_by_tick(&plan, &mut recorders, &mut rules),
    }
    let alerting_rules = file.rules().filter(|(_, r)| !r.is_recording()).count();
    Evaluation { storage: run.storage, rules, start, end, mode, alerting_rules }
}

/// One recording rule, ready to run.
struct Planned<'a> {
    group: &'a RuleGroup,
    group_index: usize,
    index: usize,
    rule: &'a Rule,
    /// The parsed expression, or the parse error.
    expr: Result<Expr, String>,
    /// True when the rule reads a series that it or a later rule records.
    reads_later: bool,
}

fn plan(file: &RuleFile) -> Vec<Planned<'_>> {
    let recording: Vec<(usize, &RuleGroup, usize, &Rule)> = file
        .groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.rules.iter().enumerate().map(move |(i, r)| (gi, g, i, r)))
        .filter(|(_, _, _, r)| r.is_recording())
        .collect();
    recording
        .iter()
        .enumerate()
        .map(|(pos, &(group_index, group, index, rule))| {
            let expr = parse::parse(&rule.expr).map_err(|e| format!("could not parse expression: {e}"));
            let reads_later = expr.as_ref().is_ok_and(|e| {
                ast::selectors(e)
                    .iter()
                    .any(|vs| recording[pos..].iter().any(|(_, _, _, r)| ast::may_read(vs, &r.record)))
            });
            Planned { group, group_index, index, rule, expr, reads_later }
        })
        .collect()
}

struct Run {
    storage: Storage,
    engine: EngineOptions,
    start: Millis,
    end: Millis,
    global: Millis,
}

impl Run {
    fn interval(&self, g: &RuleGroup) -> Millis {
        g.interval_or(self.global).max(1)
    }

    /// The group's evaluation times: multiples of its interval within `[start, end]`.
    fn ticks(&self, g: &RuleGroup) -> impl Iterator<Item = Millis> {
        let step = self.interval(g);
        let first =
            self.start.div_euclid(step) * step + if self.start.rem_euclid(step) == 0 { 0 } else { step };
        let end = self.end;
        (0..).map(move |k: i64| first.saturating_add(k.saturating_mul(step))).take_while(move |&t| t <= end)
    }

    fn outcome(&self, p: &Planned) -> RuleOutcome {
        RuleOutcome {
            group: p.group.name.clone(),
            index: p.index,
            record: p.rule.record.clone(),
            expr: p.rule.expr.clone(),
            interval: self.interval(p.group),
            ticks: self.ticks(p.group).count(),
            ..RuleOutcome::default()
        }
    }

    /// The fast path: the rule's whole timeline as one range query (or, when the query
    /// fails or depends on the query's start/end, one instant query per tick).
    fn whole_timeline(&mut self, p: &Planned, rec: &mut Recorder, out: &mut RuleOutcome) {
        let ticks: Vec<Millis> = self.ticks(p.group).collect();
        let (Some(&first), Some(&last)) = (ticks.first(), ticks.last()) else { return };
        let expr = match &p.expr {
            Ok(e) => e,
            Err(msg) => {
                ticks.iter().for_each(|&t| rec.record(&mut self.storage, t, Err(msg.clone()), out));
                return;
            }
        };
        let offset = p.group.query_offset.unwrap_or(0);
        let ranged = if ast::uses_start_or_end(expr) {
            None
        } else {
            let step = self.interval(p.group);
            // A result holding histograms goes tick by tick, where it is reported.
            eval::eval_range(&self.storage, expr, first - offset, last - offset, step, &self.engine)
                .ok()
                .filter(
                    |o| !matches!(&o.value, Value::Matrix(m) if m.iter().any(|s| !s.histograms.is_empty())),
                )
        };
        match ranged {
            Some(output) => {
                add_stats(&mut out.stats, &output.stats);
                let per_tick = split_by_tick(output.value, &ticks, offset);
                for (t, samples) in ticks.iter().zip(per_tick) {
                    rec.record(&mut self.storage, *t - offset, Ok(samples), out);
                }
            }
            None => {
                for t in ticks {
                    let result = self.instant(expr, t - offset, out);
                    rec.record(&mut self.storage, t - offset, result, out);
                }
            }
        }
    }

    /// The general path: every group's ticks in time order (groups in file order at equal
    /// times), each rule one instant query over what has been recorded so far.
    fn tick_by_tick(&mut self, plan: &[Planned], recs: &mut [Recorder], outs: &mut [RuleOutcome]) {
        let mut events: Vec<(Millis, usize)> = Vec::new();
        let groups: Vec<usize> = {
            let mut g: Vec<usize> = plan.iter().map(|p| p.group_index).collect();
            g.dedup();
            g
        };
        for &gi in &groups {
            if let Some(p) = plan.iter().find(|p| p.group_index == gi) {
                events.extend(self.ticks(p.group).map(|t| (t, gi)));
            }
        }
        events.sort_unstable();
        for (t, gi) in events {
            for (i, p) in plan.iter().enumerate().filter(|(_, p)| p.group_index == gi) {
                let at = t - p.group.query_offset.unwrap_or(0);
                let result = match &p.expr {
                    Ok(e) => self.instant(e, at, &mut outs[i]),
                    Err(msg) => Err(msg.clone()),
                };
                recs[i].record(&mut self.storage, at, result, &mut outs[i]);
            }
        }
    }

    /// One rule evaluation at `t`, as the rule manager's query function returns it: a
    /// vector (a scalar becomes one sample without labels).
    fn instant(&self, expr: &Expr, t: Millis, out: &mut RuleOutcome) -> Result<Vec<(Labels, f64)>, String> {
        let output = eval::eval_instant(&self.storage, expr, t, &self.engine).map_err(|e| e.to_string())?;
        add_stats(&mut out.stats, &output.stats);
        match output.value {
            Value::Vector(v) if v.iter().any(|s| s.h.is_some()) => {
                Err("rule results with native histogram samples are not supported yet".into())
            }
            Value::Vector(v) => Ok(v.into_iter().map(|s| (s.labels, s.v)).collect()),
            Value::Scalar { v, .. } => Ok(vec![(Labels::empty(), v)]),
            _ => Err("rule result is not a vector or scalar".into()),
        }
    }
}

fn add_stats(total: &mut QueryStats, one: &QueryStats) {
    total.samples_touched += one.samples_touched;
    total.series_touched += one.series_touched;
    total.peak_samples = total.peak_samples.max(one.peak_samples);
}

/// Cuts a range query's matrix back into the vector each tick would have returned.
fn split_by_tick(value: Value, ticks: &[Millis], offset: Millis) -> Vec<Vec<(Labels, f64)>> {
    let mut per_tick: Vec<Vec<(Labels, f64)>> = vec![Vec::new(); ticks.len()];
    let index: HashMap<Millis, usize> = ticks.iter().enumerate().map(|(i, t)| (t - offset, i)).collect();
    let series = match value {
        Value::Matrix(m) => m,
        _ => Vec::new(),
    };
    for s in series {
        for p in &s.points {
            if let Some(&i) = index.get(&p.t) {
                per_tick[i].push((s.labels.clone(), p.v));
            }
        }
    }
    per_tick
}

/// Writes one rule's output into the storage tick by tick, the way Prometheus's recording
/// rule and group do: rename, add rule labels, refuse duplicate label sets and results over
/// the group's limit, mark series that disappeared as stale.
struct Recorder {
    name: String,
    labels: Vec<(String, String)>,
    limit: usize,
    /// Series written by the last successful evaluation.
    previous: HashSet<Labels>,
    seen: HashSet<Labels>,
}

impl Recorder {
    fn new(rule: &Rule, limit: i64) -> Self {
        Recorder {
            name: rule.record.clone(),
            labels: rule.labels.iter().map(|kv| (kv.name.clone(), kv.value.clone())).collect(),
            limit: usize::try_from(limit).unwrap_or(0),
            previous: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    fn record(
        &mut self,
        storage: &mut Storage,
        t: Millis,
        result: Result<Vec<(Labels, f64)>, String>,
        out: &mut RuleOutcome,
    ) {
        let samples = result.and_then(|v| self.relabel(v));
        let samples = match samples {
            Ok(s) => s,
            Err(msg) => {
                // A failed evaluation writes nothing, not even staleness markers.
                out.error_count += 1;
                if out.errors.len() < MAX_KEPT_ERRORS {
                    out.errors.push((t, msg));
                }
                return;
            }
        };
        let mut current = HashSet::with_capacity(samples.len());
        for (labels, v) in samples {
            match storage.add(&labels, t, v) {
                Ok(()) => out.samples += 1,
                Err(e) => {
                    out.error_count += 1;
                    if out.errors.len() < MAX_KEPT_ERRORS {
                        out.errors.push((t, e.to_string()));
                    }
                }
            }
            if self.seen.insert(labels.clone()) {
                out.series.push(labels.clone());
            }
            current.insert(labels);
        }
        if !current.is_empty() {
            out.ticks_with_output += 1;
        }
        for gone in self.previous.difference(&current) {
            if storage.add(gone, t, stale_nan()).is_ok() {
                out.stale_markers += 1;
            }
        }
        self.previous = current;
    }

    /// `__name__` = the record name, then the rule's labels (an empty value removes one).
    fn relabel(&self, vector: Vec<(Labels, f64)>) -> Result<Vec<(Labels, f64)>, String> {
        let mut out = Vec::with_capacity(vector.len());
        let mut names = HashSet::with_capacity(vector.len());
        for (mut labels, v) in vector {
            labels.set(METRIC_NAME, self.name.as_str());
            for (n, val) in &self.labels {
                labels.set(n.as_str(), val.as_str());
            }
            if !names.insert(labels.clone()) {
                return Err(
                    "vector contains metrics with the same labelset after applying rule labels".into()
                );
            }
            out.push((labels, v));
        }
        if self.limit > 0 && out.len() > self.limit {
            return Err(format!("exceeded limit of {} with {} series", self.limit, out.len()));
        }
        Ok(out)
    }
}
