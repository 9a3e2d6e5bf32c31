//! Rule-writing exercises in the engine module: the built-in ones (read from their YAML once),
//! their texts rendered, and grading, with each exercise's reference output computed on its
//! first grading and kept.

use super::Host;
use crate::content::grade::feedback::point_items;
use crate::content::grade::overlay::overlay;
use crate::content::markdown::to_html;
use crate::content::rule_exercise::{self, Prepared, RecordPoint, RuleExercise, RuleVerdict};
use crate::content::time::format_instant;
use crate::link::exercises::LabExerciseItem;
use crate::link::exercises::OverlayChart;
use crate::link::rules::{GradeRuleExercise, PointFailure, RuleExerciseView, RuleFeedback};
use crate::rules::Severity;

/// What the engine module keeps for rule exercises.
#[derive(Default)]
pub struct ExerciseState {
    /// The built-in exercises, or why they failed to load (read on first use).
    builtin: Option<Result<Vec<RuleExercise>, String>>,
    /// The reference's output per exercise id and dataset id.
    prepared: Vec<(String, String, Prepared)>,
}

impl ExerciseState {
    fn builtin(&mut self) -> Result<&[RuleExercise], String> {
        let loaded = self.builtin.get_or_insert_with(|| rule_exercise::builtin().map_err(|e| e.to_string()));
        loaded.as_deref().map_err(Clone::clone)
    }
}

/// The built-in exercises, in catalogue order.
pub fn list(host: &mut Host) -> Result<Vec<LabExerciseItem>, String> {
    let all = host.rules.exercises.builtin()?;
    Ok(all.iter().map(|ex| LabExerciseItem::new(&ex.id, &ex.seed_ref, &ex.title)).collect())
}

/// Exercise `id` as the page shows it.
pub fn open(host: &mut Host, id: &str) -> Result<Option<RuleExerciseView>, String> {
    let all = host.rules.exercises.builtin()?;
    Ok(all.iter().find(|ex| ex.id == id).map(|ex| RuleExerciseView {
        id: ex.id.clone(),
        seed_ref: ex.seed_ref.clone(),
        title: ex.title.clone(),
        prompt_html: to_html(&ex.prompt),
        starter: ex.starter.clone(),
        hints_html: ex.hints.iter().map(|h| to_html(h)).collect(),
        explanation_html: to_html(&ex.explanation),
        check: ex.check.clone(),
        instants: ex.at.len(),
    }))
}

/// Grades the learner's rule file.
pub fn grade(host: &mut Host, c: GradeRuleExercise) -> Result<RuleFeedback, String> {
    let ex = host
        .rules
        .exercises
        .builtin()?
        .iter()
        .find(|ex| ex.id == c.id)
        .cloned()
        .ok_or_else(|| format!("there is no rule exercise {:?}", c.id))?;
    let storage = host.datasets.storage(&c.dataset)?;
    let state = &mut host.rules.exercises;
    let at = state.prepared.iter().position(|(id, ds, _)| *id == c.id && *ds == c.dataset);
    let at = match at {
        Some(i) => i,
        None => {
            let meta = host.datasets.meta(&c.dataset)?;
            let prepared = rule_exercise::prepare(&ex, &meta, &storage)?;
            state.prepared.push((c.id.clone(), c.dataset.clone(), prepared));
            state.prepared.len() - 1
        }
    };
    let verdict = rule_exercise::grade(&ex, &state.prepared[at].2, &storage, &c.text);
    Ok(feedback(verdict))
}

/// The verdict as the page words it.
fn feedback(v: RuleVerdict) -> RuleFeedback {
    let chart = v.overlay.as_ref().and_then(|(record, range, expected, actual)| {
        Some((record.clone(), OverlayChart { range: *range, series: overlay(expected, actual)? }))
    });
    RuleFeedback {
        passed: v.passed,
        errors: v.diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        missing_records: v.missing_records.clone(),
        failures: v.points.iter().filter(|p| !p.passed()).map(failure).collect(),
        details_html: details(&v).iter().map(|d| to_html(d)).collect(),
        empty: v.empty,
        chart,
    }
}

/// What differs, per record: why it recorded nothing, else how it differs at the first
/// instant it does (which series, expected vs. recorded) and at how many other instants.
fn details(v: &RuleVerdict) -> Vec<String> {
    let mut out = Vec::new();
    for (record, reasons) in &v.empty {
        out.extend(reasons.iter().map(|r| format!("`{record}` recorded nothing: {r}")));
    }
    let mut seen: Vec<&str> = v.empty.iter().map(|(r, _)| r.as_str()).collect();
    for p in v.points.iter().filter(|p| !p.passed()) {
        if seen.contains(&p.record.as_str()) {
            continue;
        }
        seen.push(&p.record);
        let at = format!("{} for `{}`", format_instant(p.t), p.record);
        out.extend(point_items(&p.expected, &p.actual, &p.diff, &at, false));
        let others = v.points.iter().filter(|o| o.record == p.record && o.t != p.t && !o.passed()).count();
        if others > 0 {
            let instants = if others == 1 { "instant" } else { "instants" };
            out.push(format!("`{}` also differs at {others} other {instants}.", p.record));
        }
    }
    out
}

