//! The query library (the seed's Deliverable 1, `PROMQL_QUERIES.md`): every query of the seed
//! grouped by task and TODO, with its explanation (the explain tree's sentences), the lint
//! findings that apply, the seed's performance note, the recorded series that replaces it,
//! and its cost measured on a dataset after the seed's recording rules ran over it.
//!
//! Assembling ([`assemble`]) reads no more than a parse and a lint per query; measuring
//! ([`measure::Measuring`]) is the slow part and goes one query at a time, so the browser's
//! engine module can report progress between queries. `promplay library` and the `/library`
//! page print the same [`Library`].

pub mod catalog;
pub mod measure;
pub mod render;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use catalog::{seed_queries, SeedQuery};

use crate::assist::explain::{outline, OutlineNode};
use crate::assist::lint::{lint_query, LintContext, RecordedRule};
use crate::content::dataset::DatasetMeta;
use crate::engine::{Millis, Storage};
use crate::rules::cost::{Cost, CostOptions};
use crate::rules::{evaluate, EvalOptions, Evaluation};

/// Where the seed's recording rules come from (shown with the library).
pub const RULES_FILE: &str = "tests/rules/seed_recording_rules.configmap.yaml";

/// The whole library on one dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Library {
    /// The dataset the costs and data-driven lint checks read.
    pub dataset: String,
    /// The instant queries' time (the end of the dataset).
    pub at: Millis,
    /// The range queries' start, end and step.
    pub range_start: Millis,
    pub range_end: Millis,
    pub step: Millis,
    /// Timed runs behind each median time.
    pub runs: usize,
    /// What the seed's recording rules recorded before the queries ran.
    pub rules: RulesSummary,
    pub sections: Vec<Section>,
}

/// The seed's recording rules evaluated over the dataset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesSummary {
    pub file: String,
    pub recording_rules: usize,
    /// Series and samples the rules recorded over the dataset's timeline.
    pub series: usize,
    pub samples: usize,
}

/// One TODO of the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub task: String,
    pub todo: String,
    pub entries: Vec<Entry>,
}

/// One query of the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the seed (0-based, across sections).
    pub id: usize,
    /// The seed's comment above the query, or the rule it comes from.
    pub title: String,
    pub query: String,
    /// The explain tree's nodes, parentheses left out.
    pub explanation: Vec<OutlineNode>,
    /// The seed's performance remark.
    pub note: Option<String>,
    /// Task 5.1 shows it as what not to do; `correct` is the seed's corrected query.
    pub anti_pattern: bool,
    pub correct: Option<String>,
    /// Lint findings on the dataset, with the seed's recording rules loaded.
    pub lint: Vec<LintNote>,
    /// The recorded series that replaces the query.
    pub recorded: Option<String>,
    /// Measured costs (None until measured).
    pub cost: Option<QueryCost>,
    pub recorded_cost: Option<QueryCost>,
}

/// A lint finding, as the library shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LintNote {
    /// pint's name of the check (`promql/counter`).
    pub check: String,
    /// `information`, `warning`, `bug` or `fatal`.
    pub severity: String,
    pub message: String,
    /// The fix's title and the query with the fix applied.
    pub fix_title: Option<String>,
    pub fixed: Option<String>,
}

/// A query's cost both ways.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryCost {
    pub instant: Cost,
    pub range: Cost,
}

impl Entry {
    /// Raw samples read over recorded samples read, for the range query (the dashboard's
    /// cost): None without a measured recorded alternative.
    pub fn samples_ratio(&self) -> Option<f64> {
        let (raw, rec) = (self.cost.as_ref()?, self.recorded_cost.as_ref()?);
        (rec.range.samples > 0).then(|| raw.range.samples as f64 / rec.range.samples as f64)
    }
}

/// How the library measures: the rules lab's default cost options (instant at the end, a
/// 6 h range at a 1-minute step) with `runs` timed batches.
pub fn cost_options(runs: usize) -> CostOptions {
    CostOptions { runs: runs.max(1), ..CostOptions::default() }
}

/// The seed's recording rules evaluated over the whole of `storage`, in one go (the engine
/// module does the same rule by rule, see `host::library`).
pub fn evaluate_seed_rules(storage: &Storage) -> Result<Evaluation, String> {
    let file = catalog::seed_rules(catalog::SEED_RECORDING_RULES).map_err(|e| e.to_string())?;
    Ok(evaluate(storage, &file, &EvalOptions::default()))
}

