//! How Alertmanager 0.25 (through prometheus/common v0.38) prints and orders label sets:
//! `LabelSet.String()` (the group key's second half), `LabelSet.Before` and the order of
//! alerts in a notification (`AlertSlice.Less`: `job`, then `instance`, then `Before`).

use std::cmp::Ordering;

use crate::engine::functions::format::go_q;
use crate::engine::Labels;

/// `{a="1", b="2"}`: each pair formatted `name=%q`, the formatted strings sorted (so `a0=`
/// sorts before `a=`), joined with `, `.
pub fn label_set_string(labels: &Labels) -> String {
    let mut pairs: Vec<String> = labels.iter().map(|(n, v)| format!("{n}={}", go_q(v))).collect();
    pairs.sort();
    format!("{{{}}}", pairs.join(", "))
}

/// `LabelSet.Before`: fewer labels first; then, over the merged sorted names, the first name
/// missing on one side or the first differing value decides.
pub fn before(a: &Labels, b: &Labels) -> bool {
    match a.len().cmp(&b.len()) {
        Ordering::Less => return true,
        Ordering::Greater => return false,
        Ordering::Equal => {}
    }
    let mut names: Vec<&str> = a.iter().chain(b.iter()).map(|(n, _)| n).collect();
    names.sort_unstable();
    for name in names {
        let Some(x) = a.get(name) else { return true };
        let Some(y) = b.get(name) else { return false };
        match x.cmp(y) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
    }
    false
}

/// `AlertSlice.Less` as an ordering: by `job`, then `instance` (an alert without the label
/// sorts after one with it), then [`before`].
pub fn alert_order(a: &Labels, b: &Labels) -> Ordering {
    for key in ["job", "instance"] {
        match (a.get(key), b.get(key)) {
            (None, None) => continue,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            _ => {}
        }
    }
    if before(a, b) {
        Ordering::Less
    } else if before(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn strings_sort_the_formatted_pairs() {
        assert_eq!(label_set_string(&Labels::empty()), "{}");
        assert_eq!(
            label_set_string(&l(&[("model", "a"), ("alertname", "X")])),
            r#"{alertname="X", model="a"}"#
        );
        assert_eq!(label_set_string(&l(&[("a", "1"), ("a0", "2")])), r#"{a0="2", a="1"}"#);
        assert_eq!(label_set_string(&l(&[("a", "x\"y")])), r#"{a="x\"y"}"#);
    }

    #[test]
    fn alerts_order_by_job_instance_then_labels() {
        let a = l(&[("alertname", "InstanceDown"), ("job", "testjob"), ("zone", "aa")]);
        let b = l(&[("alertname", "test1"), ("job", "testjob"), ("zone", "aa")]);
        assert_eq!(alert_order(&a, &b), Ordering::Less);
        let no_job = l(&[("alertname", "A")]);
        assert_eq!(alert_order(&no_job, &a), Ordering::Greater);
        let short = l(&[("job", "testjob")]);
        assert_eq!(alert_order(&short, &a), Ordering::Less);
    }
}
