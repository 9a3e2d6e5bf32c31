//! `label_replace` and `label_join`: rewrite one label of every series, with Prometheus's
//! argument validation and its refusal to return two series with the same labels.

use std::collections::HashSet;

use regex::Regex;

use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::go_regex::{go_classes, regex_hint};
use crate::engine::labels::{is_valid_label_name, Labels};
use crate::engine::value::{Sample, Value};

type R = Result<Value, QueryError>;

/// `label_replace(v, dst, replacement, src, regex)`: where the fully anchored regex matches
/// the value of `src`, set `dst` to the expanded replacement (`$1`, `${name}`); an empty
/// result removes `dst`.
pub(super) fn label_replace(call: &mut FnCall) -> R {
    let (dst, replacement, src, pattern) =
        (call.string(1)?, call.string(2)?, call.string(3)?, call.string(4)?);
    // Go's RE2 and the regex crate agree on syntax, and on `$name` expansion (longest name).
    let regex = Regex::new(&format!("^(?s:{})$", go_classes(&pattern))).map_err(|_| {
        let hint = regex_hint(&pattern);
        QueryError::eval(format!("invalid regular expression in label_replace(): {pattern}{hint}"))
    })?;
    if !is_valid_label_name(&dst) {
        return Err(QueryError::eval(format!("invalid destination label name in label_replace(): {dst}")));
    }
    let mut vector = call.take_vector(0)?;
    for s in &mut vector {
        if let Some(caps) = regex.captures(s.labels.get_or_empty(&src)) {
            let mut value = String::new();
            caps.expand(&replacement, &mut value);
            s.labels.set(dst.as_str(), value);
        }
    }
    finish(call, vector)
}

/// `label_join(v, dst, separator, src...)`: set `dst` to the values of the `src` labels
/// joined by `separator` (missing labels count as empty).
pub(super) fn label_join(call: &mut FnCall) -> R {
    let (dst, separator) = (call.string(1)?, call.string(2)?);
    let sources =
        (3..call.args.len().max(call.exprs.len())).map(|i| call.string(i)).collect::<Result<Vec<_>, _>>()?;
    if let Some(bad) = sources.iter().find(|s| !is_valid_label_name(s)) {
        return Err(QueryError::eval(format!("invalid source label name in label_join(): {bad}")));
    }
    if !is_valid_label_name(&dst) {
        return Err(QueryError::eval(format!("invalid destination label name in label_join(): {dst}")));
    }
    let mut vector = call.take_vector(0)?;
    for s in &mut vector {
        let joined =
            sources.iter().map(|src| s.labels.get_or_empty(src)).collect::<Vec<_>>().join(&separator);
        s.labels.set(dst.as_str(), joined);
    }
    finish(call, vector)
}

/// Fails like upstream when two output series ended up with the same labels.
fn finish(call: &FnCall, mut vector: Vec<Sample>) -> R {
    let mut seen: HashSet<&Labels> = HashSet::with_capacity(vector.len());
    if !vector.iter().all(|s| seen.insert(&s.labels)) {
        return Err(QueryError::eval("vector cannot contain metrics with the same labelset"));
    }
    vector.iter_mut().for_each(|s| s.t = call.t);
    Ok(Value::Vector(vector))
}
