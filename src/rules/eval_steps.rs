//! Rule evaluation in slices: a [`Stepper`] evaluates a rule file over a timeline a slice
//! at a time, each [`Stepper::step`] stopping once a time budget is spent, so the browser can
//! paint (and show progress) between slices; with an unlimited budget one step does it all.
//!
//! Fast path (per rule): when no rule reads a series written by itself or a later rule, the
//! rules run one after the other, each over the whole timeline, as range queries over
//! consecutive stretches of its ticks (the engine caches selectors across the steps of one
//! query; a range query gives the same samples as one instant query per tick). An alerting
//! rule steps its alerts through the per-tick results in order. Otherwise (per tick) every
//! group's ticks run in time order, each rule an instant query over what has been written
//! so far.

use promql_parser::parser::{Expr, VectorSelector};

use super::alert_timeline::AlertTimeline;
use super::alerting::{ALERTS, ALERTS_FOR_STATE};
use super::ast;
use super::eval::{EvalOptions, Evaluation, Mode, RuleOutcome};
use super::eval_output::{vector_result, RuleRun};
use super::model::{Rule, RuleFile, RuleGroup};
use crate::engine::grouping::FxHashMap;
use crate::engine::shared::SharedResults;
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, QueryStats, Storage, Value};

/// Ticks in a rule's first slice when the budget is limited (later slices are sized from
/// the time the previous ones took).
const FIRST_SLICE: usize = 120;

/// Samples of shared subexpression results kept during one evaluation (`engine/shared.rs`;
/// about 8 bytes each). The seed's rule files keep about 1.8 million over 48 h (14 MB).
const SHARED_SAMPLES: usize = 4 << 20;

/// One rule of the file, ready to run.
struct Planned {
    group: usize,
    /// Position in its group.
    index: usize,
    /// The parsed expression, or the parse error.
    expr: Result<Expr, String>,
    /// True when the rule reads a series that it or a later rule writes.
    reads_later: bool,
    /// The group's evaluation times.
    ticks: Vec<Millis>,
}

/// Where the evaluation stands.
enum Cursor {
    /// Rule `rule`, from its tick `next`; `slice` ticks per range query.
    PerRule { rule: usize, next: usize, slice: usize },
    /// Event `next` of `(time, group)` in time order.
    PerTick { events: Vec<(Millis, usize)>, next: usize },
}

/// A rule file being evaluated over a timeline.
pub struct Stepper {
    file: RuleFile,
    plan: Vec<Planned>,
    runs: Vec<RuleRun>,
    storage: Storage,
    /// Subexpressions several rules compute, evaluated once per instant.
    shared: SharedResults,
    engine: EngineOptions,
    opts: EvalOptions,
    start: Millis,
    end: Millis,
    mode: Mode,
    cursor: Cursor,
    /// Ticks evaluated so far and in all (for progress).
    done: usize,
    total: usize,
}

impl Stepper {
    /// Prepares evaluating `file` over `base` from `opts.start` to `opts.end` (by default the
    /// whole time range of `base`).
    pub fn new(base: &Storage, file: RuleFile, opts: EvalOptions) -> Stepper {
        let bounds = base.time_bounds().unwrap_or((0, 0));
        let start = opts.start.unwrap_or(bounds.0);
        let end = opts.end.unwrap_or(bounds.1).max(start);
        let mut engine = opts.engine.clone();
        // A rule's timeline is one query however many ticks it has.
        engine.max_range_steps = usize::MAX;
        let plan = plan(&file, &opts, start, end);
        let runs = plan.iter().map(|p| rule_run(&file, p, &opts)).collect();
        let shared = shared_results(base, &file, &plan, &opts);
        let mode = if plan.iter().any(|p| p.reads_later) { Mode::PerTick } else { Mode::PerRule };
        let cursor = match mode {
            Mode::PerRule => Cursor::PerRule { rule: 0, next: 0, slice: FIRST_SLICE },
            Mode::PerTick => Cursor::PerTick { events: events(&plan), next: 0 },
        };
        let total = match &cursor {
            Cursor::PerTick { events, .. } => events.len(),
            Cursor::PerRule { .. } => plan.iter().map(|p| p.ticks.len()).sum(),
        };
        Stepper {
            file,
            plan,
            runs,
            storage: base.clone(),
            shared,
            engine,
            opts,
            start,
            end,
            mode,
            cursor,
            done: 0,
            total,
        }
    }

