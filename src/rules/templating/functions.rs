//! Prometheus's template functions (`template/template.go`, v2.42 and v3.x) on top of Go's
//! builtins: queries (`query first label value strvalue sortByLabel`), text (`title toUpper
//! toLower match reReplaceAll safeHtml args`), links, host names, the `humanize*` family,
//! times and durations, each with Prometheus's exact output and error texts.

use std::rc::Rc;

use crate::engine::Labels;
use crate::gotemplate::fmt::sprintf;
use crate::gotemplate::quote::query_escape;
use crate::gotemplate::registry::{Param, Registry, STRING};
use crate::gotemplate::strconv::{f64_to_i64, parse_float};
use crate::gotemplate::time::from_unix_nanos;
use crate::gotemplate::value::{Kind, List, Map, Struct};
use crate::gotemplate::{builtins, strings, textfuncs, Value};
use crate::rules::duration;
use crate::rules::load::Dialect;

use super::hostport::{strip_domain, strip_port};
use super::NIL_POINTER;

const QUERY_RESULT: Param = Param::Type("template.queryResult", Kind::Slice);
const SAMPLE: Param = Param::Type("*template.sample", Kind::Pointer);

/// A `template.queryResult` (`[]*sample`) from samples.
pub fn query_result<'a>(samples: impl Iterator<Item = (&'a Labels, f64)>) -> Value {
    let items = samples
        .map(|(labels, v)| {
            Value::Struct(Rc::new(Struct {
                type_name: "template.sample",
                pointer: true,
                fields: vec![("Labels", super::labels_value(labels)), ("Value", Value::Float(v))],
            }))
        })
        .collect();
    Value::List(Rc::new(List { type_name: "template.queryResult", items }))
}

/// A `*sample`'s field; a nil sample is Go's nil dereference.
fn sample_field(v: &Value, field: &str) -> Result<Value, String> {
    match v {
        Value::Struct(s) => Ok(s.field(field).cloned().unwrap_or_default()),
        _ => Err(NIL_POINTER.into()),
    }
}

fn sample_label(v: &Value, label: &str) -> Result<String, String> {
    match sample_field(v, "Labels")? {
        Value::Map(m) => Ok(m.get(label).and_then(Value::as_str).unwrap_or("").to_string()),
        _ => Ok(String::new()),
    }
}

fn items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.items.clone(),
        _ => Vec::new(),
    }
}

fn text(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

/// Prometheus's `convertToFloat`: float64, int types and strings (`strconv.ParseFloat`);
/// Prometheus 3 also takes a `time.Duration` (its seconds).
fn to_float(v: &Value, dialect: Dialect) -> Result<f64, String> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) | Value::Int64(i) => Ok(*i as f64),
        Value::Str(s) => parse_float(s).map_err(|e| e.message("ParseFloat", s)),
        Value::Duration(d, false) if dialect == Dialect::Prometheus3 => Ok(*d as f64 / 1e9),
        other => Err(format!("can't convert {} to float", other.type_name())),
    }
}

fn g4(v: f64) -> String {
    sprintf("%.4g", &[Value::Float(v)])
}

/// Divides (or multiplies) `v` by `step` through the prefixes, then `%.4g` plus prefix.
fn scaled(mut v: f64, step: f64, prefixes: &[&str], up: bool) -> String {
    let mut prefix = "";
    for p in prefixes {
        if (up && v.abs() < step) || (!up && v.abs() >= 1.0) {
            break;
        }
        prefix = p;
        if up {
            v /= step;
        } else {
            v *= step;
        }
    }
    format!("{}{prefix}", g4(v))
}

const SMALL: [&str; 8] = ["m", "u", "n", "p", "f", "a", "z", "y"];

pub fn humanize(v: f64) -> String {
    if v == 0.0 || v.is_nan() || v.is_infinite() {
        return g4(v);
    }
    if v.abs() >= 1.0 {
        return scaled(v, 1000.0, &["k", "M", "G", "T", "P", "E", "Z", "Y"], true);
    }
    scaled(v, 1000.0, &SMALL, false)
}

