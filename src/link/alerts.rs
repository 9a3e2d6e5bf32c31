//! Alerting lab messages: evaluating a rule file's recording and alerting rules over a
//! dataset step by step, what the lab shows of the result (timelines, firings, documented
//! events), the alerts at a hovered instant, what-if re-evaluation of one rule, promtool
//! unit tests run in the browser, the alerting exercises, and each alert's runbook and
//! threshold justification (annotations of the alert rule file).

use serde::{Deserialize, Serialize};

use crate::engine::{Labels, Millis};
use crate::link::exercises::LabExerciseItem;
use crate::rules::alert_explain::EventCheck;
use crate::rules::alert_timeline::{AlertState, Ending, Firing};
use crate::rules::EvalOptions;

use super::rules::{Progress, Sparkline, Step};

/// Alerting lab requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum AlertsRequest {
    Start(StartAlerts),
    Step(AlertsStep),
    At(AlertsAt),
    WhatIf(WhatIf),
    Tests(RunAlertTests),
    Exercises(AlertExercises),
    Exercise(OpenAlertExercise),
    Grade(GradeAlertExercise),
    Finish(AlertsFinish),
    Docs(AlertDocs),
    SetDoc(SetAlertDoc),
}

/// The lab's rule files: the recording rules the alerts read, and the alerting rules (each
/// a plain rule file or a ConfigMap). They are evaluated together, recording rules first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleTexts {
    pub recording: String,
    pub alerting: String,
}

/// Starts evaluating `rules` over dataset `dataset`, replacing any evaluation under way.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartAlerts {
    pub dataset: String,
    pub rules: RuleTexts,
    pub options: EvalOptions,
}

call!(StartAlerts => Result<Progress, String>, Alerts(AlertsRequest::Start));

/// Runs the evaluation for a slice of time; the last step explains silent alerts and checks
/// the dataset's documented events. The evaluated series (`ALERTS` included) then become
/// what the playground's queries read.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct AlertsStep;

call!(AlertsStep => Result<Step<AlertsReport>, String>, Alerts(AlertsRequest::Step));

/// Runs what is left of the evaluation under way and finishes it (what a replay sends after
/// the start: see [`crate::link::rules::LabFinish`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct AlertsFinish;

call!(AlertsFinish => Result<Step<AlertsReport>, String>, Alerts(AlertsRequest::Finish));

/// A finished evaluation, as the lab shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsReport {
    pub dataset: String,
    pub start: Millis,
    pub end: Millis,
    pub recording_rules: usize,
    /// Recording rules that recorded nothing: (record, why).
    pub empty_records: Vec<(String, Vec<String>)>,
    /// One entry per alerting rule, in file order.
    pub rules: Vec<AlertRuleView>,
    /// The dataset's documented events and whether the alerts they are meant to fire did.
    pub events: Vec<EventCheck>,
    /// Pending and firing alerts of all rules over time.
    pub counts: Counts,
    /// Time the evaluation took (milliseconds of the page's clock).
    pub eval_ms: f64,
}

/// One alerting rule over the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRuleView {
    pub name: String,
    pub group: String,
    pub expr: String,
    pub for_: Millis,
    pub keep_firing_for: Millis,
    pub interval: Millis,
    /// The condition's comparison and its constant threshold, when it has one (`>`, 0.05).
    pub threshold: Option<(String, f64)>,
    /// True when the condition is "below the threshold" (the firings' peak is the lowest).
    pub below: bool,
    /// One row per alert label set (the first [`MAX_ROWS`] by first appearance).
    pub instances: Vec<InstanceView>,
    /// Label sets beyond [`MAX_ROWS`].
    pub more_instances: usize,
    pub firings: Vec<Firing>,
    /// The condition's left side (or the expression) over the timeline, with the series of
    /// the alerts drawn first.
    pub chart: Option<Sparkline>,
    /// Why it never fired (empty when it did).
    pub explanation: Vec<String>,
    pub error_count: usize,
    pub first_error: Option<String>,
}

/// Most alert label sets drawn per rule.
pub const MAX_ROWS: usize = 24;

/// One alert label set: its labels (the ones that tell it apart) and its spans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceView {
    pub labels: Labels,
    pub spans: Vec<SpanView>,
}

/// One alert from `active_at`: pending, then firing from `fired_at`, until `end`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanView {
    pub active_at: Millis,
    pub fired_at: Option<Millis>,
    /// None: still active when the evaluation stopped.
    pub end: Option<(Millis, Ending)>,
}

