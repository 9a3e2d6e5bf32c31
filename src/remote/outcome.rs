//! One query's outcome in a form both engines map onto (the body of Prometheus's query API
//! reduced to what must agree), and the comparison: result types, series sets by labels,
//! timestamps exactly, values at relative error 1e-6 with NaN equal to NaN.

use std::collections::BTreeMap;

use crate::engine::{Labels, QueryError, QueryOutput, Value};
use serde_json::Value as Json;

/// A label set as an ordered map (the API's `metric` object).
pub type LabelMap = BTreeMap<String, String>;

/// Series as the API lists a matrix: labels and samples.
pub type RawSeries = Vec<(LabelMap, Vec<(i64, f64)>)>;

/// What a query produced.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Scalar(i64, f64),
    String(i64, String),
    Vector(Vec<(LabelMap, i64, f64)>),
    Matrix(Vec<(LabelMap, Vec<(i64, f64)>)>),
    /// The API's `errorType` and message.
    Error(String, String),
}

impl Outcome {
    /// Number of series (or 1 for a scalar/string, 0 for an error): used to tell answers with
    /// content from empty ones in the summary.
    pub fn size(&self) -> usize {
        match self {
            Outcome::Scalar(..) | Outcome::String(..) => 1,
            Outcome::Vector(v) => v.len(),
            Outcome::Matrix(m) => m.len(),
            Outcome::Error(..) => 0,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Outcome::Scalar(..) => "scalar",
            Outcome::String(..) => "string",
            Outcome::Vector(_) => "vector",
            Outcome::Matrix(_) => "matrix",
            Outcome::Error(..) => "error",
        }
    }
}

fn label_map(l: &Labels) -> LabelMap {
    l.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

/// promplay's answer.
pub fn from_promplay(r: Result<QueryOutput, QueryError>) -> Outcome {
    match r {
        Err(e) => Outcome::Error(e.error_type().to_string(), e.to_string()),
        Ok(out) => match out.value {
            Value::Scalar { t, v } => Outcome::Scalar(t, v),
            Value::String { t, s } => Outcome::String(t, s),
            Value::Vector(v) => Outcome::Vector(v.iter().map(|s| (label_map(&s.labels), s.t, s.v)).collect()),
            Value::Matrix(m) => Outcome::Matrix(
                m.iter()
                    .map(|s| (label_map(&s.labels), s.points.iter().map(|p| (p.t, p.v)).collect()))
                    .collect(),
            ),
        },
    }
}

/// A `[<seconds>, "<value>"]` pair of the API.
fn pair(j: &Json) -> Result<(i64, String), String> {
    let a = j.as_array().filter(|a| a.len() == 2).ok_or_else(|| format!("not a sample pair: {j}"))?;
    let secs = a[0].as_f64().ok_or_else(|| format!("bad timestamp: {j}"))?;
    let v = a[1].as_str().ok_or_else(|| format!("bad value: {j}"))?;
    Ok(((secs * 1000.0).round() as i64, v.to_string()))
}

/// Parses a value the way the API spells floats (`NaN`, `+Inf`, `-Inf`, plain decimals).
pub fn parse_float(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s.parse().map_err(|_| format!("bad float {s:?}")),
    }
}

fn sample(j: &Json) -> Result<(i64, f64), String> {
    let (t, v) = pair(j)?;
    Ok((t, parse_float(&v)?))
}

fn metric(j: &Json) -> Result<LabelMap, String> {
    let obj = j.get("metric").and_then(Json::as_object).ok_or_else(|| format!("no metric in {j}"))?;
    obj.iter()
        .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(|| format!("bad label value {v}"))?.to_string())))
        .collect()
}

/// Reads the body of `/api/v1/query` or `/api/v1/query_range`.
pub fn from_api_body(body: &str) -> Result<Outcome, String> {
    let j: Json = serde_json::from_str(body).map_err(|e| format!("invalid JSON ({e}): {body}"))?;
    if j.get("status").and_then(Json::as_str) == Some("error") {
        let field = |k: &str| j.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        return Ok(Outcome::Error(field("errorType"), field("error")));
    }
    let data = j.get("data").ok_or_else(|| format!("no data in {body}"))?;
    let result = data.get("result").ok_or_else(|| format!("no result in {body}"))?;
    let items = || result.as_array().ok_or_else(|| format!("result is not a list: {body}"));
    match data.get("resultType").and_then(Json::as_str) {
        Some("scalar") => sample(result).map(|(t, v)| Outcome::Scalar(t, v)),
        Some("string") => pair(result).map(|(t, s)| Outcome::String(t, s)),
        Some("vector") => items()?
            .iter()
            .map(|e| {
                let (t, v) = sample(e.get("value").unwrap_or(&Json::Null))?;
                Ok((metric(e)?, t, v))
            })
            .collect::<Result<_, String>>()
            .map(Outcome::Vector),
        Some("matrix") => items()?
            .iter()
            .map(|e| {
                let values = e.get("values").and_then(Json::as_array).cloned().unwrap_or_default();
                Ok((metric(e)?, values.iter().map(sample).collect::<Result<_, _>>()?))
            })
            .collect::<Result<_, String>>()
            .map(Outcome::Matrix),
        other => Err(format!("unknown resultType {other:?}")),
    }
}

