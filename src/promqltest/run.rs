//! Runs a parsed test file against the engine and records one outcome per eval.

use std::sync::{Arc, OnceLock};

use regex::Regex;

use crate::engine::histogram::FloatHistogram;
use crate::engine::value::is_stale;
use crate::engine::{self, EngineOptions, Millis, QueryError, Storage, Value};

use super::compare::{compare, Grid};
use super::nhcb;
use super::notation::SeqValue;
use super::script::{parse_script, past_time_range, Command, Eval, EvalKind, Expectations, Load, TextMatch};
use super::{EvalReport, FileReport, Outcome};

/// Engine settings of upstream's test engine: 5m lookback, 1m default subquery step.
pub fn test_engine_options() -> EngineOptions {
    EngineOptions::default()
}

/// The skip reason of an eval whose query needs a native histogram operation the engine
/// does not implement yet (the engine's error names it).
pub const HISTOGRAMS_UNSUPPORTED: &str = "native histograms (not supported yet)";

/// The state a test file builds up: loaded samples and the engine settings.
struct State {
    storage: Storage,
    opts: EngineOptions,
}

/// Runs the test file `text` (named `name` in the report).
pub fn run_str(name: &str, text: &str) -> FileReport {
    run_str_with(name, text, test_engine_options())
}

/// [`run_str`] with other engine settings (Prometheus 2.x's closed windows, for its suite).
pub fn run_str_with(name: &str, text: &str, opts: EngineOptions) -> FileReport {
    let script = parse_script(text);
    let mut report = FileReport { name: name.to_string(), ..FileReport::default() };
    for e in script.errors {
        report.evals.push(EvalReport {
            line: e.line,
            expr: String::new(),
            outcome: Outcome::Fail(e.message),
        });
    }
    let mut state = State::with(opts.clone());
    for cmd in script.commands {
        match cmd {
            Command::Clear => state = State::with(opts.clone()),
            Command::Load(load) => {
                if let Err(message) = state.load(&load) {
                    report.evals.push(EvalReport {
                        line: load.line,
                        expr: "load".into(),
                        outcome: Outcome::Fail(message),
                    });
                }
            }
            Command::Eval(eval) => {
                let outcome = state.eval(&eval);
                report.evals.push(EvalReport { line: eval.line, expr: eval.expr.clone(), outcome });
            }
        }
    }
    report.evals.sort_by_key(|e| e.line);
    report
}

/// The storage the `load` blocks of a test file build (honouring `clear`, ignoring evals):
/// how a promqltest file serves as data for ad-hoc queries.
pub fn load_storage(text: &str) -> Result<Storage, String> {
    let script = parse_script(text);
    if let Some(e) = script.errors.first() {
        return Err(e.to_string());
    }
    let mut state = State::new();
    for cmd in &script.commands {
        match cmd {
            Command::Clear => state = State::new(),
            Command::Load(load) => state.load(load).map_err(|e| format!("line {}: {e}", load.line))?,
            Command::Eval(_) => {}
        }
    }
    Ok(state.storage)
}

impl State {
    fn new() -> State {
        State::with(test_engine_options())
    }

    fn with(opts: EngineOptions) -> State {
        State { storage: Storage::new(), opts }
    }

    fn load(&mut self, load: &Load) -> Result<(), String> {
        let mut errors = Vec::new();
        for desc in &load.series {
            let id = self.storage.series_id(&desc.labels);
            for (i, v) in desc.values.iter().enumerate() {
                let Some(t) = load.sample_time(i) else {
                    errors.push(past_time_range(&desc.labels, i));
                    break;
                };
                let appended = match v {
                    SeqValue::Float(f) => self.append(id, t, *f),
                    SeqValue::Histogram { h, .. } => self.append_histogram(id, t, h),
                    SeqValue::Omitted => continue,
                };
                if let Err(e) = appended {
                    errors.push(e);
                }
            }
        }
        if load.with_nhcb {
            self.load_nhcb(load)?;
        }
        match errors.first() {
            None => Ok(()),
            Some(first) => Err(format!("{} load errors, first: {first}", errors.len())),
        }
    }

