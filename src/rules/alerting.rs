//! One alerting rule evaluated the way Prometheus's rule manager evaluates it
//! (`AlertingRule.Eval`, rules/alerting.go in 2.42 and 3.x; ../shared/alerting/SEMANTICS.md
//! §1): each result sample of the expression is a candidate alert, labelled from the sample
//! plus the rule's templated labels; alerts go pending, fire once the condition has held for
//! `for`, are kept firing for `keep_firing_for`, resolve, and are retained 15 minutes. Each
//! evaluation returns the `ALERTS` and `ALERTS_FOR_STATE` samples to write, and the alert
//! life cycle is recorded as an [`AlertTimeline`].
//!
//! Annotations are not stored: an annotation is a pure function of the refreshing sample
//! (labels and value), so [`RuleTemplates::annotations`] renders them when they are looked
//! at, from the [`Refresh`] the timeline keeps.

use std::collections::BTreeMap;

use super::alert_timeline::RESOLVED_RETENTION;
use super::alert_timeline::{AlertInstance, AlertState, AlertTimeline, Ending, Episode, Refresh};
use super::load::Dialect;
use super::model::Rule;
use super::templating::{AlertTemplate, AlertTemplateData, TemplateQuerier};
use crate::engine::grouping::{FxHashMap, FxHashSet};
use crate::engine::{Labels, Millis, METRIC_NAME};

/// Prometheus's error for two result samples that become one alert.
pub const DUPLICATE_ALERT: &str =
    "vector contains metrics with the same labelset after applying alert labels";

/// The label naming the alert, and the one carrying its state in `ALERTS`.
pub const ALERT_NAME: &str = "alertname";
pub const ALERT_STATE: &str = "alertstate";
/// The series alerting rules write.
pub const ALERTS: &str = "ALERTS";
pub const ALERTS_FOR_STATE: &str = "ALERTS_FOR_STATE";

/// What templates may read besides the sample: the server's settings and its queries.
pub struct TemplateEnv<'a> {
    pub external_labels: &'a Labels,
    pub external_url: &'a str,
    pub querier: &'a dyn TemplateQuerier,
}

/// A label or annotation value: plain text, or a template parsed once.
enum Text {
    Plain(String),
    Template(Result<AlertTemplate, String>),
}

/// The labels and annotations of one alerting rule, ready to expand.
pub struct RuleTemplates {
    alert: String,
    /// Sorted by name, as Prometheus applies them.
    labels: Vec<(String, Text)>,
    annotations: Vec<(String, Text)>,
}

impl RuleTemplates {
    /// The rule's templates, parsed with the template functions of `dialect`.
    pub fn new(rule: &Rule, dialect: Dialect) -> Self {
        let compile = |list: &[super::model::KeyValue]| {
            let mut out: Vec<(String, Text)> = list
                .iter()
                .map(|kv| {
                    let text = if kv.value.contains("{{") {
                        Text::Template(AlertTemplate::parse_dialect(&rule.alert, &kv.value, dialect))
                    } else {
                        // Text without actions expands to itself: no need to run it.
                        Text::Plain(kv.value.clone())
                    };
                    (kv.name.clone(), text)
                })
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        };
        RuleTemplates {
            alert: rule.alert.clone(),
            labels: compile(&rule.labels),
            annotations: compile(&rule.annotations),
        }
    }

    fn expand(&self, text: &Text, sample: &Labels, value: f64, env: &TemplateEnv) -> String {
        let data = AlertTemplateData {
            labels: sample,
            value,
            external_labels: env.external_labels,
            external_url: env.external_url,
        };
        let result = match text {
            Text::Plain(s) => return s.clone(),
            // A template that does not parse fails at every expansion, as in Prometheus.
            Text::Template(Err(e)) => Err(format!("error parsing template __alert_{}: {e}", self.alert)),
            Text::Template(Ok(t)) => t.execute(&data, env.querier),
        };
        result.unwrap_or_else(|e| format!("<error expanding template: {e}>"))
    }

    /// The alert's labels for result sample `sample`: the sample's without `__name__`, each
    /// rule label expanded (an empty result removes the label), then `alertname`.
    pub fn alert_labels(&self, sample: &Labels, value: f64, env: &TemplateEnv) -> Labels {
        let mut labels = sample.without_metric_name();
        for (name, text) in &self.labels {
            labels.set(name.as_str(), self.expand(text, sample, value, env));
        }
        labels.set(ALERT_NAME, self.alert.as_str());
        labels
    }

