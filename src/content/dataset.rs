//! Datasets: the dataset file model (metadata, documented events, and either a generator spec
//! or explicit series files), its validation, and [`Dataset`], the loaded form the site and
//! the CLI use to get metadata and build a [`Storage`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{ContentError, Problem};
use super::generator::{self, GeneratorSpec};
use super::pack::{check_id, check_relative_path};
use super::series::{self, SeriesFormat};
use super::time::{format_duration, format_instant, parse_duration, parse_instant, DEFAULT_START};
use super::yaml::{self, Seg};
use crate::engine::{Millis, Storage};

/// Most samples (series × samples per series) one dataset may hold. Keeps a hostile or
/// mistaken pack from exhausting a browser tab's memory (about 16 bytes per sample).
pub const MAX_SAMPLES: u64 = 20_000_000;
/// Most series one dataset may hold.
pub const MAX_SERIES: u64 = 200_000;
/// Largest file a pack may contain.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Shortest scrape interval a dataset may declare.
pub const MIN_INTERVAL: Millis = 1_000;

/// A metric's type, as in OpenMetrics `# TYPE` lines.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Unknown,
}

impl MetricType {
    /// The OpenMetrics spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Unknown => "unknown",
        }
    }
}

/// What a dataset file says about one metric family.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetricInfo {
    #[serde(rename = "type")]
    pub kind: MetricType,
    #[serde(default)]
    pub help: String,
}

/// The kinds of documented events. All kinds document something; the `ml_serving`
/// generator also acts on every kind but `note`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Documentation only (e.g. "peak hours").
    Note,
    /// The error ratio becomes `value` (0-1) between `start` and `end`.
    Errors,
    /// Traffic is multiplied by `value` between `start` and `end`.
    Traffic,
    /// Traffic stops at `start` (until `end`, or for good); the pods keep being scraped.
    Stop,
    /// Memory grows by `value` bytes per hour from `start` until `end` or a restart.
    MemoryLeak,
    /// The process restarts at `start`: counters reset, one scrape is missed.
    Restart,
    /// Latency is multiplied by `value` between `start` and `end`.
    Latency,
    /// The pods' endpoints cannot be scraped between `start` and `end` (the scrapes time
    /// out): `up` is 0 and their series go stale, while the processes keep serving.
    Unreachable,
}

/// One event as written in a dataset file; times are offsets from the dataset's `start`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: EventKind,
    pub start: String,
    #[serde(default)]
    pub end: Option<String>,
    /// Label values the affected series carry (`pod_index` picks one pod of a deployment).
    #[serde(default)]
    pub target: BTreeMap<String, String>,
    #[serde(default)]
    pub value: Option<f64>,
    /// Alerts of the course's rule files this event is meant to fire.
    #[serde(default)]
    pub alerts: Vec<String>,
}

/// An explicit series file of a dataset.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeriesFile {
    /// Path relative to the dataset file's pack.
    pub file: String,
    /// `openmetrics` or `load`; by default from the extension (`.om`/`.txt` → OpenMetrics,
    /// `.load`/`.test` → promqltest load notation).
    #[serde(default)]
    pub format: Option<SeriesFormat>,
}

/// A dataset file as written.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatasetFile {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// UTC start (`2026-01-05T00:00:00Z` by default): time 0 of load notation and events.
    #[serde(default)]
    pub start: Option<String>,
    /// Length of the data; required with a generator, computed from explicit series.
    #[serde(default)]
    pub duration: Option<String>,
    /// The scrape interval the data pretends to have.
    pub interval: String,
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricInfo>,
    #[serde(default)]
    pub events: Vec<EventSpec>,
    #[serde(default)]
    pub generator: Option<GeneratorSpec>,
    #[serde(default)]
    pub series: Vec<SeriesFile>,
}

/// A documented event with absolute times, for the site and for alert simulations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub description: String,
    pub kind: EventKind,
    pub start: Millis,
    /// `None`: an instant (restart) or until the end of the data.
    pub end: Option<Millis>,
    /// Target labels, excluding `pod_index`.
    pub target: Vec<(String, String)>,
    /// Index of the targeted pod within its deployment, if the event targets one pod.
    pub pod_index: Option<usize>,
    pub value: Option<f64>,
    pub alerts: Vec<String>,
}

impl Event {
    /// The target as a PromQL selector body: `{model="x", version="v2"}`.
    pub fn selector(&self) -> String {
        let parts: Vec<String> = self.target.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        format!("{{{}}}", parts.join(", "))
    }

    /// True while the event is in effect at `t` (restarts: only at their instant).
    pub fn active(&self, t: Millis) -> bool {
        match (self.kind, self.end) {
            (EventKind::Restart, _) => t == self.start,
            (_, Some(end)) => self.start <= t && t < end,
            (_, None) => self.start <= t,
        }
    }
}

