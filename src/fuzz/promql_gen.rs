//! Grammar-aware PromQL generation: random, mostly well-typed queries over the metric and
//! label names of a dataset, with every construct of the language (selectors and matchers,
//! ranges, offsets, `@`, subqueries, functions, aggregations, binary operators with vector
//! matching) and an occasional ill-typed argument, so both the evaluator and its error
//! paths are exercised. Durations stay modest so one query's cost stays bounded.

use super::rng::Rng;

/// What a generated expression evaluates to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Scalar,
    Vector,
    Matrix,
    Str,
}

use Ty::{Matrix as M, Scalar as S, Str as T, Vector as V};

/// Functions and their argument types (a trailing optional argument is listed separately).
const FUNCTIONS: &[(&str, &[Ty], Ty)] = &[
    ("abs", &[V], V),
    ("absent", &[V], V),
    ("absent_over_time", &[M], V),
    ("ceil", &[V], V),
    ("changes", &[M], V),
    ("clamp", &[V, S, S], V),
    ("clamp_max", &[V, S], V),
    ("clamp_min", &[V, S], V),
    ("day_of_month", &[V], V),
    ("day_of_week", &[], V),
    ("days_in_month", &[V], V),
    ("delta", &[M], V),
    ("deriv", &[M], V),
    ("exp", &[V], V),
    ("floor", &[V], V),
    ("histogram_quantile", &[S, V], V),
    ("histogram_count", &[V], V),
    ("histogram_sum", &[V], V),
    ("histogram_fraction", &[S, S, V], V),
    ("holt_winters", &[M, S, S], V),
    ("double_exponential_smoothing", &[M, S, S], V),
    ("hour", &[V], V),
    ("idelta", &[M], V),
    ("increase", &[M], V),
    ("irate", &[M], V),
    ("label_replace", &[V, T, T, T, T], V),
    ("label_join", &[V, T, T, T, T], V),
    ("ln", &[V], V),
    ("log2", &[V], V),
    ("log10", &[V], V),
    ("minute", &[], V),
    ("month", &[V], V),
    ("predict_linear", &[M, S], V),
    ("rate", &[M], V),
    ("resets", &[M], V),
    ("round", &[V, S], V),
    ("scalar", &[V], S),
    ("sgn", &[V], V),
    ("sort", &[V], V),
    ("sort_desc", &[V], V),
    ("sort_by_label", &[V, T], V),
    ("sqrt", &[V], V),
    ("time", &[], S),
    ("timestamp", &[V], V),
    ("vector", &[S], V),
    ("year", &[], V),
    ("avg_over_time", &[M], V),
    ("min_over_time", &[M], V),
    ("max_over_time", &[M], V),
    ("sum_over_time", &[M], V),
    ("count_over_time", &[M], V),
    ("quantile_over_time", &[S, M], V),
    ("stddev_over_time", &[M], V),
    ("stdvar_over_time", &[M], V),
    ("last_over_time", &[M], V),
    ("present_over_time", &[M], V),
    ("mad_over_time", &[M], V),
    ("pi", &[], S),
    ("sin", &[V], V),
    ("atan", &[V], V),
    ("deg", &[V], V),
    ("info", &[V], V),
];

const AGGREGATIONS: &[&str] = &["sum", "avg", "min", "max", "count", "stddev", "stdvar", "group"];
const PARAM_AGGREGATIONS: &[&str] = &["topk", "bottomk", "quantile", "limitk", "limit_ratio"];
const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "%", "^", "atan2"];
const COMPARISON: &[&str] = &["==", "!=", ">", "<", ">=", "<="];
const SET: &[&str] = &["and", "or", "unless"];
const DURATIONS: &[&str] = &["1s", "30s", "1m", "5m", "10m", "1h", "90m", "1h30m", "6h", "1d", "0s"];
const STEPS: &[&str] = &["", "1m", "5m", "30s", "1h"];
const AT_MODIFIERS: &[&str] = &[" @ start()", " @ end()", " @ 1767600000", " @ 0", " @ 1767700000.5"];
const NUMBERS: &[&str] =
    &["0", "1", "2", "0.5", "0.95", "-1", "100", "1e3", "NaN", "Inf", "-Inf", "0x10", "1e-9"];

/// Names a query can refer to.
pub struct Vocabulary {
    pub metrics: Vec<String>,
    pub labels: Vec<String>,
    pub values: Vec<String>,
}

impl Vocabulary {
    /// A fixed vocabulary for parse-only fuzzing.
    pub fn fixed() -> Self {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Vocabulary {
            metrics: owned(&["up", "http_requests_total", "model_latency_seconds_bucket", "a:b:rate5m"]),
            labels: owned(&["job", "le", "model", "instance", "__name__"]),
            values: owned(&["api", "0.5", "+Inf", "", "a.*", "é"]),
        }
    }
}

/// One random query of depth at most `depth`.
pub fn query(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    let ty = if rng.one_in(8) { S } else { V };
    expr(rng, vocab, ty, depth)
}

fn expr(rng: &mut Rng, vocab: &Vocabulary, want: Ty, depth: usize) -> String {
    // Now and then an argument of the wrong type, to exercise the type checker.
    let want = if rng.one_in(40) { *rng.pick(&[S, V, M, T]) } else { want };
    match want {
        S => scalar(rng, vocab, depth),
        V => vector(rng, vocab, depth),
        M => matrix(rng, vocab, depth),
        T => string_literal(rng, vocab),
    }
}