    /// How the file is evaluated.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Work done and in all (ticks of rules, or of groups when evaluating tick by tick).
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// Rules finished and in all, when evaluating rule by rule; 0 or 1 of 1 when tick by tick
    /// (the whole file is one piece of work then).
    pub fn rules_progress(&self) -> (usize, usize) {
        match &self.cursor {
            Cursor::PerRule { rule, .. } => ((*rule).min(self.plan.len()), self.plan.len()),
            Cursor::PerTick { events, next } => (usize::from(*next >= events.len()), 1),
        }
    }

    /// The name of the rule evaluated next (the file's first group when tick by tick).
    pub fn current(&self) -> Option<&str> {
        match &self.cursor {
            Cursor::PerRule { rule, .. } => self.plan.get(*rule).map(|p| self.rule(p).name()),
            Cursor::PerTick { events, next } => {
                events.get(*next).and_then(|(_, g)| self.file.groups.get(*g)).map(|g| g.name.as_str())
            }
        }
    }

    /// Evaluates until `budget_ms` of `clock` is spent (at least one slice); false once
    /// everything is evaluated.
    pub fn step(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> bool {
        let started = clock();
        loop {
            let more = match self.cursor {
                Cursor::PerRule { .. } => self.rule_slice(budget_ms, started, clock),
                Cursor::PerTick { .. } => self.tick(),
            };
            if !more {
                return false;
            }
            if clock() - started >= budget_ms {
                return true;
            }
        }
    }

    /// Everything evaluated (runs what is left).
    pub fn finish(mut self) -> Evaluation {
        while self.step(f64::INFINITY, &mut || 0.0) {}
        let (mut rules, mut alerts): (Vec<RuleOutcome>, Vec<AlertTimeline>) = (Vec::new(), Vec::new());
        for r in self.runs {
            match r {
                RuleRun::Recording { outcome, .. } => rules.push(outcome),
                RuleRun::Alerting { rule, .. } => alerts.push(rule.into_timeline()),
            }
        }
        let alerting_rules = alerts.len();
        Evaluation {
            storage: self.storage,
            rules,
            alerts,
            start: self.start,
            end: self.end,
            mode: self.mode,
            alerting_rules,
            shared_reuses: self.shared.reuses(),
        }
    }

    fn rule(&self, p: &Planned) -> &Rule {
        &self.file.groups[p.group].rules[p.index]
    }

    /// The next slice of the current rule's ticks (all of them with an unlimited budget).
    fn rule_slice(&mut self, budget_ms: f64, started: f64, clock: &mut dyn FnMut() -> f64) -> bool {
        let Cursor::PerRule { rule, next, slice } = self.cursor else { return false };
        let Some(count) = self.plan.get(rule).map(|p| p.ticks.len()) else { return false };
        let len = if budget_ms.is_infinite() { count } else { slice };
        let upto = (next + len.max(1)).min(count);
        let t0 = clock();
        self.evaluate_ticks(rule, next..upto);
        let took = clock() - t0;
        self.runs[rule].add_eval_ms(took);
        self.done += upto - next;
        // Size the next slice to what is left of the budget, from this one's pace.
        let per_tick = took / (upto - next).max(1) as f64;
        let left = (budget_ms - (clock() - started)).max(budget_ms / 4.0);
        let slice = if per_tick > 0.0 { ((left / per_tick) as usize).clamp(10, 20_000) } else { slice * 2 };
        self.cursor = if upto < count {
            Cursor::PerRule { rule, next: upto, slice }
        } else {
            Cursor::PerRule { rule: rule + 1, next: 0, slice: FIRST_SLICE }
        };
        rule + 1 < self.plan.len() || upto < count
    }

    /// Rule `i` at its ticks `range`, as one range query (or, when the query fails or
    /// depends on the query's start/end, one instant query per tick).
    fn evaluate_ticks(&mut self, i: usize, range: std::ops::Range<usize>) {
        let p = &self.plan[i];
        let ticks = &p.ticks[range];
        let (Some(&first), Some(&last)) = (ticks.first(), ticks.last()) else { return };
        let group = &self.file.groups[p.group];
        let offset = group.query_offset.unwrap_or(0);
        let step = interval(group, &self.opts);
        let expr = match &p.expr {
            Ok(e) => e,
            Err(msg) => {
                for &t in ticks {
                    self.runs[i].apply(&mut self.storage, (t, offset), Err(msg.clone()), &self.opts);
                }
                return;
            }
        };
        let ranged = if ast::uses_start_or_end(expr) {
            None
        } else {
            // A result holding histograms goes tick by tick, where it is reported.
            let range = (first - offset, last - offset, step);
            eval::eval_range_shared(&self.storage, expr, range, &self.engine, &self.shared).ok().filter(
                |o| !matches!(&o.value, Value::Matrix(m) if m.iter().any(|s| !s.histograms.is_empty())),
            )
        };
        match ranged {
            Some(output) => {
                add_stats(self.runs[i].stats(), &output.stats);
                let per_tick = split_by_tick(output.value, ticks, offset);
                for (t, samples) in ticks.iter().zip(per_tick) {
                    self.runs[i].apply(&mut self.storage, (*t, offset), Ok(samples), &self.opts);
                }
            }
            None => {
                for &t in ticks {
                    let at = t - offset;
                    let result = instant(
                        &self.storage,
                        expr,
                        at,
                        &self.engine,
                        Some(&self.shared),
                        self.runs[i].stats(),
                    );
                    self.runs[i].apply(&mut self.storage, (t, offset), result, &self.opts);
                }
            }
        }
    }

    /// The next group evaluation of the tick-by-tick path: each of its rules one instant
    /// query over what has been written so far.
    fn tick(&mut self) -> bool {
        let Cursor::PerTick { events, next } = &mut self.cursor else { return false };
        let Some(&(t, g)) = events.get(*next) else { return false };
        *next += 1;
        let more = *next < events.len();
        let offset = self.file.groups[g].query_offset.unwrap_or(0);
        for (i, p) in self.plan.iter().enumerate().filter(|(_, p)| p.group == g) {
            let at = t - offset;
            let result = match &p.expr {
                Ok(e) => {
                    instant(&self.storage, e, at, &self.engine, Some(&self.shared), self.runs[i].stats())
                }
                Err(msg) => Err(msg.clone()),
            };
            self.runs[i].apply(&mut self.storage, (t, offset), result, &self.opts);
        }
        self.done += 1;
        more
    }
}

/// Alerting rule `rule` of `group` evaluated alone over `storage` (read only: nothing is
/// written, so its own `ALERTS` are not read back) from `start` to `end`: a preview of the
/// rule with other settings, over series an evaluation already wrote.
pub fn preview_alert(
    storage: &Storage,
    group: &RuleGroup,
    rule: &Rule,
    opts: &EvalOptions,
    (start, end): (Millis, Millis),
) -> AlertTimeline {
    let ticks = ticks(group, opts, start, end);
    let interval = interval(group, opts);
    let mut alerting = super::alerting::AlertingRule::new(rule, group.limit, opts.templates.dialect);
    alerting.timeline = AlertTimeline {
        name: rule.alert.clone(),
        group: group.name.clone(),
        expr: rule.expr.clone(),
        for_: rule.for_,
        keep_firing_for: rule.keep_firing_for,
        interval,
        first_tick: ticks.first().copied().unwrap_or(start),
        ticks: ticks.len(),
        ..AlertTimeline::default()
    };
    let engine = EngineOptions { max_range_steps: usize::MAX, ..opts.engine.clone() };
    let offset = group.query_offset.unwrap_or(0);
    let expr = parse::parse(&rule.expr).map_err(|e| format!("could not parse expression: {e}"));
    let results: Vec<Result<Vec<(Labels, f64)>, String>> = match (&expr, ticks.first(), ticks.last()) {
        (Ok(e), Some(&first), Some(&last)) if !ast::uses_start_or_end(e) => {
            match eval::eval_range(storage, e, first - offset, last - offset, interval, &engine) {
                Ok(out) => split_by_tick(out.value, &ticks, offset).into_iter().map(Ok).collect(),
                Err(err) => vec![Err(err.to_string()); ticks.len()],
            }
        }
        (Ok(e), ..) => {
            let mut stats = QueryStats::default();
            ticks.iter().map(|&t| instant(storage, e, t - offset, &engine, None, &mut stats)).collect()
        }
        (Err(msg), ..) => vec![Err(msg.clone()); ticks.len()],
    };
    for (&t, result) in ticks.iter().zip(results) {
        let querier = super::eval_output::template_querier(storage, t, opts);
        let env = super::alerting::TemplateEnv {
            external_labels: &opts.external_labels,
            external_url: &opts.external_url,
            querier: &querier,
        };
        if let Err(msg) = result.and_then(|v| alerting.eval(t, v, &env, false)) {
            let timeline = &mut alerting.timeline;
            timeline.failed_at.push(t);
            timeline.error_count += 1;
            if timeline.errors.len() < 5 {
                timeline.errors.push((t, msg));
            }
        }
    }
    alerting.into_timeline()
}

/// The subexpressions the file's rules share, over selectors of series no rule writes.
fn shared_results(base: &Storage, file: &RuleFile, plan: &[Planned], opts: &EvalOptions) -> SharedResults {
    let limit = if opts.unshared { 0 } else { SHARED_SAMPLES };
    let written: Vec<&str> = file.groups.iter().flat_map(|g| g.rules.iter()).flat_map(writes).collect();
    let stable = |vs: &VectorSelector| !written.iter().any(|name| ast::may_read(vs, name));
    let exprs: Vec<&Expr> = plan.iter().filter_map(|p| p.expr.as_ref().ok()).collect();
    SharedResults::new(base, &exprs, &stable, limit)
}

/// The metric names a rule writes: its record, or `ALERTS` and `ALERTS_FOR_STATE`.
fn writes(rule: &Rule) -> Vec<&str> {
    if rule.is_alerting() {
        vec![ALERTS, ALERTS_FOR_STATE]
    } else {
        vec![rule.record.as_str()]
    }
}

/// The group's evaluation interval.
fn interval(g: &RuleGroup, opts: &EvalOptions) -> Millis {
    let global = opts.global_interval.max(1);
    if opts.uniform_interval {
        global
    } else {
        g.interval_or(global).max(1)
    }
}

/// The group's evaluation times: multiples of its interval (plus the phase) within
/// `[start, end]`.
fn ticks(g: &RuleGroup, opts: &EvalOptions, start: Millis, end: Millis) -> Vec<Millis> {
    let step = interval(g, opts);
    let shifted = start - opts.tick_phase;
    let first = shifted.div_euclid(step) * step
        + if shifted.rem_euclid(step) == 0 { 0 } else { step }
        + opts.tick_phase;
    (0..).map(|k: i64| first.saturating_add(k.saturating_mul(step))).take_while(|&t| t <= end).collect()
}

fn plan(file: &RuleFile, opts: &EvalOptions, start: Millis, end: Millis) -> Vec<Planned> {
    let all: Vec<(usize, usize, &Rule)> = file
        .groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.rules.iter().enumerate().map(move |(i, r)| (gi, i, r)))
        .filter(|(_, _, r)| r.is_recording() || r.is_alerting())
        .collect();
    let group_ticks: Vec<Vec<Millis>> = file.groups.iter().map(|g| ticks(g, opts, start, end)).collect();
    all.iter()
        .enumerate()
        .map(|(pos, &(group, index, rule))| {
            let expr = parse::parse(&rule.expr).map_err(|e| format!("could not parse expression: {e}"));
            let reads_later = expr.as_ref().is_ok_and(|e| {
                ast::selectors(e).iter().any(|vs| {
                    all[pos..].iter().any(|(_, _, r)| writes(r).iter().any(|name| ast::may_read(vs, name)))
                })
            });
            Planned { group, index, expr, reads_later, ticks: group_ticks[group].clone() }
        })
        .collect()
}

