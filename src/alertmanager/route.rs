//! The routing tree as Alertmanager 0.25's dispatcher builds it (`dispatch.NewRoute`): every
//! node with its inherited options (receiver, grouping, the three timers; time intervals are
//! not inherited), its key (`{}/{severity="critical"}`), and `Route.Match`, which finds the
//! nodes an alert's labels are dispatched to, in depth-first order, following `continue`.

use super::config_route::RouteConfig;
use super::go_labels::label_set_string;
use super::matcher::Matchers;
use crate::engine::{Labels, Millis};

/// Alertmanager's defaults on the root (`DefaultRouteOpts`).
pub const DEFAULT_GROUP_WAIT: Millis = 30_000;
pub const DEFAULT_GROUP_INTERVAL: Millis = 5 * 60_000;
pub const DEFAULT_REPEAT_INTERVAL: Millis = 4 * 3_600_000;

/// The options a node dispatches with, after inheritance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteOpts {
    pub receiver: String,
    /// Sorted label names.
    pub group_by: Vec<String>,
    pub group_by_all: bool,
    pub group_wait: Millis,
    pub group_interval: Millis,
    pub repeat_interval: Millis,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub struct RouteNode {
    /// Its place in a depth-first walk (the root is 0).
    pub id: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
    pub matchers: Matchers,
    pub continue_: bool,
    pub opts: RouteOpts,
    /// `Route.Key()`.
    pub key: String,
    /// Where the route is written (1-based line).
    pub line: usize,
}

impl RouteNode {
    /// The labels of the aggregation group `labels` falls in on this node.
    pub fn group_labels(&self, labels: &Labels) -> Labels {
        if self.opts.group_by_all {
            return labels.clone();
        }
        labels.keep_only(&self.opts.group_by)
    }

    /// The group key Alertmanager gives that group: `routeKey:{labels}`.
    pub fn group_key(&self, group_labels: &Labels) -> String {
        format!("{}:{}", self.key, label_set_string(group_labels))
    }
}

/// The whole tree, nodes in depth-first order.
#[derive(Clone, Debug)]
pub struct RouteTree {
    pub nodes: Vec<RouteNode>,
}

impl RouteTree {
    /// Builds the tree from the root route as configured.
    pub fn new(root: &RouteConfig) -> RouteTree {
        let defaults = RouteOpts {
            receiver: String::new(),
            group_by: Vec::new(),
            group_by_all: false,
            group_wait: DEFAULT_GROUP_WAIT,
            group_interval: DEFAULT_GROUP_INTERVAL,
            repeat_interval: DEFAULT_REPEAT_INTERVAL,
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
        };
        let mut tree = RouteTree { nodes: Vec::new() };
        tree.add(root, None, &defaults, "");
        tree
    }

    fn add(
        &mut self,
        cr: &RouteConfig,
        parent: Option<usize>,
        inherited: &RouteOpts,
        parent_key: &str,
    ) -> usize {
        let mut opts = inherited.clone();
        if !cr.receiver.is_empty() {
            opts.receiver = cr.receiver.clone();
        }
        match &cr.group_by {
            Some(names) => {
                let mut names = names.clone();
                names.sort();
                opts.group_by = names;
                opts.group_by_all = false;
            }
            None if cr.group_by_all => opts.group_by_all = true,
            None => {}
        }
        opts.group_wait = cr.group_wait.unwrap_or(opts.group_wait);
        opts.group_interval = cr.group_interval.unwrap_or(opts.group_interval);
        opts.repeat_interval = cr.repeat_interval.unwrap_or(opts.repeat_interval);
        opts.mute_time_intervals = cr.mute_time_intervals.clone();
        opts.active_time_intervals = cr.active_time_intervals.clone();
        let key = match parent {
            Some(_) => format!("{parent_key}/{}", cr.matchers),
            None => cr.matchers.to_string(),
        };
        let id = self.nodes.len();
        let depth = parent.map_or(0, |p| self.nodes[p].depth + 1);
        self.nodes.push(RouteNode {
            id,
            parent,
            children: Vec::new(),
            depth,
            matchers: cr.matchers.clone(),
            continue_: cr.continue_,
            opts: opts.clone(),
            key: key.clone(),
            line: cr.line,
        });
        for child in &cr.routes {
            let c = self.add(child, Some(id), &opts, &key);
            self.nodes[id].children.push(c);
        }
        id
    }

