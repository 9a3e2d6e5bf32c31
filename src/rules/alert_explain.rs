//! Why an alerting rule never fired, over the evaluated timeline or during a documented event
//! of the dataset, in the dataset's terms: every evaluation failed; the expression never
//! returned anything (then why, as for an empty recording rule: a missing input, an empty
//! recorded series, a label mismatch); the threshold is never crossed (with the value that
//! came closest, and a per-second vs per-hour hint when a rate is compared with what reads
//! as a per-hour threshold); or the condition never held for `for`. [`check_events`] says,
//! for each documented event, whether the alerts it is meant to fire did.

use std::collections::HashMap;

use promql_parser::parser::{token, BinaryExpr, Expr};

use super::alert_timeline::{AlertTimeline, Firing};
use super::ast;
use super::eval::Evaluation;
use super::explain::{one_line, why_always_empty};
use super::model::RuleFile;
use crate::content::dataset::Event;
use crate::content::time::format_instant;
use crate::engine::{eval, parse, EngineOptions, Labels, Millis, Storage, Value};

/// Functions whose result is a change per second.
const PER_SECOND: &[&str] = &["rate", "irate", "deriv"];

/// Why alerting rule `timeline` (of `file`, over `storage` from `start` to `end`) never
/// fired; `records` names every recording rule and whether it recorded nothing. Empty when
/// it fired.
pub fn explain_timeline(
    storage: &Storage,
    file: &RuleFile,
    records: Vec<(String, bool)>,
    timeline: &AlertTimeline,
    (start, end): (Millis, Millis),
    opts: &EngineOptions,
) -> Vec<String> {
    if timeline.ever_fired() {
        return Vec::new();
    }
    let ctx = Context { storage, start, end, records, defs: definitions(file), opts };
    ctx.reasons(timeline, &Scope { start, end, target: Vec::new() })
}

/// Fills `explanation` of every alerting rule of `evaluation` that never fired.
pub fn explain_silent_alerts(evaluation: &mut Evaluation, file: &RuleFile, opts: &EngineOptions) {
    let ctx = Context::new(evaluation, file, opts);
    let scope = Scope { start: evaluation.start, end: evaluation.end, target: Vec::new() };
    let reasons: Vec<Vec<String>> = evaluation
        .alerts
        .iter()
        .map(|a| if a.ever_fired() { Vec::new() } else { ctx.reasons(a, &scope) })
        .collect();
    for (a, why) in evaluation.alerts.iter_mut().zip(reasons) {
        a.explanation = why;
    }
}

/// Whether one alert a documented event is meant to fire did fire during it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventCheck {
    pub event: String,
    pub title: String,
    pub start: Millis,
    pub end: Option<Millis>,
    pub alert: String,
    /// The first firing of the alert for the event's target that overlaps the event.
    pub fired: Option<Firing>,
    /// Why it did not fire (empty when it did).
    pub explanation: Vec<String>,
}

/// For every documented event and every alert it names, whether that alert fired for the
/// event's target while the event lasted (an alert the rule file does not have is reported
/// as such).
pub fn check_events(
    evaluation: &Evaluation,
    file: &RuleFile,
    events: &[Event],
    opts: &EngineOptions,
) -> Vec<EventCheck> {
    let ctx = Context::new(evaluation, file, opts);
    let mut out = Vec::new();
    for ev in events {
        let scope = Scope {
            start: ev.start,
            end: ev.end.unwrap_or(evaluation.end).min(evaluation.end),
            target: ev.target.clone(),
        };
        for alert in &ev.alerts {
            let timelines: Vec<&AlertTimeline> =
                evaluation.alerts.iter().filter(|a| &a.name == alert).collect();
            let fired = timelines
                .iter()
                .flat_map(|a| a.firings(below_threshold(&a.expr)))
                .filter(|f| {
                    scope.matches(&f.labels) && f.start <= scope.end && f.end.is_none_or(|e| e > scope.start)
                })
                .min_by_key(|f| f.start);
            let explanation = match (&fired, timelines.first()) {
                (Some(_), _) => Vec::new(),
                (None, None) => vec![format!("The rule file has no alerting rule named `{alert}`.")],
                (None, Some(a)) => ctx.reasons(a, &scope),
            };
            out.push(EventCheck {
                event: ev.id.clone(),
                title: ev.title.clone(),
                start: ev.start,
                end: ev.end,
                alert: alert.clone(),
                fired,
                explanation,
            });
        }
    }
    out
}