/// Prometheus's test comparison (promqltest's `almostEqual`): NaN equals NaN, otherwise the
/// relative difference must stay under `1e-6`.
pub fn almost_equal(a: f64, b: f64) -> bool {
    const EPSILON: f64 = 1e-6;
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE;
    if (a.is_nan() && b.is_nan()) || a == b {
        return true;
    }
    let diff = (a - b).abs();
    let abs_sum = a.abs() + b.abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < EPSILON * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < EPSILON
}

fn show(l: &LabelMap) -> String {
    let inner: Vec<String> = l.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// Differences between the series of two vectors or matrices, keyed by label set.
fn diff_series<T: PartialEq + std::fmt::Debug>(
    want: &[(LabelMap, T)],
    got: &[(LabelMap, T)],
    same: impl Fn(&T, &T) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for (l, _) in got {
        if seen.insert(l, ()).is_some() {
            out.push(format!("promplay returned {} twice", show(l)));
        }
    }
    let g: BTreeMap<&LabelMap, &T> = got.iter().map(|(l, v)| (l, v)).collect();
    let w: BTreeMap<&LabelMap, &T> = want.iter().map(|(l, v)| (l, v)).collect();
    for (l, wv) in &w {
        match g.get(l) {
            None => out.push(format!("missing {} = {wv:?}", show(l))),
            Some(gv) if !same(wv, gv) => out.push(format!("{}: want {wv:?}, got {gv:?}", show(l))),
            Some(_) => {}
        }
    }
    for (l, gv) in &g {
        if !w.contains_key(l) {
            out.push(format!("extra {} = {gv:?}", show(l)));
        }
    }
    out
}

/// True when both vectors list the same values in the same order.
fn same_order(a: &[(LabelMap, (i64, f64))], b: &[(LabelMap, (i64, f64))]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| almost_equal(x.1 .1, y.1 .1))
}

fn same_points(a: &[(i64, f64)], b: &[(i64, f64)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && almost_equal(x.1, y.1))
}

/// Compares Prometheus's outcome (`want`) with promplay's (`got`). `None` means they agree;
/// otherwise a description of the first differences. `ordered` also compares the order of an
/// instant vector (for `sort(...)` and friends): the sequence of values must be the same, while
/// series with equal values may come in any order, as Prometheus's sort is not stable. Range
/// results are always keyed by labels (Prometheus sorts matrices by labels).
pub fn compare(want: &Outcome, got: &Outcome, ordered: bool) -> Option<String> {
    let problems = match (want, got) {
        // Both refuse: messages differ between versions; the refusal and its kind must agree.
        (Outcome::Error(t1, _), Outcome::Error(t2, m2)) => {
            if t1 == t2 {
                Vec::new()
            } else {
                vec![format!("error type: want {t1}, got {t2} ({m2})")]
            }
        }
        (Outcome::Scalar(t1, v1), Outcome::Scalar(t2, v2)) => {
            if t1 == t2 && almost_equal(*v1, *v2) {
                Vec::new()
            } else {
                vec![format!("scalar: want {v1} at {t1}, got {v2} at {t2}")]
            }
        }
        (Outcome::String(t1, s1), Outcome::String(t2, s2)) => {
            if t1 == t2 && s1 == s2 {
                Vec::new()
            } else {
                vec![format!("string: want {s1:?} at {t1}, got {s2:?} at {t2}")]
            }
        }
        (Outcome::Vector(w), Outcome::Vector(g)) => {
            let pairs =
                |v: &[(LabelMap, i64, f64)]| v.iter().map(|(l, t, x)| (l.clone(), (*t, *x))).collect();
            let (w, g): (Vec<_>, Vec<_>) = (pairs(w), pairs(g));
            let mut out = diff_series(&w, &g, |a, b| a.0 == b.0 && almost_equal(a.1, b.1));
            if ordered && out.is_empty() && !same_order(&w, &g) {
                let values =
                    |s: &[(LabelMap, (i64, f64))]| s.iter().map(|(_, (_, v))| *v).collect::<Vec<_>>();
                out.push(format!("order differs: want {:?}, got {:?}", values(&w), values(&g)));
            }
            out
        }
        (Outcome::Matrix(w), Outcome::Matrix(g)) => diff_series(w, g, |a, b| same_points(a, b)),
        _ => vec![format!("want {} {}, got {} {}", want.kind(), brief(want), got.kind(), brief(got))],
    };
    if problems.is_empty() {
        return None;
    }
    let shown: Vec<&str> = problems.iter().take(4).map(String::as_str).collect();
    let more = problems.len().saturating_sub(4);
    Some(if more > 0 { format!("{} (+{more} more)", shown.join("; ")) } else { shown.join("; ") })
}

