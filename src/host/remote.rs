//! Remote mode in the engine module: reads the answers the app fetched from a
//! Prometheus-compatible API (query results as the playground draws them, the server's
//! version, name lists, metadata), plans and runs the local comparison on the remote's raw
//! samples, and records a pack from fetched series.

use serde_json::Value as Json;

use crate::assist::Catalog;
use crate::engine::parse::parse;
use crate::engine::{
    self, Annotations, EngineOptions, Labels, Millis, Point, QueryError, QueryOutput, QueryStats,
};
use crate::engine::{Sample, Series, Storage, Value};
use crate::link::answer;
use crate::link::query::{QueryReply, QueryTime};
use crate::link::remote::*;
use crate::remote::allow::AllowList;
use crate::remote::diff::{judge, Verdict};
use crate::remote::error::read_envelope;
use crate::remote::outcome::{from_api_body, from_promplay, LabelMap, Outcome, RawSeries};
use crate::remote::raw::{raw_query, reach, selector_texts, uses_at};
use crate::remote::record::{metadata, pack_files, storage_of, PackInfo};
use crate::remote::RemoteError;

use super::Host;

#[cfg(feature = "labs")]
mod window;

/// Most raw samples a comparison or a recording reads (about 16 bytes each in memory).
pub const MAX_RAW_SAMPLES: usize = 20_000_000;

// Only the labs' messages change the host (the rules labs' window).
#[cfg_attr(not(feature = "labs"), allow(unused_variables))]
pub(super) fn handle(host: &mut Host, request: RemoteRequest) -> Vec<u8> {
    match request {
        RemoteRequest::Query(c) => answer::<ReadQueryAnswer>(read_query(&c.query, &c.answer)),
        RemoteRequest::Version(c) => answer::<ReadBuildInfo>(read_version(&c.answer)),
        RemoteRequest::Names(c) => answer::<ReadNames>(read_names(&c.answer)),
        RemoteRequest::Catalog(c) => answer::<BuildCatalog>(catalog(c)),
        RemoteRequest::PlanCompare(c) => answer::<PlanCompare>(plan_compare(&c.query, c.time)),
        RemoteRequest::Compare(c) => answer::<CompareLocal>(compare(&c)),
        RemoteRequest::PlanRecord(c) => answer::<PlanRecord>(plan_record(&c.selectors, c.start, c.end)),
        RemoteRequest::Record(c) => answer::<RecordPack>(record(&c)),
        #[cfg(feature = "labs")]
        RemoteRequest::PlanWindow(c) => answer::<PlanRuleWindow>(window::plan(&c)),
        #[cfg(feature = "labs")]
        RemoteRequest::LoadWindow(c) => answer::<LoadRuleWindow>(window::load_window(host, &c)),
        #[cfg(not(feature = "labs"))]
        RemoteRequest::PlanWindow(_) | RemoteRequest::LoadWindow(_) => {
            super::not_in_this_build(crate::link::EngineModule::Labs)
        }
    }
}

/// The API's JSON of a successful answer, or why it is not one.
fn envelope(a: &Fetched) -> Result<Json, RemoteError> {
    read_envelope(&a.url, a.status, &a.body)
}

/// A query's answer as the playground's result: the API's refusal becomes the result's
/// error (its `bad_data` as bad parameters, anything else as an evaluation error); a matrix
/// gets its values' unit from the query, as a local range result does.
fn read_query(query: &str, a: &Fetched) -> Result<QueryReply, String> {
    let json = match envelope(a) {
        Ok(json) => json,
        Err(RemoteError::Api { error_type, error }) => {
            let e =
                if error_type == "bad_data" { QueryError::BadParams(error) } else { QueryError::Eval(error) };
            return Ok(QueryReply::bare(Err(e)));
        }
        Err(e) => return Err(e.to_string()),
    };
    let outcome = from_api_body(&a.body).map_err(|e| format!("{}: {e}", a.url))?;
    let mut annotations = Annotations::default();
    for (key, list) in [("warnings", &mut annotations.warnings), ("infos", &mut annotations.infos)] {
        let found = json.get(key).and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str);
        list.extend(found.map(str::to_string));
    }
    let unit = match outcome {
        Outcome::Matrix(_) => crate::assist::units::of_query(query),
        _ => crate::assist::units::Unit::None,
    };
    let value = to_value(outcome);
    let output = QueryOutput { value, annotations, stats: reported_stats(&json) };
    Ok(QueryReply { unit, ..QueryReply::bare(Ok(output)) })
}