/// Alerts pending and firing at each `step` from `start`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub start: Millis,
    pub step: Millis,
    pub pending: Vec<u32>,
    pub firing: Vec<u32>,
}

/// The alerts of alerting rule `rule` (its position in the report) at `t`, as Prometheus's
/// alerts API would list them then.
#[derive(Debug, Serialize, Deserialize)]
pub struct AlertsAt {
    pub rule: usize,
    pub t: Millis,
}

call!(AlertsAt => Result<HoverView, String>, Alerts(AlertsRequest::At));

/// What the hovered instant shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HoverView {
    /// The evaluation the state comes from (the last one at or before the hovered time).
    pub eval_time: Millis,
    pub alerts: Vec<HoverAlert>,
}

/// One alert at the hovered instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HoverAlert {
    pub labels: Labels,
    pub state: AlertState,
    pub value: f64,
    pub active_at: Millis,
    pub annotations: Vec<(String, String)>,
}

/// Re-evaluates alerting rule `rule` with another threshold, `for` or `keep_firing_for`
/// over the finished evaluation's series (a preview: it writes nothing).
#[derive(Debug, Serialize, Deserialize)]
pub struct WhatIf {
    pub rule: usize,
    pub threshold: Option<f64>,
    pub for_: Option<Millis>,
    pub keep_firing_for: Option<Millis>,
}

call!(WhatIf => Result<AlertRuleView, String>, Alerts(AlertsRequest::WhatIf));

/// Runs a promtool unit-test file against the lab's rule files (any `rule_files` entry
/// naming `recording` or `alert` picks that editor's file; `*` both).
#[derive(Debug, Serialize, Deserialize)]
pub struct RunAlertTests {
    pub rules: RuleTexts,
    pub tests: String,
}

call!(RunAlertTests => Result<TestsReport, String>, Alerts(AlertsRequest::Tests));

/// The outcome of a test run, as `promplay test rules` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestsReport {
    pub passed: bool,
    pub checks: usize,
    pub checks_passed: usize,
    pub text: String,
}

/// The alerting exercises, in catalogue order.
#[derive(Debug, Serialize, Deserialize)]
pub struct AlertExercises;

call!(AlertExercises => Result<Vec<LabExerciseItem>, String>, Alerts(AlertsRequest::Exercises));

/// Alerting exercise `id`, its texts rendered (Ok(None): no such exercise).
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenAlertExercise {
    pub id: String,
}

call!(OpenAlertExercise => Result<Option<AlertExerciseView>, String>, Alerts(AlertsRequest::Exercise));

/// What the exercise page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertExerciseView {
    pub id: String,
    pub seed_ref: String,
    pub title: String,
    pub prompt_html: String,
    /// The alerting rule file the editor starts with.
    pub starter: String,
    pub hints_html: Vec<String>,
    pub explanation_html: String,
    /// The alerts graded, and the time range they are graded over.
    pub alerts: Vec<String>,
    pub start: Millis,
    pub end: Millis,
}

/// Grades `text` (an alerting rule file) for exercise `id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct GradeAlertExercise {
    pub id: String,
    pub text: String,
}

call!(GradeAlertExercise => Result<AlertFeedback, String>, Alerts(AlertsRequest::Grade));

/// The outcome of grading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertFeedback {
    pub passed: bool,
    /// Errors in the rule file (it is not evaluated when there are any).
    pub errors: Vec<String>,
    /// Per graded alert: what differs from the reference, in words.
    pub differences: Vec<String>,
    /// The learner's and the reference's firings of the graded alerts.
    pub yours: Vec<Firing>,
    pub expected: Vec<Firing>,
}

/// Each alerting rule of an alert rule file with its runbook and threshold justification, as
/// its annotations say (`runbook` or `runbook_url`; `threshold_justification` or
/// `threshold`). Empty when the file does not decode.
#[derive(Debug, Serialize, Deserialize)]
pub struct AlertDocs {
    pub text: String,
}

/// One alert's documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDocRow {
    pub alert: String,
    pub runbook: String,
    pub threshold: String,
}

call!(AlertDocs => Vec<AlertDocRow>, Alerts(AlertsRequest::Docs));

/// Which documentation field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocField {
    Runbook,
    Threshold,
}

/// Writes one field of alert `alert` into the file's annotations: the answer is the new text
/// (or why it cannot be edited so).
#[derive(Debug, Serialize, Deserialize)]
pub struct SetAlertDoc {
    pub text: String,
    pub alert: String,
    pub field: DocField,
    pub value: String,
}

call!(SetAlertDoc => Result<String, String>, Alerts(AlertsRequest::SetDoc));
