//! The built-in datasets hold what Prometheus writes for every scrape target, as it writes
//! it: `up` and the `scrape_*` series with the target's labels, `up` 0 and stale series when a
//! scrape fails (a restart, an unreachable pod), a new `instance` for a new pod with the old
//! one's series stale at once, and scrape counts that match the stored series. The queries an
//! SRE starts with (`up`, `up == 0`, `absent(up{...})`, `avg_over_time(up[1h])`) answer what
//! the dataset documents.

use std::sync::OnceLock;

use promql_playground::content::time::parse_duration;
use promql_playground::content::{builtin_dataset, Dataset, Event, EventKind};
use promql_playground::engine::{instant_query, range_query, EngineOptions, Millis, Storage, Value};

fn load(id: &str) -> (Dataset, Storage) {
    let d = builtin_dataset(id).unwrap_or_else(|e| panic!("{id}: {e}"));
    let st = d.storage().unwrap_or_else(|e| panic!("{id}: {e}"));
    (d, st)
}

fn ml_platform() -> &'static (Dataset, Storage) {
    static D: OnceLock<(Dataset, Storage)> = OnceLock::new();
    D.get_or_init(|| load("ml-platform"))
}

fn high_cardinality() -> &'static (Dataset, Storage) {
    static D: OnceLock<(Dataset, Storage)> = OnceLock::new();
    D.get_or_init(|| load("high-cardinality"))
}

/// `offset` after the start of `d`.
fn at(d: &Dataset, offset: &str) -> Millis {
    d.meta.start + parse_duration(offset).unwrap_or_else(|e| panic!("{offset}: {e}"))
}

/// The query's result at `t` as (labels, value) pairs.
fn query(data: &(Dataset, Storage), q: &str, t: Millis) -> Vec<(String, f64)> {
    let out = instant_query(&data.1, q, t, &EngineOptions::default()).unwrap_or_else(|e| panic!("{q}: {e}"));
    match out.value {
        Value::Vector(v) => v.into_iter().map(|s| (s.labels.to_string(), s.v)).collect(),
        Value::Scalar { v, .. } => vec![(String::new(), v)],
        other => panic!("{q}: unexpected {other:?}"),
    }
}

/// The single value of a query that must return exactly one sample.
fn one(data: &(Dataset, Storage), q: &str, t: Millis) -> f64 {
    match query(data, q, t).as_slice() {
        [(_, v)] => *v,
        other => panic!("{q} at {t}: expected one sample, got {other:?}"),
    }
}

/// Every time (over the whole dataset, at the scrape interval) `q` returns something.
fn times_with_result(data: &(Dataset, Storage), q: &str) -> Vec<Millis> {
    let d = &data.0;
    let out = range_query(&data.1, q, d.meta.start, d.meta.end, d.meta.interval, &EngineOptions::default())
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    let Value::Matrix(m) = out.value else { panic!("{q}: not a matrix") };
    let mut times: Vec<Millis> = m.iter().flat_map(|s| s.points.iter().map(|p| p.t)).collect();
    times.sort_unstable();
    times.dedup();
    times
}

fn event<'a>(d: &'a Dataset, id: &str) -> &'a Event {
    d.meta.events.iter().find(|e| e.id == id).unwrap_or_else(|| panic!("no event {id}"))
}

/// The scrape times in `[from, to)`.
fn grid(d: &Dataset, from: Millis, to: Millis) -> Vec<Millis> {
    let first =
        from + (d.meta.interval - (from - d.meta.start).rem_euclid(d.meta.interval)) % d.meta.interval;
    (first..to).step_by(d.meta.interval as usize).collect()
}

#[test]
fn every_target_reports_up_and_its_scrape_series() {
    let data = ml_platform();
    let t = at(&data.0, "1h");
    // 21 model-serving pods, and the kubelets of 6 nodes in each of the 2 clusters.
    let by_job = query(data, "count by (job) (up)", t);
    assert_eq!(by_job.len(), 2, "{by_job:?}");
    for (job, n) in [("model-serving", 21.0), ("kubelet", 12.0)] {
        assert!(by_job.contains(&(format!("{{job=\"{job}\"}}"), n)), "{job}: {by_job:?}");
    }
    for name in [
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
    ] {
        assert_eq!(one(data, &format!("count({name})"), t), 33.0, "{name}");
        // The same target labels as `up`: every series pairs one to one.
        assert_eq!(one(data, &format!("count({name} and ignoring(__name__) up)"), t), 33.0, "{name}");
    }
    // A model server's target carries the labels its series carry, so `up` joins them.
    let joined = "count(model_predictions_total * on (instance) group_left () up{job=\"model-serving\"})";
    assert_eq!(one(data, joined, t), 21.0);
    assert_eq!(
        query(
            data,
            "up{job=\"kubelet\", instance=\"prod-eu-west-1-node-0\", node=\"prod-eu-west-1-node-0\"}",
            t
        )
        .len(),
        1
    );
    // A learner's first checks: nothing down at 1h, absent() only for what is not there.
    assert!(query(data, "up == 0", t).is_empty());
    assert!(query(data, "absent(up{job=\"model-serving\"})", t).is_empty());
    assert_eq!(one(data, "absent(up{job=\"model-serving\", model=\"sentiment-analyzer\"})", t), 1.0);
    let durations = query(data, "scrape_duration_seconds", t);
    assert!(durations.iter().all(|(_, v)| *v > 0.0 && *v < 1.0), "{durations:?}");
}