/// Every group's ticks in time order (groups in file order at equal times).
fn events(plan: &[Planned]) -> Vec<(Millis, usize)> {
    let mut groups: Vec<usize> = plan.iter().map(|p| p.group).collect();
    groups.dedup();
    let mut events: Vec<(Millis, usize)> = Vec::new();
    for g in groups {
        if let Some(p) = plan.iter().find(|p| p.group == g) {
            events.extend(p.ticks.iter().map(|&t| (t, g)));
        }
    }
    events.sort_unstable();
    events
}

fn rule_run(file: &RuleFile, p: &Planned, opts: &EvalOptions) -> RuleRun {
    let group = &file.groups[p.group];
    let rule = &group.rules[p.index];
    let interval = interval(group, opts);
    let outcome = RuleOutcome {
        group: group.name.clone(),
        index: p.index,
        record: rule.record.clone(),
        expr: rule.expr.clone(),
        interval,
        ticks: p.ticks.len(),
        ..RuleOutcome::default()
    };
    let timeline = AlertTimeline {
        group: group.name.clone(),
        index: p.index,
        first_tick: p.ticks.first().copied().unwrap_or(0),
        expr: rule.expr.clone(),
        for_: rule.for_,
        keep_firing_for: rule.keep_firing_for,
        interval,
        ticks: p.ticks.len(),
        ..AlertTimeline::default()
    };
    RuleRun::new(rule, group.limit, outcome, timeline, opts)
}

