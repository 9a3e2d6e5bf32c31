//! `info(v [, {data-label selector}])`: enriches each element of `v` with the labels of the
//! info series (`target_info` unless the selector names others) that share its `instance`
//! and `job`, as Prometheus 3's experimental `info()` does.

use std::collections::{BTreeSet, HashMap, HashSet};

use promql_parser::parser::{Call, Expr};

use super::binop::labels_string;
use super::eval::{check_duplicates, Evaluator};
use super::labels::{Labels, METRIC_NAME};
use super::selector::{at_ms, lookup_instant, offset_ms, select_matching, CompiledMatcher};
use super::value::{is_histogram_placeholder, Millis, Sample, Value};
use super::QueryError;

const TARGET_INFO: &str = "target_info";
const IDENTIFYING: [&str; 2] = ["instance", "job"];

/// Evaluates `info(...)` at `t`.
pub fn eval_info(ev: &mut Evaluator, call: &Call, t: Millis) -> Result<Value, QueryError> {
    let args = &call.args.args;
    let Some(first) = args.first() else { return Err(QueryError::eval("info() needs an argument")) };
    let base = match ev.eval(first, t)? {
        Value::Vector(v) => v,
        other => {
            return Err(QueryError::eval(format!(
                "info() expects an instant vector, got {}",
                other.type_name()
            )))
        }
    };

    // Data-label matchers by label name, and which of them pick the info metric names.
    let mut data: HashMap<String, Vec<CompiledMatcher>> = HashMap::new();
    let mut name_matchers: Vec<CompiledMatcher> = Vec::new();
    if let Some(sel) = args.get(1) {
        let Expr::VectorSelector(vs) = sel.as_ref() else {
            return Err(QueryError::eval("info() expects a label selector as second argument"));
        };
        let mut all: Vec<CompiledMatcher> = vs.matchers.matchers.iter().map(CompiledMatcher::new).collect();
        if let Some(name) = &vs.name {
            all.push(CompiledMatcher::eq(METRIC_NAME, name));
        }
        for m in all {
            if m.name == METRIC_NAME {
                name_matchers.push(m.clone());
            }
            data.entry(m.name.clone()).or_default().push(m);
        }
    } else {
        name_matchers.push(CompiledMatcher::eq(METRIC_NAME, TARGET_INFO));
    }
    // Info series themselves are not enriched.
    let effective = effective_name_matchers(name_matchers);
    let ignored: Vec<bool> = base
        .iter()
        .map(|s| {
            let name = s.labels.get_or_empty(METRIC_NAME);
            effective.iter().all(|m| m.matches(name))
        })
        .collect();

    let mut id_values: HashMap<&str, HashSet<String>> = HashMap::new();
    for (s, _) in base.iter().zip(&ignored).filter(|(_, ign)| !**ign) {
        for l in IDENTIFYING {
            if let Some(v) = s.labels.get(l) {
                id_values.entry(l).or_default().insert(v.to_string());
            }
        }
    }
    let data_name: Vec<CompiledMatcher> = data.remove(METRIC_NAME).unwrap_or_default();
    let infos = if id_values.is_empty() {
        Vec::new()
    } else {
        let mut matchers: Vec<CompiledMatcher> = effective_name_matchers(data_name);
        for ms in data.values() {
            matchers.extend(ms.iter().cloned());
        }
        let (at_t, offset) = info_time(first, t, ev);
        let ref_t = at_t.saturating_sub(offset);
        fetch_infos(ev, &matchers, &id_values, ref_t)?
    };

    let out = combine(base, &ignored, &infos, &data)?;
    check_duplicates(&out)?;
    Ok(Value::Vector(out))
}

/// Name matchers with no positive one get `__name__=~".+_info"` in front; none at all
/// means `target_info`.
fn effective_name_matchers(matchers: Vec<CompiledMatcher>) -> Vec<CompiledMatcher> {
    if matchers.iter().any(CompiledMatcher::is_positive) {
        return matchers;
    }
    if matchers.is_empty() {
        return vec![CompiledMatcher::eq(METRIC_NAME, TARGET_INFO)];
    }
    let mut out: Vec<CompiledMatcher> = CompiledMatcher::regex(METRIC_NAME, ".+_info").into_iter().collect();
    out.extend(matchers);
    out
}

