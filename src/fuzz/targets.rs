//! The fuzz targets: each reads one kind of untrusted text the way the site and the CLI do,
//! and returns a signature of what happened (success or the error's first words) so that
//! inputs reaching a new outcome are kept for further mutation.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::promql_gen::{self, Vocabulary};
use super::rng::Rng;
use super::{hash, seeds, submission, Target};
use crate::content::builtin::{self, FILES};
use crate::content::dataset::Dataset;
use crate::content::loader::{load_pack, MemoryFiles};
use crate::content::series::{load_into, SeriesFormat};
use crate::engine::{self, EngineOptions, Labels, Millis, Storage};

/// Every target, in the order `promplay fuzz` runs them.
pub static TARGETS: &[Target] = &[
    Target {
        name: "promql-parse",
        about: "the PromQL parser wrapper (guards, positions) on generated and mutated queries",
        seeds: promql_seeds,
        dict: PROMQL_DICT,
        generate: Some(|rng| promql_gen::query(rng, fixed_vocabulary(), 5)),
        run: promql_parse,
    },
    Target {
        name: "promql-eval",
        about: "instant and range queries over the built-in datasets (bounded ranges)",
        seeds: promql_seeds,
        dict: PROMQL_DICT,
        generate: Some(generate_eval),
        run: promql_eval,
    },
    Target {
        name: "pack-manifest",
        about: "pack.yaml manifests, loaded with the built-in datasets as the pack's files",
        seeds: || seeds::files(&["datasets", "exercises", "tests/packs"], &["pack.yaml"]),
        dict: YAML_DICT,
        generate: None,
        run: pack_manifest,
    },
    Target {
        name: "dataset",
        about: "dataset files (generators, events, limits), then their samples generated",
        seeds: || seeds::files(&["datasets", "tests/packs"], &[".yaml"]),
        dict: YAML_DICT,
        generate: None,
        run: dataset,
    },
    Target {
        name: "series",
        about: "series files: promqltest load blocks and OpenMetrics text",
        seeds: || seeds::files(&["tests/packs", "tests/testdata", "e2e/fixtures"], &[".txt", ".om", ".test"]),
        dict: SERIES_DICT,
        generate: None,
        run: series,
    },
    Target {
        name: "exercise",
        about: "exercise files: query, rule and relabel exercises",
        seeds: || seeds::files(&["exercises", "tests/packs"], &[".yaml"]),
        dict: YAML_DICT,
        generate: None,
        run: exercise,
    },
    Target {
        name: "rules",
        about: "rule files: promtool's checks, then recording rules evaluated on a small dataset",
        seeds: || {
            seeds::files(&["tests/rules", "exercises/rules", "tests/templates/corpus"], &[".yml", ".yaml"])
        },
        dict: YAML_DICT,
        generate: None,
        run: rules,
    },
    Target {
        name: "promqltest",
        about: "promqltest scripts (load blocks, evals, expectations)",
        seeds: || seeds::files(&["tests/testdata"], &[".test"]),
        dict: SERIES_DICT,
        generate: None,
        run: promqltest,
    },
    Target {
        name: "relabel",
        about: "relabel configs, applied to a few label sets and a small dataset",
        seeds: || seeds::files(&["tests/relabel", "src/relabel", "exercises/relabel"], &[".yaml", ".yml"]),
        dict: YAML_DICT,
        generate: None,
        run: relabel,
    },
    Target {
        name: "alertmanager-config",
        about: "alertmanager.yml files and ConfigMaps, routed and inhibited on a few label sets",
        seeds: || seeds::files(&["tests/alertmanager", "exercises/alertmanager"], &[".yaml", ".yml"]),
        dict: YAML_DICT,
        generate: None,
        run: alertmanager_config,
    },
    Target {
        name: "alert-template",
        about: "Prometheus alert label and annotation templates (Go text/template)",
        seeds: template_seeds,
        dict: TEMPLATE_DICT,
        generate: None,
        run: alert_template,
    },
    Target {
        name: "notification-template",
        about: "Alertmanager notification templates on a webhook payload",
        seeds: template_seeds,
        dict: TEMPLATE_DICT,
        generate: None,
        run: notification_template,
    },
    Target {
        name: "remote-answer",
        about: "answers of a remote Prometheus-compatible API: envelopes, results, metadata, packs recorded from them",
        seeds: || seeds::files(&["tests/golden"], &[".json"]),
        dict: JSON_DICT,
        generate: None,
        run: remote_answer,
    },
    Target {
        name: "submission-zip",
        about: "submission .zip archives (caps, names, UTF-8), then answers.json and the alert rules read",
        seeds: submission::seeds,
        dict: submission::ZIP_DICT,
        generate: None,
        run: submission::run,
    },
];

