//! One flush of an aggregation group through Alertmanager 0.25's notification pipeline
//! (`aggrGroup.flush`, then `notify.go`): the group's alerts (firing ones with their end
//! cleared) in Alertmanager's order → inhibition → active and mute time intervals → for each
//! integration of the receiver: the notification log's dedup decision, `send_resolved`, the
//! send, the log entry. Every send is assumed to succeed. Afterwards resolved alerts leave the
//! group, whatever was sent.

use std::collections::{BTreeMap, BTreeSet};

use super::alert::Alert;
use super::config::Config;
use super::go_labels::alert_order;
use super::inhibit::Inhibitor;
use super::nflog::NotificationLog;
use super::outcome::{Notification, NotifiedAlert, Outcome, Quiet, QuietReason, MAX_QUIET};
use super::route::RouteNode;
use super::time_interval::contains_any;
use crate::engine::{Labels, Millis};

/// What a flush works on: the group's alerts and where it is reported.
pub struct GroupState<'a> {
    /// Index into [`Outcome::groups`].
    pub index: usize,
    pub key: &'a str,
    pub alerts: &'a mut BTreeMap<Labels, Alert>,
}

/// The shared state a flush reads and updates.
pub struct Pipeline<'a> {
    pub config: &'a Config,
    /// None: the simulation runs without inhibition.
    pub inhibitor: Option<&'a Inhibitor>,
    pub nflog: &'a mut NotificationLog,
    pub outcome: &'a mut Outcome,
}

/// Flushes `group` (on route `node`) at `now`.
pub fn flush(group: GroupState, node: &RouteNode, p: &mut Pipeline, now: Millis) {
    if group.alerts.is_empty() {
        return;
    }
    let mut batch: Vec<&Alert> = group.alerts.values().collect();
    batch.sort_by(|a, b| alert_order(&a.labels, &b.labels));
    let resolved_in_batch: Vec<Labels> =
        batch.iter().filter(|a| a.resolved_at(now)).map(|a| a.labels.clone()).collect();
    if let Some(summary) = p.outcome.groups.get_mut(group.index) {
        summary.flushes += 1;
    }
    run_pipeline(&batch, group.index, group.key, node, p, now);
    // A successful flush (always, here) removes the resolved alerts it carried.
    for labels in resolved_in_batch {
        group.alerts.remove(&labels);
    }
}

fn notified(a: &Alert, now: Millis) -> NotifiedAlert {
    NotifiedAlert {
        labels: a.labels.clone(),
        annotations: a.annotations.clone(),
        starts_at: a.starts_at,
        ends_at: a.resolved_at(now).then_some(a.ends_at),
        generator_url: a.generator_url.clone(),
    }
}

fn run_pipeline(batch: &[&Alert], group: usize, key: &str, node: &RouteNode, p: &mut Pipeline, now: Millis) {
    let receiver = &node.opts.receiver;
    let quiet = |p: &mut Pipeline, reason| {
        p.outcome.quiet_total += 1;
        if p.outcome.quiet.len() < MAX_QUIET {
            p.outcome.quiet.push(Quiet { at: now, group, receiver: receiver.clone(), reason });
        }
    };
    let mut inhibited = Vec::new();
    let alerts: Vec<NotifiedAlert> = batch
        .iter()
        .filter(|a| match p.inhibitor.and_then(|i| i.mutes(&a.labels, now)) {
            Some(by) => {
                inhibited.push((a.labels.clone(), by.source));
                false
            }
            None => true,
        })
        .map(|a| notified(a, now))
        .collect();
    if alerts.is_empty() {
        quiet(p, QuietReason::Inhibited { alerts: inhibited.len() });
        return;
    }
    let intervals = |names: &[String]| -> Option<String> {
        names
            .iter()
            .find(|n| p.config.time_interval(n).is_some_and(|t| contains_any(&t.intervals, now)))
            .cloned()
    };
    if !node.opts.active_time_intervals.is_empty() && intervals(&node.opts.active_time_intervals).is_none() {
        quiet(p, QuietReason::Inactive);
        return;
    }
    if let Some(interval) = intervals(&node.opts.mute_time_intervals) {
        quiet(p, QuietReason::Muted { interval });
        return;
    }
    let Some(rcv) = p.config.receiver(receiver) else { return };
    if rcv.integrations.is_empty() {
        quiet(p, QuietReason::NoIntegrations);
        return;
    }
    let firing: BTreeSet<Labels> = alerts.iter().filter(|a| a.firing()).map(|a| a.labels.clone()).collect();
    let resolved: BTreeSet<Labels> =
        alerts.iter().filter(|a| !a.firing()).map(|a| a.labels.clone()).collect();
    let repeat = node.opts.repeat_interval;
    let mut unchanged = 0;
    for integration in &rcv.integrations {
        let log_key = (key.to_string(), receiver.clone(), integration.kind, integration.index);
        let Some(reason) =
            p.nflog.needs_update(&log_key, &firing, &resolved, integration.send_resolved, repeat, now)
        else {
            unchanged += 1;
            continue;
        };
        if !integration.send_resolved && firing.is_empty() {
            quiet(p, QuietReason::ResolvedNotSent);
        } else {
            let sent: Vec<NotifiedAlert> = if integration.send_resolved {
                alerts.clone()
            } else {
                alerts.iter().filter(|a| a.firing()).cloned().collect()
            };
            p.outcome.notifications.push(Notification {
                at: now,
                receiver: receiver.clone(),
                integration: integration.kind,
                integration_index: integration.index,
                group,
                reason,
                alerts: sent,
                inhibited: inhibited.clone(),
            });
        }
        p.nflog.log(log_key, firing.clone(), resolved.clone(), repeat, now);
    }
    if unchanged == rcv.integrations.len() {
        if let Some(summary) = p.outcome.groups.get_mut(group) {
            summary.unchanged += 1;
        }
    }
}
