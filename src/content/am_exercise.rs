//! Alertmanager exercises (seed TODO 4.2): the learner answers with receivers, a label set,
//! inhibit rules or a `group_by`, and the answer is graded by what Alertmanager would do with
//! it, never by comparing text: routing the exercise's labels, asking the inhibitor, or
//! simulating the notification log of an alert timeline with the answer put into the seed's
//! configuration.
//!
//! ```yaml
//! id: am-route-critical
//! seed_ref: TODO 4.2 · routes
//! title: ...
//! prompt: |            # Markdown
//! answer: receivers    # receivers | labels | inhibit_rules | group_by
//! starter: ""          # what the answer box starts with
//! check:               # what the answer must achieve (per kind, see `Check`)
//!   labels: {alertname: ModelCriticalErrorRate, severity: critical}
//! reference: pagerduty # a correct answer (the test suite proves it passes)
//! rejects: [...]       # wrong answers (the test suite proves each fails)
//! hints: [...]
//! explanation: |
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::ContentError;
use super::field_check::FieldCheck;
use super::yaml::{self, Seg};
use crate::alertmanager::alert::Alert;
use crate::alertmanager::config::{load_with_placeholders, Config};
use crate::alertmanager::inhibit::Inhibitor;
use crate::alertmanager::matcher::parse_labels;
use crate::alertmanager::outcome::Outcome;
use crate::alertmanager::simulate::{Options, Simulation};
use crate::alertmanager::timeline::{self, sends, Timeline};
use crate::alertmanager::RouteTree;
use crate::engine::{Labels, Millis};
use crate::rules::duration;

/// The seed's Alertmanager ConfigMap (TODO 4.2), as the seed writes it.
pub const SEED_CONFIG: &str = include_str!("../../tests/alertmanager/seed_alertmanager.configmap.yaml");
/// The seed's alert rules on the ml-platform dataset, as an alert timeline.
pub const SAMPLE_TIMELINE: &str = include_str!("../../tests/alertmanager/sample_alert_timeline.yaml");

/// The span every exercise timeline is simulated over: the dataset's 48 hours.
const SPAN: Millis = 48 * 3_600_000;
/// The instant offsets count from (the built-in dataset's start).
const START: Millis = crate::content::time::DEFAULT_START;

/// What the learner answers with.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Receivers, comma-separated, as `amtool config routes test` prints them.
    Receivers,
    /// A label set, `name=value` words, as amtool takes them.
    Labels,
    /// The `inhibit_rules:` list (YAML) that replaces the seed's.
    InhibitRules,
    /// The root route's `group_by` (a YAML list) that replaces the seed's.
    GroupBy,
}

impl AnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Receivers => "receivers",
            AnswerKind::Labels => "labels",
            AnswerKind::InhibitRules => "inhibit_rules",
            AnswerKind::GroupBy => "group_by",
        }
    }
}

/// How many notifications of a kind the log must hold.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Only notifications to this receiver (any when absent).
    pub receiver: Option<String>,
    /// Only notifications with a firing alert carrying these labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Only notifications in this window (offsets from the dataset's start).
    pub during: Option<[String; 2]>,
    /// Only notifications whose alerts carry more than one value of this label.
    pub mixing: Option<String>,
    pub min: Option<usize>,
    pub max: Option<usize>,
}

/// What the answer must achieve.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// `receivers`: the labels routed.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `labels`: the answer must be an alert this firing source inhibits.
    #[serde(default)]
    pub inhibited_by: BTreeMap<String, String>,
    /// `inhibit_rules`, `group_by`: the timeline simulated (`sample` or a timeline's YAML).
    pub timeline: Option<String>,
    /// What the notification log must hold.
    #[serde(default)]
    pub expect: Vec<Expect>,
}

/// An exercise file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AmExercise {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    pub prompt: String,
    pub answer: AnswerKind,
    #[serde(default)]
    pub starter: String,
    pub check: Check,
    pub reference: String,
    #[serde(default)]
    pub rejects: Vec<String>,
    pub hints: Vec<String>,
    pub explanation: String,
}

/// The built-in Alertmanager exercises, in catalogue order.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "am-4-2-critical-receivers.yaml",
        include_str!("../../exercises/alertmanager/am-4-2-critical-receivers.yaml"),
    ),
    (
        "am-4-2-inhibit-model-down.yaml",
        include_str!("../../exercises/alertmanager/am-4-2-inhibit-model-down.yaml"),
    ),
    (
        "am-4-2-equal-missing-labels.yaml",
        include_str!("../../exercises/alertmanager/am-4-2-equal-missing-labels.yaml"),
    ),
    (
        "am-4-2-group-fraud-incident.yaml",
        include_str!("../../exercises/alertmanager/am-4-2-group-fraud-incident.yaml"),
    ),
];

/// Loads every built-in exercise.
pub fn builtin() -> Result<Vec<AmExercise>, ContentError> {
    ContentError::collect(BUILTIN.iter().map(|(file, text)| AmExercise::load(file, text)))
}

/// The outcome of grading: passed, and what was found (one line each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    pub findings: Vec<String>,
}

