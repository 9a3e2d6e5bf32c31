//! Every built-in exercise of every lab (plus the query exercises of packs an instructor
//! adds) as one list of gradable items, and one grader that
//! grades an answer of any kind with the same code the site's labs use (content's `prepare`
//! and `grade` per lab), preparing each dataset once.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::content::exercise::{prepare, prepare_shared, Exercise};
use crate::content::grade::feedback::describe;
use crate::content::grade::grade as grade_query;
use crate::content::grade::overlay::{chart_range, overlay, Overlay};
use crate::content::grade::{Plan, RangeParams};
use crate::content::loader::LoadedPack;
use crate::content::{
    alert_exercise, am_exercise, builtin::builtin_dataset, exercise_pack, relabel_exercise, rule_exercise,
    Dataset, DatasetMeta,
};
use crate::engine::{self, EngineOptions, QueryStats, Storage};
use crate::rules::check::Severity;

use super::model::AnswerKind;
use super::rubric::{required, section_of, Section};

/// The pack id of each lab's built-in exercises (what `answers.json` names as `pack`).
pub fn builtin_pack_id(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Query => "builtin-exercises",
        AnswerKind::Rules => "builtin-rules-lab",
        AnswerKind::Alerts => "builtin-alerting-lab",
        AnswerKind::Alertmanager => "builtin-alertmanager-lab",
        AnswerKind::Relabel => "builtin-relabel-lab",
    }
}

/// One exercise as the rubric and the deliverables see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    pub kind: AnswerKind,
    pub pack: String,
    /// A digest of the exercise's content: answers written for another version say so.
    pub version: String,
    pub seed_ref: String,
    pub title: String,
    /// The task (Markdown).
    pub prompt: String,
    /// The explanation shown once solved (Markdown).
    pub explanation: String,
    /// The reference answer.
    pub reference: String,
    /// Recorded-rule alternatives the exercise names: `(record, expr)`.
    pub recorded: Vec<(String, String)>,
}

impl Item {
    pub fn section(&self) -> Option<Section> {
        section_of(&self.seed_ref)
    }

    pub fn required(&self) -> bool {
        required(&self.seed_ref)
    }
}

/// The first 12 hex digits of the MD5 of an exercise's full description.
fn digest(described: &str) -> String {
    format!("{:x}", md5::compute(described.as_bytes())).chars().take(12).collect()
}

/// The built-in exercises of every lab, by lab then catalogue order.
pub struct Catalogue {
    pub items: Vec<Item>,
    queries: Vec<Exercise>,
    rules: Vec<rule_exercise::RuleExercise>,
    alerts: Vec<alert_exercise::AlertExercise>,
    alertmanager: Vec<am_exercise::AmExercise>,
    relabel: Vec<relabel_exercise::RelabelExercise>,
    /// The pack of each query exercise a loaded pack added, by exercise id.
    pack_of: HashMap<String, String>,
    /// The datasets of the loaded packs, by `pack/dataset`.
    pack_datasets: HashMap<String, Dataset>,
}

macro_rules! item {
    ($kind:expr, $ex:expr, $explanation:expr, $reference:expr, $recorded:expr) => {
        Item {
            id: $ex.id.clone(),
            kind: $kind,
            pack: builtin_pack_id($kind).to_string(),
            version: digest(&format!("{:?}", $ex)),
            seed_ref: $ex.seed_ref.clone(),
            title: $ex.title.clone(),
            prompt: $ex.prompt.clone(),
            explanation: $explanation,
            reference: $reference,
            recorded: $recorded,
        }
    };
}