    /// Appends one sample; re-loading an identical sample is accepted, as the TSDB accepts it.
    fn append(&mut self, id: usize, t: Millis, v: f64) -> Result<(), String> {
        let dup = self.storage.get(id).points.last().is_some_and(|p| p.t == t && same_bits(p.v, v));
        if dup {
            return Ok(());
        }
        self.storage.append(id, t, v).map_err(|e| e.to_string())
    }

    /// Appends one histogram sample, refused when invalid as Prometheus refuses it.
    fn append_histogram(&mut self, id: usize, t: Millis, h: &Arc<FloatHistogram>) -> Result<(), String> {
        h.validate().map_err(|e| format!("invalid histogram at {t}: {e}"))?;
        let dup = self.storage.get(id).histograms.last().is_some_and(|p| p.t == t && p.h.equals(h));
        if dup {
            return Ok(());
        }
        self.storage.append_histogram(id, t, h.clone()).map_err(|e| e.to_string())
    }

    /// `load_with_nhcb` also stores each classic histogram as a native one with custom
    /// buckets under its base name. A float series already holding that name keeps its
    /// samples: the histograms only go where they can be stored in time order.
    fn load_nhcb(&mut self, load: &Load) -> Result<(), String> {
        for (labels, samples) in nhcb::convert(&load.series, load.step)? {
            let id = self.storage.series_id(&labels);
            for (t, h) in samples {
                let _ = self.append_histogram(id, t, &h);
            }
        }
        Ok(())
    }

    fn eval(&self, eval: &Eval) -> Outcome {
        if let Some(reason) = self.skip_reason(eval) {
            return Outcome::Skip(reason);
        }
        guarded(|| self.run_eval(eval))
    }

    /// Why `eval` cannot be run here, if that is known before running it. (An eval whose
    /// query needs a native histogram operation not implemented yet is skipped once it has
    /// run: see [`supported`].)
    fn skip_reason(&self, eval: &Eval) -> Option<String> {
        match engine::parse::parse(&eval.expr) {
            // An eval expecting failure is run: the parse error is its answer.
            Err(e) if eval.expect.fail.is_none() => Some(format!("parser cannot read: {}", e.message)),
            _ => None,
        }
    }

    fn run_eval(&self, eval: &Eval) -> Outcome {
        let ex = &eval.expect;
        match eval.kind {
            EvalKind::Range { start, end, step } => {
                let res = engine::range_query(&self.storage, &eval.expr, start, end, step, &self.opts);
                if let Err(skip) = supported(&res) {
                    return skip;
                }
                check(res, ex, Grid::Range { start, end, step })
            }
            EvalKind::Instant { at } => {
                let grid = match ex.range_vector {
                    Some((start, end, step)) => Grid::Range { start, end, step },
                    None => Grid::Instant(at),
                };
                let res = engine::instant_query(&self.storage, &eval.expr, at, &self.opts);
                if let Err(skip) = supported(&res) {
                    return skip;
                }
                let first = check(res.clone(), ex, grid);
                if first != Outcome::Pass || !self.wants_range_mode_check(eval) {
                    return first;
                }
                let instant_was_scalar =
                    matches!(res, Ok(engine::QueryOutput { value: Value::Scalar { .. }, .. }));
                self.range_mode_check(eval, at, instant_was_scalar)
            }
        }
    }

    /// Upstream also runs each instant eval as a range query around its time and compares the
    /// middle step, except where that cannot agree.
    fn wants_range_mode_check(&self, eval: &Eval) -> bool {
        static CONTEXT_FNS: OnceLock<Regex> = OnceLock::new();
        let context_fns = CONTEXT_FNS.get_or_init(|| {
            Regex::new(r"(start|end|range|step)\(\)").unwrap_or_else(|e| unreachable!("{e}"))
        });
        let ex = &eval.expect;
        ex.fail.is_none()
            && ex.range_vector.is_none()
            && ex.string.is_none()
            && !ex.ordered
            && !context_fns.is_match(&eval.expr)
    }

