//! Exercises: the exercise file model (one YAML file per exercise, listed by the pack
//! manifest), its validation with `file:line` problems, and what it takes to grade one:
//! resolving its times against its dataset's documented events and recording the series its
//! recording rules define.
//!
//! Times are written as an anchor plus optional offsets, separated by spaces:
//! `26h` (after the dataset's start), `start + 30m`, `end - 1h`, `error-spike + 10m` (an
//! event's start), `error-spike.end - 5m`, or a UTC instant `2026-01-06T02:00:00Z`.

use serde::{Deserialize, Serialize};

use super::dataset::DatasetMeta;
use super::error::{ContentError, Problem};
use super::field_check::FieldCheck;
use super::grade::{self, Expected, Plan, RangeParams};
use super::pack::check_id;
use super::time::{format_instant, parse_duration, parse_instant};
use super::yaml::{self, Seg};
use crate::engine::{self, EngineOptions, Labels, Millis, Storage, Value, METRIC_NAME};

/// What the learner does.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseKind {
    /// Write a query from a description.
    #[default]
    Write,
    /// The editor starts with a query that works but is wrong or wasteful: fix it.
    Fix,
    /// The editor starts with a query from the seed that selects or matches nothing: find
    /// the bug and fix it.
    SpotTheBug,
}

impl ExerciseKind {
    /// A short label for the catalogue.
    pub fn label(self) -> &'static str {
        match self {
            ExerciseKind::Write => "write",
            ExerciseKind::Fix => "fix this query",
            ExerciseKind::SpotTheBug => "spot the bug",
        }
    }
}

/// A range evaluation as written.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    pub from: String,
    pub to: String,
    pub step: String,
}

/// A recording rule whose series the exercise's dataset must hold (as a Prometheus running
/// those rules would): `record` is the new metric name, `expr` what it records.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingRule {
    pub record: String,
    pub expr: String,
    /// Evaluation interval (default: the dataset's scrape interval). Rules over long windows
    /// take a longer one, as a rule group's `interval` would.
    #[serde(default)]
    pub interval: Option<String>,
}

/// A link shown once the exercise is solved.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocLink {
    pub title: String,
    pub url: String,
}

/// An exercise file.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    /// Where the exercise comes from in the seed exercise: `TODO 1.2`, `Bonus 2`, ...
    pub seed_ref: String,
    /// The catalogue group (the seed's task): `Task 1: PromQL fundamentals`.
    pub task: String,
    pub title: String,
    #[serde(default)]
    pub kind: ExerciseKind,
    /// Id of the dataset the exercise runs on.
    pub dataset: String,
    /// Markdown.
    pub prompt: String,
    /// The query the editor starts with (the query to fix, for `fix` and `spot_the_bug`).
    #[serde(default)]
    pub starter: Option<String>,
    /// Instants the answer is evaluated at (at least two distinct ones).
    pub at: Vec<String>,
    /// An optional range the answer is also evaluated over.
    #[serde(default)]
    pub range: Option<RangeSpec>,
    /// Compare results in order (for `sort`, `topk`).
    #[serde(default)]
    pub ordered: bool,
    /// Reference answers: the first is the one shown; every one must pass.
    pub answers: Vec<String>,
    /// Plausible wrong answers grading must reject (the file carries its own test).
    #[serde(default)]
    pub rejects: Vec<String>,
    #[serde(default)]
    pub recording_rules: Vec<RecordingRule>,
    /// Markdown hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Markdown explanation, shown once solved.
    pub explanation: String,
    #[serde(default)]
    pub docs: Vec<DocLink>,
}

/// Most instants an exercise may list (each one is a query per answer).
const MAX_INSTANTS: usize = 12;

impl Exercise {
    /// Parses and validates an exercise file (everything that does not need the dataset).
    pub fn load(file: &str, text: &str) -> Result<Exercise, ContentError> {
        let ex: Exercise = yaml::parse(file, text)?;
        let mut fields = FieldCheck::new(file, text);
        ex.check_fields(&mut fields);
        fields.finish(ex)
    }