impl Catalogue {
    /// Loads every built-in exercise.
    pub fn builtin() -> Result<Catalogue, String> {
        let e = |e: crate::content::error::ContentError| e.to_string();
        let queries = exercise_pack::builtin_exercises().map_err(e)?;
        let rules = rule_exercise::builtin().map_err(e)?;
        let alerts = alert_exercise::builtin().map_err(e)?;
        let alertmanager = am_exercise::builtin().map_err(e)?;
        let relabel = relabel_exercise::builtin().map_err(e)?;
        let mut items = Vec::new();
        for ex in &queries {
            let recorded = ex.recording_rules.iter().map(|r| (r.record.clone(), r.expr.clone())).collect();
            let reference = ex.answers.first().cloned().unwrap_or_default();
            items.push(item!(AnswerKind::Query, ex, ex.explanation.clone(), reference, recorded));
        }
        for ex in &rules {
            items.push(item!(
                AnswerKind::Rules,
                ex,
                ex.explanation.clone(),
                ex.reference.clone(),
                Vec::new()
            ));
        }
        for ex in &alerts {
            items.push(item!(
                AnswerKind::Alerts,
                ex,
                ex.explanation.clone(),
                ex.reference.clone(),
                Vec::new()
            ));
        }
        for ex in &alertmanager {
            let reference = ex.reference.clone();
            items.push(item!(AnswerKind::Alertmanager, ex, ex.explanation.clone(), reference, Vec::new()));
        }
        for ex in &relabel {
            items.push(item!(
                AnswerKind::Relabel,
                ex,
                ex.explanation.clone(),
                ex.reference.clone(),
                Vec::new()
            ));
        }
        Ok(Catalogue {
            items,
            queries,
            rules,
            alerts,
            alertmanager,
            relabel,
            pack_of: HashMap::new(),
            pack_datasets: HashMap::new(),
        })
    }

    /// Adds a pack's exercises (query exercises, graded on the pack's datasets or the
    /// built-in ones). Exercise ids must stay unique: `answers.json` names an exercise by id.
    pub fn add_pack(&mut self, pack: &LoadedPack) -> Result<(), String> {
        let id = &pack.manifest.id;
        if self.items.iter().any(|i| i.pack == *id) {
            return Err(format!("pack {id:?} is given twice"));
        }
        let mut exercises = Vec::new();
        for file in &pack.exercises {
            let ex = Exercise::load(&file.file, &file.text).map_err(|e| format!("pack {id:?}: {e}"))?;
            if let Some(other) = self.items.iter().find(|i| i.id == ex.id) {
                return Err(format!(
                    "pack {id:?}: exercise id {:?} is already an exercise of {}",
                    ex.id, other.pack
                ));
            }
            exercises.push(ex);
        }
        for ex in exercises {
            let recorded = ex.recording_rules.iter().map(|r| (r.record.clone(), r.expr.clone())).collect();
            let reference = ex.answers.first().cloned().unwrap_or_default();
            let mut item = item!(AnswerKind::Query, ex, ex.explanation.clone(), reference, recorded);
            item.pack = id.clone();
            self.items.push(item);
            self.pack_of.insert(ex.id.clone(), id.clone());
            self.queries.push(ex);
        }
        for d in &pack.datasets {
            self.pack_datasets.insert(format!("{id}/{}", d.meta.id), d.clone());
        }
        Ok(())
    }

    /// The dataset query exercise `exercise` runs on: its pack's own dataset of that id, else
    /// the built-in one; as `(cache key, dataset)` (`None`: built-in).
    fn dataset_of(&self, exercise: &Exercise) -> (String, Option<&Dataset>) {
        let own = self.pack_of.get(&exercise.id).map(|p| format!("{p}/{}", exercise.dataset));
        match own.and_then(|key| self.pack_datasets.get(&key).map(|d| (key, d))) {
            Some((key, d)) => (key, Some(d)),
            None => (exercise.dataset.clone(), None),
        }
    }

    /// The query a query exercise's editor starts from (the query to fix), if it has one.
    pub fn starter(&self, id: &str) -> Option<&str> {
        self.queries.iter().find(|e| e.id == id)?.starter.as_deref()
    }

    /// The built-in alerting exercises (the ones that grade alert rules).
    pub fn alert_exercises(&self) -> &[alert_exercise::AlertExercise] {
        &self.alerts
    }

    /// The item `id` of lab `kind`.
    pub fn find(&self, kind: AnswerKind, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.kind == kind && i.id == id)
    }
}

/// The outcome of grading one answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub passed: bool,
    /// What failed (or, for a pass, nothing).
    pub findings: Vec<String>,
    /// A query answer's result drawn over the reference's, when the grader draws charts.
    pub chart: Option<ReviewChart>,
}

impl Outcome {
    fn new(passed: bool, findings: Vec<String>) -> Outcome {
        Outcome { passed, findings: if passed { Vec::new() } else { findings }, chart: None }
    }
}

/// A query answer's result and the reference's, as range queries over the exercise's chart
/// range (what the exercise page draws: the reference dashed, the answer solid).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewChart {
    pub range: RangeParams,
    pub series: Overlay,
}