/// What the evaluation recorded, for the library's header.
pub fn rules_summary(rules: &[crate::rules::RuleOutcome]) -> RulesSummary {
    RulesSummary {
        file: RULES_FILE.into(),
        recording_rules: rules.len(),
        series: rules.iter().map(|r| r.series.len()).sum(),
        samples: rules.iter().map(|r| r.samples).sum(),
    }
}

/// The library without costs: every seed query with its explanation and lint findings on
/// `storage` (the dataset as loaded: the page shows them before any rule has run; the lint
/// knows the seed's recording rules by their expressions) at `end`.
pub fn assemble(
    queries: &[SeedQuery],
    dataset: &str,
    storage: &Storage,
    meta: Option<&DatasetMeta>,
    end: Millis,
    opts: &CostOptions,
) -> Library {
    let recorded = catalog::seed_rules(catalog::SEED_RECORDING_RULES)
        .map(|f| RecordedRule::from_file(&f))
        .unwrap_or_default();
    let (at, (range_start, range_end, step)) = crate::rules::cost::times_ending(end, opts);
    let mut sections: Vec<Section> = Vec::new();
    for (id, q) in queries.iter().enumerate() {
        let mut ctx = LintContext::new(Some(storage), meta, recorded.clone());
        ctx.time = at;
        ctx.recording = q.record.clone();
        let entry = Entry {
            id,
            title: q.title.clone(),
            query: q.query.clone(),
            explanation: outline(&q.query)
                .map(|nodes| nodes.into_iter().filter(|n| n.kind != "parentheses").collect())
                .unwrap_or_default(),
            note: q.note.clone(),
            anti_pattern: q.anti_pattern,
            correct: q.anti_pattern.then(|| correction(queries, id)).flatten(),
            lint: lint_query(&q.query, &ctx).into_iter().map(|f| lint_note(&q.query, f)).collect(),
            recorded: q.recorded.clone(),
            cost: None,
            recorded_cost: None,
        };
        match sections.last_mut() {
            Some(s) if s.task == q.task && s.todo == q.todo => s.entries.push(entry),
            _ => sections.push(Section { task: q.task.clone(), todo: q.todo.clone(), entries: vec![entry] }),
        }
    }
    Library {
        dataset: dataset.to_string(),
        at,
        range_start,
        range_end,
        step,
        runs: opts.runs,
        rules: RulesSummary::default(),
        sections,
    }
}

/// The seed's corrected query for the anti-pattern at `id`: the next query of the same TODO
/// that is not an anti-pattern ("Anti-pattern N - correct").
fn correction(queries: &[SeedQuery], id: usize) -> Option<String> {
    let q = queries.get(id)?;
    queries[id + 1..]
        .iter()
        .take_while(|n| n.todo == q.todo)
        .find(|n| !n.anti_pattern)
        .map(|n| n.query.clone())
}

fn lint_note(query: &str, f: crate::assist::lint::Finding) -> LintNote {
    LintNote {
        check: f.check,
        severity: f.severity.as_str().into(),
        message: f.message,
        fix_title: f.fix.as_ref().map(|x| x.title.clone()),
        fixed: f.fix.as_ref().map(|x| x.apply(query)),
    }
}

impl Library {
    /// Every entry, in seed order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.sections.iter().flat_map(|s| s.entries.iter())
    }

    /// Puts measured costs on the entries whose query (or recorded alternative) they are for.
    pub fn fill(&mut self, costs: &std::collections::HashMap<String, QueryCost>) {
        for e in self.sections.iter_mut().flat_map(|s| s.entries.iter_mut()) {
            e.cost = costs.get(&e.query).cloned();
            e.recorded_cost = e.recorded.as_ref().and_then(|r| costs.get(r)).cloned();
        }
    }
}

/// The whole library of the seed on `storage` (the dataset without recorded series):
/// evaluates the seed's recording rules, assembles and measures every query with `clock`.
pub fn build(
    dataset: &str,
    storage: &Storage,
    meta: Option<&DatasetMeta>,
    opts: &CostOptions,
    clock: &mut dyn FnMut() -> f64,
) -> Result<Library, String> {
    let queries = seed_queries().map_err(|e| e.to_string())?;
    let evaluation = evaluate_seed_rules(storage)?;
    let mut library = assemble(&queries, dataset, storage, meta, evaluation.end, opts);
    library.rules = rules_summary(&evaluation.rules);
    let mut m = measure::Measuring::new(&library);
    while m.step(&evaluation.storage, &library, opts, clock).is_some() {}
    library.fill(&m.into_costs());
    Ok(library)
}