    /// The annotations, expanded from the refreshing sample (sorted by name).
    pub fn annotations(&self, refresh: &Refresh, env: &TemplateEnv) -> Vec<(String, String)> {
        self.annotations
            .iter()
            .map(|(name, text)| (name.clone(), self.expand(text, &refresh.sample, refresh.value, env)))
            .collect()
    }
}

/// One tracked alert (Prometheus's `Alert`), pointing at the episode it records.
struct Tracked {
    state: AlertState,
    active_at: Millis,
    resolved_at: Option<Millis>,
    keep_firing_since: Option<Millis>,
    /// The instance and episode in the timeline.
    instance: usize,
    episode: usize,
}

/// An alerting rule's state between evaluations.
pub struct AlertingRule {
    pub templates: RuleTemplates,
    for_: Millis,
    keep_firing_for: Millis,
    /// The rule's labels as written (what `ALERTS` starts from).
    raw_labels: Labels,
    limit: usize,
    active: BTreeMap<Labels, Tracked>,
    /// Instance index by alert labels.
    instances: FxHashMap<Labels, usize>,
    pub timeline: AlertTimeline,
}

impl AlertingRule {
    /// A rule with no alerts yet; `limit` is its group's (0 or negative: no limit).
    pub fn new(rule: &Rule, limit: i64, dialect: Dialect) -> Self {
        let raw_labels = Labels::from_pairs(rule.labels.iter().map(|kv| (kv.name.clone(), kv.value.clone())));
        AlertingRule {
            templates: RuleTemplates::new(rule, dialect),
            for_: rule.for_,
            keep_firing_for: rule.keep_firing_for,
            raw_labels,
            limit: usize::try_from(limit).unwrap_or(0),
            active: BTreeMap::new(),
            instances: Default::default(),
            timeline: AlertTimeline {
                name: rule.alert.clone(),
                expr: rule.expr.clone(),
                for_: rule.for_,
                keep_firing_for: rule.keep_firing_for,
                ..AlertTimeline::default()
            },
        }
    }

    /// One evaluation at `ts` on the expression's result. Returns the `ALERTS` and
    /// `ALERTS_FOR_STATE` samples (none unless `restored`), or the evaluation's error, in
    /// which case nothing changed (except for an exceeded limit, which drops every alert).
    pub fn eval(
        &mut self,
        ts: Millis,
        result: Vec<(Labels, f64)>,
        env: &TemplateEnv,
        restored: bool,
    ) -> Result<Vec<(Labels, f64)>, String> {
        let mut candidates: Vec<(Labels, Refresh)> = Vec::with_capacity(result.len());
        let mut seen = FxHashSet::with_capacity_and_hasher(result.len(), Default::default());
        for (sample, value) in result {
            let labels = self.templates.alert_labels(&sample, value, env);
            if !seen.insert(labels.clone()) {
                return Err(DUPLICATE_ALERT.into());
            }
            candidates.push((labels, Refresh { t: ts, value, sample }));
        }
        if !candidates.is_empty() {
            self.timeline.ticks_with_output += 1;
        }

        for (labels, refresh) in candidates {
            match self.active.get(&labels) {
                // Still pending or firing: only the value (and annotations) change.
                Some(a) if a.state != AlertState::Inactive => {
                    let (i, e) = (a.instance, a.episode);
                    self.timeline.instances[i].episodes[e].refreshes.push(refresh);
                }
                // New, or back after resolving: a new alert with a new activeAt.
                _ => {
                    let instance = self.instance_of(&labels);
                    let episodes = &mut self.timeline.instances[instance].episodes;
                    episodes.push(Episode {
                        active_at: ts,
                        fired_at: None,
                        ended: None,
                        refreshes: vec![refresh],
                        kept_since: Vec::new(),
                    });
                    let tracked = Tracked {
                        state: AlertState::Pending,
                        active_at: ts,
                        resolved_at: None,
                        keep_firing_since: None,
                        instance,
                        episode: episodes.len() - 1,
                    };
                    self.active.insert(labels, tracked);
                }
            }
        }
        self.advance(ts, &seen, restored)
    }

