//! Relabeling a whole dataset the way `metric_relabel_configs` treats every scraped series:
//! each series' labels go through the rules; dropped series are not stored; series that end
//! up with the same labels merge (a sample at a timestamp already taken is rejected, as
//! Prometheus rejects a duplicate sample); a target (job and instance) with any series left
//! without a metric name fails its whole scrape, so none of its series are stored. The
//! synthetic `up` and `scrape_*` series are never metric-relabeled.
//!
//! The report says what changed: series and samples before and after, per metric name and
//! per label, and what each rule dropped, removed, added or rewrote.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::apply::{process_recorded, Outcome};
use super::builder::Change;
use super::model::RuleSet;
use crate::engine::value::is_histogram_placeholder;
use crate::engine::{Labels, Point, Storage, METRIC_NAME};

/// Series Prometheus writes for every scrape itself; metric relabeling never touches them.
pub const SYNTHETIC: [&str; 5] = [
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
];

/// Series and samples of a storage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub series: u64,
    pub samples: u64,
}

/// One metric name before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricChange {
    pub name: String,
    pub before: Totals,
    pub after: Totals,
}

/// One label name before and after: distinct values and series carrying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelChange {
    pub name: String,
    pub values_before: u64,
    pub values_after: u64,
    pub series_before: u64,
    pub series_after: u64,
}

/// What one rule did over the dataset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEffect {
    /// The rule as one line (fields that differ from the defaults).
    pub summary: String,
    /// Line of the rule in the config.
    pub line: usize,
    /// Series (and their samples) the rule dropped.
    pub dropped: Totals,
    /// Series the rule reached (the earlier rules kept them).
    pub reached: u64,
    /// Per label name: how many series lost it, gained it, had it rewritten.
    pub removed: BTreeMap<String, u64>,
    pub added: BTreeMap<String, u64>,
    pub rewritten: BTreeMap<String, u64>,
}

/// Targets whose scrape would fail because a series lost its metric name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedScrapes {
    /// `job/instance` of each failing target (at most the first 20).
    pub targets: Vec<String>,
    pub target_count: u64,
    /// Series of those targets that relabeling had kept, lost with the scrape.
    pub lost: Totals,
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetReport {
    pub before: Totals,
    pub after: Totals,
    /// Series left alone because Prometheus never metric-relabels them (`up`, `scrape_*`).
    pub synthetic: u64,
    /// Output series made of several input series, and samples rejected as duplicates.
    pub merged_series: u64,
    pub duplicate_samples: u64,
    pub failed: FailedScrapes,
    /// Sorted by series removed, largest first.
    pub metrics: Vec<MetricChange>,
    /// Sorted by values removed, largest first.
    pub labels: Vec<LabelChange>,
    pub rules: Vec<RuleEffect>,
}

/// Relabels every series of `storage`; returns the relabeled storage and the report.
pub fn relabel_storage(storage: &Storage, set: &RuleSet) -> (Storage, DatasetReport) {
    let mut run = DatasetRelabel::new(set, storage.len());
    run.advance(storage, usize::MAX);
    run.finish(storage)
}

/// A relabeling of a dataset under way, done a slice of series at a time so that the page
/// can repaint (and show progress) between slices.
pub struct DatasetRelabel {
    set: RuleSet,
    report: DatasetReport,
    /// The next input series.
    next: usize,
    total: usize,
    /// Output label set → input series, in input order.
    outputs: HashMap<Labels, Vec<usize>, FastHash>,
    order: Vec<Labels>,
    /// Targets (job, instance) with a series left without a metric name.
    nameless_targets: BTreeSet<(String, String)>,
}

/// FNV-1a: label sets are hashed once per series, and SipHash's protection against chosen
/// keys buys nothing for a dataset the learner's own browser holds.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastHash = std::hash::BuildHasherDefault<Fnv>;