/// The part of the timeline an explanation is about: a time window and the label values an
/// alert's series must have (where it has the label at all).
struct Scope {
    start: Millis,
    end: Millis,
    target: Vec<(String, String)>,
}

impl Scope {
    fn matches(&self, labels: &Labels) -> bool {
        self.target.iter().all(|(k, v)| labels.get(k).is_none_or(|have| have == v))
    }

    fn contains(&self, t: Millis) -> bool {
        self.start <= t && t <= self.end
    }
}

/// True when a rule's condition is "below a threshold" (`<`, `<=`): its extreme value is the
/// lowest one.
pub fn below_threshold(expr: &str) -> bool {
    let Ok(e) = parse::parse(expr) else { return false };
    condition(&e).is_some_and(|b| matches!(b.op.id(), id if id == token::T_LSS || id == token::T_LTE))
}

/// The comparison that decides a rule's condition: the outermost comparison, looking through
/// parentheses and the left side of `and`/`unless`.
pub fn condition(expr: &Expr) -> Option<&BinaryExpr> {
    match expr {
        Expr::Paren(p) => condition(&p.expr),
        Expr::Binary(b) if b.op.is_comparison_operator() => Some(b),
        Expr::Binary(b) if b.op.id() == token::T_LAND || b.op.id() == token::T_LUNLESS => condition(&b.lhs),
        _ => None,
    }
}

/// A rule's condition and its constant threshold: (`>`, 0.05) for `x > 0.05`, None when the
/// expression has no comparison or compares with something that is not a constant.
pub fn threshold(expr: &str) -> Option<(String, f64)> {
    let parsed = parse::parse(expr).ok()?;
    let cond = condition(&parsed)?;
    let empty = Storage::new();
    match eval::eval_instant(&empty, &cond.rhs, 0, &EngineOptions::default()).ok()?.value {
        Value::Scalar { v, .. } => Some((cond.op.to_string(), v)),
        _ => None,
    }
}

/// `expr` with its condition's threshold replaced by `value` (None when it has no constant
/// threshold to replace), printed as Prometheus prints expressions.
pub fn with_threshold(expr: &str, value: f64) -> Option<String> {
    threshold(expr)?;
    let mut parsed = parse::parse(expr).ok()?;
    let cond = condition_mut(&mut parsed)?;
    *cond.rhs = Expr::NumberLiteral(promql_parser::parser::NumberLiteral { val: value });
    Some(parsed.to_string())
}

fn condition_mut(expr: &mut Expr) -> Option<&mut BinaryExpr> {
    match expr {
        Expr::Paren(p) => condition_mut(&mut p.expr),
        Expr::Binary(b) => {
            if b.op.is_comparison_operator() {
                Some(b)
            } else if b.op.id() == token::T_LAND || b.op.id() == token::T_LUNLESS {
                condition_mut(&mut b.lhs)
            } else {
                None
            }
        }
        _ => None,
    }
}

struct Context<'a> {
    storage: &'a Storage,
    start: Millis,
    end: Millis,
    /// Every record name and whether its rule recorded nothing.
    records: Vec<(String, bool)>,
    /// Recording rules by record name, to see through recorded series.
    defs: HashMap<String, Expr>,
    opts: &'a EngineOptions,
}

impl<'a> Context<'a> {
    fn new(evaluation: &'a Evaluation, file: &RuleFile, opts: &'a EngineOptions) -> Self {
        let records = evaluation.rules.iter().map(|r| (r.record.clone(), r.is_empty())).collect();
        let defs = file
            .rules()
            .filter(|(_, r)| r.is_recording())
            .filter_map(|(_, r)| Some((r.record.clone(), parse::parse(&r.expr).ok()?)))
            .collect();
        Context {
            storage: &evaluation.storage,
            start: evaluation.start,
            end: evaluation.end,
            records,
            defs,
            opts,
        }
    }

