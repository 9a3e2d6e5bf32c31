//! What the checks know about the world: the dataset (samples and metric metadata), the
//! recording rules loaded, and the instant data-driven checks look at.

use std::cell::RefCell;
use std::collections::HashMap;

use promql_parser::parser::{Expr, VectorSelector};

use crate::assist::format::one_line;
use crate::content::dataset::{DatasetMeta, MetricType};
use crate::engine::parse::parse;
use crate::engine::{EngineOptions, Millis, Storage, METRIC_NAME};
use crate::rules::ast::{exact_name, inline};
use crate::rules::RuleFile;

/// A recording rule of the loaded rules: the series it records and the expression.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRule {
    pub record: String,
    pub expr: String,
    /// The expression's one-line text as Prometheus prints it (how queries are compared).
    pub normalized: String,
}

impl RecordedRule {
    /// A rule whose expression parses (others cannot stand in for anything).
    pub fn new(record: &str, expr: &str) -> Option<RecordedRule> {
        let parsed = parse(expr).ok()?;
        Some(RecordedRule {
            record: record.to_string(),
            expr: expr.to_string(),
            normalized: one_line(expr, &parsed),
        })
    }

    /// The recording rules of a rule file.
    pub fn from_file(file: &RuleFile) -> Vec<RecordedRule> {
        file.rules()
            .filter(|(_, r)| !r.record.is_empty())
            .filter_map(|(_, r)| RecordedRule::new(&r.record, &r.expr))
            .collect()
    }
}

/// Everything a lint run reads besides the query.
pub struct LintContext<'a> {
    /// The dataset's samples (data-driven checks stay silent without them).
    pub storage: Option<&'a Storage>,
    /// The dataset's metadata (metric types).
    pub meta: Option<&'a DatasetMeta>,
    /// The loaded recording rules (recorded alternatives).
    pub recorded: Vec<RecordedRule>,
    /// The instant data-driven checks evaluate at.
    pub time: Millis,
    pub opts: EngineOptions,
    /// The query is a recording rule's expression (recorded under this name).
    pub recording: Option<String>,
    /// Scrape intervals already computed, by metric name.
    intervals: RefCell<HashMap<String, Option<Millis>>>,
}

impl<'a> LintContext<'a> {
    /// A context on a dataset, looking at its last sample's time.
    pub fn new(
        storage: Option<&'a Storage>,
        meta: Option<&'a DatasetMeta>,
        recorded: Vec<RecordedRule>,
    ) -> Self {
        let time = storage.and_then(Storage::time_bounds).map_or(0, |(_, end)| end);
        LintContext {
            storage,
            meta,
            recorded,
            time,
            opts: EngineOptions::default(),
            recording: None,
            intervals: RefCell::new(HashMap::new()),
        }
    }

    /// A context with no dataset: only the checks that need nothing but the query run.
    pub fn offline() -> LintContext<'static> {
        LintContext::new(None, None, Vec::new())
    }

    /// The type the metadata gives series named `name`: a histogram's or summary's `_bucket`,
    /// `_sum` and `_count` series are counters; a summary's quantiles are gauges.
    pub fn metric_type(&self, name: &str) -> Option<MetricType> {
        let m = self.meta?.metric(name)?;
        Some(match m.kind {
            MetricType::Histogram | MetricType::Summary if m.name != name => MetricType::Counter,
            MetricType::Summary => MetricType::Gauge,
            kind => kind,
        })
    }

    /// True when the metadata says series named `name` are counters.
    pub fn is_counter(&self, name: &str) -> bool {
        self.metric_type(name) == Some(MetricType::Counter)
    }

    /// The scrape interval of the series `vs` selects by name: the median gap between
    /// samples of the first such series with two samples.
    pub fn scrape_interval(&self, vs: &VectorSelector) -> Option<Millis> {
        let storage = self.storage?;
        let name = exact_name(vs)?;
        if let Some(known) = self.intervals.borrow().get(name) {
            return *known;
        }
        let interval = storage
            .all()
            .iter()
            .filter(|s| s.labels.metric_name() == Some(name))
            .find_map(|s| crate::content::explain_empty::scrape_interval(&s.points));
        self.intervals.borrow_mut().insert(name.to_string(), interval);
        interval
    }

    /// The span of the data in milliseconds.
    pub fn data_span(&self) -> Option<Millis> {
        self.storage.and_then(Storage::time_bounds).map(|(start, end)| end - start)
    }

    /// `expr` as it can be evaluated on the dataset: references to recorded series the
    /// dataset does not hold are replaced by the expressions of the rules recording them.
    pub fn evaluable(&self, expr: &Expr) -> Expr {
        let defs: HashMap<String, Expr> = self
            .recorded
            .iter()
            .filter(|r| self.storage.is_none_or(|s| s.postings(METRIC_NAME, &r.record).is_empty()))
            .filter_map(|r| Some((r.record.clone(), parse(&r.expr).ok()?)))
            .collect();
        if defs.is_empty() {
            expr.clone()
        } else {
            inline(expr, &defs)
        }
    }

    /// The loaded recording rules other than the one being linted.
    pub fn alternatives(&self) -> impl Iterator<Item = &RecordedRule> {
        self.recorded.iter().filter(move |r| self.recording.as_deref() != Some(r.record.as_str()))
    }
}