#[test]
fn failed_scrapes_are_up_0_with_the_series_stale() {
    let data = ml_platform();
    let d = &data.0;
    // `up == 0` exactly at the restarts' scrapes and through the unreachable window.
    let mut expected: Vec<Millis> = Vec::new();
    for e in &d.meta.events {
        match e.kind {
            EventKind::Restart => expected.extend(grid(d, e.start, e.start + 1)),
            EventKind::Unreachable => expected.extend(grid(d, e.start, e.end.unwrap_or(d.meta.end))),
            _ => {}
        }
    }
    expected.sort_unstable();
    assert!(expected.len() >= 32, "{expected:?}");
    assert_eq!(times_with_result(data, "up == 0"), expected);

    // A restart: refused at once, the pod's own series vanish for that scrape (a
    // staleness marker, not a 5-minute lookback), and come back with reset counters.
    let restart = event(d, "fraud-v1-restart");
    let pod = query(data, "up{model=\"fraud-detector\", version=\"v1\"} == 0", restart.start);
    let [(labels, _)] = pod.as_slice() else { panic!("{pod:?}") };
    let name = labels.split("pod=\"").nth(1).and_then(|s| s.split('"').next()).expect("a pod label");
    let sel = format!("{{pod=\"{name}\"}}");
    let series = |t| query(data, &format!("count({sel}) by (job)"), t);
    let before = restart.start - d.meta.interval;
    assert_eq!(
        series(before),
        vec![("{job=\"kubelet\"}".into(), 2.0), ("{job=\"model-serving\"}".into(), 24.0)]
    );
    // During the failed scrape only the target's report remains.
    assert_eq!(series(restart.start), vec![("{job=\"model-serving\"}".into(), 5.0)]);
    assert!(one(data, &format!("scrape_duration_seconds{sel}"), restart.start) < 0.01);
    assert_eq!(series(restart.start + d.meta.interval), series(before));
    let resets = format!("resets(model_predictions_total{sel}[5m])");
    assert_eq!(one(data, &resets, restart.start + 2 * d.meta.interval), 1.0);

    // An unreachable pod: timeouts for 15 minutes, one staleness marker, no counter reset.
    let down = event(d, "image-classifier-unreachable");
    let end = down.end.expect("an end");
    let target = query(data, "up{model=\"image-classifier\"} == 0", down.start + 60_000);
    assert_eq!(target.len(), 1, "{target:?}");
    let instance =
        target[0].0.split("instance=\"").nth(1).and_then(|s| s.split('"').next()).expect("instance");
    let sel = format!("{{instance=\"{instance}\"}}");
    assert!(query(data, &format!("model_predictions_total{sel}"), down.start + 60_000).is_empty());
    let timeout = one(data, &format!("scrape_duration_seconds{sel}"), down.start + 60_000);
    assert!((10.0..10.1).contains(&timeout), "timeout {timeout}");
    // The alerting view: down for the whole window, a quarter of the hour after it.
    assert_eq!(one(data, &format!("max_over_time(up{sel}[15m])"), end - d.meta.interval), 0.0);
    assert_eq!(one(data, &format!("avg_over_time(up{sel}[1h])"), end - d.meta.interval + 45 * 60_000), 0.75);
    let after = end + 5 * 60_000;
    assert_eq!(one(data, &format!("resets(model_predictions_total{sel}[30m])"), after), 0.0);
    let kept_counting = format!("increase(model_predictions_total{sel}[30m])");
    assert!(one(data, &kept_counting, after) > 1000.0);
    // The kubelet still scraped the pod's container throughout.
    let cpu = query(data, "container_cpu_usage_seconds_total and on (pod) (up == 0)", down.start + 60_000);
    assert_eq!(cpu.len(), 1, "{cpu:?}");
}

#[test]
fn churn_predictor_stops_serving_but_stays_up() {
    let data = ml_platform();
    let d = &data.0;
    let stop = event(d, "churn-predictor-stops").start;
    for t in grid(d, stop + 5 * 60_000, d.meta.end).into_iter().step_by(20) {
        assert_eq!(one(data, "sum(rate(model_predictions_total{model=\"churn-predictor\"}[5m]))", t), 0.0);
        assert_eq!(query(data, "up{model=\"churn-predictor\"} == 1", t).len(), 2, "at {t}");
        assert!(query(data, "absent(up{model=\"churn-predictor\"})", t).is_empty());
    }
    let last_hour = "min(avg_over_time(up{model=\"churn-predictor\"}[1h]))";
    assert_eq!(one(data, last_hour, d.meta.end), 1.0);
    // Still scraped: the same samples every scrape.
    assert_eq!(one(data, "sum(scrape_samples_scraped{model=\"churn-predictor\"})", d.meta.end), 38.0);
}