    pub fn root(&self) -> &RouteNode {
        &self.nodes[0]
    }

    pub fn node(&self, id: usize) -> &RouteNode {
        &self.nodes[id]
    }

    /// `Route.Match` from the root: the ids of the nodes the labels are dispatched to.
    pub fn matches(&self, labels: &Labels) -> Vec<usize> {
        self.match_from(0, labels)
    }

    fn match_from(&self, id: usize, labels: &Labels) -> Vec<usize> {
        let node = &self.nodes[id];
        if !node.matchers.matches(labels) {
            return Vec::new();
        }
        let mut all = Vec::new();
        for &child in &node.children {
            let found = self.match_from(child, labels);
            let matched = !found.is_empty();
            all.extend(found);
            if matched && !self.nodes[child].continue_ {
                break;
            }
        }
        if all.is_empty() {
            all.push(id);
        }
        all
    }

    /// The receivers of the matched nodes, in order (what `amtool config routes test` prints).
    pub fn receivers(&self, labels: &Labels) -> Vec<String> {
        self.matches(labels).into_iter().map(|id| self.nodes[id].opts.receiver.clone()).collect()
    }

    /// Every node the match visited and found matching, with whether it was a final one:
    /// the path drawn for an alert, `continue` branches included.
    pub fn matching_path(&self, labels: &Labels) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        self.path_from(0, labels, &mut out);
        out
    }

    fn path_from(&self, id: usize, labels: &Labels, out: &mut Vec<(usize, bool)>) {
        let at = out.len();
        out.push((id, true));
        for &child in &self.nodes[id].children {
            if self.nodes[child].matchers.matches(labels) {
                self.path_from(child, labels, out);
                out[at].1 = false;
                if !self.nodes[child].continue_ {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::load;
    use super::*;

    fn tree(yaml: &str) -> RouteTree {
        RouteTree::new(&load(yaml).1.unwrap().route)
    }

    fn l(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().copied())
    }

    const SEED_ROUTES: &str = "route:\n  receiver: default\n  group_by: [alertname, model]\n  repeat_interval: 12h\n  routes:\n  - match: {severity: critical}\n    receiver: pagerduty\n    continue: true\n  - match: {severity: warning}\n    receiver: slack\n  - match: {severity: info}\n    receiver: email\nreceivers:\n- name: default\n- name: pagerduty\n- name: slack\n- name: email\n";

    #[test]
    fn continue_falls_back_to_the_parent_only_when_nothing_else_matches() {
        let t = tree(SEED_ROUTES);
        assert_eq!(t.receivers(&l(&[("severity", "critical")])), ["pagerduty"]);
        assert_eq!(t.receivers(&l(&[("severity", "warning")])), ["slack"]);
        assert_eq!(t.receivers(&l(&[("alertname", "X")])), ["default"]);
        let id = t.matches(&l(&[("severity", "critical")]))[0];
        assert_eq!(t.node(id).key, r#"{}/{severity="critical"}"#);
        assert_eq!(t.node(id).opts.repeat_interval, 12 * 3_600_000);
        assert_eq!(t.node(id).opts.group_by, ["alertname", "model"]);
    }

    #[test]
    fn group_keys_read_like_alertmanager() {
        let t = tree(SEED_ROUTES);
        let node = t.node(1);
        let labels = l(&[("alertname", "ModelDown"), ("model", "fraud"), ("severity", "critical")]);
        let g = node.group_labels(&labels);
        assert_eq!(node.group_key(&g), r#"{}/{severity="critical"}:{alertname="ModelDown", model="fraud"}"#);
    }

    #[test]
    fn the_path_shows_continue_branches() {
        let t = tree("route:\n  receiver: a\n  routes:\n  - match: {x: '1'}\n    receiver: b\n    continue: true\n  - match_re: {x: '.*'}\n    receiver: c\nreceivers:\n- name: a\n- name: b\n- name: c\n");
        assert_eq!(t.matching_path(&l(&[("x", "1")])), [(0, false), (1, true), (2, true)]);
        assert_eq!(t.receivers(&l(&[("x", "1")])), ["b", "c"]);
    }
}