/// The work the server reports with `stats=all` (`data.stats.samples`); zero where it
/// reports none.
fn reported_stats(json: &Json) -> QueryStats {
    let field =
        |name: &str| json.pointer(&format!("/data/stats/samples/{name}")).and_then(Json::as_u64).unwrap_or(0);
    QueryStats {
        samples_touched: field("totalQueryableSamples"),
        peak_samples: field("peakSamples"),
        series_touched: 0,
    }
}

fn labels(l: &LabelMap) -> Labels {
    Labels::from_pairs(l.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// An API answer as the engine's value (what the table and chart draw).
fn to_value(o: Outcome) -> Value {
    match o {
        Outcome::Scalar(t, v) => Value::Scalar { t, v },
        Outcome::String(t, s) => Value::String { t, s },
        Outcome::Vector(v) => {
            Value::Vector(v.iter().map(|(l, t, v)| Sample::float(labels(l), *t, *v)).collect())
        }
        Outcome::Matrix(m) => Value::Matrix(
            m.iter()
                .map(|(l, points)| {
                    Series::floats(labels(l), points.iter().map(|&(t, v)| Point { t, v }).collect())
                })
                .collect(),
        ),
        // `from_api_body` reads refusals, which `read_query` has answered before.
        Outcome::Error(..) => Value::Vector(Vec::new()),
    }
}

/// `data.version` of `/api/v1/status/buildinfo`.
fn read_version(a: &Fetched) -> Result<String, String> {
    let json = envelope(a).map_err(|e| e.to_string())?;
    let version = json.pointer("/data/version").and_then(Json::as_str).unwrap_or("unknown version");
    Ok(version.to_string())
}

/// The `data` list of a names endpoint.
fn read_names(a: &Fetched) -> Result<Vec<String>, String> {
    let json = envelope(a).map_err(|e| e.to_string())?;
    let list =
        json.get("data").and_then(Json::as_array).ok_or_else(|| format!("{}: data is not a list", a.url))?;
    Ok(list.iter().filter_map(Json::as_str).map(str::to_string).collect())
}

fn catalog(c: BuildCatalog) -> Catalog {
    let metrics =
        c.metadata.as_ref().and_then(|m| envelope(m).ok()).map(|j| metadata(&j)).unwrap_or_default();
    let details = metrics
        .into_iter()
        .map(|m| {
            let kind = m.kind.as_str().to_string();
            (m.name, if m.help.is_empty() { kind } else { format!("{kind}: {}", m.help) })
        })
        .collect();
    Catalog::from_api(c.metrics, c.values, details)
}

/// `(start, end, last instant)` of a query time.
fn span(time: QueryTime) -> (Millis, Millis) {
    match time {
        QueryTime::Instant { time } => (time, time),
        QueryTime::Range { start, end, .. } => (start, end),
    }
}

fn plan_compare(query: &str, time: QueryTime) -> Result<Vec<RawFetch>, String> {
    // A query that does not parse is refused on both sides: nothing to fetch.
    let Ok(expr) = parse(query) else { return Ok(Vec::new()) };
    if uses_at(&expr) {
        return Err(
            "the query pins data to a time with @: the samples it reads cannot be fetched as one window"
                .into(),
        );
    }
    let (start, end) = span(time);
    let window = end - start + reach(&expr, EngineOptions::default().lookback_window());
    Ok(selector_texts(&expr)
        .into_iter()
        .map(|s| RawFetch { query: raw_query(&s, window), time: end })
        .collect())
}

/// The series of raw-sample answers (each must be a matrix), capped at `cap` samples.
pub(super) fn raw_series(raw: &[Fetched], cap: usize) -> Result<RawSeries, String> {
    let mut series = RawSeries::new();
    let mut samples = 0usize;
    for a in raw {
        envelope(a).map_err(|e| e.to_string())?;
        match from_api_body(&a.body)? {
            Outcome::Matrix(m) => {
                samples += m.iter().map(|(_, p)| p.len()).sum::<usize>();
                if samples > cap {
                    return Err(format!("more than {cap} raw samples: narrow the time range"));
                }
                series.extend(m);
            }
            other => return Err(format!("{}: the raw samples came back as {other:?}, not a matrix", a.url)),
        }
    }
    Ok(series)
}

fn compare(c: &CompareLocal) -> (Verdict, usize) {
    let want = match envelope(&c.remote) {
        Ok(_) | Err(RemoteError::Api { .. }) => from_api_body(&c.remote.body),
        Err(e) => Err(e.to_string()),
    };
    let want = match want {
        Ok(w) => w,
        Err(e) => return (Verdict::Failed(format!("remote: {e}")), 0),
    };
    let storage: Storage = match raw_series(&c.raw, MAX_RAW_SAMPLES) {
        Ok(series) => storage_of(&series),
        Err(e) => return (Verdict::Failed(format!("fetching the raw samples: {e}")), 0),
    };
    let opts = EngineOptions::default();
    let got = from_promplay(match c.time {
        QueryTime::Instant { time } => engine::instant_query(&storage, &c.query, time, &opts),
        QueryTime::Range { start, end, step } => {
            engine::range_query(&storage, &c.query, start, end, step, &opts)
        }
    });
    (judge(&c.query, &want, &got, &AllowList::builtin(), None), storage.sample_count())
}

fn plan_record(selectors: &[String], start: Millis, end: Millis) -> Result<Vec<RawFetch>, String> {
    if end <= start {
        return Err("the window's end must be after its start".into());
    }
    let mut out = Vec::new();
    for sel in selectors.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let expr = parse(sel).map_err(|e| format!("{sel:?}: {e}"))?;
        let texts = selector_texts(&expr);
        let promql_parser::parser::Expr::VectorSelector(_) = expr else {
            return Err(format!("{sel:?}: give a series selector (a metric name and/or {{label matchers}})"));
        };
        // `(start, end]` is what a range selector at `end` returns; one millisecond more
        // keeps a sample exactly at `start`.
        out.extend(texts.iter().map(|t| RawFetch { query: raw_query(t, end - start + 1), time: end }));
    }
    if out.is_empty() {
        return Err("give at least one series selector".into());
    }
    Ok(out)
}

fn record(c: &RecordPack) -> Result<RecordedPack, String> {
    crate::content::pack::check_id(&c.id).map_err(|e| format!("pack id: {e}"))?;
    let series = raw_series(&c.raw, MAX_RAW_SAMPLES)?;
    let storage = storage_of(&series);
    // Types and help are a courtesy: a server without the metadata API still records.
    let metrics =
        c.metadata.as_ref().and_then(|m| envelope(m).ok()).map(|j| metadata(&j)).unwrap_or_default();
    let info = PackInfo { id: c.id.clone(), title: c.title.clone(), source: c.source.clone() };
    let files = pack_files(&info, &storage, &metrics, c.start)?;
    Ok(RecordedPack { files, series: storage.len(), samples: storage.sample_count() })
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    fn fetched(body: &str) -> Fetched {
        Fetched { url: "http://p:9090/api/v1/query".into(), status: 200, body: body.into() }
    }

    #[test]
    fn answers_read_as_results_refusals_and_failures() {
        let v = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[10,"1.5"]}]},"warnings":["w"]}"#;
        let reply = roundtrip(&mut Host::new(), ReadQueryAnswer { query: "x".into(), answer: fetched(v) })
            .unwrap()
            .unwrap();
        let out = reply.result.unwrap();
        assert_eq!(
            out.value,
            Value::Vector(vec![Sample::float(Labels::from_pairs([("job", "a")]), 10_000, 1.5)])
        );
        assert_eq!(out.annotations.warnings, ["w"]);
        let refused = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        let reply = read_query("x", &Fetched { status: 400, ..fetched(refused) }).unwrap();
        assert_eq!(reply.result, Err(QueryError::BadParams("parse error".into())));
        let html = read_query("x", &Fetched { status: 200, ..fetched("<html>Sign in</html>") }).unwrap_err();
        assert!(html.contains("login page"), "{html}");
        assert!(read_query("x", &Fetched { status: 404, ..fetched("404 page not found") })
            .unwrap_err()
            .contains("404"));
    }

    #[test]
    fn the_servers_reported_work_is_kept() {
        // Prometheus 2.42's answer with `stats=all`.
        let v = r#"{"status":"success","data":{"resultType":"vector","result":[],"stats":{"timings":{"evalTotalTime":0.0001},
            "samples":{"totalQueryableSamples":120,"peakSamples":12}}}}"#;
        let stats = read_query("x", &fetched(v)).unwrap().result.unwrap().stats;
        assert_eq!((stats.samples_touched, stats.peak_samples), (120, 12));
        let bare = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(read_query("x", &fetched(bare)).unwrap().result.unwrap().stats.samples_touched, 0);
    }

    #[test]
    fn a_range_answer_gets_the_unit_of_its_values() {
        let m = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0.2"]]}]}}"#;
        let q = "histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))";
        assert_eq!(read_query(q, &fetched(m)).unwrap().unit, crate::assist::units::Unit::Seconds);
    }

    #[test]
    fn version_names_and_catalog() {
        let b = r#"{"status":"success","data":{"version":"2.42.0","revision":"x"}}"#;
        assert_eq!(read_version(&fetched(b)), Ok("2.42.0".into()));
        assert!(read_version(&Fetched { status: 401, ..fetched("") }).unwrap_err().contains("401"));
        let n = r#"{"status":"success","data":["up","x"]}"#;
        assert_eq!(read_names(&fetched(n)), Ok(vec!["up".to_string(), "x".to_string()]));
        let meta = r#"{"status":"success","data":{"up":[{"type":"gauge","help":"Up.","unit":""}]}}"#;
        let c = catalog(BuildCatalog {
            metrics: vec!["up".into()],
            values: vec![("job".into(), vec!["a".into()])],
            metadata: Some(fetched(meta)),
        });
        assert!(c.has_metric("up") && c.label_values(Some("up"), "job") == ["a"]);
        assert_eq!(c.metric_detail("up"), "gauge: Up.");
    }

    #[test]
    fn a_comparison_plans_its_fetches_and_judges_the_local_result() {
        let time = QueryTime::Instant { time: 100_000 };
        let plan = plan_compare("sum(rate(x[1m]))", time).unwrap();
        assert_eq!(plan, [RawFetch { query: r#"{__name__="x"}[360s]"#.into(), time: 100_000 }]);
        assert!(plan_compare("x @ 10", time).is_err());
        let raw = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x"},"values":[[40,"1"],[70,"2"],[100,"3"]]}]}}"#;
        let remote = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[100,"3"]}]}}"#;
        let ask = |remote: &str| CompareLocal {
            query: "sum(x)".into(),
            time,
            remote: fetched(remote),
            raw: vec![fetched(raw)],
        };
        assert_eq!(compare(&ask(remote)), (Verdict::Agree, 3));
        assert!(matches!(compare(&ask(&remote.replace("\"3\"", "\"4\""))).0, Verdict::Differ(_)));
        assert!(matches!(compare(&ask("nope")).0, Verdict::Failed(_)));
    }

    #[test]
    fn a_recording_plans_one_fetch_per_selector_and_builds_a_pack() {
        let plan = plan_record(&["up".into(), " ".into(), r#"x{job="a"}"#.into()], 0, 3_600_000).unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[1].query, r#"{__name__="x",job="a"}[3601s]"#);
        assert!(plan_record(&["sum(up)".into()], 0, 10).is_err());
        assert!(plan_record(&["up".into()], 10, 10).is_err());
        assert!(plan_record(&[], 0, 10).is_err());
        let raw = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a"},"values":[[0,"1"],[15,"1"],[30,"0"]]}]}}"#;
        let c = RecordPack {
            id: "incident".into(),
            title: "An incident".into(),
            source: "http://p:9090".into(),
            start: 0,
            raw: vec![fetched(raw)],
            metadata: None,
        };
        let pack = record(&c).unwrap();
        assert_eq!((pack.series, pack.samples, pack.files.len()), (1, 3, 3));
        assert!(record(&RecordPack { id: "../x".into(), ..c }).is_err());
    }
}