    fn reasons(&self, a: &AlertTimeline, scope: &Scope) -> Vec<String> {
        if a.ticks == 0 {
            return vec!["The dataset's time range holds no evaluation time of this group.".into()];
        }
        let expr = match parse::parse(&a.expr) {
            Ok(e) => e,
            Err(e) => return vec![format!("The expression does not parse: {e}")],
        };
        if a.error_count >= a.ticks {
            let first = a.errors.first().map(|(_, m)| m.as_str()).unwrap_or("unknown error");
            return vec![format!("Every evaluation failed: {first}")];
        }
        if let Some(why) = self.too_short(a, scope) {
            return vec![why];
        }
        let span = (self.start, self.end, a.interval);
        let Some(cond) = condition(&expr) else {
            return why_always_empty(self.storage, &expr, span, &self.records, self.opts);
        };
        let lhs: Vec<(Labels, Millis, f64)> = self
            .series(&cond.lhs, a.interval)
            .into_iter()
            .filter(|(l, t, _)| scope.matches(l) && scope.contains(*t))
            .collect();
        if lhs.is_empty() {
            return why_always_empty(self.storage, &cond.lhs, span, &self.records, self.opts);
        }
        match self.scalar(&cond.rhs) {
            Some(threshold) => self.never_crosses(&cond.lhs, cond, threshold, &lhs),
            None => vec![format!(
                "`{}` returns samples, but the condition `{}` held at no evaluation.",
                one_line(&cond.lhs.to_string()),
                one_line(&expr.to_string())
            )],
        }
    }

    /// The condition held in `scope`, but never for `for`: how long it held at most.
    fn too_short(&self, a: &AlertTimeline, scope: &Scope) -> Option<String> {
        let (held, from, open, labels) = a
            .instances
            .iter()
            .filter(|i| scope.matches(&i.labels))
            .flat_map(|i| i.episodes.iter().map(move |e| (i, e)))
            .map(|(i, e)| {
                let stop = e.ended.map_or(self.end, |(t, _)| t);
                (stop - e.active_at, e.active_at, e.ended.is_none(), &i.labels, stop)
            })
            .filter(|(.., from_stop)| *from_stop >= scope.start)
            .filter(|(_, from, ..)| *from <= scope.end)
            .map(|(held, from, open, labels, _)| (held, from, open, labels))
            .max_by_key(|(held, ..)| *held)?;
        let until_end = if open { ", and was still pending when the data ends" } else { "" };
        Some(format!(
            "The condition held for at most {} at a time ({labels} from {}{until_end}), less than `for: {}`: \
             the alert went pending but never fired (one evaluation without the condition starts `for` over).",
            crate::rules::duration::format(held),
            format_instant(from),
            crate::rules::duration::format(a.for_)
        ))
    }

