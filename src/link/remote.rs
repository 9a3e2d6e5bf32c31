//! Remote-mode messages: the app fetches from a Prometheus-compatible API (the browser's
//! fetch, URLs built by [`crate::remote::Source`]) and hands each answer's status and body to
//! the engine module, which reads the JSON — so JSON parsing, the local comparison and pack
//! recording stay out of the app's download.

use serde::{Deserialize, Serialize};

use crate::assist::Catalog;
use crate::engine::Millis;
use crate::remote::diff::Verdict;

use super::query::{QueryReply, QueryTime};

/// Remote requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum RemoteRequest {
    Query(ReadQueryAnswer),
    Version(ReadBuildInfo),
    Names(ReadNames),
    Catalog(BuildCatalog),
    PlanCompare(PlanCompare),
    Compare(CompareLocal),
    PlanRecord(PlanRecord),
    Record(RecordPack),
    // The rules labs' window of remote data: only the labs' engine module reads these.
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    PlanWindow(PlanRuleWindow),
    #[cfg_attr(not(feature = "labs"), serde(skip_deserializing))]
    LoadWindow(LoadRuleWindow),
}

/// One HTTP answer as the browser fetched it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fetched {
    pub url: String,
    pub status: u16,
    pub body: String,
}

/// One instant query to fetch raw samples with (`{selector}[window]` at `time`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawFetch {
    pub query: String,
    pub time: Millis,
}

/// Reads the answer of `/api/v1/query` or `/api/v1/query_range` to `query` as the
/// playground's result (a refused query is the result's error; a matrix gets the unit of
/// its values, for the chart); `Err` is why the answer is not the API's (a
/// [`crate::remote::RemoteError`]'s message).
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadQueryAnswer {
    pub query: String,
    pub answer: Fetched,
}

call!(ReadQueryAnswer => Result<QueryReply, String>, Remote(RemoteRequest::Query));

/// Reads `/api/v1/status/buildinfo`: the server's version (`2.42.0`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadBuildInfo {
    pub answer: Fetched,
}

call!(ReadBuildInfo => Result<String, String>, Remote(RemoteRequest::Version));

/// Reads a list of names (`/api/v1/labels`, `/api/v1/label/<name>/values`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadNames {
    pub answer: Fetched,
}

call!(ReadNames => Result<Vec<String>, String>, Remote(RemoteRequest::Names));

/// The editor's completion catalogue of a remote source: its metric names, each label's
/// values, and `/api/v1/metadata`'s answer (types and help) when it gave one.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuildCatalog {
    pub metrics: Vec<String>,
    pub values: Vec<(String, Vec<String>)>,
    pub metadata: Option<Fetched>,
}

call!(BuildCatalog => Catalog, Remote(RemoteRequest::Catalog));

/// The raw-sample fetches that let the local engine evaluate `query` over `time` on exactly
/// the remote's samples (see [`crate::remote::raw`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanCompare {
    pub query: String,
    pub time: QueryTime,
}

call!(PlanCompare => Result<Vec<RawFetch>, String>, Remote(RemoteRequest::PlanCompare));

/// Evaluates `query` locally on the fetched raw samples and compares the result with the
/// remote's answer (`remote`), allowing the documented 2.42-vs-3.x differences; the
/// verdict and how many raw samples the local side read.
#[derive(Debug, Serialize, Deserialize)]
pub struct CompareLocal {
    pub query: String,
    pub time: QueryTime,
    pub remote: Fetched,
    pub raw: Vec<Fetched>,
}

call!(CompareLocal => (Verdict, usize), Remote(RemoteRequest::Compare));

/// The raw-sample fetches that record the series `selectors` match over `start..=end`
/// (each must be one series selector).
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanRecord {
    pub selectors: Vec<String>,
    pub start: Millis,
    pub end: Millis,
}

call!(PlanRecord => Result<Vec<RawFetch>, String>, Remote(RemoteRequest::PlanRecord));

/// Builds a pack (the documented format: manifest, dataset file, OpenMetrics series) from
/// the fetched raw samples.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordPack {
    pub id: String,
    pub title: String,
    /// The source's base address (named in the pack's descriptions).
    pub source: String,
    pub start: Millis,
    pub raw: Vec<Fetched>,
    pub metadata: Option<Fetched>,
}

call!(RecordPack => Result<RecordedPack, String>, Remote(RemoteRequest::Record));

/// A recorded pack: its files (path relative to the manifest, text) and its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedPack {
    pub files: Vec<(String, String)>,
    pub series: usize,
    pub samples: usize,
}

/// The raw-sample fetches that let the rules labs evaluate rule files over `start..=end` on
/// a remote source's samples (see [`crate::remote::window`]): `files` are `(name, text)`,
/// plain rule files or ConfigMaps, evaluated together. Err: a file's errors, or a window
/// that is empty or over the cap.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanRuleWindow {
    pub files: Vec<(String, String)>,
    pub start: Millis,
    pub end: Millis,
}

call!(PlanRuleWindow => Result<Vec<RawFetch>, String>, Remote(RemoteRequest::PlanWindow));

/// Makes the fetched raw samples the remote window dataset ([`WINDOW_DATASET`]), replacing
/// the previous one: the rules labs evaluate over it as over a built-in dataset. It lasts
/// for the visit (a fresh engine module gets it again by replay). Err: an answer that is not
/// the raw samples, or more samples than the cap.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoadRuleWindow {
    /// The source's base address (named in the dataset's description).
    pub source: String,
    pub start: Millis,
    pub end: Millis,
    pub raw: Vec<Fetched>,
}

call!(LoadRuleWindow => Result<RuleWindow, String>, Remote(RemoteRequest::LoadWindow));

/// The id of the dataset a fetched window becomes.
pub const WINDOW_DATASET: &str = "remote-window";

/// A loaded window, as the labs show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleWindow {
    /// The dataset to evaluate on ([`WINDOW_DATASET`]).
    pub dataset: String,
    pub start: Millis,
    pub end: Millis,
    pub series: usize,
    pub samples: usize,
    /// Bytes of the fetched answers.
    pub bytes: usize,
}
