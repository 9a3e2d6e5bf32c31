//! The high-cardinality dataset: tens of thousands of series in a short window, whose count
//! collapses when the per-pod labels and the runtime metrics are dropped, as the seed's
//! relabeling rules (task 5.3) do.

use std::collections::BTreeSet;

use promql_playground::content::builtin_dataset;
use promql_playground::content::dataset::fingerprint;
use promql_playground::engine::Labels;

#[test]
fn dropping_labels_visibly_cuts_the_series_count() {
    let d = builtin_dataset("high-cardinality").unwrap();
    let st = d.storage().unwrap();
    assert_eq!((st.len() as u64, st.sample_count() as u64), (d.meta.series, d.meta.samples));
    assert!(st.len() >= 20_000, "only {} series", st.len());
    // Pins the exact samples (the generator is deterministic, natively and in wasm).
    assert_eq!(fingerprint(&st), 4_352_489_292_612_921_203, "high-cardinality samples changed");
    assert!(d.meta.end - d.meta.start <= 3_600_000, "the window is short");

    for (label, at_least) in [
        ("pod_uid", 500),
        ("container_id", 500),
        ("pod", 500),
        ("pod_template_hash", 10),
        ("controller_revision_hash", 8),
        ("replica", 20),
    ] {
        let n = st.label_values(label).len();
        assert!(n >= at_least, "{label} has {n} values");
    }
    assert!(st.label_values("version").iter().all(|v| v.matches('.').count() == 2), "full semver versions");
    let runtime = st.all().iter().filter(|s| {
        let n = s.labels.metric_name().unwrap_or("");
        n.starts_with("go_") || n.starts_with("process_") || n.starts_with("promhttp_")
    });
    assert!(runtime.count() > st.len() / 3);

    // The seed's relabeling: drop go_/process_/promhttp_ metrics, the per-pod identity labels,
    // and cut versions to their major (v2.3.1 → v2).
    let relabeled: BTreeSet<Labels> = st
        .all()
        .iter()
        .filter(|s| {
            let n = s.labels.metric_name().unwrap_or("");
            !(n.starts_with("go_") || n.starts_with("process_") || n.starts_with("promhttp_"))
        })
        .map(|s| {
            let mut l = s.labels.drop_names(&[
                "pod_uid".into(),
                "container_id".into(),
                "id".into(),
                "pod_template_hash".into(),
                "controller_revision_hash".into(),
                "replica".into(),
                "pod".into(),
                "instance".into(),
                "node".into(),
                "image".into(),
            ]);
            let major = l.get("version").and_then(|v| v.split('.').next()).unwrap_or("").to_string();
            l.set("version", major);
            l
        })
        .collect();
    assert!(
        relabeled.len() * 50 < st.len(),
        "{} series after relabeling, {} before",
        relabeled.len(),
        st.len()
    );
}
