//! Runs a parsed test file against the engine and records one outcome per eval.

use std::sync::OnceLock;

use promql_parser::label::Matchers;
use promql_parser::parser::{Expr, VectorSelector};
use regex::Regex;

use crate::engine::value::is_stale;
use crate::engine::{self, EngineOptions, Labels, Millis, QueryError, Storage, Value, METRIC_NAME};

use super::compare::{compare, Grid};
use super::notation::SeqValue;
use super::script::{parse_script, Command, Eval, EvalKind, Expectations, Load, TextMatch};
use super::{EvalReport, FileReport, Outcome};

/// Engine settings of upstream's test engine: 5m lookback, 1m default subquery step.
pub fn test_engine_options() -> EngineOptions {
    EngineOptions::default()
}

/// The state a test file builds up: loaded samples plus which series hold native histograms
/// (not stored, but remembered so evals reading them are skipped with a reason).
struct State {
    storage: Storage,
    histogram_series: Vec<Labels>,
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
    let mut state = State::new();
    for cmd in script.commands {
        match cmd {
            Command::Clear => state = State::new(),
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
        State { storage: Storage::new(), histogram_series: Vec::new(), opts: test_engine_options() }
    }

    fn load(&mut self, load: &Load) -> Result<(), String> {
        let mut errors = Vec::new();
        for desc in &load.series {
            if desc.has_histograms() {
                self.histogram_series.push(desc.labels.clone());
            }
            let id = self.storage.series_id(&desc.labels);
            for (i, v) in desc.values.iter().enumerate() {
                let SeqValue::Float(f) = v else { continue };
                let t = i as Millis * load.step;
                // Re-loading an identical sample is accepted, as the TSDB accepts it.
                let dup = self.storage.get(id).points.last().is_some_and(|p| p.t == t && same_bits(p.v, *f));
                if !dup {
                    if let Err(e) = self.storage.append(id, t, *f) {
                        errors.push(e.to_string());
                    }
                }
            }
        }
        if load.with_nhcb {
            self.mark_nhcb(load);
        }
        match errors.first() {
            None => Ok(()),
            Some(first) => Err(format!("{} load errors, first: {first}", errors.len())),
        }
    }

    /// `load_with_nhcb` also stores each classic histogram as a native one under its base name.
    fn mark_nhcb(&mut self, load: &Load) {
        for desc in &load.series {
            let Some(name) = desc.labels.metric_name() else { continue };
            let base = ["_bucket", "_count", "_sum"].iter().find_map(|suffix| name.strip_suffix(suffix));
            if let Some(base) = base {
                let mut labels = desc.labels.clone();
                labels.remove("le");
                labels.set(METRIC_NAME, base);
                if !self.histogram_series.contains(&labels) {
                    self.histogram_series.push(labels);
                }
            }
        }
    }

    fn eval(&self, eval: &Eval) -> Outcome {
        if let Some(reason) = self.skip_reason(eval) {
            return Outcome::Skip(reason);
        }
        guarded(|| self.run_eval(eval))
    }

    /// Why `eval` cannot be run here, if it cannot.
    fn skip_reason(&self, eval: &Eval) -> Option<String> {
        if eval.expect.has_histograms {
            return Some("native histograms (expected result)".into());
        }
        match engine::parse::parse(&eval.expr) {
            // An eval expecting failure is run: the parse error is its answer.
            Err(e) if eval.expect.fail.is_none() => Some(format!("parser cannot read: {}", e.message)),
            Err(_) => None,
            Ok(expr) => {
                let mut reads_histograms = false;
                visit_selectors(&expr, &mut |vs| {
                    reads_histograms |= self.histogram_series.iter().any(|l| selects(vs, l));
                });
                reads_histograms.then(|| "native histograms (loaded data)".into())
            }
        }
    }

    fn run_eval(&self, eval: &Eval) -> Outcome {
        let ex = &eval.expect;
        match eval.kind {
            EvalKind::Range { start, end, step } => {
                let res = engine::range_query(&self.storage, &eval.expr, start, end, step, &self.opts);
                check(res, ex, Grid::Range { start, end, step })
            }
            EvalKind::Instant { at } => {
                let grid = match ex.range_vector {
                    Some((start, end, step)) => Grid::Range { start, end, step },
                    None => Grid::Instant(at),
                };
                let res = engine::instant_query(&self.storage, &eval.expr, at, &self.opts);
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

/// Calls `f` on every vector selector of `expr` (matrix selectors included).
pub fn visit_selectors(expr: &Expr, f: &mut impl FnMut(&VectorSelector)) {
    match expr {
        Expr::Aggregate(a) => {
            visit_selectors(&a.expr, f);
            if let Some(p) = &a.param {
                visit_selectors(p, f);
            }
        }
        Expr::Unary(u) => visit_selectors(&u.expr, f),
        Expr::Binary(b) => {
            visit_selectors(&b.lhs, f);
            visit_selectors(&b.rhs, f);
        }
        Expr::Paren(p) => visit_selectors(&p.expr, f),
        Expr::Subquery(s) => visit_selectors(&s.expr, f),
        Expr::VectorSelector(vs) => f(vs),
        Expr::MatrixSelector(ms) => f(&ms.vs),
        Expr::Call(c) => c.args.args.iter().for_each(|a| visit_selectors(a, f)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// True when the selector `vs` selects a series labelled `labels`.
pub fn selects(vs: &VectorSelector, labels: &Labels) -> bool {
    if vs.name.as_deref().is_some_and(|n| labels.metric_name() != Some(n)) {
        return false;
    }
    matchers_match(&vs.matchers, labels)
}

fn matchers_match(m: &Matchers, labels: &Labels) -> bool {
    let all =
        |ms: &[promql_parser::label::Matcher]| ms.iter().all(|m| m.is_match(labels.get_or_empty(&m.name)));
    all(&m.matchers) && (m.or_matchers.is_empty() || m.or_matchers.iter().any(|g| all(g)))
}