const JSON_DICT: &[&str] = &[
    "{\"status\":\"success\",\"data\":",
    "{\"resultType\":\"matrix\",\"result\":[",
    "{\"metric\":{\"__name__\":\"x\"},\"values\":[[1,\"1\"],[2,\"NaN\"]]}",
    "[1e300,\"+Inf\"]",
    "\"errorType\":\"bad_data\"",
    "{\"x_total\":[{\"type\":\"counter\",\"help\":\"h\"}]}",
    "]}",
    "-1",
];

const PROMQL_DICT: &[&str] = &[
    "rate(",
    "sum by (job) (",
    "[5m]",
    "[1h:1m]",
    " offset 1h",
    " @ start()",
    "{job=\"api\"}",
    "histogram_quantile(0.9, ",
    " on(model) group_left ",
    " / ",
    " and ",
    "topk(3, ",
    "label_replace(",
    "\"$1\"",
    ")",
    "[30d]",
    "count_values(\"x\", ",
];
const YAML_DICT: &[&str] = &[
    "\n- ",
    ": ",
    "{}",
    "[]",
    "''",
    "null",
    "\n  - name: x\n    rules:\n",
    "record: a:b",
    "expr: up",
    "labels:\n",
    "for: 5m",
    "duration: 1000d",
    "interval: 1ms",
    "series: 100000",
    "  ",
    "regex: (.*)",
    "action: replace",
];
const SERIES_DICT: &[&str] = &[
    "load 1m\n",
    "  up{job=\"a\"} 0+1x10\n",
    " _ ",
    " stale ",
    "x1000000 ",
    "# TYPE x counter\n",
    "x_total 1 1\n",
    "# EOF\n",
    "eval instant at 5m ",
    "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}",
    "clear\n",
    "expect fail\n",
];
const TEMPLATE_DICT: &[&str] = &[
    "{{",
    "}}",
    "{{ range . }}",
    "{{ end }}",
    "{{ if ",
    "{{ else }}",
    "{{ template \"x\" . }}",
    "{{ define \"x\" }}",
    " | ",
    "$labels",
    ".Labels.job",
    "humanize",
    "printf \"%0999d\" 1",
    "{{ $x := 1 }}",
    "(",
    ")",
    "len",
    "index",
];

fn promql_seeds() -> Vec<String> {
    let mut out: Vec<String> =
        ["up", "sum by (model) (rate(model_predictions_total[5m]))"].map(String::from).into();
    for text in seeds::files(&["exercises"], &[".yaml"]) {
        for line in text.lines() {
            if let Some(q) =
                line.trim().strip_prefix("reference: ").or_else(|| line.trim().strip_prefix("expr: "))
            {
                out.push(q.trim_matches(|c| c == '\'' || c == '"' || c == '>' || c == '|').to_string());
            }
        }
    }
    out.extend(seeds::kept("promql-parse"));
    out
}

fn template_seeds() -> Vec<String> {
    let mut out = seeds::templates_in(&["tests/templates/corpus", "tests/rules"]);
    out.push("{{ range .Alerts }}{{ .Labels.alertname }} {{ end }}".into());
    out
}