impl Verdict {
    fn fail(message: impl Into<String>) -> Verdict {
        Verdict { passed: false, findings: vec![message.into()] }
    }
}

impl AmExercise {
    /// Parses and validates an exercise file.
    pub fn load(file: &str, text: &str) -> Result<AmExercise, ContentError> {
        let ex: AmExercise = yaml::parse(file, text).map_err(|p| ContentError { problems: vec![p] })?;
        let mut fields = FieldCheck::new(file, text);
        fields.ids(&[("id", &ex.id)]);
        fields.not_empty(&[("seed_ref", &ex.seed_ref), ("title", &ex.title), ("prompt", &ex.prompt)]);
        fields.hints(&ex.hints);
        let needs = match ex.answer {
            AnswerKind::Receivers if ex.check.labels.is_empty() => Some("check.labels"),
            AnswerKind::Labels if ex.check.inhibited_by.is_empty() => Some("check.inhibited_by"),
            AnswerKind::InhibitRules | AnswerKind::GroupBy if ex.check.expect.is_empty() => {
                Some("check.expect")
            }
            _ => None,
        };
        if let Some(field) = needs {
            fields.bad(&[Seg::Key("check")], format!("a `{}` exercise needs {field}", ex.answer.as_str()));
        }
        if let Some(Err(e)) = ex.check.timeline.as_deref().map(load_timeline) {
            fields.bad(&[Seg::Key("check"), Seg::Key("timeline")], e);
        }
        for (i, expect) in ex.check.expect.iter().enumerate() {
            if let Some(Err(e)) = expect.during.as_ref().map(window) {
                fields.bad(&[Seg::Key("check"), Seg::Key("expect"), Seg::Index(i)], e);
            }
        }
        fields.finish(ex)
    }

    /// Grades an answer.
    pub fn grade(&self, answer: &str) -> Verdict {
        match self.answer {
            AnswerKind::Receivers => grade_receivers(&self.check, answer),
            AnswerKind::Labels => grade_inhibited(&self.check, answer),
            AnswerKind::InhibitRules => match with_inhibit_rules(answer) {
                Ok(config) => grade_log(&self.check, &config),
                Err(e) => Verdict::fail(e),
            },
            AnswerKind::GroupBy => match with_group_by(answer) {
                Ok(config) => grade_log(&self.check, &config),
                Err(e) => Verdict::fail(e),
            },
        }
    }
}

fn seed() -> Result<Config, String> {
    load_with_placeholders(SEED_CONFIG).1.map_err(|e| e.message())
}

