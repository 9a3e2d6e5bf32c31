//! Rule evaluation over a dataset's timeline, as Prometheus's rule manager would have run
//! it: each group every `interval` (ticks aligned to multiples of the interval), rules in
//! order so later rules read what earlier ones wrote. A recording rule writes its result as
//! `__name__` = the record name plus the rule's labels; an alerting rule runs its alerts
//! through their life cycle ([`super::alerting`]) and writes `ALERTS`/`ALERTS_FOR_STATE`.
//! A series that drops out of a rule's output gets a staleness marker ([`super::eval_output`]).
//!
//! The evaluation itself runs in [`super::eval_steps`], which can stop and resume so the
//! browser can paint between slices of work.

use super::alert_timeline::AlertTimeline;
use super::eval_steps::Stepper;
use super::load::Dialect;
use super::model::RuleFile;
use crate::engine::{EngineOptions, Labels, Millis, QueryStats, Storage, METRIC_NAME};

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
    /// Evaluate every rule on its own, without sharing the subexpressions several rules
    /// compute (`engine/shared.rs`); the results are the same, only slower (for tests).
    #[serde(default)]
    pub unshared: bool,
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
            unshared: false,
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
    /// Subexpression results reused between rules instead of evaluated again.
    pub shared_reuses: u64,
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
    let mut stepper = Stepper::new(base, file.clone(), opts.clone());
    while stepper.step(f64::INFINITY, clock) {}
    stepper.finish()
}