pub fn humanize_1024(v: f64) -> String {
    if v.abs() <= 1.0 || v.is_nan() || v.is_infinite() {
        return g4(v);
    }
    scaled(v, 1024.0, &["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"], true)
}

pub fn humanize_duration(v: f64) -> String {
    if v.is_nan() || v.is_infinite() {
        return g4(v);
    }
    if v == 0.0 {
        return format!("{}s", g4(v));
    }
    if v.abs() >= 1.0 {
        let (sign, v) = if v < 0.0 { ("-", -v) } else { ("", v) };
        let d = f64_to_i64(v);
        let (seconds, minutes, hours, days) = (d % 60, (d / 60) % 60, (d / 60 / 60) % 24, d / 60 / 60 / 24);
        if days != 0 {
            return format!("{sign}{days}d {hours}h {minutes}m {seconds}s");
        }
        if hours != 0 {
            return format!("{sign}{hours}h {minutes}m {seconds}s");
        }
        if minutes != 0 {
            return format!("{sign}{minutes}m {seconds}s");
        }
        return format!("{sign}{}s", g4(v));
    }
    format!("{}s", scaled(v, 1000.0, &SMALL, false))
}

pub fn humanize_percentage(v: f64) -> String {
    format!("{}%", g4(v * 100.0))
}

/// Prometheus's `floatToTime`: `None` for NaN and infinities.
fn float_to_time(v: f64) -> Option<Result<Value, String>> {
    if v.is_nan() || v.is_infinite() {
        return None;
    }
    let ns = v * 1e9;
    if ns > i64::MAX as f64 || ns < i64::MIN as f64 {
        let shown = sprintf("%v", &[Value::Float(v)]);
        return Some(Err(format!(
            "{shown} cannot be represented as a nanoseconds timestamp since it overflows int64"
        )));
    }
    // model.TimeFromUnixNano keeps milliseconds (truncating toward zero).
    let ms = f64_to_i64(ns) / 1_000_000;
    Some(Ok(Value::Time(from_unix_nanos(ms * 1_000_000), true)))
}

pub fn humanize_timestamp(v: f64) -> Result<String, String> {
    match float_to_time(v) {
        None => Ok(g4(v)),
        Some(t) => Ok(crate::gotemplate::fmt::format_value(&t?.deref())),
    }
}

