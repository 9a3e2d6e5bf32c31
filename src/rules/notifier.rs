//! What Prometheus sends to Alertmanager for an evaluated rule file, send by send
//! (P2 `rules/alerting.go` `sendAlerts`/`needsSending`, `rules/manager.go` `SendAlerts`,
//! `notifier/notifier.go`; ../shared/alerting/SEMANTICS.md §1 "Sending"):
//!
//! - after each successful evaluation of an alerting rule, every alert it tracks that is not
//!   pending and either resolved since it was last sent, or last sent more than the resend
//!   delay ago (strictly), is sent;
//! - `startsAt` is when it started firing, `endsAt` when it resolved, or else the send time
//!   plus four times the larger of the resend delay and the group's interval;
//! - a resolved alert is re-sent every resend cycle while it is kept (15 minutes);
//! - the notifier adds the external labels an alert does not have, and `generatorURL` is
//!   the external URL plus `/graph?g0.expr=<expression>&g0.tab=1`, the expression printed
//!   the way Prometheus prints it.

use std::collections::BTreeMap;

use super::alert_timeline::{AlertState, AlertTimeline, Ending, Episode, RESOLVED_RETENTION};
use super::alerting::{RuleTemplates, TemplateEnv};
use super::eval::{EvalOptions, Evaluation};
use super::eval_output::template_querier;
use super::model::{Rule, RuleFile};
use crate::assist::lexer::{tokenize, TokenKind};
use crate::engine::gofmt::format_g;
use crate::engine::{parse, Labels, Millis, Storage};

/// Prometheus's default `--rules.alert.resend-delay`.
pub const DEFAULT_RESEND_DELAY: Millis = 60_000;

/// One alert in a POST to Alertmanager.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SentAlert {
    /// The alert's labels plus the external labels it lacks.
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub generator_url: String,
}

/// The alerts one rule sends after one evaluation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Send {
    /// The evaluation time (the POST follows within milliseconds).
    pub at: Millis,
    /// The alerting rule's name.
    pub rule: String,
    pub alerts: Vec<SentAlert>,
}

/// Every send of every alerting rule of `evaluation` (of `file`, with `opts`), in time order
/// (rules in file order at equal times), with `--rules.alert.resend-delay` `resend_delay`.
pub fn sends(
    evaluation: &Evaluation,
    file: &RuleFile,
    opts: &EvalOptions,
    resend_delay: Millis,
) -> Vec<Send> {
    sends_of(&evaluation.alerts, &evaluation.storage, file, opts, resend_delay)
}

/// [`sends`] for the alerting rules' timelines `alerts` (of `file`, in file order) over the
/// series `storage` they were evaluated on (recorded series included, for templates' queries).
pub fn sends_of(
    alerts: &[AlertTimeline],
    storage: &Storage,
    file: &RuleFile,
    opts: &EvalOptions,
    resend_delay: Millis,
) -> Vec<Send> {
    let rules: Vec<&Rule> = file.rules().map(|(_, r)| r).filter(|r| r.is_alerting()).collect();
    let mut out = Vec::new();
    for (timeline, rule) in alerts.iter().zip(rules) {
        let sender = Sender {
            timeline,
            templates: RuleTemplates::new(rule, opts.templates.dialect),
            generator_url: generator_url(&opts.external_url, &rule.expr),
            storage,
            opts,
            resend_delay,
        };
        out.extend(sender.sends());
    }
    out.sort_by_key(|s| s.at);
    out
}

/// When Prometheus (re-)sends an alert that fired, and the `endsAt` it carries: the one
/// rule both this notifier and the Alertmanager lab's hand-written timelines follow.
#[derive(Clone, Copy, Debug)]
pub struct Resend {
    /// `--rules.alert.resend-delay`.
    pub delay: Millis,
    /// How far ahead a firing alert's `endsAt` lies: four times the larger of the resend
    /// delay and the evaluation interval.
    pub valid_for: Millis,
}

impl Resend {
    pub fn new(delay: Millis, evaluation_interval: Millis) -> Resend {
        Resend { delay, valid_for: 4 * delay.max(evaluation_interval) }
    }

    /// At evaluation `ts` of an alert that fired and is still tracked (firing, or resolved at
    /// `resolved_at` ≤ `ts` and kept): its `endsAt` when it is sent now (it resolved since it
    /// was last sent, or was last sent more than the delay ago, strictly), and then `last_sent`
    /// becomes `ts`; None when it is not sent.
    pub fn send(
        &self,
        last_sent: &mut Option<Millis>,
        ts: Millis,
        resolved_at: Option<Millis>,
    ) -> Option<Millis> {
        let last = *last_sent;
        let resolved_since_sent = resolved_at.is_some_and(|r| last.is_none_or(|l| r > l));
        let due = last.is_none_or(|l| l + self.delay < ts);
        if !(resolved_since_sent || due) {
            return None;
        }
        *last_sent = Some(ts);
        Some(resolved_at.unwrap_or(ts + self.valid_for))
    }

    /// Whether an alert resolved at `resolved_at` is still kept (and re-sent) at `ts`.
    pub fn kept(resolved_at: Millis, ts: Millis) -> bool {
        ts - resolved_at <= RESOLVED_RETENTION
    }
}

