//! Alertmanager 0.25 over simulated time, deterministically. Input: what clients POST to
//! `/api/v2/alerts`, and when. The simulation keeps what a single Alertmanager keeps and runs
//! its timers as `dispatch.go` arms them:
//!
//! - the alert store (`provider/mem`): alerts merged by label set, garbage-collected every 30 m;
//! - the inhibitor's source caches;
//! - aggregation groups per (route node, group labels): a new group flushes `group_wait` after
//!   it is created (at once when an alert's `startsAt + group_wait` is already past before the
//!   first flush), then every `group_interval` from its previous flush; empty groups are
//!   removed by the dispatcher's 30 s maintenance, so a later alert makes a new group;
//! - the notification log, whose expired entries go every 15 m;
//! - configuration reloads, which rebuild every group and re-dispatch every stored alert.
//!
//! Events at the same millisecond run in this order: reloads, POSTs, flushes (oldest group
//! first), maintenance. It advances in bounded steps ([`Simulation::advance`]) so a page can
//! show progress.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::alert::{receive, Alert, Post};
use super::config::Config;
use super::flush::{flush, GroupState, Pipeline};
use super::inhibit::Inhibitor;
use super::nflog::NotificationLog;
use super::outcome::{GroupSummary, Outcome, Refused};
use super::route::RouteTree;
use crate::engine::{Labels, Millis};

/// The dispatcher's maintenance interval (empty groups removed).
pub const GROUP_GC: Millis = 30_000;
/// `--alerts.gc-interval` (resolved alerts dropped from the store).
pub const ALERT_GC: Millis = 30 * 60_000;
/// `--data.maintenance-interval` (expired notification log entries dropped).
pub const NFLOG_GC: Millis = 15 * 60_000;

/// How to run a simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// When Alertmanager starts (its maintenance timers count from here).
    pub start: Millis,
    /// The last instant simulated.
    pub end: Millis,
    /// With the configuration's inhibit rules (false: as if there were none).
    pub inhibition: bool,
    /// Instants at which the configuration is reloaded.
    pub reloads: Vec<Millis>,
}

/// A live aggregation group.
struct Group {
    /// Index into the outcome's groups.
    summary: usize,
    route: usize,
    labels: Labels,
    key: String,
    next_flush: Millis,
    has_flushed: bool,
    alerts: BTreeMap<Labels, Alert>,
}

/// A simulation under way.
pub struct Simulation {
    config: Arc<Config>,
    tree: RouteTree,
    options: Options,
    posts: Vec<Post>,
    next_post: usize,
    next_reload: usize,
    store: BTreeMap<Labels, Alert>,
    inhibitor: Inhibitor,
    groups: Vec<Group>,
    nflog: NotificationLog,
    next_group_gc: Millis,
    next_alert_gc: Millis,
    next_nflog_gc: Millis,
    outcome: Outcome,
    now: Millis,
}

impl Simulation {
    /// Prepares a run of `posts` (sorted by time here; POSTs before `options.start` are
    /// received at the start).
    pub fn new(config: Arc<Config>, mut posts: Vec<Post>, options: Options) -> Simulation {
        posts.sort_by_key(|p| p.at);
        for p in &mut posts {
            p.at = p.at.max(options.start);
        }
        let mut reloads = options.reloads.clone();
        reloads.sort_unstable();
        let start = options.start;
        Simulation {
            tree: RouteTree::new(&config.route),
            inhibitor: Inhibitor::new(&config.inhibit_rules),
            config,
            options: Options { reloads, ..options },
            posts,
            next_post: 0,
            next_reload: 0,
            store: BTreeMap::new(),
            groups: Vec::new(),
            nflog: NotificationLog::default(),
            next_group_gc: start + GROUP_GC,
            next_alert_gc: start + ALERT_GC,
            next_nflog_gc: start + NFLOG_GC,
            outcome: Outcome::default(),
            now: start,
        }
    }

    /// Runs the whole simulation.
    pub fn run(config: &Config, posts: Vec<Post>, options: Options) -> Outcome {
        let mut sim = Simulation::new(Arc::new(config.clone()), posts, options);
        while !sim.advance(usize::MAX) {}
        sim.finish()
    }

    /// The simulated time reached.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// How far along the run is, from 0 to 1.
    pub fn progress(&self) -> f64 {
        let span = (self.options.end - self.options.start).max(1) as f64;
        ((self.now - self.options.start) as f64 / span).clamp(0.0, 1.0)
    }

    /// The outcome so far.
    pub fn finish(self) -> Outcome {
        self.outcome
    }

    /// Processes up to `budget` instants; true when the end is reached.
    pub fn advance(&mut self, budget: usize) -> bool {
        for _ in 0..budget {
            let t = self.next_instant();
            if t > self.options.end {
                self.now = self.options.end;
                return true;
            }
            self.now = t;
            self.process(t);
        }
        false
    }