/// One metric family of a dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub kind: MetricType,
    pub help: String,
}

/// What the site shows about a dataset before (and after) loading it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    /// First and last sample time (inclusive).
    pub start: Millis,
    pub end: Millis,
    pub interval: Millis,
    pub metrics: Vec<Metric>,
    pub events: Vec<Event>,
    /// Number of series and samples the dataset holds.
    pub series: u64,
    pub samples: u64,
}

impl DatasetMeta {
    /// One line for listings: `ml-platform: 606 series, 3.5M samples, 48h at 30s from ...`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} series, {} samples, {} at {} from {}",
            self.id,
            self.series,
            self.samples,
            format_duration(self.end - self.start),
            format_duration(self.interval),
            format_instant(self.start)
        )
    }

    /// The family a metric name belongs to (`x_bucket` → `x` when `x` is a histogram).
    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name).or_else(|| {
            let (family, suffix) = name.rsplit_once('_')?;
            let m = self.metrics.iter().find(|m| m.name == family)?;
            let ok = match m.kind {
                MetricType::Histogram => matches!(suffix, "bucket" | "sum" | "count"),
                MetricType::Summary => matches!(suffix, "sum" | "count"),
                _ => false,
            };
            ok.then_some(m)
        })
    }

    /// Metadata declaring `metrics` (`(name, type, help)`) and nothing else, for tests of
    /// what reads metric types.
    #[cfg(test)]
    pub fn declaring(metrics: &[(&str, MetricType, &str)]) -> DatasetMeta {
        DatasetMeta {
            id: "test".into(),
            title: "test".into(),
            description: String::new(),
            start: 0,
            end: 0,
            interval: 30_000,
            metrics: metrics
                .iter()
                .map(|&(name, kind, help)| Metric { name: name.into(), kind, help: help.into() })
                .collect(),
            events: Vec::new(),
            series: 0,
            samples: 0,
        }
    }
}

/// Where a dataset's samples come from.
#[derive(Clone, Debug)]
enum Source {
    Generator(GeneratorSpec),
    /// Explicit series, parsed once when the dataset is loaded, with the metric families
    /// their files describe.
    Series(Storage, Vec<Metric>),
}

/// A loaded dataset: metadata plus what it takes to build its storage.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub meta: DatasetMeta,
    source: Source,
}

/// Problems found in one file, each placed at the line of the key it concerns.
struct Report<'a> {
    file: &'a str,
    text: &'a str,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn bad(&mut self, path: &[Seg], msg: impl Into<String>) {
        self.problems.push(Problem::new(self.file, yaml::line_of(self.text, path), msg));
    }
}

