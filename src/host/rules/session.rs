//! The lab's evaluation and measurement, a little at a time, so the page shows progress and
//! Stop answers at once instead of waiting for the seconds the whole rule file takes in
//! WebAssembly.
//!
//! Evaluation is the rule evaluator's own [`Stepper`] over the file's recording rules: rule
//! by rule, each rule's timeline as range queries, when no rule reads a series recorded by
//! itself or a later rule (otherwise tick by tick), and subexpressions that several rules
//! compute evaluated once per instant (`engine/shared.rs`). Measurement: one raw-vs-recorded
//! pair per step.

use crate::engine::{EngineOptions, Millis, Storage};
use crate::link::rules::Progress;
use crate::rules::cost::{self, CostOptions, CostTable, Pair, PairCost};
use crate::rules::eval_steps::Stepper;
use crate::rules::explain::explain_empty_rules;
use crate::rules::{EvalOptions, Evaluation, RuleFile, RuleOutcome};

/// The progress line's label once every rule ran (what the last step does).
const EXPLAINING: &str = "explaining empty rules";

/// How long one step evaluates before it returns, so that progress shows and Stop is
/// answered within a fraction of a second (milliseconds).
const STEP_BUDGET_MS: f64 = 100.0;

/// A rule file being evaluated step by step.
pub struct Session {
    stepper: Stepper,
    engine: EngineOptions,
    /// The file's alerting rules, which the lab counts but does not evaluate.
    alerting_rules: usize,
}

impl Session {
    /// Prepares evaluating the recording rules of `file` over `base`, from `opts.start` to
    /// `opts.end` (by default the whole time range of `base`).
    pub fn new(base: &Storage, file: &RuleFile, opts: EvalOptions) -> Session {
        let engine = opts.engine.clone();
        Session {
            stepper: Stepper::new(base, recording_rules(file), opts),
            engine,
            alerting_rules: file.rules().filter(|(_, r)| !r.is_recording()).count(),
        }
    }

    /// Rules in all (1 when the file is evaluated tick by tick), and rules done.
    pub fn steps(&self) -> usize {
        self.stepper.rules_progress().1
    }
    pub fn done(&self) -> usize {
        self.stepper.rules_progress().0
    }

    /// The rule evaluated next (the group, when tick by tick), for the progress line.
    pub fn next_label(&self) -> Option<String> {
        self.stepper.current().filter(|_| self.done() < self.steps()).map(str::to_string)
    }

    /// Where the evaluation stands, naming what the next step does.
    pub fn progress(&self) -> Progress {
        let label = self.next_label().unwrap_or_else(|| EXPLAINING.into());
        Progress { done: self.done(), total: self.steps(), label }
    }

    /// Evaluates for a moment; false once everything is evaluated.
    pub fn step(&mut self, clock: &mut dyn FnMut() -> f64) -> bool {
        self.stepper.step(STEP_BUDGET_MS, clock)
    }

    /// The evaluation once every step ran (runs what is left), with empty rules explained.
    pub fn finish(mut self, clock: &mut dyn FnMut() -> f64) -> Evaluation {
        while self.stepper.step(f64::INFINITY, clock) {}
        let mut evaluation = self.stepper.finish();
        evaluation.alerting_rules = self.alerting_rules;
        explain_empty_rules(&mut evaluation, &self.engine);
        evaluation
    }
}

/// `file` with only its recording rules, each group keeping its settings.
fn recording_rules(file: &RuleFile) -> RuleFile {
    let mut only = file.clone();
    for group in &mut only.groups {
        group.rules.retain(|r| r.is_recording());
    }
    only
}

/// What measuring reads of a finished evaluation (the engine module keeps its storage apart,
/// shared with the playground's queries).
#[derive(Clone, Copy)]
pub struct Evaluated<'a> {
    /// The dataset plus every recorded series.
    pub storage: &'a Storage,
    /// The end of the evaluated timeline.
    pub end: Millis,
    pub rules: &'a [RuleOutcome],
}

impl<'a> From<&'a Evaluation> for Evaluated<'a> {
    fn from(e: &'a Evaluation) -> Self {
        Evaluated { storage: &e.storage, end: e.end, rules: &e.rules }
    }
}

/// The cost comparison, one pair per step.
pub struct Measuring {
    pairs: Vec<Pair>,
    done: Vec<PairCost>,
    opts: CostOptions,
}

impl Measuring {
    /// Prepares measuring every pair of `file` (see [`cost::pairs`]).
    pub fn new(file: &RuleFile, opts: CostOptions) -> Measuring {
        Measuring { pairs: cost::pairs(file), done: Vec::new(), opts }
    }

    pub fn steps(&self) -> usize {
        self.pairs.len()
    }
    pub fn done(&self) -> usize {
        self.done.len()
    }