    fn next_instant(&self) -> Millis {
        let post = self.posts.get(self.next_post).map_or(Millis::MAX, |p| p.at);
        let reload = self.options.reloads.get(self.next_reload).copied().unwrap_or(Millis::MAX);
        let flush = self.groups.iter().map(|g| g.next_flush).min().unwrap_or(Millis::MAX);
        [post, reload, flush, self.next_group_gc, self.next_alert_gc, self.next_nflog_gc]
            .into_iter()
            .min()
            .unwrap_or(Millis::MAX)
    }

    fn process(&mut self, t: Millis) {
        while self.options.reloads.get(self.next_reload) == Some(&t) {
            self.next_reload += 1;
            self.reload(t);
        }
        while self.posts.get(self.next_post).is_some_and(|p| p.at == t) {
            let post = std::mem::take(&mut self.posts[self.next_post]);
            self.next_post += 1;
            for posted in &post.alerts {
                match receive(posted, t, self.config.resolve_timeout) {
                    Ok(alert) => self.put(alert, t),
                    Err(message) => {
                        self.outcome.refused.push(Refused { at: t, labels: posted.labels.clone(), message })
                    }
                }
            }
        }
        for i in 0..self.groups.len() {
            if self.groups[i].next_flush == t {
                self.flush_group(i, t);
            }
        }
        if self.next_group_gc == t {
            self.groups.retain(|g| !g.alerts.is_empty());
            self.next_group_gc = t + GROUP_GC;
        }
        if self.next_alert_gc == t {
            self.store.retain(|_, a| !a.resolved_at(t));
            self.next_alert_gc = t + ALERT_GC;
        }
        if self.next_nflog_gc == t {
            self.nflog.collect_garbage(t);
            self.inhibitor.collect_garbage(t);
            self.next_nflog_gc = t + NFLOG_GC;
        }
    }

    /// The store's `Put`: merge with an overlapping stored alert, keep, then hand to the
    /// inhibitor and the dispatcher.
    fn put(&mut self, mut alert: Alert, t: Millis) {
        self.outcome.received += 1;
        if let Some(old) = self.store.get(&alert.labels) {
            if alert.overlaps(old) {
                alert = old.merge(&alert, t);
            }
        }
        self.store.insert(alert.labels.clone(), alert.clone());
        self.inhibitor.observe(&alert);
        self.dispatch(&alert, t);
    }

    /// `Dispatcher.processAlert` for every route the alert matches.
    fn dispatch(&mut self, alert: &Alert, t: Millis) {
        for route in self.tree.matches(&alert.labels) {
            let node = self.tree.node(route);
            let labels = node.group_labels(&alert.labels);
            let i = match self.groups.iter().position(|g| g.route == route && g.labels == labels) {
                Some(i) => i,
                None => {
                    let key = node.group_key(&labels);
                    self.outcome.groups.push(GroupSummary {
                        route,
                        receiver: node.opts.receiver.clone(),
                        key: key.clone(),
                        labels: labels.clone(),
                        created_at: t,
                        flushes: 0,
                        unchanged: 0,
                    });
                    self.groups.push(Group {
                        summary: self.outcome.groups.len() - 1,
                        route,
                        labels,
                        key,
                        next_flush: t + node.opts.group_wait,
                        has_flushed: false,
                        alerts: BTreeMap::new(),
                    });
                    self.groups.len() - 1
                }
            };
            let group = &mut self.groups[i];
            group.alerts.insert(alert.labels.clone(), alert.clone());
            if !group.has_flushed && alert.starts_at + node.opts.group_wait < t {
                group.next_flush = t;
            }
        }
    }

    fn flush_group(&mut self, i: usize, t: Millis) {
        let group = &mut self.groups[i];
        let node = self.tree.node(group.route);
        group.next_flush = t + node.opts.group_interval;
        group.has_flushed = true;
        let mut pipeline = Pipeline {
            config: &self.config,
            inhibitor: self.options.inhibition.then_some(&self.inhibitor),
            nflog: &mut self.nflog,
            outcome: &mut self.outcome,
        };
        let state = GroupState { index: group.summary, key: &group.key, alerts: &mut group.alerts };
        flush(state, node, &mut pipeline, t);
    }

    /// A configuration reload: groups and the inhibitor are rebuilt and every stored alert is
    /// dispatched again; the notification log stays.
    fn reload(&mut self, t: Millis) {
        self.groups.clear();
        self.inhibitor = Inhibitor::new(&self.config.inhibit_rules);
        self.next_group_gc = t + GROUP_GC;
        let alerts: Vec<Alert> = self.store.values().cloned().collect();
        for alert in &alerts {
            self.inhibitor.observe(alert);
        }
        for alert in &alerts {
            self.dispatch(alert, t);
        }
    }
}
