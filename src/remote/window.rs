//! The raw series a rule file reads over an evaluation window, so the rules labs can
//! evaluate a file on a remote source's samples: every selector of its rules, except those
//! of series the file itself writes (recorded series, and `ALERTS` when it has alerting
//! rules: those are evaluated, not fetched), each reaching back before the window's start as
//! far as the rules reading it look (their ranges, subqueries, offsets and the lookback), so
//! that the first evaluation instant sees its data.

use std::collections::BTreeSet;

use crate::engine::parse::parse;
use crate::engine::Millis;
use crate::rules::ast::{exact_name, selectors};
use crate::rules::RuleFile;

use super::raw::{matcher_sets, reach, uses_at};

/// The longest window the labs fetch (6 hours).
pub const MAX_WINDOW: Millis = 6 * 3_600_000;
/// Most raw samples a window holds (about 16 bytes each in memory once read, and the
/// fetched answers are kept in the tab so the data comes back after a Stop).
pub const MAX_WINDOW_SAMPLES: usize = 2_000_000;
/// Most bytes of fetched answers a window reads (checked while fetching).
pub const MAX_WINDOW_BYTES: usize = 64 << 20;

/// One selector to fetch: its matcher list, and how far before the window's start its
/// samples are needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowFetch {
    pub selector: String,
    pub before: Millis,
}

/// What to fetch to evaluate `files` (evaluated together) from `start` to `end`, one entry
/// per distinct selector, in the order the rules first read them.
pub fn plan(
    files: &[RuleFile],
    start: Millis,
    end: Millis,
    lookback: Millis,
) -> Result<Vec<WindowFetch>, String> {
    if end <= start {
        return Err("the window's end must be after its start".into());
    }
    if end - start > MAX_WINDOW {
        return Err(format!(
            "the window is longer than {} hours: choose a shorter one",
            MAX_WINDOW / 3_600_000
        ));
    }
    let rules: Vec<_> = files.iter().flat_map(RuleFile::rules).map(|(_, r)| r).collect();
    let mut written: BTreeSet<&str> =
        rules.iter().filter(|r| r.is_recording()).map(|r| r.record.as_str()).collect();
    if rules.iter().any(|r| !r.is_recording()) {
        written.extend(["ALERTS", "ALERTS_FOR_STATE"]);
    }
    let mut out: Vec<WindowFetch> = Vec::new();
    for rule in &rules {
        let expr = parse(&rule.expr).map_err(|e| format!("{}: {e}", rule.name()))?;
        if uses_at(&expr) {
            return Err(format!(
                "{}: the expression pins data to a time with @: its samples cannot be fetched as one window",
                rule.name()
            ));
        }
        let before = reach(&expr, lookback);
        for vs in selectors(&expr) {
            if exact_name(vs).is_some_and(|n| written.contains(n)) {
                continue;
            }
            for selector in matcher_sets(vs) {
                match out.iter_mut().find(|f| f.selector == selector) {
                    Some(f) => f.before = f.before.max(before),
                    None => out.push(WindowFetch { selector, before }),
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{check, CheckOptions};

    const LOOKBACK: Millis = 300_000;
    const HOUR: Millis = 3_600_000;

    fn file(text: &str) -> RuleFile {
        let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
        report.file.unwrap_or_else(|| panic!("{:?}", report.diagnostics))
    }

    #[test]
    fn recorded_series_are_evaluated_not_fetched_and_windows_reach_back() {
        let text = "groups:\n- name: g\n  rules:\n  - record: model:rate5m\n    expr: sum by (model) (rate(model_predictions_total[5m]))\n  - record: platform:rate5m\n    expr: sum(model:rate5m)\n  - record: model:daily\n    expr: increase(model_predictions_total[1h]) + on() group_left up{job=\"x\"}\n";
        let got = plan(&[file(text)], 10 * HOUR, 11 * HOUR, LOOKBACK).unwrap();
        assert_eq!(
            got,
            [
                WindowFetch {
                    selector: r#"{__name__="model_predictions_total"}"#.into(),
                    before: HOUR + LOOKBACK
                },
                WindowFetch { selector: r#"{__name__="up",job="x"}"#.into(), before: HOUR + LOOKBACK },
            ]
        );
    }

    #[test]
    fn the_seed_rules_read_their_raw_families_only() {
        let seed = file(include_str!("../../tests/rules/seed_recording_rules.configmap.yaml"));
        let got = plan(&[seed], 0, HOUR, LOOKBACK).unwrap();
        assert!(
            got.iter().all(|f| !f.selector.contains("model:") && !f.selector.contains("platform:")),
            "{got:?}"
        );
        let find =
            |name: &str| got.iter().find(|f| f.selector.starts_with(&format!("{{__name__=\"{name}\"")));
        // `increase(model_predictions_total[24h])` is the longest reader of that family.
        assert_eq!(find("model_predictions_total").map(|f| f.before), Some(24 * HOUR + LOOKBACK));
        assert!(find("model_prediction_duration_seconds_bucket").is_some(), "{got:?}");
        assert!(got.len() >= 5, "{got:?}");
    }

    #[test]
    fn alerts_read_by_rules_are_evaluated_and_empty_files_fetch_nothing() {
        let text = "groups:\n- name: a\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 5m\n  - record: firing:count\n    expr: count(ALERTS{alertstate=\"firing\"})\n";
        let got = plan(&[file(text)], 0, HOUR, LOOKBACK).unwrap();
        assert_eq!(got, [WindowFetch { selector: r#"{__name__="up"}"#.into(), before: LOOKBACK }]);
        assert_eq!(plan(&[file("groups: []\n")], 0, HOUR, LOOKBACK), Ok(Vec::new()));
        assert_eq!(
            plan(
                &[file("groups:\n- name: g\n  rules:\n  - record: one\n    expr: vector(1)\n")],
                0,
                HOUR,
                LOOKBACK
            ),
            Ok(Vec::new())
        );
    }

    #[test]
    fn windows_are_checked() {
        assert!(plan(&[], 10, 10, LOOKBACK).unwrap_err().contains("after its start"));
        assert!(plan(&[], 0, MAX_WINDOW + 1, LOOKBACK).unwrap_err().contains("6 hours"));
        assert_eq!(plan(&[], 0, MAX_WINDOW, LOOKBACK), Ok(Vec::new()));
        let pinned = "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up @ 100\n";
        assert!(plan(&[file(pinned)], 0, HOUR, LOOKBACK).unwrap_err().contains("@"));
    }
}