    fn range_mode_check(&self, eval: &Eval, at: Millis, scalar: bool) -> Outcome {
        let res =
            engine::range_query(&self.storage, &eval.expr, at - 60_000, at + 60_000, 60_000, &self.opts);
        if let Err(skip) = supported(&res) {
            return skip;
        }
        let value = match res {
            Err(e) => return Outcome::Fail(format!("in range mode: query failed: {e}")),
            Ok(out) => out.value,
        };
        let Value::Matrix(series) = value else {
            return Outcome::Fail(format!("in range mode: expected a matrix, got a {}", value.type_name()));
        };
        if let Some(w) = series.windows(2).find(|w| w[0].labels > w[1].labels) {
            return Outcome::Fail(format!(
                "in range mode: matrix not sorted: {} before {}",
                w[0].labels, w[1].labels
            ));
        }
        let samples: Vec<engine::Sample> = series
            .iter()
            .filter_map(|s| {
                if let Some(h) = s.histograms.iter().find(|h| h.t == at) {
                    return Some(engine::Sample::histogram(s.labels.clone(), h.t, h.h.clone()));
                }
                let p = s.points.iter().find(|p| p.t == at)?;
                Some(engine::Sample::float(s.labels.clone(), p.t, p.v))
            })
            .collect();
        let value = if scalar {
            match samples.first() {
                Some(s) => Value::Scalar { t: at, v: s.v },
                None => return Outcome::Fail("in range mode: no value at the evaluation time".into()),
            }
        } else {
            Value::Vector(samples)
        };
        match compare(&value, &eval.expect, Grid::Instant(at)) {
            Ok(()) => Outcome::Pass,
            Err(d) => Outcome::Fail(format!("in range mode:\n{d}")),
        }
    }
}

/// Err(skip) when the query needed a native histogram operation the engine does not
/// implement yet: there is no answer to grade (not even an expected failure's).
fn supported(res: &Result<engine::QueryOutput, QueryError>) -> Result<(), Outcome> {
    match res {
        Err(QueryError::Unsupported(what)) => Err(Outcome::Skip(format!("{HISTOGRAMS_UNSUPPORTED}: {what}"))),
        _ => Ok(()),
    }
}

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a == b && !is_stale(a))
}

/// Checks one query answer against the expectations.
fn check(res: Result<engine::QueryOutput, QueryError>, ex: &Expectations, grid: Grid) -> Outcome {
    let out = match (res, &ex.fail) {
        (Err(e), Some(m)) if m.matches(&e.to_string()) => return Outcome::Pass,
        (Err(e), Some(m)) => return Outcome::Fail(format!("expected error matching {m}, got: {e}")),
        (Err(e), None) => return Outcome::Fail(format!("query failed: {e}")),
        (Ok(_), Some(m)) => return Outcome::Fail(format!("expected an error ({m}), got none")),
        (Ok(out), None) => out,
    };
    if let Err(e) = check_annotations(&out.annotations.warnings, &ex.warn, ex.no_warn, "warn") {
        return Outcome::Fail(e);
    }
    if let Err(e) = check_annotations(&out.annotations.infos, &ex.info, ex.no_info, "info") {
        return Outcome::Fail(e);
    }
    match compare(&out.value, ex, grid) {
        Ok(()) => Outcome::Pass,
        Err(d) => Outcome::Fail(d),
    }
}

/// Upstream's annotation rules: each `expect` line matches some annotation, each annotation
/// matches some `expect` line, and `no_*` means none at all.
fn check_annotations(got: &[String], want: &[TextMatch], none: bool, kind: &str) -> Result<(), String> {
    if none && !got.is_empty() {
        return Err(format!("unexpected {kind} annotations: {got:?}"));
    }
    if want.is_empty() {
        return Ok(());
    }
    if got.is_empty() {
        return Err(format!("expected {kind} annotations, got none"));
    }
    if let Some(w) = want.iter().find(|w| !got.iter().any(|g| w.matches_annotation(g))) {
        return Err(format!("expected a {kind} annotation matching {w}, got {got:?}"));
    }
    if let Some(g) = got.iter().find(|g| !want.iter().any(|w| w.matches_annotation(g))) {
        return Err(format!("unexpected {kind} annotation {g:?}"));
    }
    Ok(())
}