impl DatasetRelabel {
    /// Starts relabeling a storage of `total` series with `set`.
    pub fn new(set: &RuleSet, total: usize) -> DatasetRelabel {
        let rules = set
            .rules
            .iter()
            .map(|r| RuleEffect { summary: r.summary(), line: r.at.rule.line, ..RuleEffect::default() })
            .collect();
        DatasetRelabel {
            set: set.clone(),
            report: DatasetReport { rules, ..DatasetReport::default() },
            next: 0,
            total,
            outputs: HashMap::default(),
            order: Vec::new(),
            nameless_targets: BTreeSet::new(),
        }
    }

    /// Series done so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.total)
    }

    /// Relabels up to `budget` more series of `storage` (the one given to [`Self::new`]);
    /// true when every series is done.
    pub fn advance(&mut self, storage: &Storage, budget: usize) -> bool {
        let end = self.total.min(storage.len()).min(self.next.saturating_add(budget));
        for id in self.next..end {
            self.one(storage, id);
        }
        self.next = end;
        self.next >= self.total.min(storage.len())
    }

    fn one(&mut self, storage: &Storage, id: usize) {
        let s = storage.get(id);
        let samples = s.points.len() as u64;
        let report = &mut self.report;
        report.before.series += 1;
        report.before.samples += samples;
        let name = s.labels.metric_name().unwrap_or("");
        let out = if SYNTHETIC.contains(&name) {
            report.synthetic += 1;
            s.labels.clone()
        } else {
            let input = s.labels.iter().map(|(n, v)| (n.to_string(), v.to_string()));
            let effects = &mut report.rules;
            let outcome = process_recorded(&self.set, input, |rule, changes| {
                for c in changes {
                    let (map, label) = match c {
                        Change::Removed(l) => (&mut effects[rule].removed, l),
                        Change::Added(l) => (&mut effects[rule].added, l),
                        Change::Rewritten(l) => (&mut effects[rule].rewritten, l),
                    };
                    *map.entry(label).or_default() += 1;
                }
            });
            let reached = match outcome {
                Outcome::Dropped { rule } => rule + 1,
                Outcome::Kept(_) => self.set.rules.len(),
            };
            for effect in report.rules.iter_mut().take(reached) {
                effect.reached += 1;
            }
            let pairs = match outcome {
                Outcome::Dropped { rule } => {
                    report.rules[rule].dropped.series += 1;
                    report.rules[rule].dropped.samples += samples;
                    return;
                }
                Outcome::Kept(pairs) => pairs,
            };
            let labels = Labels::from_pairs(pairs);
            if labels.metric_name().is_none() {
                self.nameless_targets.insert(target_of(&s.labels));
            }
            labels
        };
        if out.is_empty() {
            return;
        }
        match self.outputs.get_mut(&out) {
            Some(ids) => ids.push(id),
            None => {
                self.outputs.insert(out.clone(), vec![id]);
                self.order.push(out);
            }
        }
    }

    /// Builds the relabeled storage (merging series that ended up alike) and the report.
    pub fn finish(mut self, storage: &Storage) -> (Storage, DatasetReport) {
        let report = &mut self.report;
        // A target with a nameless series fails its whole scrape: none of its scraped series
        // is stored (its synthetic series are, as Prometheus writes them with up = 0).
        let failed = |labels: &Labels| {
            !self.nameless_targets.is_empty()
                && !SYNTHETIC.contains(&labels.metric_name().unwrap_or(""))
                && self.outputs[labels]
                    .iter()
                    .any(|&i| self.nameless_targets.contains(&target_of(&storage.get(i).labels)))
        };
        let lost: BTreeSet<Labels> = self.order.iter().filter(|l| failed(l)).cloned().collect();
        report.failed.target_count = self.nameless_targets.len() as u64;
        report.failed.targets =
            self.nameless_targets.iter().take(20).map(|(j, i)| format!("{j}/{i}")).collect();
        let mut out = Storage::new();
        for labels in &self.order {
            let ids = &self.outputs[labels];
            if lost.contains(labels) {
                report.failed.lost.series += 1;
                report.failed.lost.samples +=
                    ids.iter().map(|&i| storage.get(i).points.len() as u64).sum::<u64>();
                continue;
            }
            let (points, duplicates) = merge(ids.iter().map(|&i| storage.get(i).points.as_slice()));
            if ids.len() > 1 {
                report.merged_series += 1;
            }
            report.duplicate_samples += duplicates;
            let sid = out.series_id(labels);
            for p in points {
                // Refused only for out-of-order input, which a stored series never holds.
                let _ = out.append(sid, p.t, p.v);
            }
        }
        report.after = Totals { series: out.len() as u64, samples: out.sample_count() as u64 };
        report.metrics = metric_changes(storage, &out);
        report.labels = label_changes(storage, &out);
        (out, self.report)
    }
}

