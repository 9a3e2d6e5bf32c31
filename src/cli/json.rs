//! The Prometheus HTTP API response body (`/api/v1/query`, `/api/v1/query_range`), written
//! byte for byte the way Prometheus writes it: timestamps as JSON numbers of seconds with
//! millisecond digits, values as strings (`"1.5"`, `"NaN"`, `"+Inf"`), native histograms
//! as `histogram`/`histograms` objects with their populated buckets, HTML-safe escaping.

use std::fmt::Write;

use crate::engine::histogram::bounds::all_buckets;
use crate::engine::histogram::FloatHistogram;
use crate::engine::value::format_float;
use crate::engine::{Annotations, Labels, Millis, QueryError, QueryOutput, Value};

/// The success body of a query.
pub fn success(out: &QueryOutput) -> String {
    let mut s = String::from(r#"{"status":"success","data":{"resultType":""#);
    s.push_str(out.value.type_name());
    s.push_str(r#"","result":"#);
    write_result(&mut s, &out.value);
    s.push('}');
    write_annotations(&mut s, &out.annotations);
    s.push('}');
    s
}

/// The error body of a query; parse errors are reported against the `query` parameter as
/// Prometheus does.
pub fn error(e: &QueryError) -> String {
    let message = match e {
        QueryError::Parse(_) => format!("invalid parameter \"query\": {e}"),
        _ => e.to_string(),
    };
    error_body(e.error_type(), &message)
}

/// An error body with an explicit type (`bad_data`, `execution`).
pub fn error_body(error_type: &str, message: &str) -> String {
    let mut s = String::from(r#"{"status":"error","errorType":"#);
    write_str(&mut s, error_type);
    s.push_str(r#","error":"#);
    write_str(&mut s, message);
    s.push('}');
    s
}

fn write_annotations(s: &mut String, a: &Annotations) {
    for (key, list) in [("warnings", &a.warnings), ("infos", &a.infos)] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(s, r#","{key}":["#);
        for (i, w) in list.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            write_str(s, w);
        }
        s.push(']');
    }
}

fn write_result(s: &mut String, v: &Value) {
    match v {
        Value::Scalar { t, v } => write_point(s, *t, &format_float(*v)),
        Value::String { t, s: text } => write_point(s, *t, text),
        Value::Vector(samples) => {
            s.push('[');
            for (i, smp) in samples.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(r#"{"metric":"#);
                write_labels(s, &smp.labels);
                match &smp.h {
                    None => {
                        s.push_str(r#","value":"#);
                        write_point(s, smp.t, &format_float(smp.v));
                    }
                    Some(h) => {
                        s.push_str(r#","histogram":"#);
                        write_histogram_point(s, smp.t, h);
                    }
                }
                s.push('}');
            }
            s.push(']');
        }
        Value::Matrix(series) => {
            s.push('[');
            for (i, ser) in series.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(r#"{"metric":"#);
                write_labels(s, &ser.labels);
                if !ser.points.is_empty() {
                    s.push_str(r#","values":["#);
                    for (j, p) in ser.points.iter().enumerate() {
                        if j > 0 {
                            s.push(',');
                        }
                        write_point(s, p.t, &format_float(p.v));
                    }
                    s.push(']');
                }
                if !ser.histograms.is_empty() {
                    s.push_str(r#","histograms":["#);
                    for (j, p) in ser.histograms.iter().enumerate() {
                        if j > 0 {
                            s.push(',');
                        }
                        write_histogram_point(s, p.t, &p.h);
                    }
                    s.push(']');
                }
                s.push('}');
            }
            s.push(']');
        }
    }
}

/// `[<seconds>,{"count":"..","sum":"..","buckets":[[<bounds>,"lower","upper","count"],...]}]`
/// as Prometheus's `jsonutil.MarshalHistogram` writes it: populated buckets only, from the
/// lowest; the first number says which bounds are inclusive (0: upper, 1: lower, 2: neither,
/// 3: both).
fn write_histogram_point(s: &mut String, t: Millis, h: &FloatHistogram) {
    s.push('[');
    write_timestamp(s, t);
    s.push_str(r#",{"count":"#);
    write_str(s, &format_float(h.count));
    s.push_str(r#","sum":"#);
    write_str(s, &format_float(h.sum));
    let buckets: Vec<_> = all_buckets(h).into_iter().filter(|b| b.count != 0.0).collect();
    if !buckets.is_empty() {
        s.push_str(r#","buckets":["#);
        for (i, b) in buckets.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let bounds = match (b.lower_inclusive, b.upper_inclusive) {
                (true, true) => 3,
                (true, false) => 1,
                (false, true) => 0,
                (false, false) => 2,
            };
            let _ = write!(s, "[{bounds},");
            write_str(s, &format_float(b.lower));
            s.push(',');
            write_str(s, &format_float(b.upper));
            s.push(',');
            write_str(s, &format_float(b.count));
            s.push(']');
        }
        s.push(']');
    }
    s.push_str("}]");
}

/// A label set as a JSON object (names in order).
pub fn write_labels(s: &mut String, labels: &Labels) {
    s.push('{');
    for (i, (n, v)) in labels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        write_str(s, n);
        s.push(':');
        write_str(s, v);
    }
    s.push('}');
}

/// `[<seconds>,"<value>"]`.
fn write_point(s: &mut String, t: Millis, value: &str) {
    s.push('[');
    write_timestamp(s, t);
    s.push(',');
    write_str(s, value);
    s.push(']');
}

/// Prometheus's `jsonutil.MarshalTimestamp`: integer seconds, then `.` and the milliseconds
/// as three digits when they are not zero (`1.5` s is written `1.500`).
fn write_timestamp(s: &mut String, t: Millis) {
    if t < 0 {
        s.push('-');
    }
    let t = t.unsigned_abs();
    let _ = write!(s, "{}", t / 1000);
    if !t.is_multiple_of(1000) {
        let _ = write!(s, ".{:03}", t % 1000);
    }
}

/// A JSON string as Go's encoder writes it (HTML characters and line separators escaped).
pub fn write_str(s: &mut String, text: &str) {
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Point, Sample, Series};

    fn output(value: Value) -> QueryOutput {
        QueryOutput { value, annotations: Annotations::default(), stats: Default::default() }
    }

    #[test]
    fn vector_body() {
        let labels = Labels::from_pairs([("__name__", "up"), ("job", "a<b")]);
        let body = success(&output(Value::Vector(vec![Sample::float(labels, 1_700_000_000_123, 1.5)])));
        assert_eq!(
            body,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\u003cb"},"value":[1700000000.123,"1.5"]}]}}"#
        );
    }

    #[test]
    fn matrix_scalar_string_and_annotations() {
        let series = Series::floats(
            Labels::empty(),
            vec![Point { t: 1500, v: f64::INFINITY }, Point { t: 2000, v: -0.0 }],
        );
        assert_eq!(
            success(&output(Value::Matrix(vec![series]))),
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1.500,"+Inf"],[2,"-0"]]}]}}"#
        );
        let mut out = output(Value::Scalar { t: -10, v: f64::NAN });
        out.annotations.warn("PromQL warning: w");
        out.annotations.info("PromQL info: i");
        assert_eq!(
            success(&out),
            r#"{"status":"success","data":{"resultType":"scalar","result":[-0.010,"NaN"]},"warnings":["PromQL warning: w"],"infos":["PromQL info: i"]}"#
        );
        assert_eq!(
            success(&output(Value::String { t: 0, s: "a\"\n".into() })),
            r#"{"status":"success","data":{"resultType":"string","result":[0,"a\"\n"]}}"#
        );
    }

    #[test]
    fn histogram_bodies() {
        use crate::engine::histogram::Span;
        use crate::engine::value::HPoint;
        use std::sync::Arc;
        let h = Arc::new(FloatHistogram {
            count: 4.0,
            sum: 3.5,
            zero_threshold: 0.25,
            zero_count: 1.0,
            positive_spans: vec![Span { offset: 0, length: 3 }],
            positive_buckets: vec![2.0, 0.0, 1.0],
            ..FloatHistogram::default()
        });
        let labels = Labels::from_pairs([("__name__", "h")]);
        let body = success(&output(Value::Vector(vec![Sample::histogram(labels.clone(), 1000, h.clone())])));
        assert_eq!(
            body,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"h"},"histogram":[1,{"count":"4","sum":"3.5","buckets":[[3,"-0.25","0.25","1"],[0,"0.5","1","2"],[0,"2","4","1"]]}]}]}}"#
        );
        let series = Series {
            labels,
            points: vec![Point { t: 0, v: 1.0 }],
            histograms: vec![HPoint { t: 1000, h: Arc::new(FloatHistogram::default()) }],
        };
        assert_eq!(
            success(&output(Value::Matrix(vec![series]))),
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"h"},"values":[[0,"1"]],"histograms":[[1,{"count":"0","sum":"0"}]]}]}}"#
        );
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error(&QueryError::eval("boom")),
            r#"{"status":"error","errorType":"execution","error":"boom"}"#
        );
    }
}
