//! The alerting exercises in the engine module: the built-in ones (read once), their texts
//! rendered, and grading, each exercise prepared on its dataset on its first grading (its
//! recording rules evaluated, the reference's firings computed) and kept.

use super::super::Host;
use crate::content::alert_exercise::{self, AlertExercise, AlertVerdict, Prepared};
use crate::content::exercise::resolve_time;
use crate::content::markdown::to_html;
use crate::link::alerts::{AlertExerciseView, AlertFeedback, GradeAlertExercise};
use crate::link::exercises::LabExerciseItem;
use crate::rules::Severity;

/// What the engine module keeps for alerting exercises.
#[derive(Default)]
pub struct ExerciseState {
    /// The built-in exercises, or why they failed to load (read on first use).
    builtin: Option<Result<Vec<AlertExercise>, String>>,
    /// Prepared exercises by id.
    prepared: Vec<(String, Prepared)>,
}

impl ExerciseState {
    fn builtin(&mut self) -> Result<&[AlertExercise], String> {
        let loaded = self.builtin.get_or_insert_with(|| alert_exercise::builtin().map_err(|e| e.to_string()));
        loaded.as_deref().map_err(Clone::clone)
    }

    fn find(&mut self, id: &str) -> Result<AlertExercise, String> {
        self.builtin()?
            .iter()
            .find(|ex| ex.id == id)
            .cloned()
            .ok_or_else(|| format!("there is no alerting exercise {id:?}"))
    }
}

/// The built-in exercises, in catalogue order.
pub fn list(host: &mut Host) -> Result<Vec<LabExerciseItem>, String> {
    let all = host.alerts.exercises.builtin()?;
    Ok(all.iter().map(|ex| LabExerciseItem::new(&ex.id, &ex.seed_ref, &ex.title)).collect())
}

/// Exercise `id` as the page shows it.
pub fn open(host: &mut Host, id: &str) -> Result<Option<AlertExerciseView>, String> {
    let Ok(ex) = host.alerts.exercises.find(id) else { return Ok(None) };
    let meta = host.datasets.meta(&ex.dataset)?;
    let (start, end) = match ex.window.as_slice() {
        [a, b] => (resolve_time(a, &meta)?, resolve_time(b, &meta)?),
        _ => (meta.start, meta.end),
    };
    Ok(Some(AlertExerciseView {
        id: ex.id.clone(),
        seed_ref: ex.seed_ref.clone(),
        title: ex.title.clone(),
        prompt_html: to_html(&ex.prompt),
        starter: ex.starter.clone(),
        hints_html: ex.hints.iter().map(|h| to_html(h)).collect(),
        explanation_html: to_html(&ex.explanation),
        alerts: ex.alerts.clone(),
        start,
        end,
    }))
}

/// Grades the learner's alerting rule file.
pub fn grade(host: &mut Host, c: &GradeAlertExercise) -> Result<AlertFeedback, String> {
    let ex = host.alerts.exercises.find(&c.id)?;
    if !host.alerts.exercises.prepared.iter().any(|(id, _)| *id == ex.id) {
        let meta = host.datasets.meta(&ex.dataset)?;
        let storage = host.datasets.storage(&ex.dataset)?;
        let prepared = alert_exercise::prepare(&ex, &meta, &storage)?;
        host.alerts.exercises.prepared.push((ex.id.clone(), prepared));
    }
    let prepared = host
        .alerts
        .exercises
        .prepared
        .iter()
        .find(|(id, _)| *id == ex.id)
        .map(|(_, p)| p)
        .ok_or("the exercise could not be prepared")?;
    let verdict = alert_exercise::grade(&ex, prepared, &c.text);
    Ok(feedback(verdict, prepared))
}

fn feedback(v: AlertVerdict, prepared: &Prepared) -> AlertFeedback {
    let errors = v
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.render("alert_rules.yml"))
        .collect();
    let mut differences: Vec<String> =
        v.missing.iter().map(|name| format!("The file has no alerting rule named `{name}`.")).collect();
    differences.extend(v.differences);
    for (name, reasons) in &v.silent {
        for r in reasons {
            differences.push(format!("{name} never fires: {r}"));
        }
    }
    AlertFeedback {
        passed: v.passed,
        errors,
        differences,
        yours: v.yours,
        expected: prepared.expected.clone(),
    }
}