    /// Every problem with the file's content, each at the line of its key.
    fn check_fields(&self, fields: &mut FieldCheck) {
        fields.ids(&[("id", &self.id), ("dataset", &self.dataset)]);
        fields.not_empty(&[
            ("seed_ref", &self.seed_ref),
            ("task", &self.task),
            ("title", &self.title),
            ("prompt", &self.prompt),
            ("explanation", &self.explanation),
        ]);
        fields.instants(&self.at);
        if self.at.len() > MAX_INSTANTS {
            fields.bad(&[Seg::Key("at")], format!("list at most {MAX_INSTANTS} instants"));
        }
        for (i, spec) in self.at.iter().enumerate() {
            if let Err(e) = parse_time_spec(spec) {
                fields.bad(&[Seg::Key("at"), Seg::Index(i)], e);
            }
        }
        if let Some(r) = &self.range {
            for (key, spec) in [("from", &r.from), ("to", &r.to)] {
                if let Err(e) = parse_time_spec(spec) {
                    fields.bad(&[Seg::Key("range"), Seg::Key(key)], e);
                }
            }
            match parse_duration(&r.step) {
                Ok(s) if s > 0 => {}
                Ok(_) => fields.bad(&[Seg::Key("range"), Seg::Key("step")], "step must be positive"),
                Err(e) => fields.bad(&[Seg::Key("range"), Seg::Key("step")], e),
            }
        }
        if self.answers.is_empty() {
            fields.bad(&[Seg::Key("answers")], "give at least one reference answer");
        }
        fields.hints(&self.hints);
        let queries = [("answers", &self.answers), ("rejects", &self.rejects)];
        for (key, list) in queries {
            for (i, q) in list.iter().enumerate() {
                if let Err(e) = engine::parse::parse(q) {
                    fields.bad(&[Seg::Key(key), Seg::Index(i)], format!("does not parse: {e}"));
                }
            }
        }
        if let Some(q) = &self.starter {
            if q.trim().is_empty() {
                fields.bad(&[Seg::Key("starter")], "`starter` must not be empty (leave it out instead)");
            }
        }
        if self.kind != ExerciseKind::Write && self.starter.is_none() {
            fields.bad(&[Seg::Key("kind")], "a `fix` or `spot_the_bug` exercise needs a `starter` query");
        }
        for (i, r) in self.recording_rules.iter().enumerate() {
            if !valid_metric_name(&r.record) {
                fields.bad(
                    &[Seg::Key("recording_rules"), Seg::Index(i)],
                    format!("invalid metric name {:?}", r.record),
                );
            }
            if let Err(e) = engine::parse::parse(&r.expr) {
                fields
                    .bad(&[Seg::Key("recording_rules"), Seg::Index(i)], format!("expr does not parse: {e}"));
            }
            if let Some(Err(e)) = r.interval.as_deref().map(parse_duration) {
                fields.bad(&[Seg::Key("recording_rules"), Seg::Index(i), Seg::Key("interval")], e);
            }
        }
        for (i, d) in self.docs.iter().enumerate() {
            if !d.url.starts_with("https://") {
                fields.bad(
                    &[Seg::Key("docs"), Seg::Index(i)],
                    format!("doc link {:?} must be an https:// URL", d.url),
                );
            }
        }
    }

    /// The evaluation plan on `meta`'s dataset: absolute instants and range.
    pub fn plan(&self, meta: &DatasetMeta) -> Result<Plan, String> {
        let mut instants = Vec::new();
        for spec in &self.at {
            let t = resolve_time(spec, meta)?;
            in_data(t, meta, spec)?;
            if instants.contains(&t) {
                return Err(format!("instant {spec:?} is listed twice ({})", format_instant(t)));
            }
            instants.push(t);
        }
        let range = match &self.range {
            None => None,
            Some(r) => {
                let (start, end) = (resolve_time(&r.from, meta)?, resolve_time(&r.to, meta)?);
                in_data(start, meta, &r.from)?;
                in_data(end, meta, &r.to)?;
                let step = parse_duration(&r.step)?;
                if start >= end || step <= 0 {
                    return Err("the range must have from < to and a positive step".into());
                }
                if (end - start) / step > 11_000 {
                    return Err("the range has more than 11,000 steps".into());
                }
                Some(RangeParams { start, end, step })
            }
        };
        Ok(Plan { instants, range, ordered: self.ordered })
    }
}

/// An exercise ready to grade answers: its plan and the reference results.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub plan: Plan,
    pub expected: Expected,
}

