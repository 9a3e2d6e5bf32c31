//! Rule evaluation over a dataset's timeline, as Prometheus's rule manager would have run
//! it: each group every `interval` (ticks aligned to multiples of the interval), rules in
//! order so later rules read what earlier ones wrote. A recording rule writes its result as
//! `__name__` = the record name plus the rule's labels; an alerting rule runs its alerts
//! through their life cycle ([`super::alerting`]) and writes `ALERTS`/`ALERTS_FOR_STATE`.
//! A series that drops out of a rule's output gets a staleness marker ([`super::eval_output`]).
//!
//! Fast path: when no rule reads a series written by itself or a later rule, the whole
//! timeline of one rule is one range query (the engine caches its selectors across steps),
//! which gives the same samples as one instant query per tick; an alerting rule then steps
//! its alerts through the per-tick results in order. Otherwise every tick is an instant
//! query over the storage as written so far.

use std::collections::HashMap;

use promql_parser::parser::Expr;

use super::alert_timeline::AlertTimeline;
use super::alerting::{ALERTS, ALERTS_FOR_STATE};
use super::ast;
use super::eval_output::{vector_result, RuleRun};
use super::load::Dialect;
use super::model::{Rule, RuleFile, RuleGroup};
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, QueryStats, Storage, Value, METRIC_NAME};

/// Prometheus's default `global.evaluation_interval`, used by groups without an interval.
pub const DEFAULT_INTERVAL: Millis = 60_000;

/// What to evaluate over.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EvalOptions {
    /// First and last evaluation time; default: the dataset's first and last sample.
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// The interval of groups that do not set one.
    pub global_interval: Millis,
    pub engine: EngineOptions,
    /// Evaluate every group at `global_interval`, whatever its own `interval` (promtool's
    /// unit tests do).
    #[serde(default)]
    pub uniform_interval: bool,
    /// When alerting rules start writing `ALERTS` and `ALERTS_FOR_STATE`.
    #[serde(default)]
    pub restore: Restore,
    /// The server's `external_labels` and `--web.external-url`, as alert templates see them.
    #[serde(default)]
    pub external_labels: Labels,
    #[serde(default)]
    pub external_url: String,
    /// How alert templates run: a Prometheus 3 server's by default.
    #[serde(default)]
    pub templates: TemplateMode,
    /// Where evaluation ticks fall within the interval: at multiples of it plus this. A
    /// Prometheus server offsets each group by a hash of its name; 0 keeps ticks on round times.
    #[serde(default)]
    pub tick_phase: Millis,
}

/// How alert label and annotation templates run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TemplateMode {
    /// Whose template functions: Prometheus 3's, or 2.42's for promtool 2.42.
    pub dialect: Dialect,
    /// promtool runs templates without `--web.external-url`: `externalURL` and `pathPrefix`
    /// then fail (`$externalURL`, from the test group's `external_url`, still works).
    pub no_external_url: bool,
}

/// When an alerting rule counts as "restored", which is when it starts writing its series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Restore {
    /// Like a Prometheus server that starts with the data: only after each group's second
    /// evaluation (`ALERTS` is absent from the first two).
    #[default]
    AfterSecondEvaluation,
    /// Like `promtool test rules`: from the first evaluation.
    Immediately,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            start: None,
            end: None,
            global_interval: DEFAULT_INTERVAL,
            engine: EngineOptions::default(),
            uniform_interval: false,
            restore: Restore::default(),
            external_labels: Labels::empty(),
            external_url: String::new(),
            templates: TemplateMode::default(),
            tick_phase: 0,
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

/// The result of evaluating a rule file: the dataset plus every series the rules wrote, one
/// outcome per recording rule and one timeline per alerting rule.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub storage: Storage,
    pub rules: Vec<RuleOutcome>,
    /// The alerting rules, in file order.
    pub alerts: Vec<AlertTimeline>,
    pub start: Millis,
    pub end: Millis,
    pub mode: Mode,
    /// Alerting rules present in the file.
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

/// Evaluates the rules of `file` over `base` (which is not changed).
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
    let mut run = Run {
        storage: base.clone(),
        engine,
        start,
        end,
        global: opts.global_interval.max(1),
        uniform: opts.uniform_interval,
        phase: opts.tick_phase,
    };

    let plan = plan(file);
    let mode = if plan.iter().any(|p| p.reads_later) { Mode::PerTick } else { Mode::PerRule };
    let mut runs: Vec<RuleRun> = plan.iter().map(|p| run.rule_run(p, opts)).collect();
    match mode {
        Mode::PerRule => {
            for (i, p) in plan.iter().enumerate() {
                let t0 = clock();
                run.whole_timeline(p, &mut runs[i], opts);
                runs[i].set_eval_ms(clock() - t0);
            }
        }
        Mode::PerTick => run.tick_by_tick(&plan, &mut runs, opts),
    }
    let (mut rules, mut alerts) = (Vec::new(), Vec::new());
    for r in runs {
        match r {
            RuleRun::Recording { outcome, .. } => rules.push(outcome),
            RuleRun::Alerting { rule, .. } => alerts.push(rule.into_timeline()),
        }
    }
    let alerting_rules = alerts.len();
    Evaluation { storage: run.storage, rules, alerts, start, end, mode, alerting_rules }
}