/// One rule's sends.
struct Sender<'a> {
    timeline: &'a AlertTimeline,
    templates: RuleTemplates,
    generator_url: String,
    storage: &'a Storage,
    opts: &'a EvalOptions,
    resend_delay: Millis,
}

impl Sender<'_> {
    fn sends(&self) -> Vec<Send> {
        // Per (instance, episode): when it was last sent.
        let mut last_sent: BTreeMap<(usize, usize), Millis> = BTreeMap::new();
        let policy = Resend::new(self.resend_delay, self.timeline.interval);
        let mut out = Vec::new();
        for ts in self.timeline.tick_times() {
            // A failed evaluation sends nothing.
            if self.timeline.failed_at.binary_search(&ts).is_ok() {
                continue;
            }
            let mut alerts = Vec::new();
            for (i, instance) in self.timeline.instances.iter().enumerate() {
                let Some((e, episode)) = tracked_at(&instance.episodes, ts) else { continue };
                let state = episode.state_at(ts);
                let resolved_at = episode.resolved_at().filter(|r| *r <= ts);
                let Some(fired_at) = episode.fired_at.filter(|_| state != AlertState::Pending) else {
                    continue;
                };
                let mut last = last_sent.get(&(i, e)).copied();
                let Some(ends_at) = policy.send(&mut last, ts, resolved_at) else { continue };
                last_sent.insert((i, e), ts);
                alerts.push(SentAlert {
                    labels: with_external_labels(&instance.labels, &self.opts.external_labels),
                    annotations: self.annotations(episode, ts),
                    starts_at: fired_at,
                    ends_at,
                    generator_url: self.generator_url.clone(),
                });
            }
            if !alerts.is_empty() {
                out.push(Send { at: ts, rule: self.timeline.name.clone(), alerts });
            }
        }
        out
    }

    /// The annotations as of the evaluation at `ts` (a resolved or kept alert keeps those
    /// of its last evaluation with the condition).
    fn annotations(&self, episode: &Episode, ts: Millis) -> BTreeMap<String, String> {
        let Some(refresh) = episode.refresh_at(ts) else { return BTreeMap::new() };
        let querier = template_querier(self.storage, refresh.t, self.opts);
        let env = TemplateEnv {
            external_labels: &self.opts.external_labels,
            external_url: &self.opts.external_url,
            querier: &querier,
        };
        self.templates.annotations(refresh, &env).into_iter().collect()
    }
}

/// `labels` plus the external labels it does not have (the notifier adds them to every alert).
pub fn with_external_labels(labels: &Labels, external: &Labels) -> Labels {
    let mut out = labels.clone();
    for (n, v) in external.iter() {
        if labels.get(n).is_none() {
            out.set(n, v);
        }
    }
    out
}

/// The episode the rule tracks at evaluation `ts`, if any: the latest one started by then,
/// unless it was dropped (a pending alert whose condition went away, a rule over its limit)
/// or resolved more than 15 minutes earlier. A resolved alert is dropped at the first
/// evaluation more than 15 minutes after it resolved, and replaced by a new alert of the
/// same labels.
fn tracked_at(episodes: &[Episode], ts: Millis) -> Option<(usize, &Episode)> {
    let i = episodes.iter().rposition(|e| e.active_at <= ts)?;
    let e = &episodes[i];
    let kept = match e.ended {
        None => true,
        Some((t, Ending::Resolved)) if e.fired_at.is_some() => ts < t || Resend::kept(t, ts),
        Some((t, _)) => ts < t,
    };
    kept.then_some((i, e))
}

/// `<external URL>/graph?g0.expr=<expression>&g0.tab=1` (Prometheus's table link).
pub fn generator_url(external_url: &str, expr: &str) -> String {
    format!("{external_url}/graph?g0.expr={}&g0.tab=1", query_escape(&prometheus_string(expr)))
}

/// An expression printed as Prometheus prints a parsed one (its numbers in Go's `%v`:
/// `1.796571957e+09`); the text as written when it does not parse.
pub fn prometheus_string(expr: &str) -> String {
    let Ok(parsed) = parse::parse(expr) else { return expr.to_string() };
    let printed = parsed.to_string();
    let mut out = String::with_capacity(printed.len());
    let mut at = 0;
    for t in tokenize(&printed).iter().filter(|t| t.kind == TokenKind::Number) {
        let text = t.text(&printed);
        let Some(v) = crate::promqltest::notation::parse_number(text) else { continue };
        out.push_str(&printed[at..t.start]);
        out.push_str(&format_g(v));
        at = t.end;
    }
    out.push_str(&printed[at..]);
    out
}

/// Go's `url.QueryEscape`: letters, digits and `-_.~` as they are, space as `+`, every other
/// byte as `%XX`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_like_prometheus() {
        let url = generator_url("http://vm:48521", "vector(42) and on() (vector(time() - 1796571957) < 60)");
        assert_eq!(
            url,
            "http://vm:48521/graph?g0.expr=vector%2842%29+and+on+%28%29+%28vector%28time%28%29+-+1.796571957e%2B09%29+%3C+60%29&g0.tab=1"
        );
        assert_eq!(prometheus_string("x > 1e6 or y < 0.5"), "x > 1e+06 or y < 0.5");
    }
}