fn fixed_vocabulary() -> &'static Vocabulary {
    static V: OnceLock<Vocabulary> = OnceLock::new();
    V.get_or_init(Vocabulary::fixed)
}

/// Signature of a result: success, or the first words of the error.
fn outcome<T, E: std::fmt::Display>(r: &Result<T, E>) -> u64 {
    match r {
        Ok(_) => 1,
        Err(e) => {
            let text = e.to_string();
            let head: String = text.chars().filter(|c| !c.is_ascii_digit()).take(40).collect();
            hash(head.as_bytes())
        }
    }
}

fn promql_parse(input: &str) -> u64 {
    outcome(&engine::parse::parse(input))
}

/// A built-in dataset's samples and names.
struct Loaded {
    id: &'static str,
    storage: Storage,
    vocab: Vocabulary,
    bounds: (Millis, Millis),
}

fn datasets() -> &'static [Loaded] {
    static D: OnceLock<Vec<Loaded>> = OnceLock::new();
    D.get_or_init(|| {
        ["ml-platform", "high-cardinality"]
            .into_iter()
            .filter_map(|id| {
                let storage = builtin::builtin_dataset(id).ok()?.storage().ok()?;
                let bounds = storage.time_bounds()?;
                let names = storage.label_names().into_iter().map(String::from).collect::<Vec<_>>();
                let mut values: Vec<String> = ["model", "job", "le", "env"]
                    .iter()
                    .flat_map(|l| {
                        storage.label_values(l).into_iter().take(8).map(String::from).collect::<Vec<_>>()
                    })
                    .collect();
                values.push(String::new());
                let vocab = Vocabulary {
                    metrics: storage.metric_names().into_iter().map(String::from).collect(),
                    labels: names,
                    values,
                };
                Some(Loaded { id, storage, vocab, bounds })
            })
            .collect()
    })
}

/// An evaluation input: a header line `# <dataset> instant <t>` or `# <dataset> range
/// <start> <end> <step>` (seconds from the dataset's start), then the query.
fn generate_eval(rng: &mut Rng) -> String {
    let all = datasets();
    if all.is_empty() {
        return "up".into();
    }
    let d = &all[rng.below(all.len())];
    let hours = ((d.bounds.1 - d.bounds.0) / 3_600_000).max(1) as usize;
    let t = rng.below(hours * 3600);
    let header = if rng.one_in(2) {
        format!("# {} instant {t}", d.id)
    } else {
        let span = *rng.pick(&[60, 600, 3600, 6 * 3600]);
        let step = *rng.pick(&[15, 60, 300]);
        format!("# {} range {t} {} {step}", d.id, t + span)
    };
    format!("{header}\n{}", promql_gen::query(rng, &d.vocab, 4))
}

/// Most steps a fuzzed range query has (keeps one input's cost bounded).
const MAX_FUZZ_STEPS: i64 = 400;

fn promql_eval(input: &str) -> u64 {
    let all = datasets();
    let Some(first) = all.first() else { return 0 };
    let (header, query) = match input.split_once('\n') {
        Some((h, q)) if h.starts_with('#') => (h, q),
        _ => ("", input),
    };
    let words: Vec<&str> = header.split_whitespace().collect();
    let d = all.iter().find(|d| words.get(1) == Some(&d.id)).unwrap_or(first);
    let num = |i: usize| words.get(i).and_then(|w| w.parse::<i64>().ok()).unwrap_or(26 * 3600);
    let at = |secs: i64| d.bounds.0.saturating_add(secs.clamp(-86_400, 10 * 86_400) * 1000);
    let opts = EngineOptions { max_samples: 5_000_000, ..EngineOptions::default() };
    let result = if words.get(2) == Some(&"range") {
        let (start, step) = (at(num(3)), num(5).clamp(1, 86_400) * 1000);
        let end = at(num(4)).clamp(start, start + step * MAX_FUZZ_STEPS);
        engine::range_query(&d.storage, query, start, end, step, &opts)
    } else {
        engine::instant_query(&d.storage, query, at(num(3)), &opts)
    };
    match &result {
        Ok(out) => hash(format!("{} {}", out.value.type_name(), out.annotations.warnings.len()).as_bytes()),
        Err(_) => outcome(&result),
    }
}

