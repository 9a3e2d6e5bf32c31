//! Every classic histogram of every built-in dataset is one a client library could have
//! exposed: at every sample the `_bucket` counters are monotone in `le`, `_count` equals the
//! `+Inf` bucket, `_sum` lies between the bounds the buckets imply, and no
//! `histogram_quantile` over the data has to repair its input for monotonicity.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use promql_playground::content::{builtin_datasets, Dataset, MetricType};
use promql_playground::engine::value::is_stale;
use promql_playground::engine::{range_query, EngineOptions, Labels, Millis, Storage, Value, METRIC_NAME};

/// Every built-in dataset with its storage, built once for all tests.
fn datasets() -> &'static [(Dataset, Storage)] {
    static ALL: OnceLock<Vec<(Dataset, Storage)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let all = builtin_datasets().expect("built-in datasets load");
        all.into_iter()
            .map(|d| {
                let st = d.storage().unwrap_or_else(|e| panic!("{}: {e}", d.meta.id));
                (d, st)
            })
            .collect()
    })
}

/// The histogram families a dataset declares.
fn histograms(d: &Dataset) -> Vec<String> {
    d.meta.metrics.iter().filter(|m| m.kind == MetricType::Histogram).map(|m| m.name.clone()).collect()
}

/// The non-stale samples of the series `name{labels}` by time.
fn samples(st: &Storage, name: &str, labels: &Labels) -> BTreeMap<Millis, f64> {
    let mut l = labels.clone();
    l.set(METRIC_NAME, name);
    let id = st.postings(METRIC_NAME, name).iter().copied().find(|&id| st.get(id).labels == l);
    let id = id.unwrap_or_else(|| panic!("no series {l}"));
    st.get(id).points.iter().filter(|p| !is_stale(p.v)).map(|p| (p.t, p.v)).collect()
}

/// `_bucket` series grouped by their labels without `le` and the name: (le, samples) by bound.
type Buckets = BTreeMap<Labels, Vec<(f64, BTreeMap<Millis, f64>)>>;

