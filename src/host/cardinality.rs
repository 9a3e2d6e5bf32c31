//! Cardinality in the engine module: the TSDB status and groupings of any open dataset
//! (built-in, pack, relabeled, or with the rules lab's recorded series), and the reading of
//! a remote server's TSDB status and series lists the app fetched.

use super::Host;
use crate::cardinality::remote::{breakdown, read_status, series_match, Breakdown};
use crate::cardinality::{
    check_limit, grouping, parse_by, select, Grouping, MemoryFormula, Postings, TsdbStatus,
};
use crate::link::answer;
use crate::link::cardinality::{
    CardinalityRequest, GroupSeries, PlanSeriesMatch, ReadSeriesBreakdown, ReadTsdbStatus, TsdbStatusOf,
};
use crate::link::remote::Fetched;
use crate::remote::error::read_envelope;

pub(super) fn handle(host: &mut Host, request: CardinalityRequest) -> Vec<u8> {
    match request {
        CardinalityRequest::Status(c) => answer::<TsdbStatusOf>(status(host, &c)),
        CardinalityRequest::Group(c) => answer::<GroupSeries>(group(host, &c)),
        CardinalityRequest::RemoteStatus(c) => answer::<ReadTsdbStatus>(remote_status(&c)),
        CardinalityRequest::RemoteMatch(c) => answer::<PlanSeriesMatch>(series_match(&c.selector)),
        CardinalityRequest::RemoteBreakdown(c) => answer::<ReadSeriesBreakdown>(remote_breakdown(&c)),
    }
}

/// The `data` of a successful API answer, or why it is not one.
fn data(a: &Fetched) -> Result<serde_json::Value, String> {
    let mut json = read_envelope(&a.url, a.status, &a.body).map_err(|e| e.to_string())?;
    Ok(json.get_mut("data").map(serde_json::Value::take).unwrap_or_default())
}

fn remote_status(c: &ReadTsdbStatus) -> Result<TsdbStatus, String> {
    read_status(&data(&c.answer)?, check_limit(c.limit as i64)?)
}

fn remote_breakdown(c: &ReadSeriesBreakdown) -> Result<Breakdown, String> {
    breakdown(&data(&c.answer)?, c.limit, &c.by)
}

fn status(host: &mut Host, c: &TsdbStatusOf) -> Result<TsdbStatus, String> {
    let limit = check_limit(c.limit as i64)?;
    let storage = host.storage(&c.dataset, c.with_recorded)?;
    let ids = select(&storage, &c.selector)?;
    Ok(Postings::of_series(&storage, ids).status(limit, MemoryFormula::Prometheus3))
}

fn group(host: &mut Host, c: &GroupSeries) -> Result<Grouping, String> {
    let limit = check_limit(c.limit as i64)?;
    let by = parse_by(&c.by)?;
    let storage = host.storage(&c.dataset, c.with_recorded)?;
    let ids = select(&storage, &c.selector)?;
    Ok(grouping(&storage, &ids, &by, limit))
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    #[test]
    fn status_and_grouping_of_the_default_dataset() {
        let mut host = Host::new();
        let c = TsdbStatusOf {
            dataset: "ml-platform".into(),
            selector: String::new(),
            limit: 5,
            with_recorded: false,
        };
        let s = roundtrip(&mut host, c).unwrap().unwrap();
        assert_eq!(s.head_stats.num_series, 606);
        assert_eq!(s.series_count_by_metric_name.len(), 5);
        let g = GroupSeries {
            dataset: "ml-platform".into(),
            selector: "model_predictions_total".into(),
            by: "model".into(),
            limit: 3,
            with_recorded: false,
        };
        let g = roundtrip(&mut host, g).unwrap().unwrap();
        assert!(g.groups >= 5 && g.largest.len() == 3, "{g:?}");
        let bad = TsdbStatusOf {
            dataset: "ml-platform".into(),
            selector: "rate(x[5m])".into(),
            limit: 5,
            with_recorded: false,
        };
        assert!(roundtrip(&mut host, bad).unwrap().unwrap_err().contains("not a series selector"));
    }

    #[test]
    fn a_remote_servers_answers_are_read() {
        let mut host = Host::new();
        let fetched =
            |body: &str, status| Fetched { url: "http://p/api/v1/x".into(), status, body: body.into() };
        let body = r#"{"status":"success","data":{"headStats":{"numSeries":2,"numLabelPairs":3,"chunkCount":2,"minTime":1,"maxTime":2},
            "seriesCountByMetricName":[{"name":"up","value":2}],"labelValueCountByLabelName":[],
            "memoryInBytesByLabelName":[],"seriesCountByLabelValuePair":[]}}"#;
        let status =
            roundtrip(&mut host, ReadTsdbStatus { answer: fetched(body, 200), limit: 10 }).unwrap().unwrap();
        assert_eq!(status.series_count_by_metric_name[0].value, 2);
        let refused = ReadTsdbStatus { answer: fetched("<html>login</html>", 200), limit: 10 };
        assert!(roundtrip(&mut host, refused).unwrap().is_err());
        let body = r#"{"status":"success","data":[{"__name__":"up","job":"a"},{"__name__":"up","job":"b"}]}"#;
        let listed = ReadSeriesBreakdown { answer: fetched(body, 200), limit: 10, by: "job".into() };
        let b = roundtrip(&mut host, listed).unwrap().unwrap();
        assert_eq!((b.status.head_stats.num_series, b.grouping.unwrap().unwrap().groups), (2, 2));
        let planned = roundtrip(&mut host, PlanSeriesMatch { selector: "up*".into() }).unwrap().unwrap();
        assert_eq!(planned, r#"{__name__=~"up.*"}"#);
    }
}