fn builtin_files() -> MemoryFiles {
    MemoryFiles(FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect::<BTreeMap<_, _>>())
}

fn pack_manifest(input: &str) -> u64 {
    let mut files = builtin_files();
    let _ = crate::content::loader::files_needed(input, &files);
    outcome(&load_pack("pack.yaml", input, &mut files))
}

/// Generated samples are capped lower than a real pack's limit, so one input stays cheap.
const MAX_FUZZ_SERIES_SAMPLES: u64 = 2_000_000;

fn dataset(input: &str) -> u64 {
    let mut read = |_: &str| Ok::<String, String>("load 1m\n  up{job=\"a\"} 0+1x10\n".into());
    let loaded = Dataset::load("d.yaml", input, &mut read);
    if let Ok(d) = &loaded {
        if d.meta.samples <= MAX_FUZZ_SERIES_SAMPLES {
            return outcome(&d.storage()) ^ 7;
        }
    }
    outcome(&loaded)
}

fn series(input: &str) -> u64 {
    let mut storage = Storage::new();
    let a = load_into(&mut storage, "s.txt", input, SeriesFormat::Load, 0, 60_000);
    let mut storage = Storage::new();
    let b = load_into(&mut storage, "s.om", input, SeriesFormat::Openmetrics, 0, 60_000);
    u64::from(a.is_ok()) | u64::from(b.is_ok()) << 1 | (storage.len() as u64) << 2
}

fn remote_answer(input: &str) -> u64 {
    use crate::remote::error::read_envelope;
    use crate::remote::outcome::{from_api_body, Outcome};
    use crate::remote::record::{metadata, pack_files, storage_of, PackInfo};
    let envelope = read_envelope("u", 200, input);
    let metrics = envelope.as_ref().map(metadata).unwrap_or_default();
    let body = from_api_body(input);
    if let Ok(Outcome::Matrix(series)) = &body {
        let info = PackInfo { id: "p".into(), title: "t".into(), source: "s".into() };
        let _ = pack_files(&info, &storage_of(series), &metrics, 0);
    }
    outcome(&envelope) ^ outcome(&body) << 1 ^ metrics.len() as u64
}

fn exercise(input: &str) -> u64 {
    use crate::content::{
        exercise::Exercise, relabel_exercise::RelabelExercise, rule_exercise::RuleExercise,
    };
    outcome(&Exercise::load("e.yaml", input))
        ^ outcome(&RuleExercise::load("r.yaml", input)).rotate_left(1)
        ^ outcome(&RelabelExercise::load("x.yaml", input)).rotate_left(2)
}

/// A small dataset for rule evaluation and relabeling.
fn small_storage() -> &'static Storage {
    static S: OnceLock<Storage> = OnceLock::new();
    S.get_or_init(|| {
        crate::promqltest::run::load_storage(
            "load 1m\n  up{job=\"api\",instance=\"a:9100\"} 1x30\n  requests_total{job=\"api\",code=\"200\"} 0+10x30\n  latency_bucket{le=\"0.1\",job=\"api\"} 0+1x30\n  latency_bucket{le=\"+Inf\",job=\"api\"} 0+2x30\n",
        )
        .unwrap_or_default()
    })
}

fn rules(input: &str) -> u64 {
    use crate::rules::check::{check, CheckOptions};
    use crate::rules::load::{decode_text, Dialect, Shift};
    let report = check(input, &CheckOptions::promtool_2());
    let mut sig = hash(format!("{:?}", report.verdict()).as_bytes());
    let opts = CheckOptions { dialect: Dialect::Prometheus3, unwrap_configmap: true, no_lint: false };
    sig ^= hash(format!("{:?}", check(input, &opts).verdict()).as_bytes()).rotate_left(1);
    if let Ok(file) = decode_text(input, Dialect::Prometheus3, Shift::default()) {
        let eval = crate::rules::eval::evaluate(small_storage(), &file, &Default::default());
        sig ^= eval.rules.len() as u64;
    }
    sig
}

