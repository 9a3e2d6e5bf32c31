//! The Alertmanager lab's view data, built from the pure `alertmanager` module: a checked
//! configuration with its tree, receivers and inhibit rules; a route test answered as amtool
//! answers it; notification rows and a notification in full (its texts rendered).

use crate::alertmanager::check::check_config;
use crate::alertmanager::config::{load_with_placeholders, Config, Source};
use crate::alertmanager::matcher::parse_labels;
use crate::alertmanager::outcome::{Notification, Outcome};
use crate::alertmanager::receivers::Kind;
use crate::alertmanager::template::{data, notification_texts, webhook_json, DEFAULT_EXTERNAL_URL};
use crate::alertmanager::tree::matching_tree;
use crate::alertmanager::RouteTree;
use crate::link::alertmanager::{
    ConfigCheck, ConfigProblem, ConfigView, InhibitRuleView, NotificationRow, NotificationView,
    NotifiedAlertView, ReceiverView, RouteNodeView, RouteTest,
};

/// The file name messages give the configuration (the seed's).
pub const FILE_NAME: &str = "alertmanager-config.yaml";

/// Checks `text` as Alertmanager does, and loads it for the lab (placeholder URLs allowed).
pub fn check(text: &str) -> ConfigCheck {
    let strict = check_config(FILE_NAME, text, &|_| Ok(()), true);
    let (source, lenient) = load_with_placeholders(text);
    let (problems, config) = match lenient {
        Ok(config) => {
            let warnings = config
                .warnings
                .iter()
                .map(|w| ConfigProblem {
                    line: w.line,
                    col: w.col,
                    message: w.message.clone(),
                    warning: true,
                })
                .collect();
            (warnings, Some(config_view(&config, &source)))
        }
        Err(e) => (
            e.located()
                .into_iter()
                .map(|l| ConfigProblem { line: l.line, col: l.col, message: l.message, warning: false })
                .collect(),
            None,
        ),
    };
    ConfigCheck { amtool: strict.stdout, loads: strict.passed, problems, config }
}

fn config_view(config: &Config, source: &Source) -> ConfigView {
    let tree = RouteTree::new(&config.route);
    ConfigView {
        tree: tree
            .nodes
            .iter()
            .map(|n| RouteNodeView {
                id: n.id,
                parent: n.parent,
                depth: n.depth,
                matchers: if n.matchers.is_empty() { "default-route".into() } else { n.matchers.to_string() },
                receiver: n.opts.receiver.clone(),
                continue_: n.continue_,
                group_by: if n.opts.group_by_all { "...".into() } else { n.opts.group_by.join(", ") },
                group_wait: n.opts.group_wait,
                group_interval: n.opts.group_interval,
                repeat_interval: n.opts.repeat_interval,
                mute_time_intervals: n.opts.mute_time_intervals.clone(),
                active_time_intervals: n.opts.active_time_intervals.clone(),
                line: n.line,
            })
            .collect(),
        receivers: config
            .receivers
            .iter()
            .map(|r| ReceiverView {
                name: r.name.clone(),
                integrations: r.integrations.iter().map(|i| i.kind.name().to_string()).collect(),
                line: r.line,
            })
            .collect(),
        inhibit_rules: config
            .inhibit_rules
            .iter()
            .map(|r| InhibitRuleView {
                source: r.source.to_string(),
                target: r.target.to_string(),
                equal: r.equal.clone(),
                line: r.line,
            })
            .collect(),
        resolve_timeout: config.resolve_timeout,
        configmap_key: source.configmap_key.clone(),
    }
}

/// `amtool config routes test --tree` for `labels` (`name=value` words) on `text`.
pub fn route_test(text: &str, labels: &str) -> RouteTest {
    let failed = |output: String| RouteTest {
        output,
        error: true,
        receivers: Vec::new(),
        path: Vec::new(),
        group_keys: Vec::new(),
    };
    let config = match load_with_placeholders(text).1 {
        Ok(c) => c,
        Err(e) => return failed(format!("amtool: error: {}", e.message())),
    };
    let words: Vec<String> = labels.split_whitespace().map(str::to_string).collect();
    let lset = match parse_labels(&words) {
        Ok(l) => l,
        Err(e) => return failed(format!("amtool: error: Failed to parse labels: {e}")),
    };
    let tree = RouteTree::new(&config.route);
    let matched = tree.matches(&lset);
    let receivers: Vec<String> = matched.iter().map(|&id| tree.node(id).opts.receiver.clone()).collect();
    RouteTest {
        output: format!("{}{}\n", matching_tree(&tree, &lset), receivers.join(",")),
        error: false,
        group_keys: matched
            .iter()
            .map(|&id| tree.node(id).group_key(&tree.node(id).group_labels(&lset)))
            .collect(),
        receivers,
        path: tree.matching_path(&lset),
    }
}

/// `slack`, or `webhook #2` when a receiver has several of a kind.
fn integration_name(config: &Config, n: &Notification) -> String {
    let same_kind = config
        .receiver(&n.receiver)
        .map_or(0, |r| r.integrations.iter().filter(|i| i.kind == n.integration).count());
    if same_kind > 1 {
        format!("{} #{}", n.integration.name(), n.integration_index + 1)
    } else {
        n.integration.name().to_string()
    }
}

/// A notification as a log row.
pub fn row(config: &Config, outcome: &Outcome, n: &Notification) -> NotificationRow {
    let group = &outcome.groups[n.group];
    let mut names: Vec<&str> = n.alerts.iter().map(|a| a.labels.get_or_empty("alertname")).collect();
    names.dedup();
    names.sort_unstable();
    names.dedup();
    NotificationRow {
        at: n.at,
        receiver: n.receiver.clone(),
        integration: integration_name(config, n),
        group_key: group.key.clone(),
        group_labels: group.labels.clone(),
        status: n.status().to_string(),
        firing: n.firing(),
        resolved: n.alerts.len() - n.firing(),
        reason: n.reason.describe().to_string(),
        alertnames: names.join(", "),
        inhibited: n.inhibited.len(),
    }
}

/// One notification in full: its alerts, its rendered texts and the webhook body.
pub fn notification(config: &Config, outcome: &Outcome, n: &Notification) -> NotificationView {
    let group = &outcome.groups[n.group];
    let template_data = data(&n.receiver, &group.labels, &n.alerts, DEFAULT_EXTERNAL_URL);
    let integration = config.receiver(&n.receiver).and_then(|r| {
        r.integrations.iter().find(|i| i.kind == n.integration && i.index == n.integration_index)
    });
    let texts = match integration {
        Some(i) if i.kind != Kind::Webhook => notification_texts(i, &template_data)
            .into_iter()
            .map(|(field, r)| match r {
                Ok(text) => (field, text, false),
                Err(e) => (field, e, true),
            })
            .collect(),
        _ => Vec::new(),
    };
    let body = webhook_json(&n.receiver, &group.key, &group.labels, &n.alerts, DEFAULT_EXTERNAL_URL);
    NotificationView {
        row: row(config, outcome, n),
        alerts: n
            .alerts
            .iter()
            .map(|a| NotifiedAlertView {
                labels: a.labels.clone(),
                annotations: a.annotations.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                status: if a.firing() { "firing" } else { "resolved" }.into(),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect(),
        texts,
        webhook_json: serde_json::to_string_pretty(&body).unwrap_or_default(),
        inhibited: n.inhibited.clone(),
    }
}