    /// The next pair's label, for the progress line.
    pub fn next_label(&self) -> Option<&str> {
        self.pairs.get(self.done.len()).map(|p| p.label.as_str())
    }

    /// Where the measurement stands, naming the next pair.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.done(),
            total: self.steps(),
            label: self.next_label().unwrap_or_default().into(),
        }
    }

    /// Measures the next pair; false once all are measured.
    pub fn step(&mut self, evaluation: Evaluated, clock: &mut dyn FnMut() -> f64) -> bool {
        let Some(pair) = self.pairs.get(self.done.len()).cloned() else { return false };
        let measured = cost::measure_pair_in(evaluation.storage, evaluation.end, pair, &self.opts, clock);
        self.done.push(measured);
        true
    }

    /// The table (measuring what is left).
    pub fn finish(mut self, evaluation: Evaluated, clock: &mut dyn FnMut() -> f64) -> CostTable {
        while self.step(evaluation, clock) {}
        let (at, range) = cost::times_ending(evaluation.end, &self.opts);
        let storage = evaluation.rules.iter().map(cost::storage_cost).collect();
        CostTable { pairs: self.done, storage, at, range, runs: self.opts.runs }
    }
}

#[cfg(test)]
mod tests {
    //! Evaluating rule by rule gives exactly what the rule evaluator gives in one go, and
    //! measuring pair by pair gives the cost table `compare` gives.

    use std::cell::Cell;

    use super::*;
    use crate::engine::Labels;
    use crate::promqltest::run::load_storage;
    use crate::rules::eval::Mode;
    use crate::rules::{check, evaluate, CheckOptions};
    use crate::ui::rules_lab::SEED_RULES;

