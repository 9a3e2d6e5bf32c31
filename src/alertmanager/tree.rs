//! The routing tree printed the way amtool 0.25 prints it (xlab/treeprint 1.1): `amtool config
//! routes` (every node with `continue: true` and its receiver) and the `--tree` part of
//! `amtool config routes test` (the nodes an alert passes through, the receiver on final ones).

use super::route::{RouteNode, RouteTree};
use crate::engine::Labels;

/// A treeprint node: its text and children.
struct Branch {
    text: String,
    children: Vec<Branch>,
}

/// treeprint's `String()`: `.` then the branches with `├── `/`└── ` and, for levels still
/// open, `│` followed by two no-break spaces and a space (what treeprint 1.1 writes).
fn render(branches: &[Branch]) -> String {
    let mut out = String::from(".\n");
    write_level(&mut out, branches, &mut Vec::new());
    out
}

fn write_level(out: &mut String, branches: &[Branch], ended: &mut Vec<bool>) {
    for (i, b) in branches.iter().enumerate() {
        let last = i + 1 == branches.len();
        for &done in ended.iter() {
            out.push_str(if done { "    " } else { "│\u{a0}\u{a0} " });
        }
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&b.text);
        out.push('\n');
        ended.push(last);
        write_level(out, &b.children, ended);
        ended.pop();
    }
}

/// amtool's `getRouteTreeSlug`.
fn slug(node: &RouteNode, show_continue: bool, show_receiver: bool) -> String {
    let mut s =
        if node.matchers.is_empty() { "default-route".to_string() } else { node.matchers.to_string() };
    if node.continue_ && show_continue {
        s.push_str("  continue: true");
    }
    if show_receiver {
        s.push_str("  receiver: ");
        s.push_str(&node.opts.receiver);
    }
    s
}

/// `amtool config routes [show]`: `Routing tree:` and the tree, then an empty line.
pub fn routes_show(tree: &RouteTree) -> String {
    fn branch(tree: &RouteTree, id: usize) -> Branch {
        let node = tree.node(id);
        Branch {
            text: slug(node, true, true),
            children: node.children.iter().map(|&c| branch(tree, c)).collect(),
        }
    }
    format!("Routing tree:\n{}\n", render(&[branch(tree, 0)]))
}

/// The `--tree` part of `amtool config routes test`: `Matching routes:`, the tree of the
/// nodes the labels pass through, and two empty lines.
pub fn matching_tree(tree: &RouteTree, labels: &Labels) -> String {
    fn branch(tree: &RouteTree, id: usize, labels: &Labels) -> Branch {
        let node = tree.node(id);
        let mut children = Vec::new();
        for &c in &node.children {
            if tree.node(c).matchers.matches(labels) {
                children.push(branch(tree, c, labels));
                if !tree.node(c).continue_ {
                    break;
                }
            }
        }
        let text = slug(node, false, children.is_empty());
        Branch { text, children }
    }
    format!("Matching routes:\n{}\n\n", render(&[branch(tree, 0, labels)]))
}

#[cfg(test)]
mod tests {
    use super::super::config::load;
    use super::*;

    const SEED: &str = "route:\n  receiver: default\n  routes:\n  - match: {severity: critical}\n    receiver: pagerduty\n    continue: true\n  - match: {severity: warning}\n    receiver: slack-warnings\n  - match: {severity: info}\n    receiver: email\nreceivers:\n- name: default\n- name: pagerduty\n- name: slack-warnings\n- name: email\n";

    #[test]
    fn routes_show_matches_amtool() {
        let tree = RouteTree::new(&load(SEED).1.unwrap().route);
        assert_eq!(
            routes_show(&tree),
            "Routing tree:\n.\n└── default-route  receiver: default\n    ├── {severity=\"critical\"}  continue: true  receiver: pagerduty\n    ├── {severity=\"warning\"}  receiver: slack-warnings\n    └── {severity=\"info\"}  receiver: email\n\n"
        );
    }

    #[test]
    fn open_levels_are_drawn_with_no_break_spaces() {
        let yaml = "route:\n  receiver: a\n  routes:\n  - match: {x: '1'}\n    routes:\n    - match: {y: '1'}\n  - match: {x: '2'}\nreceivers:\n- name: a\n";
        let tree = RouteTree::new(&load(yaml).1.unwrap().route);
        assert!(routes_show(&tree).contains("    │\u{a0}\u{a0} └── {y=\"1\"}  receiver: a\n"));
    }

    #[test]
    fn matching_tree_matches_amtool() {
        let tree = RouteTree::new(&load(SEED).1.unwrap().route);
        let labels = Labels::from_pairs([("severity", "critical"), ("model", "x")]);
        assert_eq!(
            matching_tree(&tree, &labels),
            "Matching routes:\n.\n└── default-route\n    └── {severity=\"critical\"}  receiver: pagerduty\n\n\n"
        );
    }
}
