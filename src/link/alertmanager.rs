//! Alertmanager lab messages: checking an `alertmanager.yml` (and drawing its routing tree),
//! testing a label set like `amtool config routes test`, simulating the notifications of an
//! alert timeline with and without inhibition (step by step, like the rules lab), opening one
//! notification, and the Alertmanager exercises.

use serde::{Deserialize, Serialize};

use crate::engine::{Labels, Millis};
use crate::link::exercises::LabExerciseItem;
use crate::link::rules::{Progress, Step};

/// Alertmanager lab requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum AlertmanagerRequest {
    Check(CheckConfig),
    TestRoute(TestRoute),
    Start(StartSimulation),
    Step(SimulationStep),
    Notification(OpenNotification),
    Exercises(AmExercises),
    Exercise(OpenAmExercise),
    Grade(GradeAmExercise),
}

/// Checks a configuration (plain or in a ConfigMap) as Alertmanager 0.25 loads it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckConfig {
    pub text: String,
}

call!(CheckConfig => ConfigCheck, Alertmanager(AlertmanagerRequest::Check));

/// A problem in the configuration, at its place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigProblem {
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// A warning: Alertmanager refuses the file, but the lab can go on (a placeholder URL).
    pub warning: bool,
}

/// What checking found, and the configuration as the lab shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigCheck {
    /// `amtool check-config`'s output for the file.
    pub amtool: String,
    /// Whether Alertmanager 0.25 loads the file as it is.
    pub loads: bool,
    pub problems: Vec<ConfigProblem>,
    /// The configuration, when the lab can use it (also with placeholders only).
    pub config: Option<ConfigView>,
}

/// A loaded configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigView {
    pub tree: Vec<RouteNodeView>,
    pub receivers: Vec<ReceiverView>,
    pub inhibit_rules: Vec<InhibitRuleView>,
    pub resolve_timeout: Millis,
    /// The ConfigMap data key the configuration was read from.
    pub configmap_key: Option<String>,
}

/// One node of the routing tree (depth-first order; the root first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteNodeView {
    pub id: usize,
    pub parent: Option<usize>,
    pub depth: usize,
    /// `{severity="critical"}`, or `default-route` for a node without matchers.
    pub matchers: String,
    pub receiver: String,
    pub continue_: bool,
    /// `alertname, model`, `...` (all labels) or empty (one group for everything).
    pub group_by: String,
    pub group_wait: Millis,
    pub group_interval: Millis,
    pub repeat_interval: Millis,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    pub line: usize,
}

/// A receiver: its name and the kinds of its integrations (never their settings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceiverView {
    pub name: String,
    /// `slack`, `pagerduty` ... one per integration.
    pub integrations: Vec<String>,
    pub line: usize,
}

/// An inhibit rule in matcher notation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InhibitRuleView {
    pub source: String,
    pub target: String,
    pub equal: Vec<String>,
    pub line: usize,
}

/// Routes a label set (`alertname=X severity=critical ...`, as amtool takes them).
#[derive(Debug, Serialize, Deserialize)]
pub struct TestRoute {
    pub config: String,
    pub labels: String,
}

call!(TestRoute => RouteTest, Alertmanager(AlertmanagerRequest::TestRoute));

/// The answer to a route test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteTest {
    /// What `amtool config routes test --tree` prints (or its error).
    pub output: String,
    pub error: bool,
    pub receivers: Vec<String>,
    /// The nodes the labels pass through, each with whether it is a final (matched) one.
    pub path: Vec<(usize, bool)>,
    /// The aggregation group key on each matched node.
    pub group_keys: Vec<String>,
}

/// Where the simulated alerts come from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum AlertSource {
    /// A timeline written as YAML (see `alertmanager::timeline`).
    Timeline(String),
    /// What the alerting lab's last evaluated rule file sent (the firing and resolved alerts
    /// of its rules, as Prometheus POSTs them with the default 1m resend delay), over the
    /// lab's dataset and window.
    AlertingLab,
}

