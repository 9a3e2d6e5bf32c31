//! The alerting lab in the engine module: evaluating the lab's rule files step by step, the
//! view data of the result, alerts at a hovered instant, what-if previews, promtool unit
//! tests run against the lab's rules, the alerting exercises, and each alert's runbook and
//! threshold justification.

mod docs;
mod exercises;
mod lab;
mod view;

use super::Host;
use crate::alertmanager::input::Input;
use crate::engine::Millis;
use crate::link::alerts::{
    AlertDocs, AlertExercises, AlertsAt, AlertsFinish, AlertsRequest, AlertsStep, GradeAlertExercise,
    OpenAlertExercise, RuleTexts, RunAlertTests, SetAlertDoc, StartAlerts, TestsReport, WhatIf,
};
use crate::link::answer;
use crate::rules::unittest::{render, run_file, RuleSource, RunOptions};
use crate::rules::{check, CheckOptions, RuleFile, Severity};

/// What the engine module keeps for the alerting lab between calls.
#[derive(Default)]
pub struct AlertsState {
    lab: lab::LabState,
    exercises: exercises::ExerciseState,
}

/// The alerting lab's last evaluation as an Alertmanager simulation's input, with its window.
pub(super) fn lab_alerts(host: &Host) -> Result<(Input, Millis, Millis), String> {
    lab::sent_alerts(host)
}

pub(super) fn handle(host: &mut Host, request: AlertsRequest) -> Vec<u8> {
    match request {
        AlertsRequest::Start(c) => answer::<StartAlerts>(lab::start(host, c)),
        AlertsRequest::Step(AlertsStep) => answer::<AlertsStep>(lab::step(host)),
        AlertsRequest::Finish(AlertsFinish) => answer::<AlertsFinish>(super::run_to_end(|| lab::step(host))),
        AlertsRequest::At(c) => answer::<AlertsAt>(lab::at(host, &c)),
        AlertsRequest::WhatIf(c) => answer::<WhatIf>(lab::what_if(host, &c)),
        AlertsRequest::Tests(c) => answer::<RunAlertTests>(run_tests(&c)),
        AlertsRequest::Exercises(AlertExercises) => answer::<AlertExercises>(exercises::list(host)),
        AlertsRequest::Exercise(c) => answer::<OpenAlertExercise>(exercises::open(host, &c.id)),
        AlertsRequest::Grade(c) => answer::<GradeAlertExercise>(exercises::grade(host, &c)),
        AlertsRequest::Docs(c) => answer::<AlertDocs>(docs::list(&c.text)),
        AlertsRequest::SetDoc(c) => answer::<SetAlertDoc>(docs::set(&c)),
    }
}

/// One rule file (plain or a ConfigMap), or its errors as `name:line:col: message`.
pub(super) fn load(name: &str, text: &str) -> Result<RuleFile, Vec<String>> {
    let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
    let errors: Vec<String> =
        report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.render(name)).collect();
    match report.file {
        Some(f) if errors.is_empty() => Ok(f),
        _ => Err(errors),
    }
}

/// The lab's two rule files as one: the recording rules' groups, then the alerting rules'.
fn load_texts(texts: &RuleTexts) -> Result<RuleFile, String> {
    let recording = load(RECORDING_FILE, &texts.recording);
    let alerting = load(ALERTING_FILE, &texts.alerting);
    match (recording, alerting) {
        (Ok(mut r), Ok(a)) => {
            r.groups.extend(a.groups);
            Ok(r)
        }
        (r, a) => {
            let errors: Vec<String> = r.err().into_iter().chain(a.err()).flatten().collect();
            Err(format!("The rule files have errors: fix them to evaluate the rules.\n{}", errors.join("\n")))
        }
    }
}

/// The names the lab's files go by (in messages and in a test file's `rule_files`).
pub const RECORDING_FILE: &str = "recording_rules.yml";
pub const ALERTING_FILE: &str = "alert_rules.yml";

/// A test file's `rule_files` in the browser: a name mentioning `record` is the recording
/// rules, one mentioning `alert` the alerting rules, anything else (`rules.yml`, `*.yml`)
/// both.
struct LabFiles<'a>(&'a RuleTexts);

impl RuleSource for LabFiles<'_> {
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String> {
        let recording = (RECORDING_FILE.to_string(), self.0.recording.clone());
        let alerting = (ALERTING_FILE.to_string(), self.0.alerting.clone());
        Ok(if pattern.contains("record") {
            vec![recording]
        } else if pattern.contains("alert") {
            vec![alerting]
        } else {
            vec![recording, alerting]
        })
    }
}

/// Runs a promtool unit-test file against the lab's rules, as promtool 2.42 would.
fn run_tests(c: &RunAlertTests) -> Result<TestsReport, String> {
    let outcome = run_file("tests.yml", &c.tests, &LabFiles(&c.rules), RunOptions::promtool_2());
    Ok(TestsReport {
        passed: outcome.ok(),
        checks: outcome.checks,
        checks_passed: outcome.passed,
        text: render(std::slice::from_ref(&outcome)),
    })
}
