//! Queries in the engine module: PromQL evaluated on an open dataset, with the notes the
//! dataset's metadata adds and, for an empty result, why it is empty.

use super::Host;
use crate::content::explain_empty::{probe_time, why};
use crate::content::grade::compare::is_empty;
use crate::content::metric_types::type_notes;
use crate::content::DatasetMeta;
use crate::engine::{self, EngineOptions, QueryError, Storage};
use crate::link::answer;
use crate::link::query::{QueryReply, QueryRequest, QueryTime, RunQuery};

pub(super) fn handle(host: &mut Host, request: QueryRequest) -> Vec<u8> {
    match request {
        QueryRequest::Run(c) => {
            let reply = run(host, &c);
            answer::<RunQuery>(reply)
        }
    }
}

fn run(host: &mut Host, c: &RunQuery) -> QueryReply {
    let storage = match host.storage(&c.dataset, c.with_recorded) {
        Ok(s) => s,
        Err(e) => return QueryReply::bare(Err(QueryError::Eval(e))),
    };
    let meta = host.datasets.meta(&c.dataset).ok();
    reply(&storage, meta.as_ref(), &c.query, c.time, &c.limits.options(host.clock))
}

/// Evaluates `query` on `storage` (the samples of the dataset `meta` describes) under `opts`,
/// adding the metadata's type notes and, when the result is empty, why.
pub(super) fn reply(
    storage: &Storage,
    meta: Option<&DatasetMeta>,
    query: &str,
    time: QueryTime,
    opts: &EngineOptions,
) -> QueryReply {
    let result = match time {
        QueryTime::Instant { time } => engine::instant_query(storage, query, time, opts),
        QueryTime::Range { start, end, step } => engine::range_query(storage, query, start, end, step, opts),
    };
    let why_empty = match &result {
        Ok(out) if is_empty(&out.value) => {
            let t = match time {
                QueryTime::Instant { time } => time,
                QueryTime::Range { start, end, .. } => probe_time(start, end, storage.time_bounds()),
            };
            Some(why(storage, query, t, opts))
        }
        _ => None,
    };
    let type_notes = match (&result, meta) {
        (Ok(_), Some(meta)) => type_notes(query, meta),
        _ => Vec::new(),
    };
    let unit = match (&result, time) {
        (Ok(_), QueryTime::Range { .. }) => crate::assist::units::of_query(query),
        _ => crate::assist::units::Unit::None,
    };
    QueryReply { result, type_notes, why_empty, unit }
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::engine::{QueryOutput, Value};

    fn ask(q: &str, time: QueryTime) -> QueryReply {
        let c = RunQuery {
            dataset: "ml-platform".into(),
            query: q.into(),
            time,
            with_recorded: false,
            limits: Default::default(),
        };
        roundtrip(&mut Host::new(), c).unwrap()
    }

    fn query(q: &str, time: QueryTime) -> Result<QueryOutput, QueryError> {
        ask(q, time).result
    }

    #[test]
    fn a_range_query_crosses_the_wire_intact() {
        let start = crate::content::builtin_dataset("ml-platform").unwrap().meta.start + 7_200_000;
        let time = QueryTime::Range { start, end: start + 3_600_000, step: 60_000 };
        let out = query("sum by (model) (rate(model_predictions_total[5m]))", time).unwrap();
        let Value::Matrix(series) = &out.value else { panic!("{:?}", out.value) };
        assert!(!series.is_empty() && series.iter().all(|s| s.points.len() == 61));
        // The same numbers as a direct evaluation, bit for bit.
        let storage = Host::new().datasets.storage("ml-platform").unwrap();
        let direct = engine::range_query(
            &storage,
            "sum by (model) (rate(model_predictions_total[5m]))",
            start,
            start + 3_600_000,
            60_000,
            &EngineOptions::default(),
        )
        .unwrap();
        assert_eq!(out, direct);
    }

    #[test]
    fn an_empty_result_says_why_and_the_metadata_adds_type_notes() {
        let meta = crate::content::builtin_dataset("ml-platform").unwrap().meta;
        let at = QueryTime::Instant { time: meta.end };
        let typo = ask("rate(model_predictions_total{model=\"fraud_detector\"}[5m])", at);
        let why = typo.why_empty.expect("explained");
        assert!(why.reasons[0].contains("Did you mean \"fraud-detector\"?"), "{why:?}");

        let later = QueryTime::Range { start: meta.end + 3_600_000, end: meta.end + 7_200_000, step: 60_000 };
        let why = ask("model_predictions_total", later).why_empty.expect("explained");
        assert_eq!(why.data_span, Some((meta.start, meta.end)), "{why:?}");

        let gauge = ask("rate(model_input_features_count[5m])", at);
        assert!(gauge.why_empty.is_none() && gauge.result.is_ok());
        assert_eq!(gauge.type_notes.len(), 1, "{:?}", gauge.type_notes);
        assert!(gauge.type_notes[0].starts_with("`model_input_features_count` is a gauge, but rate()"));
        let infos = &gauge.result.unwrap().annotations.infos;
        assert!(infos.is_empty(), "the engine keeps Prometheus's name-based infos only: {infos:?}");
    }

    #[test]
    fn a_range_reply_carries_its_unit_for_the_chart() {
        let meta = crate::content::builtin_dataset("ml-platform").unwrap().meta;
        let range = QueryTime::Range { start: meta.end - 3_600_000, end: meta.end, step: 60_000 };
        let p95 =
            "histogram_quantile(0.95, sum by (le) (rate(model_prediction_duration_seconds_bucket[5m])))";
        assert_eq!(ask(p95, range).unit, crate::assist::units::Unit::Seconds);
        // Instant results are tables: no unit is worked out for them, nor for errors.
        assert_eq!(ask(p95, QueryTime::Instant { time: meta.end }).unit, crate::assist::units::Unit::None);
        assert_eq!(ask("sum(", range).unit, crate::assist::units::Unit::None);
    }

    #[test]
    fn a_parse_error_keeps_its_position() {
        let Err(QueryError::Parse(p)) = query("sum(", QueryTime::Instant { time: 0 }) else { panic!() };
        assert!(p.span.0 <= 4 && p.line == 1);
    }
}