/// The time info series are read at: the `@` and offset of the first selector inside the
/// first argument (enclosing subqueries' offsets add up until an `@` anchors them).
fn info_time(expr: &Expr, t: Millis, ev: &Evaluator) -> (Millis, Millis) {
    fn walk(e: &Expr, subqs: &mut Vec<(Millis, Option<Millis>)>, ev: &Evaluator) -> Option<(Millis, Millis)> {
        let found = |at: Option<Millis>, offset: Millis, subqs: &[(Millis, Option<Millis>)]| {
            let (mut at, mut offset) = (at, offset);
            for (o, a) in subqs.iter().rev() {
                if at.is_some() {
                    break;
                }
                offset = offset.saturating_add(*o);
                at = *a;
            }
            (at, offset)
        };
        match e {
            Expr::VectorSelector(vs) => {
                let at = vs.at.as_ref().map(|a| at_ms(a, ev.start, ev.end));
                let (at, o) = found(at, offset_ms(&vs.offset), subqs);
                Some((at.unwrap_or(Millis::MIN), o))
            }
            Expr::MatrixSelector(ms) => walk(&Expr::VectorSelector(ms.vs.clone()), subqs, ev),
            Expr::Subquery(sq) => {
                let at = sq.at.as_ref().map(|a| at_ms(a, ev.start, ev.end));
                subqs.push((offset_ms(&sq.offset), at));
                let r = walk(&sq.expr, subqs, ev);
                subqs.pop();
                r
            }
            Expr::Paren(p) => walk(&p.expr, subqs, ev),
            Expr::Unary(u) => walk(&u.expr, subqs, ev),
            Expr::Binary(b) => walk(&b.lhs, subqs, ev).or_else(|| walk(&b.rhs, subqs, ev)),
            Expr::Aggregate(a) => {
                a.param.as_ref().and_then(|p| walk(p, subqs, ev)).or_else(|| walk(&a.expr, subqs, ev))
            }
            Expr::Call(c) => c.args.args.iter().find_map(|a| walk(a, subqs, ev)),
            _ => None,
        }
    }
    match walk(expr, &mut Vec::new(), ev) {
        Some((at, offset)) if at != Millis::MIN => (at, offset),
        Some((_, offset)) => (t, offset),
        None => (t, 0),
    }
}

/// One info series as read at the reference time.
struct InfoSample {
    labels: Labels,
    t: Millis,
}

/// Info series matching `matchers` whose identifying labels take one of the base values,
/// with their latest sample at `ref_t` (lookback and staleness as for any selector).
fn fetch_infos(
    ev: &mut Evaluator,
    matchers: &[CompiledMatcher],
    id_values: &HashMap<&str, HashSet<String>>,
    ref_t: Millis,
) -> Result<Vec<InfoSample>, QueryError> {
    let ids = select_matching(ev.storage, matchers);
    let mut out = Vec::new();
    for id in ids {
        let s = ev.storage.get(id);
        let wanted = id_values.iter().all(|(l, vals)| s.labels.get(l).is_some_and(|v| vals.contains(v)));
        if !wanted {
            continue;
        }
        if let Some(p) = lookup_instant(&s.points, ref_t, ev.opts.lookback_window()) {
            // Info metrics have float samples; Prometheus refuses a histogram one.
            if is_histogram_placeholder(p.v) {
                return Err(QueryError::eval(format!(
                    "this should be an info metric, with float samples: {}",
                    labels_string(&s.labels)
                )));
            }
            ev.stats.samples_touched += 1;
            out.push(InfoSample { labels: s.labels.clone(), t: p.t });
        }
    }
    Ok(out)
}

/// An info metric name plus identifying label pairs: what base and info series match on.
type Signature = (String, Vec<(String, String)>);

/// The matching key of a series for info metric `name`: the name plus its identifying labels.
fn signature(name: &str, labels: &Labels) -> Signature {
    let ids =
        IDENTIFYING.iter().filter_map(|l| labels.get(l).map(|v| (l.to_string(), v.to_string()))).collect();
    (name.to_string(), ids)
}

/// Adds to each non-ignored base element the data labels of its matching info series.
fn combine(
    base: Vec<Sample>,
    ignored: &[bool],
    infos: &[InfoSample],
    data: &HashMap<String, Vec<CompiledMatcher>>,
) -> Result<Vec<Sample>, QueryError> {
    // The newest info series per signature; two at one timestamp conflict.
    let mut by_sig: HashMap<Signature, &InfoSample> = HashMap::new();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for info in infos {
        let name = info.labels.get_or_empty(METRIC_NAME);
        names.insert(name);
        let sig = signature(name, &info.labels);
        match by_sig.get(&sig) {
            Some(existing) if existing.t > info.t => {}
            Some(existing) if existing.t == info.t => {
                return Err(QueryError::eval(format!(
                    "found duplicate series for info metric: existing {} @ {}, new {} @ {}",
                    labels_string(&existing.labels),
                    existing.t,
                    labels_string(&info.labels),
                    info.t
                )))
            }
            _ => {
                by_sig.insert(sig, info);
            }
        }
    }
    let must_match = data.values().flatten().any(|m| !m.matches(""));

    let mut out = Vec::with_capacity(base.len());
    for (s, ign) in base.into_iter().zip(ignored) {
        if *ign {
            out.push(s);
            continue;
        }
        let mut extra = Labels::empty();
        let mut seen = false;
        for name in &names {
            let Some(info) = by_sig.get(&signature(name, &s.labels)) else { continue };
            seen = true;
            for (n, v) in info.labels.iter() {
                if n == METRIC_NAME || (!data.is_empty() && !data.contains_key(n)) {
                    continue;
                }
                if extra.get(n).is_some_and(|cur| cur != v) {
                    return Err(QueryError::eval(format!("conflicting label: {n}")));
                }
                if s.labels.get(n).is_some() {
                    continue;
                }
                extra.set(n.to_string(), v.to_string());
            }
        }
        if !seen && must_match {
            continue;
        }
        let mut labels = s.labels;
        for (n, v) in extra.iter() {
            labels.set(n.to_string(), v.to_string());
        }
        out.push(Sample { labels, ..s });
    }
    Ok(out)
}
