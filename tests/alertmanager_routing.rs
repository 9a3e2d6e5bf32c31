//! Routing conformance: every case of `tests/alertmanager/corpus/routing.yaml` (Alertmanager's
//! own routing tests and documentation examples, with what amtool 0.25 answered) through the
//! config loader, the routing tree and amtool's outputs: receivers in order, each matched
//! node's options and key, aggregation-group labels (0.25's where they differ), the walk order,
//! options of unreachable nodes, the label-parsing error, and `amtool check-config`'s output
//! for every config.

use std::collections::BTreeMap;

use promql_playground::alertmanager::check::check_config;
use promql_playground::alertmanager::matcher::parse_labels;
use promql_playground::alertmanager::{load, RouteTree};
use promql_playground::content::yaml;
use promql_playground::engine::Labels;
use promql_playground::rules::duration;
use serde::Deserialize;

const CORPUS: &str = include_str!("alertmanager/corpus/routing.yaml");

#[derive(Deserialize)]
struct Corpus {
    configs: BTreeMap<String, ConfigEntry>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct ConfigEntry {
    yaml: String,
    amtool_0_25_check_config: Recorded,
}

#[derive(Deserialize)]
struct Recorded {
    exit_code: i32,
    output: String,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    config: String,
    kind: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    argv_labels: Option<Vec<String>>,
    route_path: Option<Vec<usize>>,
    expected: Expected,
    expected_group_labels: Option<Vec<BTreeMap<String, String>>>,
    version_dependent: Option<BTreeMap<String, VersionDependent>>,
    amtool_0_25: Amtool,
}

#[derive(Deserialize)]
struct Expected {
    receivers: Option<Vec<String>>,
    routes: Option<Vec<ExpectedRoute>>,
    walk_receivers: Option<Vec<String>>,
    group_by_all: Option<bool>,
    group_by: Option<Vec<String>>,
    exit_code: Option<i32>,
}

#[derive(Deserialize)]
struct ExpectedRoute {
    receiver: String,
    group_by: Vec<String>,
    group_by_all: bool,
    group_wait: String,
    group_interval: String,
    repeat_interval: String,
    key: String,
}

#[derive(Deserialize)]
struct VersionDependent {
    group_by: Option<Vec<String>>,
    group_labels: Option<Vec<BTreeMap<String, String>>>,
}

#[derive(Deserialize)]
struct Amtool {
    agrees: Option<bool>,
    receivers: Option<Vec<String>>,
    keys: Option<Vec<String>>,
    config_loads: Option<bool>,
    config_error: Option<String>,
    with_route_labels_stripped: Option<Stripped>,
    output: Option<String>,
}

#[derive(Deserialize)]
struct Stripped {
    receivers: Vec<String>,
    keys: Vec<String>,
}

fn corpus() -> Corpus {
    yaml::parse("routing.yaml", CORPUS).unwrap_or_else(|e| panic!("{e:?}"))
}

fn labels(map: &BTreeMap<String, String>) -> Labels {
    Labels::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Removes route `labels:` blocks (Alertmanager ≥0.33 only), as the corpus did to compare.
fn strip_route_labels(yaml: &str) -> String {
    let mut out = Vec::new();
    let mut skip_deeper_than: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(level) = skip_deeper_than {
            if indent > level || line.trim().is_empty() {
                continue;
            }
            skip_deeper_than = None;
        }
        if line.trim_start().starts_with("labels:") {
            skip_deeper_than = Some(indent);
            continue;
        }
        out.push(line);
    }
    out.join("\n") + "\n"
}

fn tree_of(yaml: &str) -> RouteTree {
    let config = load(yaml).1.unwrap_or_else(|e| panic!("config does not load: {}", e.message()));
    RouteTree::new(&config.route)
}

/// Checks one label-set case; returns the number of verdicts checked.
fn check_label_case(case: &Case, tree: &RouteTree, by_amtool: bool) -> usize {
    let Some(given) = &case.labels else { return 0 };
    let lset = labels(given);
    let matched = tree.matches(&lset);
    let receivers: Vec<String> = matched.iter().map(|&id| tree.node(id).opts.receiver.clone()).collect();
    let keys: Vec<String> = matched.iter().map(|&id| tree.node(id).key.clone()).collect();
    let mut checked = 0;
    if let Some(want) = &case.expected.receivers {
        assert_eq!(&receivers, want, "{}: receivers", case.id);
        checked += 1;
    }
    if by_amtool {
        if let (Some(r), Some(k)) = (&case.amtool_0_25.receivers, &case.amtool_0_25.keys) {
            assert_eq!(&receivers, r, "{}: amtool receivers", case.id);
            assert_eq!(&keys, k, "{}: amtool keys", case.id);
            checked += 1;
        }
    }
    let old = case.version_dependent.as_ref().and_then(|v| v.get("v0.25.0"));
    if let Some(routes) = &case.expected.routes {
        assert_eq!(routes.len(), matched.len(), "{}: matched routes", case.id);
        for (want, &id) in routes.iter().zip(&matched) {
            let node = tree.node(id);
            assert_eq!(node.opts.receiver, want.receiver, "{}", case.id);
            assert_eq!(node.key, want.key, "{}: key", case.id);
            assert_eq!(node.opts.group_by_all, want.group_by_all, "{}: group_by_all", case.id);
            if !want.group_by_all {
                // 0.25 reads `group_by: []` as absent (inherited); newer versions as "none".
                let want_group_by = old.and_then(|o| o.group_by.as_ref()).unwrap_or(&want.group_by);
                assert_eq!(&node.opts.group_by, want_group_by, "{}: group_by", case.id);
            }
            for (got, want) in [
                (node.opts.group_wait, &want.group_wait),
                (node.opts.group_interval, &want.group_interval),
                (node.opts.repeat_interval, &want.repeat_interval),
            ] {
                assert_eq!(Ok(got), duration::parse(want), "{}: timers", case.id);
            }
            checked += 1;
        }
    }
    // Group labels as Alertmanager 0.25 forms them (a newer version may differ, recorded apart).
    let old_groups = old.and_then(|v| v.group_labels.clone());
    if let Some(groups) = old_groups.or_else(|| case.expected_group_labels.clone()) {
        let got: Vec<Labels> = matched.iter().map(|&id| tree.node(id).group_labels(&lset)).collect();
        let want: Vec<Labels> = groups.iter().map(labels).collect();
        assert_eq!(got, want, "{}: group labels", case.id);
        checked += 1;
    }
    checked
}

#[test]
fn every_routing_case_agrees_with_alertmanager() {
    let corpus = corpus();
    let (mut cases, mut verdicts) = (0, 0);
    for case in &corpus.cases {
        let entry = &corpus.configs[&case.config];
        match case.kind.as_deref() {
            None if case.amtool_0_25.config_loads == Some(false) => {
                // Rejected by 0.25 (route `labels:`): the same rejection, and the same routing
                // once the labels are stripped.
                let out = check_config("<file>", &entry.yaml, &|_| Ok(()), false);
                let want = case.amtool_0_25.config_error.as_deref().unwrap_or_default();
                assert_eq!(
                    format!("{}{}", out.stdout, out.stderr).trim_end(),
                    want.trim_end(),
                    "{}",
                    case.id
                );
                let tree = tree_of(&strip_route_labels(&entry.yaml));
                let stripped = case.amtool_0_25.with_route_labels_stripped.as_ref().expect("stripped answer");
                let lset = labels(case.labels.as_ref().expect("labels"));
                assert_eq!(tree.receivers(&lset), stripped.receivers, "{}", case.id);
                let keys: Vec<String> =
                    tree.matches(&lset).iter().map(|&id| tree.node(id).key.clone()).collect();
                assert_eq!(keys, stripped.keys, "{}", case.id);
                verdicts += 3;
            }
            None => {
                assert_eq!(
                    case.amtool_0_25.agrees,
                    Some(true),
                    "{}: runnable cases all agree with amtool",
                    case.id
                );
                verdicts += check_label_case(case, &tree_of(&entry.yaml), true);
            }
            Some("walk") => {
                let tree = tree_of(&entry.yaml);
                let walk: Vec<String> = tree.nodes.iter().map(|n| n.opts.receiver.clone()).collect();
                assert_eq!(Some(&walk), case.expected.walk_receivers.as_ref(), "{}", case.id);
                verdicts += 1;
            }
            Some("route_opts") => {
                let tree = tree_of(&entry.yaml);
                let mut id = 0;
                for &i in case.route_path.as_deref().unwrap_or_default() {
                    id = tree.node(id).children[i];
                }
                let opts = &tree.node(id).opts;
                assert_eq!(Some(opts.group_by_all), case.expected.group_by_all, "{}", case.id);
                if let Some(g) = &case.expected.group_by {
                    assert_eq!(&opts.group_by, g, "{}", case.id);
                }
                verdicts += 1;
            }
            Some("cli_error") => {
                let argv = case.argv_labels.as_deref().unwrap_or_default();
                let err = parse_labels(argv).expect_err("labels must be rejected");
                let want = case.amtool_0_25.output.as_deref().unwrap_or_default();
                assert_eq!(
                    format!("amtool: error: Failed to parse labels: {err}"),
                    want.trim_end(),
                    "{}",
                    case.id
                );
                assert_eq!(case.expected.exit_code, Some(1));
                verdicts += 1;
            }
            Some(other) => panic!("{}: unknown kind {other}", case.id),
        }
        cases += 1;
    }
    println!("routing corpus: {cases} cases, {verdicts} verdicts checked");
    assert_eq!(cases, corpus.cases.len());
    assert_eq!(cases, 57, "the corpus holds 57 cases");
    assert!(verdicts >= 150, "{verdicts} verdicts");
}

#[test]
fn every_config_checks_like_amtool() {
    let corpus = corpus();
    for (name, entry) in &corpus.configs {
        let out = check_config("<file>", &entry.yaml, &|_| Ok(()), false);
        let recorded = &entry.amtool_0_25_check_config;
        assert_eq!(out.passed, recorded.exit_code == 0, "{name}");
        assert_eq!(format!("{}{}", out.stdout, out.stderr), recorded.output, "{name}");
    }
    assert_eq!(corpus.configs.len(), 13);
}