impl Dataset {
    /// Parses and validates a dataset file. `file` names it in problems; `read` returns the
    /// text of a series file the dataset names (relative path) or why it cannot.
    pub fn load(
        file: &str,
        text: &str,
        read: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Dataset, ContentError> {
        let spec: DatasetFile = yaml::parse(file, text)?;
        let mut r = Report { file, text, problems: Vec::new() };
        if let Err(e) = check_id(&spec.id) {
            r.bad(&[Seg::Key("id")], e);
        }
        let start = match spec.start.as_deref().map(parse_instant).unwrap_or(Ok(DEFAULT_START)) {
            Ok(t) => t,
            Err(e) => {
                r.bad(&[Seg::Key("start")], e);
                DEFAULT_START
            }
        };
        let interval = match parse_duration(&spec.interval) {
            Ok(i) if i >= MIN_INTERVAL => i,
            Ok(_) => {
                r.bad(
                    &[Seg::Key("interval")],
                    format!("interval must be at least {}", format_duration(MIN_INTERVAL)),
                );
                MIN_INTERVAL
            }
            Err(e) => {
                r.bad(&[Seg::Key("interval")], e);
                MIN_INTERVAL
            }
        };
        let duration = match spec.duration.as_deref().map(parse_duration) {
            Some(Ok(d)) if d > 0 => Some(d),
            Some(Ok(_)) => {
                r.bad(&[Seg::Key("duration")], "duration must be positive");
                None
            }
            Some(Err(e)) => {
                r.bad(&[Seg::Key("duration")], e);
                None
            }
            None => None,
        };
        let events = resolve_events(&spec.events, start, duration, &mut r);
        for name in spec.metrics.keys() {
            if !series::valid_metric_name(name) {
                r.bad(&[Seg::Key("metrics"), Seg::Key(name)], format!("invalid metric name {name:?}"));
            }
        }
        let ctx =
            generator::Context { start, end: start.saturating_add(duration.unwrap_or(0)), interval, events };
        let source = match (&spec.generator, spec.series.is_empty()) {
            (Some(_), false) => {
                r.bad(&[Seg::Key("series")], "a dataset has either a generator or series files, not both");
                None
            }
            (None, true) => {
                r.bad(&[Seg::Key("id")], "a dataset needs a `generator` or `series` files");
                None
            }
            (Some(g), true) => load_generator(g, duration, &ctx, &mut r),
            (None, false) => load_series(&spec.series, &ctx, read, &mut r),
        };
        let source = match source {
            Some(s) if r.problems.is_empty() => s,
            _ => return Err(ContentError { problems: r.problems }),
        };

        let (series, samples, first, last, mut metrics) = match &source {
            Source::Generator(g) => {
                let (series, samples) = g.size(&ctx);
                (series, samples, ctx.start, ctx.end, g.metrics())
            }
            Source::Series(st, described) => {
                let (lo, hi) = st.time_bounds().unwrap_or((start, start));
                (
                    st.len() as u64,
                    st.sample_count() as u64,
                    lo.min(start),
                    hi,
                    series::infer_metrics(st, described),
                )
            }
        };
        for (name, info) in &spec.metrics {
            metrics.retain(|m| &m.name != name);
            metrics.push(Metric { name: name.clone(), kind: info.kind, help: info.help.clone() });
        }
        metrics.sort_by(|a, b| a.name.cmp(&b.name));
        let meta = DatasetMeta {
            id: spec.id,
            title: spec.title,
            description: spec.description,
            start: first,
            end: last,
            interval,
            metrics,
            events: ctx.events,
            series,
            samples,
        };
        Ok(Dataset { meta, source })
    }

    /// A dataset of samples read elsewhere (a window fetched from a remote source): its
    /// time bounds, size and metric families are those of `storage`.
    pub fn from_storage(
        id: &str,
        title: &str,
        description: &str,
        interval: Millis,
        storage: Storage,
    ) -> Dataset {
        let (start, end) = storage.time_bounds().unwrap_or((0, 0));
        let meta = DatasetMeta {
            id: id.to_string(),
            title: title.to_string(),
            description: description.to_string(),
            start,
            end,
            interval,
            metrics: series::infer_metrics(&storage, &[]),
            events: Vec::new(),
            series: storage.len() as u64,
            samples: storage.sample_count() as u64,
        };
        Dataset { meta, source: Source::Series(storage, Vec::new()) }
    }

    /// Builds the dataset's storage (generating it, for generated datasets).
    pub fn storage(&self) -> Result<Storage, ContentError> {
        match &self.source {
            Source::Series(st, _) => Ok(st.clone()),
            Source::Generator(g) => {
                let ctx = generator::Context {
                    start: self.meta.start,
                    end: self.meta.end,
                    interval: self.meta.interval,
                    events: self.meta.events.clone(),
                };
                g.generate(&ctx).map_err(|e| ContentError::at(&self.meta.id, 0, e))
            }
        }
    }
}

/// Validates a generator spec (including its size against the caps).
fn load_generator(
    g: &GeneratorSpec,
    duration: Option<Millis>,
    ctx: &generator::Context,
    r: &mut Report,
) -> Option<Source> {
    if duration.is_none() {
        r.bad(&[Seg::Key("generator")], "a generated dataset needs a `duration`");
        return None;
    }
    let errs = g.validate(ctx);
    for (path, msg) in &errs {
        let path: Vec<Seg> = path.iter().map(|s| s.as_seg()).collect();
        r.bad(&path, msg.clone());
    }
    if !errs.is_empty() {
        return None;
    }
    let (series, samples) = g.size(ctx);
    if let Err(msg) = check_size(series, samples) {
        r.bad(&[Seg::Key("generator")], msg);
        return None;
    }
    Some(Source::Generator(g.clone()))
}

/// Reads and parses the explicit series files into one storage.
fn load_series(
    files: &[SeriesFile],
    ctx: &generator::Context,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    r: &mut Report,
) -> Option<Source> {
    let mut storage = Storage::new();
    let mut described = Vec::new();
    let before = r.problems.len();
    for (i, sf) in files.iter().enumerate() {
        let path = [Seg::Key("series"), Seg::Index(i)];
        if let Err(e) = check_relative_path(&sf.file) {
            r.bad(&path, e);
            continue;
        }
        let Some(format) = sf.format.or_else(|| SeriesFormat::from_extension(&sf.file)) else {
            r.bad(
                &path,
                format!(
                    "cannot tell the format of {:?}: add `format: openmetrics` or `format: load`",
                    sf.file
                ),
            );
            continue;
        };
        let text = match read(&sf.file) {
            Ok(t) => t,
            Err(e) => {
                r.bad(&path, format!("cannot read {:?}: {e}", sf.file));
                continue;
            }
        };
        if text.len() > MAX_FILE_BYTES {
            r.bad(&path, format!("{:?} is larger than {MAX_FILE_BYTES} bytes", sf.file));
            continue;
        }
        match series::load_into(&mut storage, &sf.file, &text, format, ctx.start, ctx.interval) {
            Ok(metrics) => described.extend(metrics),
            Err(errs) => r.problems.extend(errs),
        }
    }
    if storage.is_empty() && r.problems.len() == before {
        r.bad(&[Seg::Key("series")], "the series files hold no samples");
    }
    (r.problems.len() == before).then_some(Source::Series(storage, described))
}

/// A fingerprint of every sample (FNV-1a over each series' labels and each sample's time
/// and value bits, series in label order). Equal fingerprints on two platforms mean
/// bit-identical data; the tests pin the built-in datasets' fingerprints.
pub fn fingerprint(storage: &Storage) -> u64 {
    let mut series: Vec<_> = storage.all().iter().collect();
    series.sort_by(|a, b| a.labels.cmp(&b.labels));
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for s in series {
        feed(s.labels.to_string().as_bytes());
        for p in &s.points {
            feed(&p.t.to_le_bytes());
            feed(&p.v.to_bits().to_le_bytes());
        }
    }
    h
}

/// The caps every dataset must stay under.
pub fn check_size(series: u64, samples: u64) -> Result<(), String> {
    if series > MAX_SERIES {
        return Err(format!("{series} series is more than the limit of {MAX_SERIES}"));
    }
    if samples > MAX_SAMPLES {
        return Err(format!(
            "{samples} samples (series × samples per series) is more than the limit of {MAX_SAMPLES}"
        ));
    }
    Ok(())
}

/// Resolves event offsets into absolute times, reporting bad ones.
fn resolve_events(
    specs: &[EventSpec],
    start: Millis,
    duration: Option<Millis>,
    r: &mut Report,
) -> Vec<Event> {
    let mut out = Vec::new();
    for (i, e) in specs.iter().enumerate() {
        let here = |key| [Seg::Key("events"), Seg::Index(i), Seg::Key(key)];
        if let Err(msg) = check_id(&e.id) {
            r.bad(&here("id"), msg);
        }
        if specs[..i].iter().any(|o| o.id == e.id) {
            r.bad(&here("id"), format!("event id {:?} is used twice", e.id));
        }
        let offset = |s: &str, key, r: &mut Report| match parse_duration(s) {
            Ok(d) if duration.is_none_or(|dur| d <= dur) && start.checked_add(d).is_some() => Some(start + d),
            Ok(_) => {
                r.bad(&here(key), format!("{key} {s} is after the end of the data"));
                None
            }
            Err(msg) => {
                r.bad(&here(key), msg);
                None
            }
        };
        let Some(t0) = offset(&e.start, "start", r) else { continue };
        let t1 = match &e.end {
            Some(s) => match offset(s, "end", r) {
                Some(t) if t > t0 => Some(t),
                Some(_) => {
                    r.bad(&here("end"), "end must be after start");
                    continue;
                }
                None => continue,
            },
            None => None,
        };
        let range = match e.kind {
            EventKind::Errors => Some((0.0, 1.0)),
            EventKind::Traffic => Some((0.0, 1e6)),
            EventKind::Latency => Some((1e-6, 1e6)),
            EventKind::MemoryLeak => Some((0.0, 1e15)),
            EventKind::Note | EventKind::Stop | EventKind::Restart | EventKind::Unreachable => None,
        };
        match (range, e.value) {
            (Some((lo, hi)), Some(v)) if !(lo..=hi).contains(&v) => {
                r.bad(&here("value"), format!("value must be between {lo} and {hi} for this kind"))
            }
            (Some(_), None) => r.bad(&here("kind"), "this kind of event needs a `value`"),
            _ => {}
        }
        let bounded = [EventKind::Errors, EventKind::Traffic, EventKind::Latency, EventKind::Unreachable];
        if bounded.contains(&e.kind) && t1.is_none() {
            r.bad(&here("kind"), "this kind of event needs an `end`");
        }
        if e.kind == EventKind::Restart && t1.is_some() {
            r.bad(&here("end"), "a restart is an instant: remove `end`");
        }
        let mut pod_index = None;
        let mut target = Vec::new();
        for (k, v) in &e.target {
            if k == "pod_index" {
                match v.parse::<usize>() {
                    Ok(n) => pod_index = Some(n),
                    Err(_) => r.bad(&here("target"), format!("pod_index must be a number, not {v:?}")),
                }
            } else {
                target.push((k.clone(), v.clone()));
            }
        }
        out.push(Event {
            id: e.id.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            kind: e.kind,
            start: t0,
            end: t1,
            target,
            pod_index,
            value: e.value,
            alerts: e.alerts.clone(),
        });
    }
    out
}