fn failure(p: &RecordPoint) -> PointFailure {
    let d = &p.diff;
    PointFailure {
        record: p.record.clone(),
        t: p.t,
        missing: d.missing.len(),
        extra: d.extra.len(),
        wrong_values: d.wrong_value_count,
        type_mismatch: d.type_mismatch.map(|(e, a)| (e.to_string(), a.to_string())),
        first_missing: d.missing.first().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::roundtrip;
    use super::*;
    use crate::link::rules::{OpenRuleExercise, RuleExercises};

    #[test]
    fn the_builtin_exercises_are_listed_and_rendered() {
        let mut host = Host::new();
        let list = roundtrip(&mut host, RuleExercises).unwrap().unwrap();
        assert_eq!(list.len(), rule_exercise::BUILTIN.len());
        let first = &list[0];
        let view = roundtrip(&mut host, OpenRuleExercise { id: first.id.clone() }).unwrap().unwrap().unwrap();
        assert_eq!((&view.id, &view.title, &view.seed_ref), (&first.id, &first.title, &first.seed_ref));
        assert!(view.prompt_html.starts_with('<') && !view.hints_html.is_empty() && view.instants >= 2);
        assert!(!view.starter.is_empty() && !view.check.is_empty());
        assert_eq!(roundtrip(&mut host, OpenRuleExercise { id: "nope".into() }).unwrap(), Ok(None));
    }

    #[test]
    fn grading_explains_the_efficiency_bug_then_accepts_the_fix() {
        let mut host = Host::new();
        let id = "rules-3-1-efficiency-bug";
        let ex = rule_exercise::builtin().unwrap().into_iter().find(|e| e.id == id).unwrap();
        let grade = |text: &str| GradeRuleExercise {
            id: id.into(),
            dataset: "ml-platform".into(),
            text: text.into(),
        };

        let starter = roundtrip(&mut host, grade(&ex.starter)).unwrap().unwrap();
        assert!(!starter.passed && starter.errors == 0 && starter.missing_records.is_empty());
        assert!(!starter.failures.is_empty(), "{starter:?}");
        let reasons: Vec<&String> = starter.empty.iter().flat_map(|(_, r)| r).collect();
        assert!(reasons.iter().any(|r| r.contains("version")), "{reasons:?}");
        let details = starter.details_html.join("\n");
        assert!(details.contains("recorded nothing: "), "{details}");

        let right = roundtrip(&mut host, grade(&ex.reference)).unwrap().unwrap();
        assert!(right.passed && right.failures.is_empty(), "{right:?}");
        assert_eq!(host.rules.exercises.prepared.len(), 1, "the reference output is kept");

        let broken = roundtrip(&mut host, grade("groups: [")).unwrap().unwrap();
        assert!(!broken.passed && broken.errors > 0);
    }

    #[test]
    fn wrong_values_name_the_series_expected_vs_recorded_with_the_overlay() {
        let mut host = Host::new();
        let id = "rules-3-1-request-rates";
        let ex = rule_exercise::builtin().unwrap().into_iter().find(|e| e.id == id).unwrap();
        // Twice the reference's values: every series is there, every value differs.
        let doubled = ex.reference.replace("expr: ", "expr: 2 * ");
        let c = GradeRuleExercise { id: id.into(), dataset: "ml-platform".into(), text: doubled };
        let v = roundtrip(&mut host, c).unwrap().unwrap();
        assert!(!v.passed && v.errors == 0, "{v:?}");
        let first = &v.details_html[0];
        assert!(first.contains(" values differ: <code>{model="), "{first}");
        assert!(first.contains(" (expected "), "{first}");
        let (record, chart) = v.chart.expect("an overlay");
        assert!(ex.check.contains(&record));
        assert!(
            !chart.series.expected.is_empty() && chart.series.expected.len() == chart.series.actual.len()
        );
        assert_eq!(chart.range.end - chart.range.start, rule_exercise::LEAD);
    }

    #[test]
    fn grading_an_unknown_exercise_or_dataset_is_an_error() {
        let mut host = Host::new();
        let c = GradeRuleExercise { id: "nope".into(), dataset: "ml-platform".into(), text: String::new() };
        assert_eq!(roundtrip(&mut host, c).unwrap(), Err("there is no rule exercise \"nope\"".into()));
        let c = GradeRuleExercise {
            id: "rules-3-1-request-rates".into(),
            dataset: "nope".into(),
            text: String::new(),
        };
        assert_eq!(roundtrip(&mut host, c).unwrap(), Err("there is no dataset \"nope\"".into()));
    }
}
