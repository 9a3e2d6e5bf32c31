//! Queries in the engine module: PromQL evaluated on an open dataset.

use super::Host;
use crate::engine::{self, EngineOptions, QueryError, QueryOutput};
use crate::link::answer;
use crate::link::query::{QueryRequest, QueryTime, QueryUnit, RunQuery};

pub(super) fn handle(host: &mut Host, request: QueryRequest) -> Vec<u8> {
    match request {
        QueryRequest::Run(c) => {
            let reply = run(host, &c);
            answer::<RunQuery>(reply)
        }
        QueryRequest::Unit(c) => answer::<QueryUnit>(crate::assist::units::of_query(&c.query)),
    }
}

fn run(host: &mut Host, c: &RunQuery) -> Result<QueryOutput, QueryError> {
    let storage = host.storage(&c.dataset, c.with_recorded).map_err(QueryError::Eval)?;
    let opts = EngineOptions::default();
    match c.time {
        QueryTime::Instant { time } => engine::instant_query(&storage, &c.query, time, &opts),
        QueryTime::Range { start, end, step } => {
            engine::range_query(&storage, &c.query, start, end, step, &opts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::engine::Value;

    fn query(q: &str, time: QueryTime) -> Result<QueryOutput, QueryError> {
        let c = RunQuery { dataset: "ml-platform".into(), query: q.into(), time, with_recorded: false };
        roundtrip(&mut Host::new(), c).unwrap()
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
    fn a_parse_error_keeps_its_position() {
        let Err(QueryError::Parse(p)) = query("sum(", QueryTime::Instant { time: 0 }) else { panic!() };
        assert!(p.span.0 <= 4 && p.line == 1);
    }
}