/// Resolves `ex`'s plan on its dataset, records its recording rules into `storage` (once: a
/// rule whose metric is already there is skipped) and evaluates the first reference answer.
pub fn prepare(
    ex: &Exercise,
    meta: &DatasetMeta,
    storage: &mut Storage,
    opts: &EngineOptions,
) -> Result<Prepared, String> {
    let plan = ex.plan(meta)?;
    record_rules(&ex.recording_rules, &plan, meta, storage, opts)?;
    reference_results(ex, plan, storage, opts)
}

/// [`prepare`] for an exercise without recording rules, on a store it does not change.
pub fn prepare_shared(
    ex: &Exercise,
    meta: &DatasetMeta,
    storage: &Storage,
    opts: &EngineOptions,
) -> Result<Prepared, String> {
    if !ex.recording_rules.is_empty() {
        return Err("the exercise records series: prepare it on its own copy of the data".into());
    }
    reference_results(ex, ex.plan(meta)?, storage, opts)
}

fn reference_results(
    ex: &Exercise,
    plan: Plan,
    storage: &Storage,
    opts: &EngineOptions,
) -> Result<Prepared, String> {
    let reference = ex.answers.first().ok_or("the exercise has no reference answer")?;
    let expected = grade::expected(storage, &plan, reference, opts)
        .map_err(|e| format!("reference answer fails: {e}"))?;
    Ok(Prepared { plan, expected })
}

/// How much history before the first checkpoint recorded series cover (enough for a window
/// of 1h plus an offset of 1h over them).
const RECORD_LEAD: Millis = 3 * 3_600_000;

/// Evaluates each rule at every interval over the checkpoints' span (plus a lead) and appends
/// the result as series named `record`, as a rule evaluator would write them.
fn record_rules(
    rules: &[RecordingRule],
    plan: &Plan,
    meta: &DatasetMeta,
    storage: &mut Storage,
    opts: &EngineOptions,
) -> Result<(), String> {
    let times = plan.instants.iter().copied().chain(plan.range.iter().flat_map(|r| [r.start, r.end]));
    let (Some(lo), Some(hi)) = (times.clone().min(), times.max()) else { return Ok(()) };
    for rule in rules {
        if storage.metric_names().contains(&rule.record.as_str()) {
            continue;
        }
        let step = match rule.interval.as_deref().map(parse_duration) {
            Some(Ok(i)) if i > 0 => i,
            _ => meta.interval,
        }
        .max(1000);
        // Align to the interval grid so recorded samples sit where a rule evaluator's would.
        let start = (lo - RECORD_LEAD).max(meta.start);
        let start = start + (meta.start - start).rem_euclid(step);
        let out = engine::range_query(storage, &rule.expr, start, hi, step, opts)
            .map_err(|e| format!("recording rule {}: {e}", rule.record))?;
        let Value::Matrix(series) = out.value else {
            return Err(format!("recording rule {} does not return a vector", rule.record));
        };
        for s in series {
            let mut labels: Labels = s.labels.without_metric_name();
            labels.set(METRIC_NAME, rule.record.clone());
            let id = storage.series_id(&labels);
            for p in s.points {
                storage.append(id, p.t, p.v).map_err(|e| format!("recording rule {}: {e}", rule.record))?;
            }
        }
    }
    Ok(())
}

/// A parsed time spec: an anchor and a signed offset.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Anchor {
    Absolute(Millis),
    Start,
    End,
    EventStart(String),
    EventEnd(String),
}

/// Parses `anchor [(+|-) duration]...` (see the module doc).
fn parse_time_spec(spec: &str) -> Result<(Anchor, Millis), String> {
    let bad = |why: &str| {
        format!("invalid time {spec:?}: {why} (write e.g. `26h`, `end - 1h`, `error-spike + 10m`)")
    };
    let mut parts = spec.split_whitespace();
    let head = parts.next().ok_or_else(|| bad("empty"))?;
    let mut offset: Millis = 0;
    let anchor = if let Ok(t) = parse_instant(head) {
        Anchor::Absolute(t)
    } else if let Ok(d) = parse_duration(head) {
        offset = d;
        Anchor::Start
    } else if head == "start" {
        Anchor::Start
    } else if head == "end" {
        Anchor::End
    } else if let Some(id) = head.strip_suffix(".end") {
        check_id(id).map_err(|e| bad(&e))?;
        Anchor::EventEnd(id.to_string())
    } else {
        check_id(head).map_err(|e| bad(&e))?;
        Anchor::EventStart(head.to_string())
    };
    while let Some(op) = parts.next() {
        let sign = match op {
            "+" => 1,
            "-" => -1,
            _ => return Err(bad("expected + or - between parts")),
        };
        let d = parts.next().ok_or_else(|| bad("missing duration after the sign"))?;
        offset += sign * parse_duration(d).map_err(|e| bad(&e))?;
    }
    Ok((anchor, offset))
}