fn labels(map: &BTreeMap<String, String>) -> Labels {
    Labels::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn grade_receivers(check: &Check, answer: &str) -> Verdict {
    let Ok(config) = seed() else { return Verdict::fail("the seed's configuration does not load") };
    let want = RouteTree::new(&config.route).receivers(&labels(&check.labels));
    let got: Vec<String> =
        answer.split([',', ' ', '\n']).filter(|s| !s.is_empty()).map(str::to_string).collect();
    if got == want {
        return Verdict {
            passed: true,
            findings: vec![format!("Alertmanager routes these labels to {}.", want.join(","))],
        };
    }
    let mut findings =
        vec![format!("Your answer: {}.", if got.is_empty() { "(nothing)".into() } else { got.join(",") })];
    if got.len() != want.len() {
        findings.push(format!(
            "Alertmanager notifies {} receiver{}, not {}.",
            want.len(),
            if want.len() == 1 { "" } else { "s" },
            got.len()
        ));
    }
    for r in &got {
        if config.receiver(r).is_none() {
            findings.push(format!("There is no receiver {r:?} in the configuration."));
        }
    }
    Verdict { passed: false, findings }
}

fn grade_inhibited(check: &Check, answer: &str) -> Verdict {
    let Ok(config) = seed() else { return Verdict::fail("the seed's configuration does not load") };
    let words: Vec<String> = answer.split_whitespace().map(str::to_string).collect();
    let target = match parse_labels(&words) {
        Ok(l) if !l.is_empty() => l,
        Ok(_) => return Verdict::fail("Give the labels of an alert: name=value words."),
        Err(e) => return Verdict::fail(format!("These are not labels: {e}")),
    };
    let source = labels(&check.inhibited_by);
    let mut inhibitor = Inhibitor::new(&config.inhibit_rules);
    let firing = |labels: Labels| Alert {
        labels,
        annotations: BTreeMap::new(),
        starts_at: 0,
        ends_at: Millis::MAX,
        timeout: false,
        updated_at: 0,
        generator_url: String::new(),
    };
    inhibitor.observe(&firing(source.clone()));
    match inhibitor.mutes(&target, 1) {
        Some(by) => Verdict {
            passed: true,
            findings: vec![format!("While {source} fires, inhibit rule {} mutes {target}.", by.rule + 1)],
        },
        None => Verdict {
            passed: false,
            findings: vec![format!("While {source} fires, no inhibit rule of the seed mutes {target}.")],
        },
    }
}

/// The seed's configuration with its `inhibit_rules:` replaced by `answer`.
pub fn with_inhibit_rules(answer: &str) -> Result<Config, String> {
    let mut config = seed()?;
    let text = format!(
        "route:\n  receiver: default\nreceivers:\n- name: default\ninhibit_rules:\n{}\n",
        indent(answer)
    );
    let parsed = load_with_placeholders(&text)
        .1
        .map_err(|e| format!("Your inhibit rules do not load: {}", e.message()))?;
    config.inhibit_rules = parsed.inhibit_rules;
    Ok(config)
}

/// The seed's configuration with its root route's `group_by` replaced by `answer`.
pub fn with_group_by(answer: &str) -> Result<Config, String> {
    let mut config = seed()?;
    let text =
        format!("route:\n  receiver: default\n  group_by: {}\nreceivers:\n- name: default\n", answer.trim());
    let parsed = load_with_placeholders(&text)
        .1
        .map_err(|e| format!("This group_by does not load: {}", e.message()))?;
    config.route.group_by = parsed.route.group_by;
    config.route.group_by_all = parsed.route.group_by_all;
    Ok(config)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// The built-in alert timelines: (name, title, YAML).
pub const TIMELINES: &[(&str, &str, &str)] = &[
    ("sample", "The seed's alert rules on the dataset (48 h)", SAMPLE_TIMELINE),
    (
        "model-down-drill",
        "Drill: fraud-detector v2 stops serving (10h to 11h)",
        include_str!("../../exercises/alertmanager/model-down-drill.yaml"),
    ),
    (
        "feature-store-drill",
        "Drill: a feature-store outage hits three models (9h)",
        include_str!("../../exercises/alertmanager/feature-store-drill.yaml"),
    ),
];

fn load_timeline(name: &str) -> Result<Timeline, String> {
    let Some((_, _, text)) = TIMELINES.iter().find(|(n, _, _)| *n == name) else {
        let names: Vec<&str> = TIMELINES.iter().map(|(n, _, _)| *n).collect();
        return Err(format!("unknown timeline {name:?} ({})", names.join(", ")));
    };
    timeline::parse(name, text).map_err(|e| e.to_string())
}

fn window(during: &[String; 2]) -> Result<(Millis, Millis), String> {
    let from = duration::parse(&during[0]).map_err(|e| format!("during: {e}"))?;
    let to = duration::parse(&during[1]).map_err(|e| format!("during: {e}"))?;
    Ok((START + from, START + to))
}

/// Simulates the exercise's timeline on `config` (with inhibition).
pub fn simulate(check: &Check, config: &Config) -> Result<Outcome, String> {
    let timeline = load_timeline(check.timeline.as_deref().unwrap_or("sample"))?;
    let options = Options { start: START, end: START + SPAN, inhibition: true, reloads: Vec::new() };
    Ok(Simulation::run(config, sends(&timeline, START, START + SPAN), options))
}

/// The notifications `expect` counts.
pub fn count(outcome: &Outcome, expect: &Expect) -> usize {
    let want = labels(&expect.labels);
    let span = expect.during.as_ref().and_then(|d| window(d).ok());
    outcome
        .notifications
        .iter()
        .filter(|n| expect.receiver.as_ref().is_none_or(|r| *r == n.receiver))
        .filter(|n| span.is_none_or(|(from, to)| n.at >= from && n.at <= to))
        .filter(|n| {
            n.alerts.iter().any(|a| a.firing() && want.iter().all(|(k, v)| a.labels.get(k) == Some(v)))
        })
        .filter(|n| {
            expect.mixing.as_ref().is_none_or(|label| {
                let first = n.alerts.first().map(|a| a.labels.get_or_empty(label));
                n.alerts.iter().any(|a| Some(a.labels.get_or_empty(label)) != first)
            })
        })
        .count()
}

fn describe(expect: &Expect) -> String {
    let who = expect.receiver.as_deref().unwrap_or("all receivers");
    let what = if expect.labels.is_empty() {
        String::new()
    } else {
        let pairs: Vec<String> = expect.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(" about {{{}}}", pairs.join(", "))
    };
    let when = expect.during.as_ref().map_or(String::new(), |d| format!(" between {} and {}", d[0], d[1]));
    let mixing = expect.mixing.as_ref().map_or(String::new(), |l| format!(" mixing several `{l}` values"));
    format!("notifications to {who}{what}{when}{mixing}")
}

fn grade_log(check: &Check, config: &Config) -> Verdict {
    let outcome = match simulate(check, config) {
        Ok(o) => o,
        Err(e) => return Verdict::fail(e),
    };
    let mut passed = true;
    let mut findings = Vec::new();
    for expect in &check.expect {
        let n = count(&outcome, expect);
        let ok = expect.min.is_none_or(|m| n >= m) && expect.max.is_none_or(|m| n <= m);
        let bound = match (expect.min, expect.max) {
            (Some(a), Some(b)) if a == b => format!("exactly {a}"),
            (Some(a), Some(b)) => format!("{a} to {b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => "any number".into(),
        };
        findings.push(format!(
            "{} {}: {n} (expected {bound}).",
            if ok { "\u{2713}" } else { "\u{2717}" },
            describe(expect)
        ));
        passed &= ok;
    }
    Verdict { passed, findings }
}