/// Starts simulating `config` over dataset `dataset`'s time range with the alerts of `alerts`,
/// with and without inhibition.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartSimulation {
    pub config: String,
    pub alerts: AlertSource,
    pub dataset: String,
}

call!(StartSimulation => Result<Progress, String>, Alertmanager(AlertmanagerRequest::Start));

/// Advances the simulation; finishes with the report.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct SimulationStep;

call!(SimulationStep => Result<Step<SimulationReport>, String>, Alertmanager(AlertmanagerRequest::Step));

/// A finished simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    pub start: Millis,
    pub end: Millis,
    /// Every receiver of the configuration, in file order.
    pub receivers: Vec<String>,
    pub with_inhibition: RunView,
    pub without_inhibition: RunView,
    /// The alerts of the timeline and the routes they took.
    pub alerts: Vec<AlertRoute>,
    /// POSTs and alerts sent to Alertmanager.
    pub posts: usize,
    pub warnings: Vec<String>,
}

/// One run's notification log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub notifications: Vec<NotificationRow>,
    /// Notifications per receiver, in the report's receiver order.
    pub per_receiver: Vec<usize>,
    pub groups: usize,
    /// Flushes that sent nothing for a reason other than "nothing new": (reason, count).
    pub quiet: Vec<(String, usize)>,
}

/// A notification in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub at: Millis,
    pub receiver: String,
    /// `slack`, `webhook #2` ...
    pub integration: String,
    pub group_key: String,
    pub group_labels: Labels,
    pub status: String,
    pub firing: usize,
    pub resolved: usize,
    pub reason: String,
    /// The alert names in it, comma-separated.
    pub alertnames: String,
    /// Alerts of the group that inhibition kept out of it.
    pub inhibited: usize,
}

/// An alert of the timeline and where routing sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRoute {
    pub labels: Labels,
    pub receivers: Vec<String>,
    pub path: Vec<(usize, bool)>,
    /// When it fires: (from, to), offsets resolved to times.
    pub firing: Vec<(Millis, Option<Millis>)>,
}

/// Opens notification `index` of the last simulation's run with (or without) inhibition.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenNotification {
    pub inhibition: bool,
    pub index: usize,
}

call!(OpenNotification => Result<NotificationView, String>, Alertmanager(AlertmanagerRequest::Notification));

/// One notification in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub row: NotificationRow,
    pub alerts: Vec<NotifiedAlertView>,
    /// The integration's texts, rendered (`title`, `text` for Slack): (field, text, failed).
    pub texts: Vec<(String, String, bool)>,
    /// The body a webhook would receive, pretty-printed.
    pub webhook_json: String,
    /// (inhibited alert, the source that inhibited it).
    pub inhibited: Vec<(Labels, Labels)>,
}

/// An alert in a notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotifiedAlertView {
    pub labels: Labels,
    pub annotations: Vec<(String, String)>,
    pub status: String,
    pub starts_at: Millis,
    pub ends_at: Option<Millis>,
}

/// The Alertmanager exercises, in catalogue order (Err: why they failed to load).
#[derive(Debug, Serialize, Deserialize)]
pub struct AmExercises;

call!(AmExercises => Result<Vec<LabExerciseItem>, String>, Alertmanager(AlertmanagerRequest::Exercises));

/// Exercise `id` (Ok(None): there is none).
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenAmExercise {
    pub id: String,
}

call!(OpenAmExercise => Result<Option<AmExerciseView>, String>, Alertmanager(AlertmanagerRequest::Exercise));

/// What the exercise page shows (Markdown rendered).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AmExerciseView {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    pub prompt_html: String,
    /// What the answer box starts with, and what kind of answer it is.
    pub starter: String,
    pub answer_kind: String,
    pub hints_html: Vec<String>,
    pub explanation_html: String,
}

/// Grades an answer to exercise `id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeAmExercise {
    pub id: String,
    pub answer: String,
}

call!(GradeAmExercise => Result<AmFeedback, String>, Alertmanager(AlertmanagerRequest::Grade));

/// The outcome of grading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AmFeedback {
    pub passed: bool,
    /// What was checked and found, one line each.
    pub findings: Vec<String>,
}