/// Resolves a time spec against a dataset.
pub fn resolve_time(spec: &str, meta: &DatasetMeta) -> Result<Millis, String> {
    let (anchor, offset) = parse_time_spec(spec)?;
    let event = |id: &str| {
        meta.events.iter().find(|e| e.id == id).ok_or_else(|| {
            let ids: Vec<&str> = meta.events.iter().map(|e| e.id.as_str()).collect();
            format!("dataset {} has no event {id:?} (events: {})", meta.id, ids.join(", "))
        })
    };
    let base = match anchor {
        Anchor::Absolute(t) => t,
        Anchor::Start => meta.start,
        Anchor::End => meta.end,
        Anchor::EventStart(id) => event(&id)?.start,
        Anchor::EventEnd(id) => {
            let e = event(&id)?;
            e.end.ok_or_else(|| format!("event {id:?} has no end"))?
        }
    };
    Ok(base + offset)
}

fn in_data(t: Millis, meta: &DatasetMeta, spec: &str) -> Result<(), String> {
    if t < meta.start || t > meta.end {
        return Err(format!(
            "time {spec:?} ({}) is outside the data of {} ({} to {})",
            format_instant(t),
            meta.id,
            format_instant(meta.start),
            format_instant(meta.end)
        ));
    }
    Ok(())
}

/// Prometheus metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Validates every exercise file of a pack against the pack's datasets: each problem as
/// `file:line`. For `promplay check`.
pub fn validate(files: &[(String, String)], datasets: &[DatasetMeta]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (file, text) in files {
        match Exercise::load(file, text) {
            Ok(ex) => {
                if ids.contains(&ex.id) {
                    out.push(Problem::new(
                        file,
                        yaml::line_of(text, &[Seg::Key("id")]),
                        format!("exercise id {:?} is used twice", ex.id),
                    ));
                }
                ids.push(ex.id.clone());
                match datasets.iter().find(|d| d.id == ex.dataset) {
                    None => out.push(Problem::new(
                        file,
                        yaml::line_of(text, &[Seg::Key("dataset")]),
                        format!("no dataset {:?} in the pack", ex.dataset),
                    )),
                    Some(meta) => {
                        if let Err(e) = ex.plan(meta) {
                            out.push(Problem::new(file, yaml::line_of(text, &[Seg::Key("at")]), e));
                        }
                    }
                }
            }
            Err(e) => out.extend(e.problems),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_specs() {
        let ok: &[(&str, Anchor, Millis)] = &[
            ("26h", Anchor::Start, 26 * 3_600_000),
            ("start + 30m", Anchor::Start, 1_800_000),
            ("end - 1h", Anchor::End, -3_600_000),
            ("error-spike + 10m - 30s", Anchor::EventStart("error-spike".into()), 570_000),
            ("error-spike.end", Anchor::EventEnd("error-spike".into()), 0),
            ("2026-01-05T00:00:00Z", Anchor::Absolute(1_767_571_200_000), 0),
        ];
        for (spec, anchor, offset) in ok {
            assert_eq!(parse_time_spec(spec), Ok((anchor.clone(), *offset)), "{spec}");
        }
        for spec in ["", "end -1h", "end + ", "Bad_Event", "end * 2"] {
            assert!(parse_time_spec(spec).is_err(), "{spec}");
        }
    }

    #[test]
    fn file_problems_have_lines() {
        let text = "id: x\nseed_ref: TODO 1.1\ntask: Task 1\ntitle: t\ndataset: ml-platform\nprompt: p\nat: [\"1h\"]\nanswers: [\"sum(\"]\nhints: [h]\nexplanation: e\n";
        let e = Exercise::load("x.yaml", text).unwrap_err();
        let got: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
        assert!(got.iter().any(|p| p.starts_with("x.yaml:7: list at least two instants")), "{got:?}");
        assert!(got.iter().any(|p| p.starts_with("x.yaml:8: does not parse")), "{got:?}");
        let unknown = Exercise::load("x.yaml", &format!("{text}bogus: 1\n")).unwrap_err();
        assert!(unknown.to_string().contains("unknown field `bogus`"), "{unknown}");
    }
}