    /// Updates every tracked alert after the result `present` was merged: absent ones are
    /// kept firing, resolved or deleted; pending ones that held long enough fire.
    fn advance(
        &mut self,
        ts: Millis,
        present: &FxHashSet<Labels>,
        restored: bool,
    ) -> Result<Vec<(Labels, f64)>, String> {
        let mut out = Vec::new();
        let mut active_or_pending = 0usize;
        let mut deleted = Vec::new();
        let (raw, name) = (&self.raw_labels, self.timeline.name.clone());
        for (labels, a) in self.active.iter_mut() {
            let episode = &mut self.timeline.instances[a.instance].episodes[a.episode];
            if present.contains(labels) {
                a.keep_firing_since = None;
            } else {
                let mut keep = false;
                if a.state == AlertState::Firing && self.keep_firing_for > 0 {
                    let since = *a.keep_firing_since.get_or_insert_with(|| {
                        episode.kept_since.push(ts);
                        ts
                    });
                    keep = ts - since < self.keep_firing_for;
                }
                let expired = a.resolved_at.is_some_and(|r| ts - r > RESOLVED_RETENTION);
                if a.state == AlertState::Pending || expired {
                    deleted.push(labels.clone());
                }
                if a.state != AlertState::Inactive && !keep {
                    let ending =
                        if a.state == AlertState::Pending { Ending::Cancelled } else { Ending::Resolved };
                    episode.ended = Some((ts, ending));
                    a.state = AlertState::Inactive;
                    a.resolved_at = Some(ts);
                }
                if !keep {
                    continue;
                }
            }
            active_or_pending += 1;
            if a.state == AlertState::Pending && ts - a.active_at >= self.for_ {
                a.state = AlertState::Firing;
                episode.fired_at = Some(ts);
            }
            if restored {
                out.push((alert_series(raw, ALERTS, &name, labels, Some(a.state)), 1.0));
                // ActiveAt in whole seconds, as `time.Unix()` truncates it.
                let active_at = a.active_at.div_euclid(1000) as f64;
                out.push((alert_series(raw, ALERTS_FOR_STATE, &name, labels, None), active_at));
            }
        }
        for labels in deleted {
            self.active.remove(&labels);
        }
        if self.limit > 0 && active_or_pending > self.limit {
            for a in std::mem::take(&mut self.active).into_values() {
                let episode = &mut self.timeline.instances[a.instance].episodes[a.episode];
                if episode.ended.is_none() {
                    episode.ended = Some((ts, Ending::Discarded));
                }
            }
            return Err(format!("exceeded limit of {} with {} alerts", self.limit, active_or_pending));
        }
        Ok(out)
    }

    fn instance_of(&mut self, labels: &Labels) -> usize {
        if let Some(&i) = self.instances.get(labels) {
            return i;
        }
        self.timeline.instances.push(AlertInstance { labels: labels.clone(), episodes: Vec::new() });
        let i = self.timeline.instances.len() - 1;
        self.instances.insert(labels.clone(), i);
        i
    }

    /// Ends the evaluation: the timeline, with `instances` in order of first appearance.
    pub fn into_timeline(self) -> AlertTimeline {
        self.timeline
    }
}