fn buckets(st: &Storage, family: &str) -> Buckets {
    let name = format!("{family}_bucket");
    let mut out = Buckets::new();
    for &id in st.postings(METRIC_NAME, &name) {
        let s = st.get(id);
        let le: f64 =
            s.labels.get("le").and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{}", s.labels));
        let base = s.labels.drop_names(&["le".into(), METRIC_NAME.into()]);
        let points = s.points.iter().filter(|p| !is_stale(p.v)).map(|p| (p.t, p.v)).collect();
        out.entry(base).or_default().push((le, points));
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

#[test]
fn buckets_count_and_sum_are_consistent_at_every_sample() {
    let mut checked = 0usize;
    for (d, st) in datasets() {
        for family in histograms(d) {
            let all = buckets(st, &family);
            assert!(!all.is_empty(), "{}: no {family}_bucket series", d.meta.id);
            for (base, list) in &all {
                assert!(list.last().is_some_and(|(le, _)| *le == f64::INFINITY), "{base}: no +Inf bucket");
                let count = samples(st, &format!("{family}_count"), base);
                let sum = samples(st, &format!("{family}_sum"), base);
                let times: Vec<Millis> = list[0].1.keys().copied().collect();
                assert_eq!(
                    times,
                    count.keys().copied().collect::<Vec<_>>(),
                    "{base}: bucket and count times"
                );
                let mut before: Option<Vec<f64>> = None;
                for t in times {
                    let at: Vec<f64> = list.iter().map(|(_, pts)| pts[&t]).collect();
                    // Observations per bucket (not cumulative) only grow, unless the process
                    // restarted: then every increase over a window is monotone in `le` too.
                    let own = |c: &[f64]| {
                        c.iter().scan(0.0, |p, &x| Some(x - std::mem::replace(p, x))).collect::<Vec<f64>>()
                    };
                    if let Some(prev) = before.replace(at.clone()).filter(|p| p.last() <= at.last()) {
                        let grew = own(&at).iter().zip(own(&prev)).all(|(a, b)| *a >= b);
                        assert!(grew, "{base} at {t}: a bucket's own count shrank: {prev:?} -> {at:?}");
                    }
                    assert!(at.iter().all(|v| v.fract() == 0.0 && *v >= 0.0), "{base} at {t}: {at:?}");
                    assert!(at.windows(2).all(|w| w[0] <= w[1]), "{base} at {t}: not monotone in le: {at:?}");
                    assert_eq!(at.last(), Some(&count[&t]), "{base} at {t}: _count is not the +Inf bucket");
                    // Each observation lies in (previous bound, its bound]: the sum is bounded.
                    let (mut lower, mut upper, mut below) = (0.0, 0.0, 0.0);
                    for (i, (le, _)) in list.iter().enumerate() {
                        let n = at[i] - below;
                        below = at[i];
                        lower += n * if i == 0 { 0.0 } else { list[i - 1].0 };
                        upper += if n > 0.0 { n * le } else { 0.0 };
                    }
                    let s = sum[&t];
                    let slack = 1e-9 * s.abs().max(1.0);
                    assert!(
                        s >= lower - slack && s <= upper + slack,
                        "{base} at {t}: sum {s} not in [{lower}, {upper}]"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100_000, "only {checked} histogram samples checked");
}

/// Quantile queries a learner writes: over raw counters, rates and increases, per pod and
/// aggregated, with every bound of the data in the result.
const QUANTILE_QUERIES: &[&str] = &[
    "histogram_quantile(0.95, sum by (le) (rate({F}_bucket[5m])))",
    "histogram_quantile(0.95, sum by (le, model) (rate({F}_bucket[5m])))",
    "histogram_quantile(0.99, sum by (le, model, version) (rate({F}_bucket[1m])))",
    "histogram_quantile(0.5, rate({F}_bucket[2m]))",
    "histogram_quantile(0.9, sum by (le, pod) (increase({F}_bucket[10m])))",
    "histogram_quantile(0.999, {F}_bucket)",
];

#[test]
fn no_histogram_quantile_needs_its_input_fixed() {
    let opts = EngineOptions::default();
    for (d, st) in datasets() {
        let step = ((d.meta.end - d.meta.start) / 100).max(d.meta.interval);
        for family in histograms(d) {
            for q in QUANTILE_QUERIES {
                let q = q.replace("{F}", &family);
                let out = range_query(st, &q, d.meta.start, d.meta.end, step, &opts)
                    .unwrap_or_else(|e| panic!("{}: {q}: {e}", d.meta.id));
                let fixed: Vec<&String> =
                    out.annotations.infos.iter().filter(|i| i.contains("monotonicity")).collect();
                assert!(fixed.is_empty(), "{}: {q}: {fixed:?}", d.meta.id);
                let Value::Matrix(m) = &out.value else { panic!("{q}: not a matrix") };
                assert!(m.iter().any(|s| !s.points.is_empty()), "{}: {q} is empty", d.meta.id);
            }
        }
    }
}

/// The issue's own check: over any window, no more observations fall below 5 s than in all.
#[test]
fn no_bucket_increases_more_than_the_inf_bucket() {
    let opts = EngineOptions::default();
    for (d, st) in datasets() {
        for family in histograms(d) {
            let q = format!(
                "sum(increase({family}_bucket{{le=\"+Inf\"}}[10m])) - sum(increase({family}_bucket{{le=\"5\"}}[10m]))"
            );
            let out = range_query(st, &q, d.meta.start, d.meta.end, 10 * 60_000, &opts)
                .unwrap_or_else(|e| panic!("{}: {q}: {e}", d.meta.id));
            let Value::Matrix(m) = out.value else { panic!("{q}: not a matrix") };
            let points: Vec<_> = m.iter().flat_map(|s| s.points.iter()).collect();
            assert!(points.len() >= 6, "{}: {q}: {} points", d.meta.id, points.len());
            let negative: Vec<_> = points.iter().filter(|p| p.v < 0.0).collect();
            assert!(
                negative.is_empty(),
                "{}: {q} is negative at {} steps: {negative:?}",
                d.meta.id,
                negative.len()
            );
        }
    }
}
