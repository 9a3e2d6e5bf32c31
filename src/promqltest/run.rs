//! Runs a parsed test file against the engine and records one outcome per eval.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::engine::value::{histogram_placeholder, is_stale};
use crate::engine::{self, EngineOptions, Labels, Millis, QueryError, Storage, Value, METRIC_NAME};

use super::compare::{compare, Grid};
use super::notation::SeqValue;
use super::script::{parse_script, Command, Eval, EvalKind, Expectations, Load, TextMatch};
use super::{EvalReport, FileReport, Outcome};

/// Engine settings of upstream's test engine: 5m lookback, 1m default subquery step.
pub fn test_engine_options() -> EngineOptions {
    EngineOptions::default()
}

/// Why an eval is skipped when its query met a native histogram sample.
const HISTOGRAMS_READ: &str = "native histograms (read at evaluation)";

/// The state a test file builds up: loaded samples and the engine settings.
struct State {
    storage: Storage,
    /// Whether native histogram samples are stored as placeholders (when running evals: the
    /// engine then reports reading one, and the eval is skipped) or dropped (when the file
    /// only serves as data).
    placeholders: bool,
    opts: EngineOptions,
}

/// Runs the test file `text` (named `name` in the report).
pub fn run_str(name: &str, text: &str) -> FileReport {
    let script = parse_script(text);
    let mut report = FileReport { name: name.to_string(), ..FileReport::default() };
    for e in script.errors {
        report.evals.push(EvalReport {
            line: e.line,
            expr: String::new(),
            outcome: Outcome::Fail(e.message),
        });
    }
    let mut state = State::new(true);
    for cmd in script.commands {
        match cmd {
            Command::Clear => state = State::new(true),
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
    let mut state = State::new(false);
    for cmd in &script.commands {
        match cmd {
            Command::Clear => state = State::new(false),
            Command::Load(load) => state.load(load).map_err(|e| format!("line {}: {e}", load.line))?,
            Command::Eval(_) => {}
        }
    }
    Ok(state.storage)
}

impl State {
    fn new(placeholders: bool) -> State {
        State { storage: Storage::new(), placeholders, opts: test_engine_options() }
    }

    fn load(&mut self, load: &Load) -> Result<(), String> {
        let mut errors = Vec::new();
        for desc in &load.series {
            let id = self.storage.series_id(&desc.labels);
            for (i, v) in desc.values.iter().enumerate() {
                let f = match v {
                    SeqValue::Float(f) => *f,
                    SeqValue::Histogram if self.placeholders => histogram_placeholder(),
                    SeqValue::Histogram | SeqValue::Omitted => continue,
                };
                let t = i as Millis * load.step;
                if let Err(e) = self.append(id, t, f) {
                    errors.push(e);
                }
            }
        }
        if load.with_nhcb && self.placeholders {
            self.load_nhcb(load);
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

    /// `load_with_nhcb` also stores each classic histogram as a native one under its base name
    /// (its labels without `le`): a placeholder wherever one of its series has a float sample.
    fn load_nhcb(&mut self, load: &Load) {
        let mut native: BTreeMap<Labels, BTreeMap<Millis, ()>> = BTreeMap::new();
        for desc in &load.series {
            let Some(name) = desc.labels.metric_name() else { continue };
            let Some(base) =
                ["_bucket", "_count", "_sum"].iter().find_map(|suffix| name.strip_suffix(suffix))
            else {
                continue;
            };
            let mut labels = desc.labels.clone();
            labels.remove("le");
            labels.set(METRIC_NAME, base);
            let times = native.entry(labels).or_default();
            for (i, v) in desc.values.iter().enumerate() {
                if matches!(v, SeqValue::Float(f) if !is_stale(*f)) {
                    times.insert(i as Millis * load.step, ());
                }
            }
        }
        for (labels, times) in native {
            let id = self.storage.series_id(&labels);
            for t in times.into_keys() {
                // A float series already holding this name keeps its samples: the placeholder
                // only matters where it can be stored in time order.
                let _ = self.append(id, t, histogram_placeholder());
            }
        }
    }

    fn eval(&self, eval: &Eval) -> Outcome {
        if let Some(reason) = self.skip_reason(eval) {
            return Outcome::Skip(reason);
        }
        guarded(|| self.run_eval(eval))
    }

    /// Why `eval` cannot be run here, if that is known before running it. (An eval whose
    /// query reads a native histogram sample is skipped once it has run: see [`read_floats`].)
    fn skip_reason(&self, eval: &Eval) -> Option<String> {
        if eval.expect.has_histograms {
            return Some("native histograms (expected result)".into());
        }
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
                if let Err(skip) = read_floats(&res) {
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
                if let Err(skip) = read_floats(&res) {
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
        if let Err(skip) = read_floats(&res) {
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
                let p = s.points.iter().find(|p| p.t == at)?;
                Some(engine::Sample { labels: s.labels.clone(), t: p.t, v: p.v })
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

/// Err(skip) when the query met a native histogram sample: its float-only answer is not the
/// one Prometheus gives, so the eval cannot be graded.
fn read_floats(res: &Result<engine::QueryOutput, QueryError>) -> Result<(), Outcome> {
    match res {
        Ok(out) if out.stats.native_histograms_read > 0 => Err(Outcome::Skip(HISTOGRAMS_READ.into())),
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
    use crate::engine::value::is_histogram_placeholder;

    /// Floats and native histograms side by side: evals that never read a histogram sample
    /// are graded, those that do are skipped.
    const SCRIPT: &str = r#"
load 1m
  mixed{kind="a"} 1 2 {{schema:0 sum:1 count:1}} 4

load_with_nhcb 1m
  classic_bucket{le="1"} 1 2
  classic_bucket{le="+Inf"} 2 3

eval instant at 30s mixed
  mixed{kind="a"} 1

eval instant at 2m mixed
  mixed{kind="a"} 2

eval range from 3m to 4m step 1m mixed
  mixed{kind="a"} 4 4

eval instant at 3m count_over_time(mixed[5m])
  {kind="a"} 3

eval range from 0 to 1m step 1m sum_over_time(mixed[1m])
  {kind="a"} 1 2

eval instant at 30s classic
  {} 1

eval instant at 30s classic_bucket
  classic_bucket{le="1"} 1
  classic_bucket{le="+Inf"} 2

eval instant at 30s mixed
  mixed{kind="a"} 5
"#;

    #[test]
    fn only_evals_reading_histograms_are_skipped() {
        let report = run_str("mixed.test", SCRIPT);
        let skip = || Outcome::Skip(HISTOGRAMS_READ.into());
        let want: &[(&str, Outcome)] = &[
            ("mixed", Outcome::Pass),
            ("mixed", skip()), // the latest sample is a histogram
            ("mixed", Outcome::Pass),
            ("count_over_time(mixed[5m])", skip()), // the window holds a histogram
            ("sum_over_time(mixed[1m])", Outcome::Pass),
            ("classic", skip()), // the native form of a classic histogram
            ("classic_bucket", Outcome::Pass),
            ("mixed", Outcome::Fail(String::new())), // graded, and wrong
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
    fn data_loading_drops_histograms() {
        let storage = load_storage(SCRIPT).unwrap_or_else(|e| panic!("{e}"));
        let points: Vec<f64> =
            (0..storage.len()).flat_map(|id| storage.get(id).points.iter().map(|p| p.v)).collect();
        assert_eq!(points.len(), 3 + 2 + 2, "{points:?}");
        assert!(!points.iter().any(|v| is_histogram_placeholder(*v)));
    }
}
