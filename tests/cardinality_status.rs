//! The TSDB status of the worked example in the relabel corpus
//! (`shared/relabel/corpus/tsdb_status.yaml`: 28 series and a real Prometheus 2.42 answer):
//! head stats and every list, with the 3.x memory formula and with 2.42's, match exactly;
//! and the lists the real 2.42 returned match ours up to the order of tied entries.

#[path = "relabel/shared.rs"]
mod shared;

use promql_playground::cardinality::{MemoryFormula, Postings, Stat, TsdbStatus};
use promql_playground::engine::{Labels, Storage};
use serde_json::Value;

fn example() -> Value {
    let text = std::fs::read_to_string(shared::relabel_dir().join("corpus/tsdb_status.yaml")).unwrap();
    let doc = promql_playground::rules::yaml::parse(&text).unwrap().unwrap();
    fn conv(n: &promql_playground::rules::yaml::Node) -> Value {
        use promql_playground::rules::yaml::NodeKind;
        match &n.kind {
            NodeKind::Scalar { value, .. } => match value.parse::<u64>() {
                Ok(i) if n.scalar_type() == Some(promql_playground::rules::yaml::ScalarType::Int) => {
                    Value::from(i)
                }
                _ => Value::String(value.clone()),
            },
            NodeKind::Seq(items) => Value::Array(items.iter().map(conv).collect()),
            NodeKind::Map(pairs) => Value::Object(
                pairs.iter().map(|(k, v)| (k.as_scalar().unwrap_or_default().to_string(), conv(v))).collect(),
            ),
        }
    }
    conv(&doc)
}

fn storage(series: &Value) -> Storage {
    let mut st = Storage::new();
    for s in series.as_array().unwrap() {
        let labels = Labels::from_pairs(
            s.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())),
        );
        st.add(&labels, 1_000, 1.0).unwrap();
    }
    st
}

fn stats(v: &Value) -> Vec<Stat> {
    serde_json::from_value(v.clone()).unwrap()
}

fn lists(s: &TsdbStatus) -> [(&'static str, &Vec<Stat>); 4] {
    [
        ("seriesCountByMetricName", &s.series_count_by_metric_name),
        ("labelValueCountByLabelName", &s.label_value_count_by_label_name),
        ("memoryInBytesByLabelName", &s.memory_in_bytes_by_label_name),
        ("seriesCountByLabelValuePair", &s.series_count_by_label_value_pair),
    ]
}

#[test]
fn the_worked_example_matches() {
    let ex = example();
    let st = storage(&ex["series"]);
    let postings = Postings::of_storage(&st);
    let expected = &ex["expected"];
    for (formula, key) in [(MemoryFormula::Prometheus3, "v3"), (MemoryFormula::Prometheus2, "v2_42")] {
        let s = postings.status(1000, formula);
        assert_eq!(s.head_stats.num_series, expected["headStats"]["numSeries"].as_u64().unwrap());
        assert_eq!(s.head_stats.num_label_pairs, expected["headStats"]["numLabelPairs"].as_u64().unwrap());
        for (name, ours) in lists(&s) {
            assert_eq!(ours, &stats(&expected[key][name]), "{key} {name}");
        }
    }
    // The real 2.42 answer (limit 10): same entries; tied ones may be ordered differently.
    let observed = &ex["observed_2_42_response"];
    let s = postings.status(10, MemoryFormula::Prometheus2);
    assert_eq!(s.head_stats.num_series, observed["headStats"]["numSeries"].as_u64().unwrap());
    for (name, ours) in lists(&s) {
        let theirs = stats(&observed[name]);
        assert_eq!(ours.len(), theirs.len(), "{name}");
        let cut = theirs.iter().map(|t| t.value).min().unwrap_or(0);
        for t in &theirs {
            let full = postings.status(1000, MemoryFormula::Prometheus2);
            let all = lists(&full).into_iter().find(|(n, _)| *n == name).map(|(_, l)| l.clone()).unwrap();
            assert!(all.contains(t), "{name}: 2.42 returned {t:?}");
        }
        for o in ours.iter().filter(|o| o.value > cut) {
            assert!(theirs.contains(o), "{name}: {o:?} is above the cut but 2.42 did not return it");
        }
    }
}