#[test]
fn scrape_counts_match_the_stored_series() {
    let data = ml_platform();
    let d = &data.0;
    let restart = event(d, "recommender-oom-restart").start;
    let checks = [
        // A model server exposes its own series, all kept.
        (
            "scrape_samples_scraped{job=\"model-serving\"} > 0",
            "count by (instance) ({job=\"model-serving\", __name__!~\"up|scrape_.+\"})",
        ),
        (
            "scrape_samples_post_metric_relabeling{job=\"model-serving\"} > 0",
            "count by (instance) ({job=\"model-serving\", __name__!~\"up|scrape_.+\"})",
        ),
        // A kubelet keeps only its model-server containers' series.
        (
            "scrape_samples_post_metric_relabeling{job=\"kubelet\"} > 0",
            "count by (instance) ({job=\"kubelet\", __name__=~\"container_.+\"})",
        ),
    ];
    for t in [at(d, "0s"), at(d, "5h"), restart, restart + d.meta.interval, d.meta.end] {
        for (report, stored) in checks {
            let by_instance = |q: &str| {
                let mut v: Vec<(String, f64)> = query(data, &format!("sum by (instance) ({q})"), t);
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            };
            assert_eq!(by_instance(report), by_instance(stored), "{report} at {t}");
        }
    }
    // The kubelets drop most of what cAdvisor exposes.
    let dropped = "sum(scrape_samples_scraped{job=\"kubelet\"} - scrape_samples_post_metric_relabeling{job=\"kubelet\"})";
    assert!(one(data, dropped, at(d, "1h")) > 10_000.0);
    // New series: every model server's on its first scrape, every container's, and each
    // restarted container's again when it comes back.
    let added = |job: &str| {
        one(data, &format!("sum(sum_over_time(scrape_series_added{{job=\"{job}\"}}[49h]))"), d.meta.end)
    };
    assert_eq!(added("model-serving"), 21.0 * 19.0);
    let restarts = d.meta.events.iter().filter(|e| e.kind == EventKind::Restart).count() as f64;
    assert_eq!(added("kubelet"), 21.0 * 2.0 + restarts * 2.0);
}

#[test]
fn a_replaced_pod_is_a_new_instance_and_its_series_go_stale() {
    let data = high_cardinality();
    let d = &data.0;
    let replicas = 140.0;
    let mut overlapping = Vec::new();
    for offset in ["0s", "7m30s", "15m", "22m", "44m30s", "1h"] {
        let t = at(d, offset);
        // Every replica has its pod, and during a rollout its successor too (never three):
        // a replaced pod's series go stale as soon as it is gone.
        let targets = one(data, "count(up{job=\"model-serving\"})", t);
        let per_replica = "count by (model, replica) (up{job=\"model-serving\"})";
        assert_eq!(one(data, &format!("count({per_replica})"), t), replicas, "at {offset}");
        assert_eq!(one(data, &format!("max({per_replica})"), t), if targets > replicas { 2.0 } else { 1.0 });
        assert_eq!(one(data, "count(model_predictions_total)", t), targets, "at {offset}");
        assert_eq!(one(data, "count(container_memory_usage_bytes)", t), targets, "at {offset}");
        assert_eq!(one(data, "count(up{job=\"kubelet\"})", t), 40.0, "at {offset}");
        overlapping.push(targets - replicas);
    }
    // No rollout has begun at the start; later some replicas always run two pods (90 s of
    // every 15 minutes: about a tenth of them).
    assert_eq!(overlapping[0], 0.0);
    assert!(overlapping[1..].iter().all(|&n| (5.0..=30.0).contains(&n)), "{overlapping:?}");
    // Over the hour, each replica went through five pods, each its own instance.
    let instances =
        one(data, "count(count by (instance) (count_over_time(up{job=\"model-serving\"}[1h])))", d.meta.end);
    let pods =
        one(data, "count(count by (pod) (count_over_time(up{job=\"model-serving\"}[1h])))", d.meta.end);
    assert_eq!(instances, pods);
    assert!(instances >= 4.0 * replicas, "{instances} instances");
    // Every pod's first scrape added all its series; nothing else is new.
    let exposed = one(data, "avg(scrape_samples_scraped{job=\"model-serving\"})", at(d, "30m"));
    let added = one(data, "sum(sum_over_time(scrape_series_added{job=\"model-serving\"}[2h]))", d.meta.end);
    assert_eq!(added, exposed * pods);
}
