//! Rules in the engine module: rule file checks, the rules lab's evaluation and costs, rule exercises.

mod exercises;
mod lab;
pub(super) mod session;

use super::{clock, Host};
use crate::link::answer;
use crate::link::rules::{
    CheckRules, CostStep, FileSummary, GradeRuleExercise, LabFinish, LabStep, OpenRuleExercise, RuleCheck,
    RuleExercises, RulesRequest, StartCosts, StartLab,
};
use crate::rules::{check, CheckOptions, CheckReport, RuleFile, Severity};

/// What the engine module keeps for this area between calls.
#[derive(Default)]
pub struct RulesState {
    lab: lab::LabState,
    exercises: exercises::ExerciseState,
}

pub(super) fn handle(host: &mut Host, request: RulesRequest) -> Vec<u8> {
    match request {
        RulesRequest::Check(c) => answer::<CheckRules>(rule_check(&c.text)),
        RulesRequest::StartLab(c) => answer::<StartLab>(lab::start(host, c)),
        RulesRequest::LabStep(LabStep) => answer::<LabStep>(lab::step(host)),
        RulesRequest::LabFinish(LabFinish) => answer::<LabFinish>(super::run_to_end(|| lab::step(host))),
        RulesRequest::StartCosts(c) => answer::<StartCosts>(lab::start_costs(host, c)),
        RulesRequest::CostStep(CostStep) => answer::<CostStep>(lab::cost_step(host)),
        RulesRequest::Exercises(RuleExercises) => answer::<RuleExercises>(exercises::list(host)),
        RulesRequest::Exercise(c) => answer::<OpenRuleExercise>(exercises::open(host, &c.id)),
        RulesRequest::Grade(c) => answer::<GradeRuleExercise>(exercises::grade(host, c)),
    }
}

/// Checks a rule file as the lab loads it (a ConfigMap is unwrapped).
fn check_rules(text: &str) -> CheckReport {
    check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() })
}

/// The check as the pages show it: a file that decodes but has errors cannot be evaluated.
fn rule_check(text: &str) -> RuleCheck {
    let report = check_rules(text);
    let file = valid(&report).map(|f| FileSummary {
        recording_rules: f.rules().filter(|(_, r)| r.is_recording()).count(),
        groups: f.groups.len(),
    });
    RuleCheck { file, diagnostics: report.diagnostics }
}

/// The decoded rules of a report without errors.
fn valid(report: &CheckReport) -> Option<&RuleFile> {
    let failed = report.diagnostics.iter().any(|d| d.severity == Severity::Error);
    report.file.as_ref().filter(|_| !failed)
}

/// The rules of `text`, or why they cannot be evaluated.
fn valid_file(text: &str) -> Result<RuleFile, String> {
    let report = check_rules(text);
    valid(&report).cloned().ok_or_else(|| "The rule file has errors: fix them to evaluate the rules.".into())
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::ui::rules_lab::SEED_RULES;

    #[test]
    fn the_seed_configmap_checks_valid() {
        let check = roundtrip(&mut Host::new(), CheckRules { text: SEED_RULES.into() }).unwrap();
        assert_eq!(check.file, Some(FileSummary { recording_rules: 16, groups: 3 }));
        assert!(check.diagnostics.is_empty(), "{:?}", check.diagnostics);
    }

    #[test]
    fn a_broken_expression_is_placed_and_blocks_evaluation() {
        let text =
            SEED_RULES.replacen("rate(model_predictions_total[5m]))", "rate(model_predictions_total[5m])", 1);
        let check = roundtrip(&mut Host::new(), CheckRules { text }).unwrap();
        assert_eq!(check.file, None);
        let d = check.diagnostics.first().expect("a diagnostic");
        assert_eq!((d.severity, d.line), (Severity::Error, 16));
        assert!(d.message.contains("could not parse expression"), "{}", d.message);
    }

    #[test]
    fn only_rule_files_get_a_summary() {
        // An empty file is a valid one without rules, as for promtool.
        for (text, valid) in [("", true), ("just: [text", false), ("\u{0}\u{ffff}", false)] {
            let check = roundtrip(&mut Host::new(), CheckRules { text: text.into() }).unwrap();
            assert_eq!(check.file.is_some(), valid, "{text:?}: {check:?}");
        }
    }
}