/// The scrape target a stored series came from.
fn target_of(labels: &Labels) -> (String, String) {
    (labels.get_or_empty("job").to_string(), labels.get_or_empty("instance").to_string())
}

/// The float samples of several series merged by time; at a timestamp already taken the
/// later series' sample is rejected (counted), as Prometheus rejects a duplicate.
fn merge<'a>(series: impl Iterator<Item = &'a [Point]>) -> (Vec<Point>, u64) {
    let mut all: Vec<Point> = Vec::new();
    let mut parts = 0;
    for points in series {
        parts += 1;
        all.extend(points.iter().filter(|p| !is_histogram_placeholder(p.v)).copied());
    }
    if parts == 1 {
        return (all, 0);
    }
    all.sort_by_key(|p| p.t);
    let before = all.len();
    all.dedup_by_key(|p| p.t);
    let dropped = (before - all.len()) as u64;
    (all, dropped)
}

/// Per metric name: series and samples before and after, largest loss first (read from the
/// storages' own indexes).
fn metric_changes(before: &Storage, after: &Storage) -> Vec<MetricChange> {
    let count = |st: &Storage| -> HashMap<String, Totals> {
        let Some(names) = st.label_postings(METRIC_NAME) else { return HashMap::new() };
        names
            .iter()
            .map(|(name, ids)| {
                let samples = ids.iter().map(|&i| st.get(i).points.len() as u64).sum();
                (name.clone(), Totals { series: ids.len() as u64, samples })
            })
            .collect()
    };
    let (b, a) = (count(before), count(after));
    let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out: Vec<MetricChange> = names
        .into_iter()
        .map(|n| MetricChange {
            name: n.clone(),
            before: b.get(n).copied().unwrap_or_default(),
            after: a.get(n).copied().unwrap_or_default(),
        })
        .collect();
    out.sort_by(|x, y| {
        let loss = |m: &MetricChange| m.before.series as i64 - m.after.series as i64;
        loss(y).cmp(&loss(x)).then_with(|| x.name.cmp(&y.name))
    });
    out
}

/// Per label name: distinct values and series carrying it before and after.
fn label_changes(before: &Storage, after: &Storage) -> Vec<LabelChange> {
    let stats = |st: &Storage, n: &str| {
        st.label_postings(n)
            .map_or((0, 0), |vs| (vs.len() as u64, vs.values().map(|ids| ids.len() as u64).sum()))
    };
    let names: BTreeSet<&str> = before.label_names().into_iter().chain(after.label_names()).collect();
    let mut out: Vec<LabelChange> = names
        .into_iter()
        .map(|n| {
            let ((vb, sb), (va, sa)) = (stats(before, n), stats(after, n));
            LabelChange {
                name: n.to_string(),
                values_before: vb,
                values_after: va,
                series_before: sb,
                series_after: sa,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        let loss = |l: &LabelChange| l.values_before as i64 - l.values_after as i64;
        loss(y).cmp(&loss(x)).then_with(|| x.name.cmp(&y.name))
    });
    out
}

/// The name the relabeled copy of dataset `source` is known by.
pub fn relabeled_id(source: &str) -> String {
    format!("{source}-relabeled")
}
