//! A lab simulation in the engine module: the POSTs Prometheus makes for the alerts (of a
//! hand-written timeline or the alerting lab's rules), then two simulations of the same POSTs (with the configuration's inhibit rules, and
//! without), each advanced a bounded number of instants per call so the page keeps painting.

use std::sync::Arc;

use super::views::row;
use crate::alertmanager::alert::Post;
use crate::alertmanager::config::Config;
use crate::alertmanager::input::Input;
use crate::alertmanager::outcome::{Outcome, QuietReason};
use crate::alertmanager::simulate::{Options, Simulation};
use crate::alertmanager::RouteTree;
use crate::engine::Millis;
use crate::link::alertmanager::{AlertRoute, RunView, SimulationReport};
use crate::link::rules::Progress;

/// The most notifications a run lists (the counts cover all).
const MAX_ROWS: usize = 5000;

/// Simulated instants per call: a 48 h run takes a few calls of a few milliseconds each.
const INSTANTS_PER_STEP: usize = 4000;

/// A simulation under way.
pub struct Session {
    config: Arc<Config>,
    start: Millis,
    end: Millis,
    posts: usize,
    alerts: Vec<AlertRoute>,
    warnings: Vec<String>,
    /// The run under way: with inhibition first, then without.
    current: Simulation,
    /// The run without inhibition, until it starts.
    next: Option<Simulation>,
    /// The finished run with inhibition.
    first_done: Option<Outcome>,
}

/// A finished simulation, kept so notifications can be opened.
pub struct Finished {
    pub config: Arc<Config>,
    pub with_inhibition: Outcome,
    pub without_inhibition: Outcome,
}

impl Session {
    /// Prepares both runs of `input` over `[start, end]`.
    pub fn new(config: Config, input: Input, start: Millis, end: Millis) -> Session {
        let config = Arc::new(config);
        let posts: Vec<Post> = input.posts;
        let tree = RouteTree::new(&config.route);
        let alerts = input
            .alerts
            .into_iter()
            .map(|(labels, firing)| AlertRoute {
                receivers: tree.receivers(&labels),
                path: tree.matching_path(&labels),
                labels,
                firing,
            })
            .collect();
        let mut warnings: Vec<String> =
            config.warnings.iter().map(|w| format!("line {}: {}", w.line, w.message)).collect();
        for t in &config.time_intervals {
            if let Some(location) = t.intervals.iter().find_map(|i| i.location()) {
                warnings.push(format!(
                    "time interval {:?}: location {location} is evaluated as UTC here",
                    t.name
                ));
            }
        }
        let options = |inhibition| Options { start, end, inhibition, reloads: Vec::new() };
        Session {
            current: Simulation::new(config.clone(), posts.clone(), options(true)),
            next: Some(Simulation::new(config.clone(), posts.clone(), options(false))),
            posts: posts.len(),
            config,
            start,
            end,
            alerts,
            warnings,
            first_done: None,
        }
    }

    /// Where the runs stand.
    pub fn progress(&self) -> Progress {
        let phase = usize::from(self.first_done.is_some());
        let label = if phase == 0 { "with inhibition" } else { "without inhibition" };
        Progress {
            done: phase * 100 + (self.current.progress() * 100.0) as usize,
            total: 200,
            label: label.into(),
        }
    }

    /// Runs the next slice; true while there is more to do.
    pub fn step(&mut self) -> bool {
        if !self.current.advance(INSTANTS_PER_STEP) {
            return true;
        }
        match self.next.take() {
            Some(next) => {
                let done = std::mem::replace(&mut self.current, next);
                self.first_done = Some(done.finish());
                true
            }
            None => false,
        }
    }

    /// The report, and what is kept for opening notifications.
    pub fn finish(self) -> (SimulationReport, Finished) {
        let with = self.first_done.unwrap_or_default();
        let without = self.current.finish();
        let receivers: Vec<String> = self.config.receivers.iter().map(|r| r.name.clone()).collect();
        let report = SimulationReport {
            start: self.start,
            end: self.end,
            with_inhibition: run_view(&self.config, &with, &receivers),
            without_inhibition: run_view(&self.config, &without, &receivers),
            receivers,
            alerts: self.alerts,
            posts: self.posts,
            warnings: self.warnings,
        };
        (report, Finished { config: self.config, with_inhibition: with, without_inhibition: without })
    }
}

/// One run as the page shows it.
fn run_view(config: &Config, outcome: &Outcome, receivers: &[String]) -> RunView {
    let counts = outcome.per_receiver(receivers.iter().map(String::as_str));
    let mut quiet: Vec<(String, usize)> = Vec::new();
    for q in &outcome.quiet {
        let reason = match &q.reason {
            QuietReason::Inhibited { .. } => "every alert of the group inhibited".to_string(),
            QuietReason::Muted { interval } => format!("muted by time interval {interval}"),
            QuietReason::Inactive => "outside the route's active time intervals".into(),
            QuietReason::ResolvedNotSent => "only resolutions, and send_resolved is false".into(),
            QuietReason::NoIntegrations => "the receiver has no integrations".into(),
        };
        match quiet.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => quiet.push((reason, 1)),
        }
    }
    if outcome.quiet_total > outcome.quiet.len() {
        quiet.push((
            format!("and {} more flushes not itemized", outcome.quiet_total - outcome.quiet.len()),
            1,
        ));
    }
    if outcome.notifications.len() > MAX_ROWS {
        quiet.push((format!("notifications after the first {MAX_ROWS} are counted but not listed"), 1));
    }
    RunView {
        notifications: outcome.notifications.iter().take(MAX_ROWS).map(|n| row(config, outcome, n)).collect(),
        per_receiver: receivers.iter().map(|r| counts.get(r).copied().unwrap_or(0)).collect(),
        groups: outcome.groups.len(),
        quiet,
    }
}
