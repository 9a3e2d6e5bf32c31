//! The rules labs over a window of remote data, in the engine module: which raw series a
//! rule file reads over the window (planned from the file), and the fetched answers made the
//! remote window dataset the labs evaluate over, capped in samples.

use super::super::Host;
use super::raw_series;
use crate::content::time::format_instant;
use crate::content::Dataset;
use crate::engine::EngineOptions;
use crate::link::remote::{LoadRuleWindow, PlanRuleWindow, RawFetch, RuleWindow, WINDOW_DATASET};
use crate::remote::raw::raw_query;
use crate::remote::record::{interval_of, storage_of};
use crate::remote::window::{self, MAX_WINDOW_SAMPLES};
use crate::rules::RuleFile;

/// One fetch per selector the files read, at the window's end, reaching back to the
/// window's start and as far before it as the rules look.
pub fn plan(c: &PlanRuleWindow) -> Result<Vec<RawFetch>, String> {
    let files = c.files.iter().map(|(name, text)| load(name, text)).collect::<Result<Vec<_>, _>>()?;
    let lookback = EngineOptions::default().lookback_window();
    let fetches = window::plan(&files, c.start, c.end, lookback)?;
    // `(start - before, end]` is what a range selector at `end` returns; one millisecond
    // more keeps a sample exactly at its start.
    Ok(fetches
        .into_iter()
        .map(|f| RawFetch { query: raw_query(&f.selector, c.end - c.start + f.before + 1), time: c.end })
        .collect())
}

/// One rule file (plain or a ConfigMap), or its errors as `name:line:col: message`.
fn load(name: &str, text: &str) -> Result<RuleFile, String> {
    super::super::alerts::load(name, text).map_err(|errors| {
        format!("The rule file has errors: fix them to evaluate the rules.\n{}", errors.join("\n"))
    })
}

/// Makes the fetched samples the remote window dataset (replacing the previous window).
pub fn load_window(host: &mut Host, c: &LoadRuleWindow) -> Result<RuleWindow, String> {
    let series = raw_series(&c.raw, MAX_WINDOW_SAMPLES)?;
    let storage = storage_of(&series);
    if storage.is_empty() {
        return Err(format!(
            "The source has no samples of these series in the window ending at {}: is its end right? A server that holds older data (backfilled, or stopped since) needs the end typed.",
            format_instant(c.end)
        ));
    }
    let (series, samples) = (storage.len(), storage.sample_count());
    let description = format!(
        "{series} series fetched from {} for the window {} to {}.",
        c.source,
        format_instant(c.start),
        format_instant(c.end)
    );
    let title = format!("Window of {}", c.source);
    let dataset = Dataset::from_storage(WINDOW_DATASET, &title, &description, interval_of(&storage), storage);
    host.datasets.register(dataset);
    let bytes = c.raw.iter().map(|a| a.body.len()).sum();
    Ok(RuleWindow { dataset: WINDOW_DATASET.into(), start: c.start, end: c.end, series, samples, bytes })
}

#[cfg(test)]
mod tests {
    use super::super::super::roundtrip;
    use super::*;
    use crate::link::remote::Fetched;
    use crate::link::rules::{LabFinish, StartLab, Step};
    use crate::rules::EvalOptions;

    const HOUR: i64 = 3_600_000;
    const TWO_RULES: &str = "groups:\n- name: g\n  rules:\n  - record: model:rate5m\n    expr: sum by (model) (rate(model_predictions_total[5m]))\n  - record: platform:rate5m\n    expr: sum(model:rate5m)\n";

    fn ask(files: &[(&str, &str)], start: i64, end: i64) -> Result<Vec<RawFetch>, String> {
        let files = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        roundtrip(&mut Host::new(), PlanRuleWindow { files, start, end }).unwrap()
    }

