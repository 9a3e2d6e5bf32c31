//! The cost comparison: which pairs are measured, what the counters say, how storage is
//! priced, and that timings come from the clock it is given.

use std::cell::Cell;

use promql_playground::promqltest::run::load_storage;
use promql_playground::rules::cost::{self, CostOptions, BYTES_PER_SAMPLE};
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions, RuleFile};

const RULES: &str = "groups:
- name: g
  interval: 10s
  rules:
  - record: job:req:rate1m
    expr: sum by (job) (rate(req_total[1m]))
  - record: all:req:rate1m
    expr: sum(job:req:rate1m)
";

const DATA: &str = "load 10s
  req_total{job=\"a\", pod=\"1\"} 0+10x60
  req_total{job=\"a\", pod=\"2\"} 0+20x60
  req_total{job=\"b\", pod=\"1\"} 0+30x60
";

fn rules() -> RuleFile {
    check(RULES, &CheckOptions::default()).file.expect("valid rules")
}

#[test]
fn pairs_expand_recorded_inputs() {
    let pairs = cost::pairs(&rules());
    let by_label = |l: &str| pairs.iter().find(|p| p.label == l).unwrap_or_else(|| panic!("{l}: {pairs:?}"));
    assert_eq!(by_label("job:req:rate1m").raw, "sum by (job) (rate(req_total[1m]))");
    // The platform-level rule's raw query is the whole chain, without recorded series.
    let all = by_label("all:req:rate1m");
    assert!(all.raw.contains("rate(req_total[1m])") && !all.raw.contains("job:req"), "{}", all.raw);
    assert_eq!(all.recorded, "all:req:rate1m");
    // The seed's pairs need the seed's rules; these rules hold none of them.
    assert!(pairs.iter().all(|p| !p.from_seed || p.raw.contains("model_")));
}

#[test]
fn counters_and_storage_cost() {
    let storage = load_storage(DATA).expect("data");
    let file = rules();
    let evaluation = evaluate(&storage, &file, &EvalOptions::default());
    // A fake clock: every reading is 1 ms later, so each batch of n queries "takes" 1 ms.
    let now = Cell::new(0.0);
    let mut clock = || {
        now.set(now.get() + 1.0);
        now.get()
    };
    let opts =
        CostOptions { runs: 3, min_batch_ms: 0.5, range: 300_000, step: 10_000, ..CostOptions::default() };
    let table = cost::compare(&evaluation, &file, &opts, &mut clock);
    let row = table.pairs.iter().find(|p| p.pair.label == "job:req:rate1m").expect("row");
    // Raw: 3 series × 6 samples in (t-1m, t]; recorded: 2 series, one sample each.
    assert_eq!((row.instant_raw.samples, row.instant_raw.series), (18, 3));
    assert_eq!((row.instant_recorded.samples, row.instant_recorded.series), (2, 2));
    assert_eq!((row.instant_raw.result_series, row.instant_recorded.result_series), (2, 2));
    // Batches of one query at 1 ms each: the clock, not the machine, sets the time.
    assert_eq!(row.instant_raw.median_ms, 1.0);
    assert_eq!(row.instant_speedup(), Some(1.0));
    let st = table.storage.iter().find(|s| s.record == "job:req:rate1m").expect("storage row");
    assert_eq!(st.series, 2);
    assert_eq!(st.samples_per_day, 2.0 * 8640.0);
    assert_eq!(st.bytes_per_day, 2.0 * 8640.0 * BYTES_PER_SAMPLE);
    let text = cost::render(&table);
    assert!(text.contains("job:req:rate1m") && text.contains("bytes per sample"), "{text}");
}