fn brief(o: &Outcome) -> String {
    match o {
        Outcome::Error(t, m) => format!("({t}: {m})"),
        other => format!("({} series)", other.size()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(items: &[(&str, f64)]) -> Outcome {
        Outcome::Vector(
            items.iter().map(|(m, v)| (LabelMap::from([("m".into(), m.to_string())]), 5, *v)).collect(),
        )
    }

    #[test]
    fn float_comparison_follows_promqltest() {
        let cases = [
            (1.0, 1.0, true),
            (1.0, 1.0 + 1e-9, true),
            (1.0, 1.0001, false),
            (f64::NAN, f64::NAN, true),
            (f64::NAN, 0.0, false),
            (f64::INFINITY, f64::INFINITY, true),
            (f64::INFINITY, f64::NEG_INFINITY, false),
            (0.0, 1e-300, false),
            (0.0, -0.0, true),
        ];
        for (a, b, want) in cases {
            assert_eq!(almost_equal(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn comparison_catches_every_kind_of_difference() {
        let base = vector(&[("a", 1.0), ("b", 2.0)]);
        let cases = [
            (vector(&[("a", 1.0), ("b", 2.0)]), false, None),
            (vector(&[("b", 2.0), ("a", 1.0)]), false, None),
            (vector(&[("b", 2.0), ("a", 1.0)]), true, Some("order differs")),
            (vector(&[("a", 1.0), ("b", 2.0)]), true, None),
            (vector(&[("a", 1.0), ("b", 2.5)]), false, Some("want")),
            (vector(&[("a", 1.0)]), false, Some("missing")),
            (vector(&[("a", 1.0), ("b", 2.0), ("c", 3.0)]), false, Some("extra")),
            (vector(&[("a", 1.0), ("a", 1.0), ("b", 2.0)]), false, Some("twice")),
            (Outcome::Scalar(5, 1.0), false, Some("want vector")),
            (Outcome::Error("execution".into(), "x".into()), false, Some("got error")),
        ];
        for (got, ordered, want) in cases {
            let d = compare(&base, &got, ordered);
            match want {
                None => assert_eq!(d, None, "{got:?}"),
                Some(w) => assert!(d.as_deref().is_some_and(|d| d.contains(w)), "{got:?}: {d:?}"),
            }
        }
        // Ties may come in any order (Prometheus's sort is not stable).
        let ties = vector(&[("a", 1.0), ("b", 1.0), ("c", 2.0)]);
        assert_eq!(compare(&ties, &vector(&[("b", 1.0), ("a", 1.0), ("c", 2.0)]), true), None);
    }

    #[test]
    fn reads_api_bodies() {
        let v = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1767571267.5,"+Inf"]}]}}"#;
        let want = Outcome::Vector(vec![(
            LabelMap::from([("a".into(), "b".into())]),
            1_767_571_267_500,
            f64::INFINITY,
        )]);
        assert_eq!(from_api_body(v), Ok(want));
        let s = r#"{"status":"success","data":{"resultType":"scalar","result":[1.5,"2"]}}"#;
        assert_eq!(from_api_body(s), Ok(Outcome::Scalar(1500, 2.0)));
        let e = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(from_api_body(e), Ok(Outcome::Error("bad_data".into(), "parse error".into())));
        let m = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"NaN"]]}]}}"#;
        let Ok(Outcome::Matrix(series)) = from_api_body(m) else { panic!("matrix expected") };
        assert_eq!(series[0].1[0], (1000, 1.0));
        assert!(series[0].1[1].1.is_nan());
    }
}