    /// `lhs` over the timeline, every `interval`.
    fn series(&self, lhs: &Expr, interval: Millis) -> Vec<(Labels, Millis, f64)> {
        let step = interval.max(1);
        let first =
            self.start.div_euclid(step) * step + if self.start.rem_euclid(step) == 0 { 0 } else { step };
        let opts = EngineOptions { max_range_steps: usize::MAX, ..self.opts.clone() };
        let Ok(out) = eval::eval_range(self.storage, lhs, first, self.end.max(first), step, &opts) else {
            return Vec::new();
        };
        match out.value {
            Value::Matrix(m) => m
                .into_iter()
                .flat_map(|s| s.points.into_iter().map(move |p| (s.labels.clone(), p.t, p.v)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The value of a constant expression (`0.05`, `100 * 1024 * 1024`).
    fn scalar(&self, e: &Expr) -> Option<f64> {
        match eval::eval_instant(self.storage, e, self.end, self.opts).ok()?.value {
            Value::Scalar { v, .. } => Some(v),
            _ => None,
        }
    }

    /// The left side returns values but none crosses the threshold: the closest one, and a
    /// hint when a per-second rate is compared with what reads as a per-hour threshold.
    fn never_crosses(
        &self,
        lhs: &Expr,
        cond: &BinaryExpr,
        threshold: f64,
        values: &[(Labels, Millis, f64)],
    ) -> Vec<String> {
        let op = cond.op.to_string();
        let below = matches!(op.as_str(), "<" | "<=");
        let closest = values.iter().filter(|(_, _, v)| !v.is_nan()).min_by(|a, b| {
            let distance = |v: f64| if below { v } else { -v };
            match op.as_str() {
                "==" | "!=" => (a.2 - threshold).abs().total_cmp(&(b.2 - threshold).abs()),
                _ => distance(a.2).total_cmp(&distance(b.2)),
            }
        });
        let Some((labels, t, v)) = closest else {
            return vec![format!("`{}` returns only NaN.", one_line(&lhs.to_string()))];
        };
        let extreme = match op.as_str() {
            "==" | "!=" => "comes closest to the threshold",
            "<" | "<=" => "is lowest",
            _ => "peaks",
        };
        let mut out = vec![format!(
            "`{}` {extreme} at {} ({} at {}), so `{op} {}` never holds: the threshold is never crossed.",
            one_line(&lhs.to_string()),
            significant(*v),
            labels,
            format_instant(*t),
            one_line(&cond.rhs.to_string()),
        )];
        if !below && self.per_second(lhs) && *v > 0.0 && threshold > *v && *v * 3600.0 >= threshold {
            out.push(format!(
                "The expression measures a change per second (`{}`), while the threshold {} reads as per hour: \
                 per hour the peak is {}, which does cross it. Compare like with like: multiply the rate by 3600 \
                 or divide the threshold by 3600.",
                self.rate_functions(lhs).join("`, `"),
                format_threshold(threshold),
                significant(*v * 3600.0),
            ));
        }
        out
    }

    /// True when `e` is a change per second: a `rate`/`irate`/`deriv` (of a recorded series'
    /// rule too), possibly aggregated or scaled by a constant, but not a ratio of two.
    fn per_second(&self, e: &Expr) -> bool {
        self.per_second_depth(e, 0)
    }

    fn per_second_depth(&self, e: &Expr, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match e {
            Expr::Call(c) => PER_SECOND.contains(&c.func.name),
            Expr::Paren(p) => self.per_second_depth(&p.expr, depth + 1),
            Expr::Aggregate(a) => self.per_second_depth(&a.expr, depth + 1),
            Expr::Binary(b) if matches!(b.op.to_string().as_str(), "*" | "/") => {
                let constant = |x: &Expr| matches!(x, Expr::NumberLiteral(_)) || self.scalar(x).is_some();
                match (constant(&b.lhs), constant(&b.rhs)) {
                    (true, false) if b.op.to_string() == "*" => self.per_second_depth(&b.rhs, depth + 1),
                    (false, true) => self.per_second_depth(&b.lhs, depth + 1),
                    _ => false,
                }
            }
            Expr::VectorSelector(vs) => ast::exact_name(vs)
                .and_then(|name| self.defs.get(name))
                .is_some_and(|def| self.per_second_depth(def, depth + 1)),
            _ => false,
        }
    }

    /// The per-second functions `e` uses, itself or through recorded series.
    fn rate_functions(&self, e: &Expr) -> Vec<&'static str> {
        let inlined = ast::inline(e, &self.defs);
        let mut found = Vec::new();
        ast::walk(&inlined, &mut |n| {
            if let Expr::Call(c) = n {
                if let Some(f) = PER_SECOND.iter().find(|f| **f == c.func.name) {
                    if !found.contains(f) {
                        found.push(*f);
                    }
                }
            }
        });
        found
    }
}

/// The recording rules of `file` by record name, parsed.
fn definitions(file: &RuleFile) -> HashMap<String, Expr> {
    file.rules()
        .filter(|(_, r)| r.is_recording())
        .filter_map(|(_, r)| Some((r.record.clone(), parse::parse(&r.expr).ok()?)))
        .collect()
}

/// A value with 4 significant digits, without exponent for everyday magnitudes.
pub fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return crate::engine::value::format_float(v);
    }
    let digits = 4 - 1 - v.abs().log10().floor() as i32;
    if (-2..=7).contains(&digits) {
        let shown = format!("{:.*}", digits.max(0) as usize, v);
        if shown.contains('.') {
            return shown.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        return shown;
    }
    format!("{v:.3e}")
}

/// A threshold with all its digits, and its binary size when it is a whole number of MiB.
fn format_threshold(v: f64) -> String {
    let exact = crate::engine::value::format_float(v);
    let mib = v / (1024.0 * 1024.0);
    if v >= 1024.0 * 1024.0 && mib.fract() == 0.0 {
        format!("{exact} ({mib} MiB)")
    } else {
        exact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_and_numbers() {
        for (expr, below) in [
            ("model:predictions:rate5m == 0", false),
            ("(x / y) < 0.5 and y offset 1h > 10", true),
            ("x <= 3", true),
            ("x > 3", false),
            ("sum(x)", false),
        ] {
            assert_eq!(below_threshold(expr), below, "{expr}");
        }
        assert_eq!(significant(50_123.456), "50123");
        assert_eq!(significant(12.3456), "12.35");
        assert_eq!(significant(0.054321), "0.05432");
        assert_eq!(significant(1.5e-7), "1.500e-7");
        assert_eq!(format_threshold(104_857_600.0), "104857600 (100 MiB)");
        assert_eq!(threshold("x > 100 * 1024 * 1024"), Some((">".into(), 104_857_600.0)));
        assert_eq!(threshold("x > y"), None);
        assert_eq!(
            with_threshold("(a / b offset 1h) < 0.5 and b offset 1h > 10", 0.25).as_deref(),
            Some("(a / b offset 1h) < 0.25 and b offset 1h > 10")
        );
    }
}