/// `answer` and the exercise's first reference answer as range queries over the exercise's
/// chart range on `storage` (data from `data.0` to `data.1`); None when either fails or is not
/// a range of series.
fn review_chart(
    ex: &Exercise,
    plan: &Plan,
    storage: &Storage,
    data: (engine::Millis, engine::Millis),
    answer: &str,
) -> Option<ReviewChart> {
    let range = chart_range(plan, data)?;
    let opts = EngineOptions::default();
    let eval = |q: &str| engine::range_query(storage, q, range.start, range.end, range.step, &opts).ok();
    let expected = eval(ex.answers.first()?)?.value;
    let actual = eval(answer)?.value;
    Some(ReviewChart { range, series: overlay(&expected, &actual)? })
}

/// Grades answers of any lab, generating each dataset once.
pub struct Grader<'a> {
    catalogue: &'a Catalogue,
    /// Draw each query answer over the reference (the site's review shows the chart; the
    /// command line does not need the extra range queries).
    pub charts: bool,
    datasets: HashMap<String, (DatasetMeta, Arc<Storage>)>,
    /// Alerting exercises made ready (recorded series and reference firings), by id: the
    /// exercise's answer and the submitted `alert_rules.yml` are graded on the same.
    alerts_ready: HashMap<String, Arc<alert_exercise::Prepared>>,
}

impl<'a> Grader<'a> {
    pub fn new(catalogue: &'a Catalogue) -> Self {
        Grader { catalogue, charts: false, datasets: HashMap::new(), alerts_ready: HashMap::new() }
    }

    /// Built-in dataset `id` and its samples (generated on first use).
    pub fn dataset(&mut self, id: &str) -> Result<(DatasetMeta, Arc<Storage>), String> {
        self.dataset_or(id, None)
    }

    /// The dataset cached as `key`: `given`, or the built-in one of that id.
    fn dataset_or(
        &mut self,
        key: &str,
        given: Option<&Dataset>,
    ) -> Result<(DatasetMeta, Arc<Storage>), String> {
        if let Some(d) = self.datasets.get(key) {
            return Ok(d.clone());
        }
        let ds = match given {
            Some(d) => d.clone(),
            None => builtin_dataset(key).map_err(|e| e.to_string())?,
        };
        let storage = Arc::new(ds.storage().map_err(|e| e.to_string())?);
        let entry = (ds.meta, storage);
        self.datasets.insert(key.to_string(), entry.clone());
        Ok(entry)
    }

    /// The dataset of query exercise `ex` (its pack's, or a built-in one).
    fn query_dataset(&mut self, ex: &Exercise) -> Result<(DatasetMeta, Arc<Storage>), String> {
        let (key, given) = self.catalogue.dataset_of(ex);
        self.dataset_or(&key, given)
    }