/// Runs `f`, turning a panic into a failure (natively; wasm aborts on panic anyway).
fn guarded(f: impl FnOnce() -> Outcome) -> Outcome {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Outcome::Fail(format!("engine panicked: {msg}"))
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Floats and native histograms side by side: evals reading histograms are graded like
    /// any other.
    const SCRIPT: &str = r#"
load 1m
  mixed{kind="a"} 1 2 {{schema:0 sum:1 count:1}} 4
  hist {{schema:0 sum:1 count:1 buckets:[1]}}+{{schema:0 sum:1 count:1 buckets:[1]}}x4

load_with_nhcb 1m
  classic_bucket{le="1"} 1 2
  classic_bucket{le="+Inf"} 2 3

eval instant at 30s mixed
  mixed{kind="a"} 1

eval instant at 2m mixed
  mixed{kind="a"} {{schema:0 sum:1 count:1}}

eval instant at 3m count_over_time(mixed[5m])
  {kind="a"} 4

eval instant at 3m sum_over_time(mixed[5m])
  expect warn msg: PromQL warning: encountered a mix of histograms and floats for metric name "mixed"

eval instant at 4m increase(hist[4m])
  {} {{schema:0 sum:4 count:4 buckets:[4] counter_reset_hint:gauge}}

eval instant at 4m hist - hist
  expect fail

eval instant at 30s classic
  classic {{schema:-53 sum:0 count:2 custom_values:[1] buckets:[1 1]}}

eval instant at 2m mixed
  mixed{kind="a"} 2
"#;

    #[test]
    fn histogram_evals_are_graded() {
        let report = run_str("mixed.test", SCRIPT);
        let want: &[(&str, Outcome)] = &[
            ("mixed", Outcome::Pass),
            ("mixed", Outcome::Pass),
            ("count_over_time(mixed[5m])", Outcome::Pass),
            ("sum_over_time(mixed[5m])", Outcome::Pass),
            ("increase(hist[4m])", Outcome::Pass),
            ("hist - hist", Outcome::Fail(String::new())), // a result where a failure is expected
            ("classic", Outcome::Pass),
            ("mixed", Outcome::Fail(String::new())), // a histogram where a float is expected
        ];
        assert_eq!(report.evals.len(), want.len(), "{:?}", report.evals);
        for (got, (expr, want)) in report.evals.iter().zip(want) {
            assert_eq!(&got.expr, expr, "line {}", got.line);
            match (want, &got.outcome) {
                (Outcome::Fail(_), Outcome::Fail(_)) => {}
                _ => assert_eq!(&got.outcome, want, "line {}: {expr}", got.line),
            }
        }
    }

    #[test]
    fn unsupported_operations_are_skipped_not_graded() {
        let res = Err(QueryError::unsupported("x()"));
        assert_eq!(supported(&res), Err(Outcome::Skip(format!("{HISTOGRAMS_UNSUPPORTED}: x()"))));
        assert_eq!(supported(&Err(QueryError::eval("boom"))), Ok(()));
    }

    #[test]
    fn data_loading_keeps_histograms() {
        let storage = load_storage(SCRIPT).unwrap_or_else(|e| panic!("{e}"));
        let histograms: usize = (0..storage.len()).map(|id| storage.get(id).histograms.len()).sum();
        // One in `mixed`, five in `hist`, two converted classic histograms.
        assert_eq!(histograms, 1 + 5 + 2);
    }

    #[test]
    fn invalid_histograms_fail_the_load() {
        let report = run_str("bad.test", "load 1m\n  h {{schema:0 count:1 buckets:[-1]}}\n");
        assert!(matches!(&report.evals[0].outcome, Outcome::Fail(m) if m.contains("invalid histogram")));
    }
}
