//! The lab's evaluation and measurement, one small step at a time, so the page can repaint
//! (and show progress) between steps instead of freezing for the seconds the whole rule file
//! takes in WebAssembly.
//!
//! Evaluation: when no rule reads a series recorded by itself or a later rule, evaluating the
//! rules one by one — each over the dataset plus what the earlier rules recorded — is exactly
//! what [`rules::evaluate`](crate::rules::evaluate) does (it runs each rule's whole timeline
//! as one query, in file order). Otherwise the file is evaluated in one step, tick by tick.
//! Measurement: one raw-vs-recorded pair per step.

use crate::engine::{parse, Millis, Storage};
use crate::link::rules::Progress;
use crate::rules::cost::{self, CostOptions, CostTable, Pair, PairCost};
use crate::rules::eval::Mode;
use crate::rules::explain::explain_empty_rules;
use crate::rules::{ast, evaluate_timed, EvalOptions, Evaluation, RuleFile, RuleOutcome};

/// The progress line's label once every rule ran (what the last step does).
const EXPLAINING: &str = "explaining empty rules";

/// A rule file being evaluated step by step.
pub struct Session {
    /// What each step evaluates: one recording rule each, or the whole file once.
    chunks: Vec<RuleFile>,
    next: usize,
    storage: Storage,
    rules: Vec<RuleOutcome>,
    opts: EvalOptions,
    mode: Mode,
    alerting_rules: usize,
}

impl Session {
    /// Prepares evaluating `file` over `base`, from `opts.start` to `opts.end` (by default
    /// the whole time range of `base`).
    pub fn new(base: &Storage, file: &RuleFile, opts: EvalOptions) -> Session {
        let (first, last) = base.time_bounds().unwrap_or((0, 0));
        let opts = EvalOptions { start: opts.start.or(Some(first)), end: opts.end.or(Some(last)), ..opts };
        let mode = if reads_later(file) { Mode::PerTick } else { Mode::PerRule };
        let chunks = match mode {
            Mode::PerTick => vec![file.clone()],
            Mode::PerRule => single_rule_files(file),
        };
        Session {
            chunks,
            next: 0,
            storage: base.clone(),
            rules: Vec::new(),
            opts,
            mode,
            alerting_rules: file.rules().filter(|(_, r)| !r.is_recording()).count(),
        }
    }

    /// Steps in all, and steps done.
    pub fn steps(&self) -> usize {
        self.chunks.len()
    }
    pub fn done(&self) -> usize {
        self.next
    }

    /// The record name(s) of the next step, for the progress line.
    pub fn next_label(&self) -> Option<String> {
        let chunk = self.chunks.get(self.next)?;
        let names: Vec<&str> =
            chunk.rules().filter(|(_, r)| r.is_recording()).map(|(_, r)| r.name()).collect();
        Some(if names.len() == 1 { names[0].to_string() } else { format!("{} rules", names.len()) })
    }

    /// Where the evaluation stands, naming what the next step does.
    pub fn progress(&self) -> Progress {
        let label = self.next_label().unwrap_or_else(|| EXPLAINING.into());
        Progress { done: self.done(), total: self.steps(), label }
    }

    /// Runs the next step; false once everything is evaluated.
    pub fn step(&mut self, clock: &mut dyn FnMut() -> f64) -> bool {
        let Some(chunk) = self.chunks.get(self.next) else { return false };
        let evaluation = evaluate_timed(&self.storage, chunk, &self.opts, clock);
        self.storage = evaluation.storage;
        self.rules.extend(evaluation.rules);
        self.next += 1;
        true
    }

    /// The evaluation once every step ran (runs what is left), with empty rules explained.
    pub fn finish(mut self, clock: &mut dyn FnMut() -> f64) -> Evaluation {
        while self.step(clock) {}
        let mut evaluation = Evaluation {
            storage: self.storage,
            rules: self.rules,
            alerts: Vec::new(),
            start: self.opts.start.unwrap_or(0),
            end: self.opts.end.unwrap_or(0),
            mode: self.mode,
            alerting_rules: self.alerting_rules,
            shared_reuses: 0,
        };
        explain_empty_rules(&mut evaluation, &self.opts.engine);
        evaluation
    }
}

/// True when some recording rule reads a series that it or a later rule records (then rules
/// cannot be evaluated one after the other).
pub fn reads_later(file: &RuleFile) -> bool {
    let records: Vec<&str> = file.rules().filter(|(_, r)| r.is_recording()).map(|(_, r)| r.name()).collect();
    file.rules().filter(|(_, r)| r.is_recording()).enumerate().any(|(pos, (_, rule))| {
        parse::parse(&rule.expr).ok().is_some_and(|expr| {
            ast::selectors(&expr).iter().any(|vs| records[pos..].iter().any(|name| ast::may_read(vs, name)))
        })
    })
}

/// One rule file per recording rule, each keeping its group's settings.
fn single_rule_files(file: &RuleFile) -> Vec<RuleFile> {
    file.rules()
        .filter(|(_, r)| r.is_recording())
        .map(|(g, r)| {
            let mut group = g.clone();
            group.rules = vec![r.clone()];
            RuleFile { groups: vec![group], first_line: file.first_line }
        })
        .collect()
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

    #[test]
    fn stepwise_evaluation_equals_one_go() {
        let base = storage();
        for (name, text, mode, steps) in
            [("chained", CHAINED, Mode::PerRule, 4), ("forward", FORWARD, Mode::PerTick, 1)]
        {
            let rules = file(text);
            let mut session = Session::new(&base, &rules, EvalOptions::default());
            assert_eq!((session.steps(), session.done()), (steps, 0), "{name}");
            let mut clock = || 0.0;
            assert!(session.step(&mut clock), "{name}: a first step");
            assert_eq!(session.done(), 1, "{name}");
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
        let forward = Session::new(&storage(), &file(FORWARD), EvalOptions::default());
        assert_eq!(forward.progress().label, "2 rules");
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
            assert_eq!(reads_later(&file(text)), want, "{text}");
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