    /// Alerting exercise `id` made ready on its dataset (prepared on first use).
    pub fn alert_exercise(
        &mut self,
        id: &str,
    ) -> Result<(&'a alert_exercise::AlertExercise, Arc<alert_exercise::Prepared>), String> {
        let ex = self
            .catalogue
            .alerts
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| format!("no alerts exercise {id:?}"))?;
        if let Some(p) = self.alerts_ready.get(id) {
            return Ok((ex, p.clone()));
        }
        let (meta, storage) = self.dataset(&ex.dataset)?;
        let prepared = Arc::new(alert_exercise::prepare(ex, &meta, &storage)?);
        self.alerts_ready.insert(id.to_string(), prepared.clone());
        Ok((ex, prepared))
    }

    /// Grades `text` as the answer to exercise `id` of lab `kind`; `Err` when there is no
    /// such exercise or its data cannot be prepared.
    pub fn grade(&mut self, kind: AnswerKind, id: &str, text: &str) -> Result<Outcome, String> {
        let cat = self.catalogue;
        let unknown = || format!("no {} exercise {id:?}", kind.as_str());
        match kind {
            AnswerKind::Query => {
                let ex = cat.queries.iter().find(|e| e.id == id).ok_or_else(unknown)?;
                let (meta, base) = self.query_dataset(ex)?;
                let opts = EngineOptions::default();
                // An exercise with recording rules records into its own copy of the data.
                let mut own = (!ex.recording_rules.is_empty()).then(|| Storage::clone(&base));
                let prepared = match own.as_mut() {
                    Some(st) => prepare(ex, &meta, st, &opts)?,
                    None => prepare_shared(ex, &meta, &base, &opts)?,
                };
                let storage = own.as_ref().unwrap_or(&base);
                let verdict = grade_query(storage, &prepared.plan, &prepared.expected, text, &opts);
                let feedback = describe(&verdict);
                let mut findings = vec![feedback.headline];
                findings.extend(feedback.items);
                let chart = if self.charts && verdict.parse_error.is_none() {
                    review_chart(ex, &prepared.plan, storage, (meta.start, meta.end), text)
                } else {
                    None
                };
                Ok(Outcome { chart, ..Outcome::new(verdict.passed, findings) })
            }
            AnswerKind::Rules => {
                let ex = cat.rules.iter().find(|e| e.id == id).ok_or_else(unknown)?;
                let (meta, storage) = self.dataset(&ex.dataset)?;
                let prepared = rule_exercise::prepare(ex, &meta, &storage)?;
                let v = rule_exercise::grade(ex, &prepared, &storage, text);
                let mut findings: Vec<String> = errors(&v.diagnostics);
                findings.extend(v.missing_records.iter().map(|r| format!("no rule records {r}")));
                let wrong = v.points.iter().filter(|p| !p.passed()).count();
                if wrong > 0 {
                    findings.push(format!(
                        "{wrong} of {} recorded values differ from the reference",
                        v.points.len()
                    ));
                }
                Ok(Outcome::new(v.passed, findings))
            }
            AnswerKind::Alerts => {
                let (ex, prepared) = self.alert_exercise(id)?;
                let v = alert_exercise::grade(ex, &prepared, text);
                let mut findings = errors(&v.diagnostics);
                findings.extend(v.missing.iter().map(|a| format!("no alerting rule {a}")));
                findings.extend(v.differences.iter().cloned());
                Ok(Outcome::new(v.passed, findings))
            }
            AnswerKind::Alertmanager => {
                let ex = cat.alertmanager.iter().find(|e| e.id == id).ok_or_else(unknown)?;
                let v = ex.grade(text);
                Ok(Outcome::new(v.passed, v.findings))
            }
            AnswerKind::Relabel => {
                let ex = cat.relabel.iter().find(|e| e.id == id).ok_or_else(unknown)?;
                let (meta, storage) = self.dataset(&ex.dataset)?;
                let prepared = relabel_exercise::prepare(ex, &meta, &storage)?;
                let v = relabel_exercise::grade(ex, &prepared, &storage, text);
                let mut findings: Vec<String> = v.config_error.iter().map(|e| e.to_string()).collect();
                if v.series_after > v.max_series {
                    findings.push(format!("{} series remain, more than {}", v.series_after, v.max_series));
                }
                findings.extend(v.changed.iter().map(|c| format!("the answer of {} changed", c.query)));
                if findings.is_empty() {
                    findings.push("the configuration does not meet the exercise's checks".into());
                }
                Ok(Outcome::new(v.passed, findings))
            }
        }
    }
}

impl Grader<'_> {
    /// What `text` costs as the answer to query exercise `id`: the engine's work counters of
    /// an instant query at the exercise's last checkpoint, on the data it grades on.
    pub fn query_cost(&mut self, id: &str, text: &str) -> Result<QueryStats, String> {
        let ex = self
            .catalogue
            .queries
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| format!("no exercise {id:?}"))?;
        let (meta, base) = self.query_dataset(ex)?;
        let opts = EngineOptions::default();
        let plan = ex.plan(&meta)?;
        let at = plan.instants.iter().copied().max().unwrap_or(meta.end);
        let mut own = (!ex.recording_rules.is_empty()).then(|| Storage::clone(&base));
        if let Some(st) = own.as_mut() {
            prepare(ex, &meta, st, &opts)?;
        }
        let storage = own.as_ref().unwrap_or(&base);
        engine::instant_query(storage, text, at, &opts).map(|o| o.stats).map_err(|e| e.to_string())
    }

    /// The dataset the query exercises mostly run on (the first one's).
    pub fn main_dataset(&self) -> Option<String> {
        self.catalogue.queries.first().map(|e| e.dataset.clone())
    }
}

/// The error diagnostics of a rule check, rendered with their positions.
fn errors(diagnostics: &[crate::rules::check::Diagnostic]) -> Vec<String> {
    diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.render("answer")).collect()
}
