//! Cardinality in the engine module: the TSDB status and groupings of any open dataset
//! (built-in, pack, relabeled, or with the rules lab's recorded series).

use super::Host;
use crate::cardinality::{
    check_limit, grouping, parse_by, select, Grouping, MemoryFormula, Postings, TsdbStatus,
};
use crate::link::answer;
use crate::link::cardinality::{CardinalityRequest, GroupSeries, TsdbStatusOf};

pub(super) fn handle(host: &mut Host, request: CardinalityRequest) -> Vec<u8> {
    match request {
        CardinalityRequest::Status(c) => answer::<TsdbStatusOf>(status(host, &c)),
        CardinalityRequest::Group(c) => answer::<GroupSeries>(group(host, &c)),
    }
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
}