    const DATA: &str = "load 30s
  req_total{job=\"a\", pod=\"1\", version=\"v1\"} 0+10x200
  req_total{job=\"a\", pod=\"2\", version=\"v2\"} 0+20x200
  req_total{job=\"b\", pod=\"1\", version=\"v1\"} 0+30x200
  cpu_total{job=\"a\"} 0+1x200
  cpu_total{job=\"b\"} 0+2x200
";

    /// Chains across groups, an empty rule (label mismatch), a rule with labels and a limit.
    const CHAINED: &str = "groups:
- name: fast
  interval: 30s
  rules:
  - record: job:req:rate1m
    expr: sum by (job, version) (rate(req_total[1m]))
  - record: all:req:rate1m
    expr: sum(job:req:rate1m)
    labels:
      scope: platform
- name: slow
  interval: 1m
  limit: 10
  rules:
  - record: job:req:per_cpu
    expr: job:req:rate1m / sum by (job) (rate(cpu_total[1m]))
  - record: job:req:per_cpu_fixed
    expr: job:req:rate1m / on(job) group_left() sum by (job) (rate(cpu_total[1m]))
";

    /// The first rule reads what the second records: only tick-by-tick evaluation is right.
    const FORWARD: &str = "groups:
- name: g
  interval: 30s
  rules:
  - record: all:req:rate1m
    expr: sum(job:req:rate1m)
  - record: job:req:rate1m
    expr: sum by (job) (rate(req_total[1m]))
";

    fn file(text: &str) -> RuleFile {
        let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
        check(text, &opts).file.unwrap_or_else(|| panic!("valid rules: {text}"))
    }

    fn storage() -> Storage {
        load_storage(DATA).expect("data")
    }

    /// Every recorded sample of every series, in a comparable form.
    fn dump(s: &Storage) -> Vec<(Labels, Vec<(i64, u64)>)> {
        let mut out: Vec<_> = s
            .all()
            .iter()
            .map(|x| (x.labels.clone(), x.points.iter().map(|p| (p.t, p.v.to_bits())).collect()))
            .collect();
        out.sort();
        out
    }

    /// A clock a second later at every reading: each step evaluates one slice.
    fn ticking() -> impl FnMut() -> f64 {
        let mut now = 0.0;
        move || {
            now += 1000.0;
            now
        }
    }

    #[test]
    fn stepwise_evaluation_equals_one_go() {
        let base = storage();
        for (name, text, mode, steps) in
            [("chained", CHAINED, Mode::PerRule, 4), ("forward", FORWARD, Mode::PerTick, 1)]
        {
            let rules = file(text);
            let mut session = Session::new(&base, &rules, EvalOptions::default());
            assert_eq!((session.steps(), session.done()), (steps, 0), "{name}");
            let mut clock = ticking();
            assert!(session.step(&mut clock), "{name}: a first step leaves work to do");
            assert!(session.done() < session.steps(), "{name}");
            let stepped = session.finish(&mut clock);
            let whole = evaluate(&base, &rules, &EvalOptions::default());
            assert_eq!((stepped.mode, whole.mode), (mode, mode), "{name}");
            assert_eq!((stepped.start, stepped.end), (whole.start, whole.end), "{name}");
            assert_eq!(dump(&stepped.storage), dump(&whole.storage), "{name}: recorded samples");
            let summary = |e: &Evaluation| -> Vec<(String, usize, usize, usize)> {
                e.rules
                    .iter()
                    .map(|r| (r.record.clone(), r.series.len(), r.samples, r.stale_markers))
                    .collect()
            };
            assert_eq!(summary(&stepped), summary(&whole), "{name}: outcomes");
        }
    }

    #[test]
    fn the_seed_rules_share_subexpressions_and_skip_alerting_rules() {
        let base = crate::content::builtin_dataset("ml-platform").unwrap().storage().unwrap();
        let mut rules = file(SEED_RULES);
        let alert = file(
            "groups:\n- name: a\n  rules:\n  - alert: Down\n    expr: up == 0\n  - record: x:up\n    expr: sum(up)\n",
        );
        rules.groups.extend(alert.groups);
        let opts =
            EvalOptions { start: Some(base.time_bounds().unwrap().1 - 3_600_000), ..EvalOptions::default() };
        let evaluation = Session::new(&base, &rules, opts).finish(&mut || 0.0);
        // The three latency quantiles compute the same bucket rates at every tick.
        assert!(evaluation.shared_reuses > 0, "no subexpression was shared");
        assert_eq!(evaluation.alerting_rules, 1);
        assert!(evaluation.alerts.is_empty(), "the rules lab does not evaluate alerting rules");
        assert!(evaluation.rules.iter().any(|r| r.record == "x:up"));
    }

    #[test]
    fn a_narrower_window_is_kept() {
        let opts = EvalOptions { start: Some(60_000), end: Some(300_000), ..EvalOptions::default() };
        let evaluation = Session::new(&storage(), &file(CHAINED), opts.clone()).finish(&mut || 0.0);
        let whole = evaluate(&storage(), &file(CHAINED), &opts);
        assert_eq!((evaluation.start, evaluation.end), (60_000, 300_000));
        assert_eq!(dump(&evaluation.storage), dump(&whole.storage));
    }

    #[test]
    fn progress_names_the_next_step_then_the_explanation() {
        let mut session = Session::new(&storage(), &file(CHAINED), EvalOptions::default());
        assert_eq!(session.progress(), Progress { done: 0, total: 4, label: "job:req:rate1m".into() });
        while session.step(&mut || 0.0) {}
        assert_eq!(session.progress(), Progress { done: 4, total: 4, label: EXPLAINING.into() });
        // Tick by tick, the whole file is one step, named by its (first) group.
        let forward = Session::new(&storage(), &file(FORWARD), EvalOptions::default());
        assert_eq!(forward.progress(), Progress { done: 0, total: 1, label: "g".into() });
    }

    #[test]
    fn empty_rules_are_explained() {
        let evaluation = Session::new(&storage(), &file(CHAINED), EvalOptions::default()).finish(&mut || 0.0);
        let rule = |name: &str| evaluation.rules.iter().find(|r| r.record == name).expect(name);
        let broken = rule("job:req:per_cpu");
        assert!(broken.is_empty());
        let why = broken.explanation.join(" ");
        assert!(why.contains("version") && why.contains("on("), "names the extra label and the fix: {why}");
        assert!(!rule("job:req:per_cpu_fixed").is_empty());
        assert!(rule("job:req:per_cpu_fixed").explanation.is_empty());
    }

    #[test]
    fn forward_references_are_detected() {
        let cases = [(CHAINED, false), (FORWARD, true), (SEED_RULES, false)];
        for (text, want) in cases {
            let evaluation =
                Session::new(&storage(), &file(text), EvalOptions::default()).finish(&mut || 0.0);
            assert_eq!(evaluation.mode == Mode::PerTick, want, "{text}");
        }
    }

    #[test]
    fn pairwise_measuring_equals_compare() {
        let base = storage();
        let rules = file(CHAINED);
        let evaluation = evaluate(&base, &rules, &EvalOptions::default());
        let opts = CostOptions {
            runs: 3,
            min_batch_ms: 0.5,
            range: 600_000,
            step: 30_000,
            ..CostOptions::default()
        };
        // Each reading 1 ms after the last: timings depend on the number of readings only.
        let fake = || {
            let now = Cell::new(0.0);
            move || {
                now.set(now.get() + 1.0);
                now.get()
            }
        };
        let whole = cost::compare(&evaluation, &rules, &opts, &mut fake());
        let mut measuring = Measuring::new(&rules, opts.clone());
        assert_eq!(measuring.steps(), whole.pairs.len());
        assert_eq!(measuring.next_label(), whole.pairs.first().map(|p| p.pair.label.as_str()));
        let mut clock = fake();
        assert!(measuring.step((&evaluation).into(), &mut clock));
        let stepped = measuring.finish((&evaluation).into(), &mut clock);
        assert_eq!(stepped, whole);
    }
}
