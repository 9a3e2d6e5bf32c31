//! The lab's evaluation and measurement, one small step at a time, so the page can repaint
//! (and show progress) between steps instead of freezing for the seconds the whole rule file
//! takes in WebAssembly.
//!
//! Evaluation: when no rule reads a series recorded by itself or a later rule, evaluating the
//! rules one by one — each over the dataset plus what the earlier rules recorded — is exactly
//! what [`rules::evaluate`](crate::rules::evaluate) does (it runs each rule's whole timeline
//! as one query, in file order). Otherwise the file is evaluated in one step, tick by tick.
//! Measurement: one raw-vs-recorded pair per step.

use crate::engine::{parse, EngineOptions, Storage};
use crate::rules::cost::{self, CostOptions, CostTable, Pair, PairCost};
use crate::rules::eval::Mode;
use crate::rules::explain::explain_empty_rules;
use crate::rules::{ast, evaluate_timed, EvalOptions, Evaluation, RuleFile, RuleOutcome};

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
    /// Prepares evaluating `file` over `base`'s whole time range.
    pub fn new(base: &Storage, file: &RuleFile, engine: EngineOptions) -> Session {
        let (start, end) = base.time_bounds().unwrap_or((0, 0));
        let opts = EvalOptions { start: Some(start), end: Some(end), engine, ..EvalOptions::default() };
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

    /// How the file is evaluated (step by step per rule, or in one step).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The record name(s) of the next step, for the progress line.
    pub fn next_label(&self) -> Option<String> {
        let chunk = self.chunks.get(self.next)?;
        let names: Vec<&str> =
            chunk.rules().filter(|(_, r)| r.is_recording()).map(|(_, r)| r.name()).collect();
        Some(if names.len() == 1 { names[0].to_string() } else { format!("{} rules", names.len()) })
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
            start: self.opts.start.unwrap_or(0),
            end: self.opts.end.unwrap_or(0),
            mode: self.mode,
            alerting_rules: self.alerting_rules,
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

    /// Measures the next pair; false once all are measured.
    pub fn step(&mut self, evaluation: &Evaluation, clock: &mut dyn FnMut() -> f64) -> bool {
        let Some(pair) = self.pairs.get(self.done.len()).cloned() else { return false };
        self.done.push(cost::measure_pair(evaluation, pair, &self.opts, clock));
        true
    }

    /// The table (measuring what is left).
    pub fn finish(mut self, evaluation: &Evaluation, clock: &mut dyn FnMut() -> f64) -> CostTable {
        while self.step(evaluation, clock) {}
        let (at, range) = cost::times(evaluation, &self.opts);
        let storage = evaluation.rules.iter().map(cost::storage_cost).collect();
        CostTable { pairs: self.done, storage, at, range, runs: self.opts.runs }
    }
}
