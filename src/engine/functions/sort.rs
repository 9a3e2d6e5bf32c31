//! `sort`, `sort_desc` (by value, NaN last either way; histogram samples left out, as they
//! have no value to sort by) and `sort_by_label`, `sort_by_label_desc` (natural order of
//! label values, then the full label set; histograms kept).

use std::cmp::Ordering;

use super::FnCall;
use crate::engine::error::QueryError;
use crate::engine::value::{Sample, Value};

type R = Result<Value, QueryError>;

pub(super) fn sort(call: &mut FnCall) -> R {
    by_value(call, false)
}

pub(super) fn sort_desc(call: &mut FnCall) -> R {
    by_value(call, true)
}

pub(super) fn sort_by_label(call: &mut FnCall) -> R {
    by_labels(call, false)
}

pub(super) fn sort_by_label_desc(call: &mut FnCall) -> R {
    by_labels(call, true)
}

/// Sorts by value (stable, -0 equal to 0); NaNs go last in both directions.
fn by_value(call: &mut FnCall, descending: bool) -> R {
    let mut vector = call.take_floats(0)?;
    vector.sort_by(|a, b| match (a.v.is_nan(), b.v.is_nan()) {
        (false, false) => {
            let o = a.v.partial_cmp(&b.v).unwrap_or(Ordering::Equal);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
        (nan_a, nan_b) => nan_a.cmp(&nan_b),
    });
    Ok(stamped(call, vector))
}

fn by_labels(call: &mut FnCall, descending: bool) -> R {
    let names =
        (1..call.args.len().max(call.exprs.len())).map(|i| call.string(i)).collect::<Result<Vec<_>, _>>()?;
    let mut vector = call.take_vector(0)?;
    vector.sort_by(|a, b| {
        let by_names = names
            .iter()
            .map(|n| natural_cmp(a.labels.get_or_empty(n), b.labels.get_or_empty(n)))
            .find(|o| o.is_ne())
            // Equal on every requested label: the full label sets decide, for a stable answer.
            .unwrap_or_else(|| a.labels.cmp(&b.labels));
        if descending {
            by_names.reverse()
        } else {
            by_names
        }
    });
    Ok(stamped(call, vector))
}

fn stamped(call: &FnCall, mut vector: Vec<Sample>) -> Value {
    vector.iter_mut().for_each(|s| s.t = call.t);
    Value::Vector(vector)
}

/// Natural order as Prometheus's `natsort.Compare` defines it: strings are split into runs
/// of ASCII digits and runs of anything else; digit runs compare as numbers, other runs as
/// bytes; a string that is a prefix (run by run) of another comes first.
///
/// Unlike upstream's `Compare`, this is a total order (Rust's sort may panic otherwise):
/// digit runs compare by magnitude at any length, not only within `int64`, and strings that
/// are equal run by run ("01" vs "1") fall back to byte order.
pub(super) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut ra, mut rb) = (runs(a), runs(b));
    loop {
        match (ra.next(), rb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = if is_digits(x) && is_digits(y) { cmp_numeric(x, y) } else { x.cmp(y) };
                if o.is_ne() {
                    return o;
                }
            }
        }
    }
}

/// Splits into maximal runs of ASCII digits and of non-digits.
fn runs(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

fn is_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Compares two digit runs as non-negative integers of any length.
fn cmp_numeric(x: &str, y: &str) -> Ordering {
    let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let cases: &[(&str, &str, Ordering)] = &[
            ("a2", "a10", Ordering::Less),
            ("a10", "a2", Ordering::Greater),
            ("node9", "node10", Ordering::Less),
            ("abc", "abd", Ordering::Less),
            ("a1", "a1b", Ordering::Less),
            ("a1b", "a1", Ordering::Greater),
            ("1", "a", Ordering::Less),
            ("", "a", Ordering::Less),
            ("01", "1", Ordering::Less),
            ("x99999999999999999999999", "x100000000000000000000000", Ordering::Less),
            ("same", "same", Ordering::Equal),
        ];
        for &(a, b, want) in cases {
            assert_eq!(natural_cmp(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn natural_sort_of_a_list() {
        let mut v = vec!["host-10", "host-9", "host-1", "host-100", "host-10a", "Host-2"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["Host-2", "host-1", "host-9", "host-10", "host-10a", "host-100"]);
    }
}