    /// A raw-samples answer: one series per model, a sample every 30 s over `from..=to`
    /// (seconds), counting up.
    fn matrix(from: i64, to: i64) -> Fetched {
        let values: Vec<String> =
            (0..=(to - from) / 30).map(|i| format!("[{},\"{}\"]", from + i * 30, i * 3)).collect();
        let series: Vec<String> = ["a", "b"]
            .iter()
            .map(|m| {
                format!(
                    r#"{{"metric":{{"__name__":"model_predictions_total","model":"{m}"}},"values":[{}]}}"#,
                    values.join(",")
                )
            })
            .collect();
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{}]}}}}"#,
            series.join(",")
        );
        Fetched { url: "http://p:9090/api/v1/query".into(), status: 200, body }
    }

    #[test]
    fn a_plan_fetches_each_raw_selector_over_the_extended_window() {
        let plan = ask(&[("rules.yaml", TWO_RULES)], 10 * HOUR, 11 * HOUR).unwrap();
        // One hour, plus the 5 m range and the 5 m lookback before it, plus 1 ms.
        assert_eq!(
            plan,
            [RawFetch { query: r#"{__name__="model_predictions_total"}[4201s]"#.into(), time: 11 * HOUR }]
        );
        let alerts = "groups:\n- name: a\n  rules:\n  - alert: Slow\n    expr: platform:rate5m > 1\n";
        let both =
            ask(&[("recording.yml", TWO_RULES), ("alerts.yml", alerts)], 10 * HOUR, 11 * HOUR).unwrap();
        assert_eq!(both, plan, "the alert reads a recorded series: nothing more to fetch");
        assert_eq!(ask(&[("empty.yaml", "groups: []\n")], 0, HOUR), Ok(Vec::new()));
    }

    #[test]
    fn a_broken_file_gives_its_rule_errors() {
        let broken = TWO_RULES.replace("[5m]))", "[5m])");
        let e = ask(&[("rules.yaml", &broken)], 0, HOUR).unwrap_err();
        assert!(e.contains("rules.yaml:5:") && e.contains("could not parse expression"), "{e}");
        assert!(ask(&[("rules.yaml", TWO_RULES)], 0, 7 * HOUR).unwrap_err().contains("6 hours"));
    }

    #[test]
    fn a_loaded_window_is_a_dataset_the_lab_evaluates_over() {
        let mut host = Host::new();
        let (start, end) = (10 * HOUR, 11 * HOUR);
        let raw = vec![matrix((start - 600_000) / 1000, end / 1000)];
        let load = LoadRuleWindow { source: "http://p:9090".into(), start, end, raw };
        let window = roundtrip(&mut host, load).unwrap().unwrap();
        assert_eq!((window.dataset.as_str(), window.series, window.samples), (WINDOW_DATASET, 2, 2 * 141));
        assert!(window.bytes > 0);
        let options = EvalOptions { start: Some(start), end: Some(end), ..EvalOptions::default() };
        let lab = StartLab { dataset: WINDOW_DATASET.into(), text: TWO_RULES.into(), options };
        roundtrip(&mut host, lab).unwrap().unwrap();
        let Ok(Ok(Step::Finished(report))) = roundtrip(&mut host, LabFinish) else {
            panic!("the evaluation failed")
        };
        // Every minute of the hour, both ends included: two models, then their sum.
        let got: Vec<(usize, usize)> = report.rules.iter().map(|r| (r.series, r.samples)).collect();
        assert_eq!(got, [(2, 2 * 61), (1, 61)], "{report:?}");
    }

    #[test]
    fn an_empty_or_oversized_window_is_refused() {
        let mut host = Host::new();
        let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        let raw = vec![Fetched { body: empty.into(), ..matrix(0, 0) }];
        let load = LoadRuleWindow { source: "http://p:9090".into(), start: 0, end: HOUR, raw };
        let e = roundtrip(&mut host, load).unwrap().unwrap_err();
        assert!(e.contains("no samples") && e.contains("1970-01-01T01:00:00"), "{e}");
        let huge = (MAX_WINDOW_SAMPLES as i64 / 2) * 30;
        let raw = vec![matrix(0, huge)];
        let load = LoadRuleWindow { source: "http://p:9090".into(), start: 0, end: HOUR, raw };
        let e = roundtrip(&mut host, load).unwrap().unwrap_err();
        assert!(e.contains(&format!("more than {MAX_WINDOW_SAMPLES} raw samples")), "{e}");
    }

    /// A matrix as Prometheus's API body writes it.
    fn api_matrix(value: &crate::engine::Value) -> String {
        let crate::engine::Value::Matrix(series) = value else { panic!("not a matrix: {value:?}") };
        let result: Vec<serde_json::Value> = series
            .iter()
            .map(|s| {
                let metric: serde_json::Map<String, serde_json::Value> =
                    s.labels.iter().map(|(k, v)| (k.to_string(), v.into())).collect();
                let values: Vec<serde_json::Value> = s
                    .points
                    .iter()
                    .map(|p| serde_json::json!([p.t as f64 / 1000.0, p.v.to_string()]))
                    .collect();
                serde_json::json!({ "metric": metric, "values": values })
            })
            .collect();
        serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": result}})
            .to_string()
    }

    /// The seed's rules over an hour of the default dataset, once on the dataset itself and
    /// once on the raw series the plan fetches from it (answered as Prometheus's API would):
    /// every rule records the same series, samples and chart.
    #[test]
    fn the_seed_rules_agree_over_a_window_of_fetched_raw_series() {
        let mut host = Host::new();
        let dataset = crate::content::builtin::DEFAULT_DATASET;
        let storage = host.datasets.storage(dataset).unwrap();
        let start = crate::content::time::parse_instant("2026-01-05T13:00:00Z").unwrap();
        let end = start + HOUR;
        let seed = include_str!("../../../tests/rules/seed_recording_rules.configmap.yaml");
        let plan = ask(&[("seed.yaml", seed)], start, end).unwrap();
        let raw: Vec<Fetched> = plan
            .iter()
            .map(|f| {
                let out = crate::engine::instant_query(&storage, &f.query, f.time, &EngineOptions::default());
                let out = out.unwrap_or_else(|e| panic!("{}: {e}", f.query));
                Fetched { url: f.query.clone(), status: 200, body: api_matrix(&out.value) }
            })
            .collect();
        let load = LoadRuleWindow { source: "http://p:9090".into(), start, end, raw };
        roundtrip(&mut host, load).unwrap().unwrap();
        let options = EvalOptions { start: Some(start), end: Some(end), ..EvalOptions::default() };
        let mut evaluate = |dataset: &str| {
            let lab = StartLab { dataset: dataset.into(), text: seed.into(), options: options.clone() };
            roundtrip(&mut host, lab).unwrap().unwrap();
            let Ok(Ok(Step::Finished(report))) = roundtrip(&mut host, LabFinish) else {
                panic!("{dataset} failed")
            };
            report.rules
        };
        let (local, remote) = (evaluate(dataset), evaluate(WINDOW_DATASET));
        assert_eq!(local.len(), 16);
        assert!(local.iter().filter(|r| r.samples > 0).count() >= 10, "{local:?}");
        for (l, r) in local.iter().zip(&remote) {
            assert_eq!((&l.record, l.series, l.samples), (&r.record, r.series, r.samples));
            assert_eq!(l.chart, r.chart, "{}", l.record);
        }
    }

    /// A fresh engine module (after a Stop) replaying the log has the window and the lab's
    /// evaluation over it again.
    #[test]
    fn the_window_and_its_evaluation_survive_a_replay() {
        use crate::link::query::{QueryLimits, QueryTime, RunQuery};
        use crate::link::replay::ReplayLog;
        use crate::link::{encode, Call};
        let (start, end) = (10 * HOUR, 11 * HOUR);
        let mut log = ReplayLog::default();
        let mut old = Host::new();
        let mut send = |host: &mut Host, request: crate::link::Request| {
            let bytes = encode(&request);
            log.record(request.replay(), &bytes);
            host.handle(&bytes);
        };
        let raw = vec![matrix((start - 600_000) / 1000, end / 1000)];
        send(&mut old, LoadRuleWindow { source: "http://p:9090".into(), start, end, raw }.into_request());
        let options = EvalOptions { start: Some(start), end: Some(end), ..EvalOptions::default() };
        send(
            &mut old,
            StartLab { dataset: WINDOW_DATASET.into(), text: TWO_RULES.into(), options }.into_request(),
        );
        send(&mut old, LabFinish.into_request());
        log.finish_runs();
        let mut fresh = Host::new();
        for request in log.requests() {
            fresh.handle(request);
        }
        let query = RunQuery {
            dataset: WINDOW_DATASET.into(),
            query: "platform:rate5m".into(),
            time: QueryTime::Instant { time: end },
            with_recorded: true,
            limits: QueryLimits::default(),
        };
        let reply = roundtrip(&mut fresh, query).unwrap();
        let value = reply.result.unwrap().value;
        assert!(matches!(&value, crate::engine::Value::Vector(v) if v.len() == 1), "{value:?}");
    }
}
