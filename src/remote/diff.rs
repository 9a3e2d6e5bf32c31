//! The verdict on one query evaluated remotely and locally, and the report `promplay diff`
//! prints: agreement per query, documented 2.42-vs-3.x differences reported as such (they do
//! not count as failures), and a total.

use std::fmt::Write as _;

use super::allow::AllowList;
use super::outcome::{compare, Outcome};

/// How one query came out.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Agree,
    /// A documented difference between Prometheus versions (the reason's heading in
    /// docs/differential.md).
    Documented {
        reason: String,
        detail: String,
    },
    Differ(String),
    /// The comparison could not be made (the remote or the local side failed to run).
    Failed(String),
}

impl Verdict {
    /// True when the verdict fails the run.
    pub fn fails(&self) -> bool {
        matches!(self, Verdict::Differ(_) | Verdict::Failed(_))
    }
}

/// True when the query's result order is defined by the query (sorting functions), so order
/// counts.
pub fn is_ordered(query: &str) -> bool {
    ["sort(", "sort_desc(", "sort_by_label(", "sort_by_label_desc("]
        .iter()
        .any(|p| query.trim_start().starts_with(p))
}

/// Compares the remote answer (the reference) with the local one.
pub fn judge(
    query: &str,
    remote: &Outcome,
    local: &Outcome,
    allow: &AllowList,
    dataset: Option<&str>,
) -> Verdict {
    let Some(detail) = compare(remote, local, is_ordered(query)) else { return Verdict::Agree };
    match allow.explain(dataset, query) {
        Some(e) => Verdict::Documented { reason: e.reason.clone(), detail },
        None => Verdict::Differ(detail),
    }
}

/// The report: one line per query, then the total. Returns it with whether every query passed.
pub fn report(rows: &[(String, Verdict)]) -> (String, bool) {
    let mut out = String::new();
    let mut counts = [0usize; 4];
    for (query, verdict) in rows {
        let line = match verdict {
            Verdict::Agree => {
                counts[0] += 1;
                format!("agree       {query}")
            }
            Verdict::Documented { reason, detail } => {
                counts[1] += 1;
                format!("documented  {query}\n            [{reason}, see docs/differential.md] {detail}")
            }
            Verdict::Differ(detail) => {
                counts[2] += 1;
                format!("DIFFER      {query}\n            {detail}")
            }
            Verdict::Failed(why) => {
                counts[3] += 1;
                format!("FAILED      {query}\n            {why}")
            }
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "{} queries: {} agree, {} documented differences, {} differ, {} failed",
        rows.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    (out, counts[2] + counts[3] == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::outcome::LabelMap;

    fn one(v: f64) -> Outcome {
        Outcome::Vector(vec![(LabelMap::new(), 10, v)])
    }

    #[test]
    fn documented_differences_pass_and_others_fail() {
        let allow = AllowList::parse("any\tholt\tx\n", "### `holt`\n").unwrap();
        assert_eq!(judge("y", &one(1.0), &one(1.0), &allow, None), Verdict::Agree);
        assert!(matches!(judge("x", &one(1.0), &one(2.0), &allow, None), Verdict::Documented { .. }));
        assert!(matches!(judge("y", &one(1.0), &one(2.0), &allow, None), Verdict::Differ(_)));
        let rows = vec![
            ("x".to_string(), judge("x", &one(1.0), &one(2.0), &allow, None)),
            ("y".to_string(), Verdict::Agree),
        ];
        let (text, ok) = report(&rows);
        assert!(
            ok && text.ends_with("2 queries: 1 agree, 1 documented differences, 0 differ, 0 failed\n"),
            "{text}"
        );
        let (text, ok) = report(&[("y".to_string(), Verdict::Differ("want 1, got 2".into()))]);
        assert!(!ok && text.contains("DIFFER      y"), "{text}");
    }
}