/// Prometheus's functions for `dialect`, on top of Go's builtins.
pub fn registry(dialect: Dialect) -> Registry {
    let mut r = builtins::registry();
    r.host_func("query", &[STRING], None);
    r.func("first", &[QUERY_RESULT], None, |a, _| {
        items(&a[0]).into_iter().next().ok_or_else(|| "first() called on vector with no elements".to_string())
    });
    r.func("label", &[STRING, SAMPLE], None, |a, _| Ok(Value::str(&sample_label(&a[1], text(a, 0))?)));
    r.func("value", &[SAMPLE], None, |a, _| sample_field(&a[0], "Value"));
    r.func("strvalue", &[SAMPLE], None, |a, _| Ok(Value::str(&sample_label(&a[0], "__value__")?)));
    r.func("args", &[], Some(Param::Any), |a, _| {
        let entries = a.iter().enumerate().map(|(i, v)| (format!("arg{i}").into(), v.clone())).collect();
        Ok(Value::Map(Rc::new(Map::new("map[string]interface {}", Value::Nil, entries))))
    });
    let title: fn(&str) -> String = match dialect {
        Dialect::Prometheus2 => strings::strings_title,
        Dialect::Prometheus3 => |s| strings::cases_title(s, false),
    };
    textfuncs::register(&mut r, title);
    r.func("graphLink", &[STRING], None, |a, _| {
        Ok(Value::str(&format!("/graph?g0.expr={}&g0.tab=0", query_escape(text(a, 0)))))
    });
    r.func("tableLink", &[STRING], None, |a, _| {
        Ok(Value::str(&format!("/graph?g0.expr={}&g0.tab=1", query_escape(text(a, 0)))))
    });
    r.func("sortByLabel", &[STRING, QUERY_RESULT], None, |a, _| {
        let label = text(a, 0);
        let mut sorted: Vec<(String, Value)> =
            items(&a[1]).into_iter().map(|s| (sample_label(&s, label).unwrap_or_default(), s)).collect();
        sorted.sort_by(|x, y| x.0.cmp(&y.0));
        // A nil queryResult comes back as one (it prints as `[]`).
        Ok(Value::List(Rc::new(List {
            type_name: "template.queryResult",
            items: sorted.into_iter().map(|(_, s)| s).collect(),
        })))
    });
    r.func("stripPort", &[STRING], None, |a, _| Ok(Value::str(strip_port(text(a, 0)))));
    r.func("stripDomain", &[STRING], None, |a, _| Ok(Value::str(&strip_domain(text(a, 0)))));
    type Numeric = fn(f64) -> Result<String, String>;
    let numeric: [(&str, Numeric); 5] = [
        ("humanize", |v| Ok(humanize(v))),
        ("humanize1024", |v| Ok(humanize_1024(v))),
        ("humanizeDuration", |v| Ok(humanize_duration(v))),
        ("humanizePercentage", |v| Ok(humanize_percentage(v))),
        ("humanizeTimestamp", humanize_timestamp),
    ];
    for (name, f) in numeric {
        r.func(name, &[Param::Any], None, move |a, _| Ok(Value::str(&f(to_float(&a[0], dialect)?)?)));
    }
    r.func("toTime", &[Param::Any], None, move |a, _| {
        float_to_time(to_float(&a[0], dialect)?).unwrap_or_else(|| Err("value is NaN or Inf".into()))
    });
    r.host_func("pathPrefix", &[], None);
    r.host_func("externalURL", &[], None);
    r.func("parseDuration", &[STRING], None, move |a, _| {
        parse_duration(text(a, 0), dialect).map(Value::Float)
    });
    if dialect == Dialect::Prometheus3 {
        r.func("toDuration", &[Param::Any], None, |a, _| {
            let secs = to_float(&a[0], Dialect::Prometheus3)?;
            Ok(Value::Duration(f64_to_i64(secs * 1e9), true))
        });
        r.host_func("now", &[], None);
        r.func("urlQueryEscape", &[STRING], None, |a, _| Ok(Value::str(&query_escape(text(a, 0)))));
    }
    r
}

/// `model.ParseDuration` (Prometheus 3: negative durations too) in seconds.
fn parse_duration(s: &str, dialect: Dialect) -> Result<f64, String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) if dialect == Dialect::Prometheus3 => (true, rest),
        _ => (false, s),
    };
    let ms = duration::parse(body).map_err(|e| if neg { e.replace(body, s) } else { e })?;
    // The result is a time.Duration: nanoseconds must fit an int64.
    if ms > i64::MAX / 1_000_000 {
        return Err("duration out of range".into());
    }
    let secs = (ms * 1_000_000) as f64 / 1e9;
    Ok(if neg { -secs } else { secs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizers_match_prometheus() {
        assert_eq!(humanize(1234567.0), "1.235M");
        assert_eq!(humanize(0.12), "120m");
        assert_eq!(humanize(1e-5), "10u");
        assert_eq!(humanize(i64::MAX as f64), "9.223E");
        assert_eq!(humanize_1024(1048576.0), "1Mi");
        assert_eq!(humanize_1024(100000.0), "97.66ki");
        assert_eq!(humanize_duration(899.99), "14m 59s");
        assert_eq!(humanize_duration(-183845.0), "-2d 3h 4m 5s");
        assert_eq!(humanize_duration(0.12345), "123.5ms");
        assert_eq!(humanize_duration(12.345), "12.35s");
        assert_eq!(humanize_percentage(0.0512), "5.12%");
        assert_eq!(humanize_timestamp(1435065584.128).as_deref(), Ok("2015-06-23 13:19:44.128 +0000 UTC"));
        assert_eq!(parse_duration("1h2m10ms", Dialect::Prometheus2), Ok(3720.01));
        assert_eq!(parse_duration("-1h2m10ms", Dialect::Prometheus3), Ok(-3720.01));
        assert!(parse_duration("-1h", Dialect::Prometheus2).is_err());
    }
}