fn scalar(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    if depth == 0 || rng.one_in(2) {
        return rng.pick(NUMBERS).to_string();
    }
    match rng.below(4) {
        0 => format!("scalar({})", vector(rng, vocab, depth - 1)),
        1 => "time()".into(),
        2 => format!(
            "({} {} {})",
            scalar(rng, vocab, depth - 1),
            rng.pick(ARITHMETIC),
            scalar(rng, vocab, depth - 1)
        ),
        _ => format!("-{}", scalar(rng, vocab, depth - 1)),
    }
}

fn vector(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    if depth == 0 {
        return selector(rng, vocab);
    }
    let d = depth - 1;
    match rng.below(9) {
        0 | 1 => selector(rng, vocab),
        2 | 3 => call(rng, vocab, d),
        4 | 5 => aggregation(rng, vocab, d),
        6 | 7 => binary(rng, vocab, d),
        _ => match rng.below(3) {
            0 => format!("-{}", vector(rng, vocab, d)),
            1 => format!("({})", vector(rng, vocab, d)),
            _ => format!("{} {}", vector(rng, vocab, d), modifiers(rng)),
        },
    }
}

fn matrix(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    if depth > 0 && rng.one_in(4) {
        let inner = vector(rng, vocab, depth - 1);
        return format!("({inner})[{}:{}]{}", rng.pick(DURATIONS), rng.pick(STEPS), modifiers(rng));
    }
    format!("{}[{}]{}", selector(rng, vocab), rng.pick(DURATIONS), modifiers(rng))
}

fn modifiers(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.one_in(4) {
        s.push_str(&format!(" offset {}{}", if rng.one_in(4) { "-" } else { "" }, rng.pick(DURATIONS)));
    }
    if rng.one_in(6) {
        s.push_str(rng.pick::<&str>(AT_MODIFIERS));
    }
    s
}

fn selector(rng: &mut Rng, vocab: &Vocabulary) -> String {
    let mut s = if rng.one_in(10) { String::new() } else { rng.pick(&vocab.metrics).clone() };
    let n = if s.is_empty() { 1 } else { rng.below(3) };
    if n > 0 || rng.one_in(4) {
        let matchers: Vec<String> = (0..n)
            .map(|_| {
                let op = rng.pick(&["=", "!=", "=~", "!~"]);
                let value = if op.contains('~') && rng.one_in(2) {
                    rng.pick(&[".*", ".+", "a|b", "(?i)API", "[0-9]+", "prod.*", ""]).to_string()
                } else {
                    rng.pick(&vocab.values).clone()
                };
                format!("{}{op}{:?}", rng.pick(&vocab.labels), value)
            })
            .collect();
        s.push_str(&format!("{{{}}}", matchers.join(", ")));
    }
    s
}

fn call(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    let (name, args, _) = rng.pick(FUNCTIONS);
    let args: Vec<String> = args.iter().map(|&t| expr(rng, vocab, t, depth)).collect();
    format!("{name}({})", args.join(", "))
}

fn grouping(rng: &mut Rng, vocab: &Vocabulary) -> String {
    let n = rng.below(3);
    let labels: Vec<&str> = (0..n).map(|_| rng.pick(&vocab.labels).as_str()).collect();
    format!("({})", labels.join(", "))
}

fn aggregation(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    let by = match rng.below(3) {
        0 => String::new(),
        1 => format!(" by {}", grouping(rng, vocab)),
        _ => format!(" without {}", grouping(rng, vocab)),
    };
    let inner = vector(rng, vocab, depth);
    match rng.below(4) {
        0 => {
            let op = rng.pick(PARAM_AGGREGATIONS);
            format!("{op}{by} ({}, {inner})", scalar(rng, vocab, depth))
        }
        1 if rng.one_in(3) => format!("count_values{by} (\"value\", {inner})"),
        _ => format!("{}{by} ({inner})", rng.pick(AGGREGATIONS)),
    }
}

fn binary(rng: &mut Rng, vocab: &Vocabulary, depth: usize) -> String {
    let (op, set) = match rng.below(3) {
        0 => (*rng.pick(ARITHMETIC), false),
        1 => (*rng.pick(COMPARISON), false),
        _ => (*rng.pick(SET), true),
    };
    let left = if !set && rng.one_in(4) { scalar(rng, vocab, depth) } else { vector(rng, vocab, depth) };
    let right = if !set && rng.one_in(4) { scalar(rng, vocab, depth) } else { vector(rng, vocab, depth) };
    let mut modifier = String::new();
    if COMPARISON.contains(&op) && rng.one_in(2) {
        modifier.push_str(" bool");
    }
    if rng.one_in(3) {
        let on = if rng.one_in(2) { "on" } else { "ignoring" };
        modifier.push_str(&format!(" {on}{}", grouping(rng, vocab)));
        if !set && rng.one_in(2) {
            let side = if rng.one_in(2) { "group_left" } else { "group_right" };
            modifier.push_str(&format!(" {side}{}", grouping(rng, vocab)));
        }
    }
    format!("{left} {op}{modifier} {right}")
}

fn string_literal(rng: &mut Rng, vocab: &Vocabulary) -> String {
    let s = match rng.below(3) {
        0 => rng.pick(&vocab.labels).clone(),
        1 => rng.pick(&["$1", "(.*)", "${1}-x", "", "a-(.+)", "[", ","]).to_string(),
        _ => rng.pick(&vocab.values).clone(),
    };
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;

    #[test]
    fn most_generated_queries_parse() {
        let mut rng = Rng::new(42);
        let vocab = Vocabulary::fixed();
        let parsed = (0..500).filter(|_| parse(&query(&mut rng, &vocab, 4)).is_ok()).count();
        // The wrong-typed arguments and odd modifiers make some fail, by design.
        assert!(parsed > 250, "only {parsed} of 500 parsed");
    }
}