/// One rule evaluation at `t`, as the rule manager's query function returns it.
fn instant(
    storage: &Storage,
    expr: &Expr,
    t: Millis,
    engine: &EngineOptions,
    shared: Option<&SharedResults>,
    stats: &mut QueryStats,
) -> Result<Vec<(Labels, f64)>, String> {
    let output = eval::eval_instant_shared(storage, expr, t, engine, shared).map_err(|e| e.to_string())?;
    add_stats(stats, &output.stats);
    vector_result(output.value)
}

fn add_stats(total: &mut QueryStats, one: &QueryStats) {
    total.samples_touched += one.samples_touched;
    total.series_touched += one.series_touched;
    total.peak_samples = total.peak_samples.max(one.peak_samples);
}

/// Cuts a range query's matrix back into the vector each tick would have returned.
fn split_by_tick(value: Value, ticks: &[Millis], offset: Millis) -> Vec<Vec<(Labels, f64)>> {
    let mut per_tick: Vec<Vec<(Labels, f64)>> = vec![Vec::new(); ticks.len()];
    let index: FxHashMap<Millis, usize> = ticks.iter().enumerate().map(|(i, t)| (t - offset, i)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promqltest::run::load_storage;
    use crate::rules::{check, CheckOptions};

    const DATA: &str = "load 30s
  req_total{job=\"a\"} 0+10x400
  req_total{job=\"b\"} 0+30x200 30x200
  errs_total{job=\"a\"} 0+1x400
  errs_total{job=\"b\"} 0+9x400
";

    const RULES: &str = "groups:
- name: rec
  interval: 30s
  rules:
  - record: job:req:rate1m
    expr: sum by (job) (rate(req_total[1m]))
  - record: job:err:ratio
    expr: sum by (job) (rate(errs_total[1m])) / job:req:rate1m
- name: alerts
  interval: 1m
  rules:
  - alert: HighErrors
    expr: job:err:ratio > 0.2
    for: 3m
    keep_firing_for: 2m
  - alert: NoTraffic
    expr: job:req:rate1m == 0
    for: 5m
  - record: firing:count
    expr: count(ALERTS{alertstate=\"firing\"})
";

    fn storage_dump(s: &Storage) -> Vec<(Labels, Vec<(i64, u64)>)> {
        let mut out: Vec<_> = s
            .all()
            .iter()
            .map(|x| (x.labels.clone(), x.points.iter().map(|p| (p.t, p.v.to_bits())).collect()))
            .collect();
        out.sort();
        out
    }

    /// Evaluating in many small slices gives exactly what one go gives, tick by tick too.
    #[test]
    fn slices_equal_one_go() {
        let base = load_storage(DATA).expect("data");
        let forward = RULES.replace(
            "  - record: firing:count",
            "  - record: firing:count_before\n    expr: count(ALERTS)\n  - record: firing:count",
        );
        let mut modes = Vec::new();
        for text in [
            RULES.to_string(),
            forward.replace(
                "- name: rec",
                "- name: first\n  rules:\n  - record: early\n    expr: count(ALERTS)\n- name: rec",
            ),
        ] {
            let file = check(&text, &CheckOptions::default()).file.expect("rules");
            let whole = Stepper::new(&base, file.clone(), EvalOptions::default()).finish();
            let mut sliced = Stepper::new(&base, file, EvalOptions::default());
            let mut now = 0.0;
            let mut clock = move || {
                now += 1.0;
                now
            };
            let mut steps = 0;
            while sliced.step(0.0, &mut clock) {
                steps += 1;
                let (done, total) = sliced.progress();
                assert!(done <= total);
            }
            assert!(steps > 10, "{steps} steps");
            let sliced = sliced.finish();
            assert_eq!(sliced.mode, whole.mode);
            modes.push(whole.mode);
            assert_eq!(storage_dump(&sliced.storage), storage_dump(&whole.storage));
            let firings = |e: &Evaluation| e.alerts.iter().map(|a| a.firings(false)).collect::<Vec<_>>();
            assert_eq!(firings(&sliced), firings(&whole));
            assert!(whole.alerts.iter().any(|a| a.ever_fired()));
        }
        assert_eq!(modes, [Mode::PerRule, Mode::PerTick]);
    }
}
