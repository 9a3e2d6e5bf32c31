//! Expectations from promplay's own evaluation, written as promtool checks: for every
//! alerting rule, the firing alerts (labels and annotations) one evaluation before, at and
//! after each transition of any of its alerts (pending, firing, resolved) and every half
//! hour, and the `ALERTS` series (pending and firing) at the transitions.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use promql_playground::engine::{Labels, Millis};
use promql_playground::rules::alert_timeline::AlertState;
use promql_playground::rules::duration;
use promql_playground::rules::eval::{EvalOptions, Evaluation};
use promql_playground::rules::model::{Rule, RuleFile};
use promql_playground::rules::unittest::firing;

use super::rules::json;

/// Most checked instants per rule and window (transitions first).
const MAX_INSTANTS: usize = 80;
/// The regular check grid.
const GRID: Millis = 30 * 60_000;

/// The checks of one test group, as YAML, and how many instants they check.
pub struct Checks {
    pub alert_tests: String,
    pub promql_tests: String,
    pub instants: usize,
    /// Alerts expected firing over all checks (to see that the checks are not all empty).
    pub firing: usize,
    pub transitions: usize,
}

/// The checks for `evaluation` (of `rules`, with `opts`), evaluated every `interval` up to `end`.
pub fn checks(
    evaluation: &Evaluation,
    rules: &RuleFile,
    opts: &EvalOptions,
    interval: Millis,
    end: Millis,
) -> Checks {
    let alerting: Vec<&Rule> = rules.rules().map(|(_, r)| r).filter(|r| r.is_alerting()).collect();
    let mut out = Checks {
        alert_tests: String::new(),
        promql_tests: String::new(),
        instants: 0,
        firing: 0,
        transitions: 0,
    };
    for (timeline, rule) in evaluation.alerts.iter().zip(&alerting) {
        let mut transitions = BTreeSet::new();
        for e in timeline.instances.iter().flat_map(|i| &i.episodes) {
            transitions.insert(e.active_at);
            transitions.extend(e.fired_at);
            transitions.extend(e.ended.map(|(t, _)| t));
        }
        out.transitions += transitions.len();
        let around: BTreeSet<Millis> = transitions
            .iter()
            .flat_map(|&t| [t - interval, t, t + interval])
            .filter(|t| (0..=end).contains(t))
            .take(MAX_INSTANTS)
            .collect();
        let grid = (0..=end / GRID).map(|k| k * GRID);
        let instants: BTreeSet<Millis> = around.iter().copied().chain(grid).take(MAX_INSTANTS).collect();
        for &t in &instants {
            out.instants += 1;
            let alerts = firing(timeline, rule, t, &evaluation.storage, opts);
            out.firing += alerts.len();
            let _ = writeln!(
                out.alert_tests,
                "      - eval_time: {}\n        alertname: {}",
                duration::format(t),
                rule.alert
            );
            if alerts.is_empty() {
                out.alert_tests.push_str("        exp_alerts: []\n");
                continue;
            }
            out.alert_tests.push_str("        exp_alerts:\n");
            for a in alerts {
                let labels: Vec<String> = a
                    .labels
                    .iter()
                    .filter(|(n, _)| *n != "alertname")
                    .map(|(n, v)| format!("{n}: {}", json(v)))
                    .collect();
                let annotations: Vec<String> =
                    a.annotations.iter().map(|(n, v)| format!("{n}: {}", json(v))).collect();
                let _ = writeln!(
                    out.alert_tests,
                    "          - exp_labels: {{{}}}\n            exp_annotations: {{{}}}",
                    labels.join(", "),
                    annotations.join(", ")
                );
            }
        }
        for &t in &around {
            let series = alerts_series(evaluation, timeline_index(evaluation, &rule.alert), t);
            let _ = writeln!(
                out.promql_tests,
                "      - expr: {}\n        eval_time: {}",
                json(&format!("ALERTS{{alertname=\"{}\"}}", rule.alert)),
                duration::format(t)
            );
            if series.is_empty() {
                out.promql_tests.push_str("        exp_samples: []\n");
                continue;
            }
            out.promql_tests.push_str("        exp_samples:\n");
            for labels in series {
                let _ = writeln!(
                    out.promql_tests,
                    "          - labels: {}\n            value: 1",
                    json(&labels.to_string())
                );
            }
        }
    }
    out
}

fn timeline_index(evaluation: &Evaluation, name: &str) -> usize {
    evaluation.alerts.iter().position(|a| a.name == name).unwrap_or(0)
}

/// The `ALERTS` series of alerting rule `i` present at `t`: its pending and firing alerts
/// (the series are written at each evaluation; `t` is one).
fn alerts_series(evaluation: &Evaluation, i: usize, t: Millis) -> Vec<Labels> {
    let Some(timeline) = evaluation.alerts.get(i) else { return Vec::new() };
    let mut out = Vec::new();
    for (instance, episode) in timeline.active_at(t) {
        let state = episode.state_at(t);
        if state == AlertState::Inactive {
            continue;
        }
        // Read the series back from the storage the evaluation wrote.
        let mut want = instance.labels.clone();
        want.set("__name__", "ALERTS");
        want.set("alertstate", state.as_str());
        let found = evaluation.storage.all().iter().find(|s| {
            s.labels.get("__name__") == Some("ALERTS")
                && s.labels.get("alertstate") == Some(state.as_str())
                && instance.labels.iter().all(|(n, v)| s.labels.get(n) == Some(v))
                && s.points.iter().any(|p| p.t == t && p.v == 1.0)
        });
        out.push(found.map(|s| s.labels.clone()).unwrap_or(want));
    }
    out.sort();
    out
}