/// An `ALERTS`/`ALERTS_FOR_STATE` series of alert `alert_name`: the rule's labels as written
/// (`raw`), overlaid by the alert's, then the name, `alertname` and (for `ALERTS`)
/// `alertstate`. A rule label whose template expanded to "" is absent from the alert but
/// present here with its template text, as in Prometheus.
fn alert_series(
    raw: &Labels,
    name: &str,
    alert_name: &str,
    alert: &Labels,
    state: Option<AlertState>,
) -> Labels {
    let mut labels = raw.clone();
    for (n, v) in alert.iter() {
        labels.set(n, v);
    }
    labels.set(METRIC_NAME, name);
    labels.set(ALERT_NAME, alert_name);
    if let Some(s) = state {
        labels.set(ALERT_STATE, s.as_str());
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model::KeyValue;
    use crate::rules::templating::NoQueries;

    fn rule(for_: Millis, keep: Millis) -> Rule {
        Rule {
            alert: "A".into(),
            expr: "x > 0".into(),
            for_,
            keep_firing_for: keep,
            labels: vec![KeyValue { name: "severity".into(), value: "page".into(), ..KeyValue::default() }],
            ..Rule::default()
        }
    }

    fn env() -> TemplateEnv<'static> {
        static EMPTY: std::sync::OnceLock<Labels> = std::sync::OnceLock::new();
        TemplateEnv {
            external_labels: EMPTY.get_or_init(Labels::empty),
            external_url: "",
            querier: &NoQueries,
        }
    }

    /// Runs the rule at 0, 1m, 2m, ... on `present` (whether the sample is returned then);
    /// returns the ALERTS state after each evaluation ("-" when none).
    fn run(r: &mut AlertingRule, present: &[bool]) -> Vec<&'static str> {
        let sample = Labels::from_pairs([("__name__", "x"), ("job", "j")]);
        present
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let result = if p { vec![(sample.clone(), i as f64)] } else { Vec::new() };
                let out = r.eval(i as Millis * 60_000, result, &env(), true).expect("evaluates");
                let state = out.iter().find_map(|(l, _)| l.get(ALERT_STATE).map(str::to_string));
                match state.as_deref() {
                    Some("pending") => "pending",
                    Some("firing") => "firing",
                    _ => "-",
                }
            })
            .collect()
    }

    #[test]
    fn for_and_keep_firing_for() {
        let mut r = AlertingRule::new(&rule(2 * 60_000, 0), 0, Dialect::default());
        let states = run(&mut r, &[true, true, true, true, false, true]);
        assert_eq!(states, ["pending", "pending", "firing", "firing", "-", "pending"]);
        let t = r.into_timeline();
        assert_eq!(t.instances.len(), 1);
        let e = &t.instances[0].episodes;
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].active_at, e[0].fired_at, e[0].ended),
            (0, Some(120_000), Some((240_000, Ending::Resolved)))
        );
        assert_eq!(e[1].active_at, 300_000);

        let mut kept = AlertingRule::new(&rule(0, 2 * 60_000), 0, Dialect::default());
        let states = run(&mut kept, &[true, false, false, false, true]);
        assert_eq!(states, ["firing", "firing", "firing", "-", "firing"]);
        let t = kept.into_timeline();
        assert_eq!(t.instances[0].episodes[0].kept_since, [60_000]);
        assert_eq!(t.instances[0].episodes[0].keep_firing_since_at(120_000), Some(60_000));
    }

    #[test]
    fn a_gap_cancels_a_pending_alert() {
        let mut r = AlertingRule::new(&rule(2 * 60_000, 5 * 60_000), 0, Dialect::default());
        assert_eq!(run(&mut r, &[true, false, true]), ["pending", "-", "pending"]);
        let t = r.into_timeline();
        assert_eq!(t.instances[0].episodes[0].ended, Some((60_000, Ending::Cancelled)));
    }

    #[test]
    fn alerts_series_carry_raw_labels_and_truncated_active_at() {
        let mut rule = rule(0, 0);
        rule.labels.push(KeyValue { name: "empty".into(), value: "".into(), ..KeyValue::default() });
        let mut r = AlertingRule::new(&rule, 0, Dialect::default());
        let sample = Labels::from_pairs([("__name__", "x"), ("alertname", "fromseries")]);
        let out = r.eval(3_996, vec![(sample, 1.0)], &env(), true).unwrap();
        let shown: Vec<String> = out.iter().map(|(l, v)| format!("{l} {v}")).collect();
        assert_eq!(
            shown,
            [
                r#"ALERTS{alertname="A", alertstate="firing", severity="page"} 1"#,
                r#"ALERTS_FOR_STATE{alertname="A", severity="page"} 3"#
            ]
        );
        assert!(r.eval(60_000, vec![], &env(), false).unwrap().is_empty(), "not restored: no samples");
    }

    #[test]
    fn duplicates_and_limits_are_errors() {
        let mut r = AlertingRule::new(&rule(0, 0), 0, Dialect::default());
        let a = Labels::from_pairs([("__name__", "x"), ("job", "j")]);
        let b = Labels::from_pairs([("__name__", "y"), ("job", "j")]);
        assert_eq!(r.eval(0, vec![(a.clone(), 1.0), (b, 1.0)], &env(), true), Err(DUPLICATE_ALERT.into()));
        let mut limited = AlertingRule::new(&rule(0, 0), 1, Dialect::default());
        let c = Labels::from_pairs([("job", "k")]);
        assert_eq!(
            limited.eval(0, vec![(a, 1.0), (c, 1.0)], &env(), true),
            Err("exceeded limit of 1 with 2 alerts".into())
        );
        let t = limited.into_timeline();
        assert!(t.instances.iter().all(|i| i.episodes[0].ended == Some((0, Ending::Discarded))));
    }
}