/// One rule, ready to run.
struct Planned<'a> {
    group: &'a RuleGroup,
    group_index: usize,
    index: usize,
    rule: &'a Rule,
    /// The parsed expression, or the parse error.
    expr: Result<Expr, String>,
    /// True when the rule reads a series that it or a later rule writes.
    reads_later: bool,
}

/// The metric names a rule writes: its record, or `ALERTS` and `ALERTS_FOR_STATE`.
fn writes(rule: &Rule) -> Vec<&str> {
    if rule.is_alerting() {
        vec![ALERTS, ALERTS_FOR_STATE]
    } else {
        vec![rule.record.as_str()]
    }
}

fn plan(file: &RuleFile) -> Vec<Planned<'_>> {
    let all: Vec<(usize, &RuleGroup, usize, &Rule)> = file
        .groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.rules.iter().enumerate().map(move |(i, r)| (gi, g, i, r)))
        .filter(|(_, _, _, r)| r.is_recording() || r.is_alerting())
        .collect();
    all.iter()
        .enumerate()
        .map(|(pos, &(group_index, group, index, rule))| {
            let expr = parse::parse(&rule.expr).map_err(|e| format!("could not parse expression: {e}"));
            let reads_later = expr.as_ref().is_ok_and(|e| {
                ast::selectors(e).iter().any(|vs| {
                    all[pos..].iter().any(|(_, _, _, r)| writes(r).iter().any(|name| ast::may_read(vs, name)))
                })
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
    uniform: bool,
    phase: Millis,
}

impl Run {
    fn interval(&self, g: &RuleGroup) -> Millis {
        if self.uniform {
            return self.global;
        }
        g.interval_or(self.global).max(1)
    }

    /// The group's evaluation times: multiples of its interval (plus the phase) within
    /// `[start, end]`.
    fn ticks(&self, g: &RuleGroup) -> impl Iterator<Item = Millis> {
        let step = self.interval(g);
        let shifted = self.start - self.phase;
        let first = shifted.div_euclid(step) * step
            + if shifted.rem_euclid(step) == 0 { 0 } else { step }
            + self.phase;
        let end = self.end;
        (0..).map(move |k: i64| first.saturating_add(k.saturating_mul(step))).take_while(move |&t| t <= end)
    }

    fn rule_run(&self, p: &Planned, opts: &EvalOptions) -> RuleRun {
        let (interval, ticks) = (self.interval(p.group), self.ticks(p.group).count());
        let outcome = RuleOutcome {
            group: p.group.name.clone(),
            index: p.index,
            record: p.rule.record.clone(),
            expr: p.rule.expr.clone(),
            interval,
            ticks,
            ..RuleOutcome::default()
        };
        let timeline = AlertTimeline {
            group: p.group.name.clone(),
            index: p.index,
            first_tick: self.ticks(p.group).next().unwrap_or(self.start),
            expr: p.rule.expr.clone(),
            for_: p.rule.for_,
            keep_firing_for: p.rule.keep_firing_for,
            interval,
            ticks,
            ..AlertTimeline::default()
        };
        RuleRun::new(p.rule, p.group.limit, outcome, timeline, opts)
    }

    /// The fast path: the rule's whole timeline as one range query (or, when the query
    /// fails or depends on the query's start/end, one instant query per tick).
    fn whole_timeline(&mut self, p: &Planned, out: &mut RuleRun, opts: &EvalOptions) {
        let ticks: Vec<Millis> = self.ticks(p.group).collect();
        let (Some(&first), Some(&last)) = (ticks.first(), ticks.last()) else { return };
        let expr = match &p.expr {
            Ok(e) => e,
            Err(msg) => {
                ticks.iter().for_each(|&t| out.apply(&mut self.storage, t, Err(msg.clone()), opts));
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
                add_stats(out.stats(), &output.stats);
                let per_tick = split_by_tick(output.value, &ticks, offset);
                for (t, samples) in ticks.iter().zip(per_tick) {
                    out.apply(&mut self.storage, *t - offset, Ok(samples), opts);
                }
            }
            None => {
                for t in ticks {
                    let result = self.instant(expr, t - offset, out.stats());
                    out.apply(&mut self.storage, t - offset, result, opts);
                }
            }
        }
    }

    /// The general path: every group's ticks in time order (groups in file order at equal
    /// times), each rule one instant query over what has been written so far.
    fn tick_by_tick(&mut self, plan: &[Planned], runs: &mut [RuleRun], opts: &EvalOptions) {
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
                    Ok(e) => self.instant(e, at, runs[i].stats()),
                    Err(msg) => Err(msg.clone()),
                };
                runs[i].apply(&mut self.storage, at, result, opts);
            }
        }
    }

    /// One rule evaluation at `t`, as the rule manager's query function returns it.
    fn instant(&self, expr: &Expr, t: Millis, stats: &mut QueryStats) -> Result<Vec<(Labels, f64)>, String> {
        let output = eval::eval_instant(&self.storage, expr, t, &self.engine).map_err(|e| e.to_string())?;
        add_stats(stats, &output.stats);
        vector_result(output.value)
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
