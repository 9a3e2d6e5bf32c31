//! What the alerting lab shows of an evaluation: per alerting rule its alert rows and spans,
//! firings, threshold and a chart of its condition; the pending/firing counts over time.

use crate::engine::{eval, parse, EngineOptions, Millis, Series, Storage, Value};
use crate::link::alerts::{AlertRuleView, Counts, InstanceView, SpanView, MAX_ROWS};
use crate::link::rules::Sparkline;
use crate::rules::alert_explain::{below_threshold, condition, threshold};
use crate::rules::alert_timeline::AlertTimeline;

/// Points per series in a rule's chart.
const CHART_POINTS: i64 = 400;
/// Most series in a rule's chart.
const CHART_SERIES: usize = 8;
/// The step of the pending/firing counts.
const COUNT_STEP: Millis = 60_000;

/// One alerting rule as the lab shows it, its chart over `[start, end]` of `storage`.
pub fn rule_view(
    timeline: &AlertTimeline,
    storage: &Storage,
    (start, end): (Millis, Millis),
) -> AlertRuleView {
    let below = below_threshold(&timeline.expr);
    let instances = timeline
        .instances
        .iter()
        .take(MAX_ROWS)
        .map(|i| InstanceView {
            labels: i.labels.clone(),
            spans: i
                .episodes
                .iter()
                .map(|e| SpanView { active_at: e.active_at, fired_at: e.fired_at, end: e.ended })
                .collect(),
        })
        .collect();
    AlertRuleView {
        name: timeline.name.clone(),
        group: timeline.group.clone(),
        expr: timeline.expr.clone(),
        for_: timeline.for_,
        keep_firing_for: timeline.keep_firing_for,
        interval: timeline.interval,
        threshold: threshold(&timeline.expr),
        below,
        instances,
        more_instances: timeline.instances.len().saturating_sub(MAX_ROWS),
        firings: timeline.firings(below),
        chart: chart(timeline, storage, (start, end), below),
        explanation: timeline.explanation.clone(),
        error_count: timeline.error_count,
        first_error: timeline.errors.first().map(|(_, m)| m.clone()),
    }
}

/// The condition's left side (or the whole expression) over the timeline: the series that
/// became alerts first, then the ones that came closest to the threshold.
fn chart(
    timeline: &AlertTimeline,
    storage: &Storage,
    (start, end): (Millis, Millis),
    below: bool,
) -> Option<Sparkline> {
    let parsed = parse::parse(&timeline.expr).ok()?;
    let shown = condition(&parsed).map_or(&parsed, |c| &*c.lhs);
    let step = ((end - start) / CHART_POINTS).max(timeline.interval).max(1);
    let opts = EngineOptions { max_range_steps: usize::MAX, ..EngineOptions::default() };
    let out = eval::eval_range(storage, shown, start, end, step, &opts).ok()?;
    let Value::Matrix(mut series) = out.value else { return None };
    let alerted = |s: &Series| {
        let l = s.labels.without_metric_name();
        timeline.instances.iter().any(|i| l.iter().all(|(n, v)| i.labels.get(n) == Some(v)))
    };
    let extreme = |s: &Series| {
        let values = s.points.iter().map(|p| p.v).filter(|v| !v.is_nan());
        if below {
            -values.fold(f64::INFINITY, f64::min)
        } else {
            values.fold(f64::NEG_INFINITY, f64::max)
        }
    };
    series.sort_by(|a, b| alerted(b).cmp(&alerted(a)).then(extreme(b).total_cmp(&extreme(a))));
    series.truncate(CHART_SERIES);
    Some(Sparkline { series, start, end, step })
}

/// Pending and firing alerts of all rules every minute over `[start, end]`.
pub fn counts(timelines: &[AlertTimeline], (start, end): (Millis, Millis)) -> Counts {
    let first = start.div_euclid(COUNT_STEP) * COUNT_STEP;
    let mut counts = Counts { start: first, step: COUNT_STEP, pending: Vec::new(), firing: Vec::new() };
    let mut t = first;
    while t <= end {
        let (mut p, mut f) = (0u32, 0u32);
        for timeline in timelines {
            let (tp, tf) = timeline.counts_at(t);
            p += tp as u32;
            f += tf as u32;
        }
        counts.pending.push(p);
        counts.firing.push(f);
        t += COUNT_STEP;
    }
    counts
}