fn promqltest(input: &str) -> u64 {
    let report = crate::promqltest::run::run_str("fuzz.test", input);
    let c = report.counts();
    hash(format!("{c:?}").as_bytes())
}

fn relabel(input: &str) -> u64 {
    use crate::relabel::{apply, dataset, decode};
    let loaded = decode::load(input, &decode::LoadOptions::default());
    if let Ok(l) = &loaded {
        for labels in [
            vec![("__address__", "a:9100"), ("job", "node"), ("__name__", "up")],
            vec![("__meta_kubernetes_pod_label_app", "x"), ("__address__", "10.0.0.1")],
            vec![],
        ] {
            let _ = apply::process(&l.set, labels.into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
            let _ = apply::trace(&l.set, [("__address__".to_string(), "b:80".to_string())]);
        }
        let _ = dataset::relabel_storage(small_storage(), &l.set);
    }
    outcome(&loaded)
}

fn alertmanager_config(input: &str) -> u64 {
    use crate::alertmanager::config::load_with_placeholders;
    use crate::alertmanager::inhibit::Inhibitor;
    use crate::alertmanager::route::RouteTree;
    use crate::alertmanager::tree::{matching_tree, routes_show};
    let (_, loaded) = load_with_placeholders(input);
    if let Ok(config) = &loaded {
        let tree = RouteTree::new(&config.route);
        let _ = routes_show(&tree);
        let inhibitor = Inhibitor::new(&config.inhibit_rules);
        for labels in [
            Labels::from_pairs([
                ("alertname", "ModelDown"),
                ("severity", "critical"),
                ("model", "fraud-detector"),
            ]),
            Labels::from_pairs([("alertname", "HighLatency"), ("severity", "warning"), ("team", "ml")]),
            Labels::default(),
        ] {
            let _ = tree.receivers(&labels);
            let _ = tree.matching_path(&labels);
            let _ = matching_tree(&tree, &labels);
            let _ = inhibitor.mutes(&labels, 0);
        }
    }
    outcome(&loaded.map_err(|e| e.message()))
}

fn alert_template(input: &str) -> u64 {
    use crate::rules::templating::{expand, AlertTemplateData, NoQueries};
    let labels = Labels::from_pairs([("alertname", "HighLatency"), ("job", "api"), ("instance", "a:9100")]);
    let data = AlertTemplateData {
        labels: &labels,
        value: 0.25,
        external_labels: &Labels::default(),
        external_url: "",
    };
    outcome(&expand("A", input, &data, &NoQueries))
}

fn notification_template(input: &str) -> u64 {
    use crate::gotemplate::alertmanager::{execute_text, Data};
    static DATA: OnceLock<Option<Data>> = OnceLock::new();
    let data = DATA.get_or_init(|| {
        Data::from_json(
            r#"{"receiver":"team","status":"firing","alerts":[
            {"status":"firing","labels":{"alertname":"A","job":"api"},"annotations":{"summary":"s"},
             "startsAt":"2026-01-06T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"},
            {"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-01-06T11:00:00Z"}],
            "groupLabels":{"alertname":"A"},"commonLabels":{"alertname":"A"},"externalURL":"http://am"}"#,
        )
        .ok()
    });
    match data {
        Some(d) => outcome(&execute_text(input, d)),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_seeds_and_runs_them() {
        for t in TARGETS {
            let seeds = (t.seeds)();
            assert!(!seeds.is_empty(), "{} has no seeds", t.name);
            for s in seeds.iter().take(3) {
                (t.run)(s);
            }
        }
    }
}
