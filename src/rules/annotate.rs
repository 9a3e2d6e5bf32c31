//! Editing one annotation of one alerting rule in the text of a rule file (plain or inside a
//! ConfigMap), leaving every other line as written: the alerting lab's runbook and
//! threshold fields write the rule's `runbook` and `threshold_justification` annotations,
//! so the YAML stays the one place the learner's documentation lives.
//!
//! The rule is found by parsing (its `alert:` key's position); the edit itself is on lines,
//! by indentation, so comments and formatting elsewhere survive.

use super::check::{check, CheckOptions, Severity};

/// Sets annotation `name` of the first alerting rule named `alert` to `value` (removes it
/// when `value` is blank). `Err` says why the file cannot be edited so: it has errors, it
/// has no such alert, or its annotations are written as a flow mapping (`{a: b}`).
pub fn set_annotation(text: &str, alert: &str, name: &str, value: &str) -> Result<String, String> {
    let out = edit(text, alert, name, value)?;
    // A rule written in a shape the line edit does not know (a flow mapping, odd indentation)
    // must not come back broken: the edit is kept only when the file still checks.
    let report = check(&out, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
    if report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(format!(
            "{alert}'s annotations are written in a way these fields cannot edit: edit them in the YAML"
        ));
    }
    Ok(out)
}

fn edit(text: &str, alert: &str, name: &str, value: &str) -> Result<String, String> {
    let report = check(text, &CheckOptions { unwrap_configmap: true, ..CheckOptions::default() });
    if report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err("fix the rule file's errors first".into());
    }
    let file = report.file.ok_or("fix the rule file's errors first")?;
    let rule = file
        .rules()
        .map(|(_, r)| r)
        .find(|r| r.is_alerting() && r.alert == alert)
        .ok_or_else(|| format!("the file has no alerting rule {alert}"))?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let alert_line = rule.pos.alert.line.checked_sub(1).filter(|&l| l < lines.len()).ok_or("no position")?;
    // The keys' column: what precedes `alert:` on its line (spaces, and the list item's `- `).
    let key_indent = lines[alert_line].len() - lines[alert_line].trim_start_matches([' ', '-']).len();
    // The rule's mapping ends where a line is less indented than its keys (the next `- `).
    let rule_end = block_end(&lines, alert_line, key_indent.saturating_sub(1));
    let entry = format!("{name}: {}", quoted(value.trim()));
    let blank = value.trim().is_empty();
    let Some(ann) = (alert_line..rule_end).find(|&i| at_key(&lines[i], key_indent, "annotations")) else {
        if !blank {
            let at = last_content(&lines, alert_line, rule_end) + 1;
            let pad = " ".repeat(key_indent);
            lines.splice(at..at, [format!("{pad}annotations:"), format!("{pad}  {entry}")]);
        }
        return Ok(joined(lines, text));
    };
    if !rest_of_key(&lines[ann]).is_empty() {
        return Err("this rule's annotations are written on one line ({...}): edit them in the YAML".into());
    }
    let ann_end = block_end(&lines, ann, key_indent);
    let entry_indent = (ann + 1..ann_end)
        .find(|&i| !lines[i].trim().is_empty())
        .map_or(key_indent + 2, |i| indent(&lines[i]));
    let pad = " ".repeat(entry_indent);
    match (ann + 1..ann_end).find(|&i| at_key(&lines[i], entry_indent, name)) {
        Some(i) => {
            let end = last_content(&lines, i, block_end(&lines, i, entry_indent).min(ann_end)) + 1;
            let others =
                (ann + 1..ann_end).filter(|&j| j < i || j >= end).any(|j| !lines[j].trim().is_empty());
            if blank && !others {
                lines.drain(ann..end);
            } else if blank {
                lines.drain(i..end);
            } else {
                lines.splice(i..end, [format!("{pad}{entry}")]);
            }
        }
        None if blank => {}
        None => {
            let at = last_content(&lines, ann, ann_end) + 1;
            lines.insert(at, format!("{pad}{entry}"));
        }
    }
    Ok(joined(lines, text))
}

/// The lines joined back, with the original's final newline.
fn joined(lines: Vec<String>, original: &str) -> String {
    let mut out = lines.join("\n");
    if original.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// True when `line` is the key `key` at exactly `at` spaces (`- ` of a list item counts as
/// indentation).
fn at_key(line: &str, at: usize, key: &str) -> bool {
    let body = line.get(at..).unwrap_or("");
    let head = line.get(..at).unwrap_or("");
    if !head.chars().all(|c| c == ' ' || c == '-') {
        return false;
    }
    let body = body.trim_start_matches(['"', '\'']);
    body.strip_prefix(key).is_some_and(|r| r.trim_start_matches(['"', '\'']).trim_start().starts_with(':'))
}

/// What follows a key's colon, comments left out.
fn rest_of_key(line: &str) -> &str {
    let rest = line.split_once(':').map_or("", |(_, r)| r);
    rest.split(" #").next().unwrap_or("").trim()
}

/// The line after the block that starts at `start`: the first later non-blank line indented
/// at most `indent` spaces (comments count only when they are that far out too).
fn block_end(lines: &[String], start: usize, at: usize) -> usize {
    (start + 1..lines.len())
        .find(|&i| !lines[i].trim().is_empty() && indent(&lines[i]) <= at)
        .unwrap_or(lines.len())
}

/// The last non-blank line of `start..end`.
fn last_content(lines: &[String], start: usize, end: usize) -> usize {
    (start..end).rev().find(|&i| !lines[i].trim().is_empty()).unwrap_or(start)
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quoted(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliverables::assemble::alert_docs;
    use std::collections::BTreeMap;

    const FILE: &str = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0  # down\n    labels:\n      severity: page\n  - alert: B\n    expr: up > 1\n    annotations:\n      summary: |\n        two\n        lines\n      runbook: old\n# end\n";

    fn doc(text: &str, alert: &str) -> (String, String) {
        let docs = alert_docs(text, &BTreeMap::new());
        let d = docs.into_iter().find(|(a, _)| a == alert).map(|(_, d)| d).unwrap_or_default();
        (d.runbook, d.threshold)
    }

    #[test]
    fn adds_sets_and_removes_annotations_keeping_the_rest() {
        let a = set_annotation(FILE, "A", "runbook", "https://wiki/a").expect("adds annotations");
        assert!(
            a.contains(
                "      severity: page\n    annotations:\n      runbook: \"https://wiki/a\"\n  - alert: B"
            ),
            "{a}"
        );
        let b = set_annotation(&a, "B", "runbook", "new \"one\"").expect("replaces");
        assert!(b.contains("      runbook: \"new \\\"one\\\"\"\n# end"), "{b}");
        let c = set_annotation(&b, "B", "threshold_justification", "p99 of a week").expect("appends");
        assert_eq!(doc(&c, "B"), ("new \"one\"".into(), "p99 of a week".into()));
        assert!(c.contains("        lines\n") && c.contains("expr: up == 0  # down"), "{c}");
        let d = set_annotation(&c, "B", "summary", "one").expect("replaces a block scalar");
        assert!(d.contains("      summary: \"one\"\n      runbook:"), "{d}");
        let e = set_annotation(&a, "A", "runbook", " ").expect("removes");
        assert_eq!(e, FILE, "removing the only annotation removes the mapping");
        assert!(check(&d, &CheckOptions::default()).diagnostics.is_empty());
    }

    #[test]
    fn configmaps_and_refusals() {
        let cm = "apiVersion: v1\nkind: ConfigMap\ndata:\n  alert_rules.yml: |\n    groups:\n    - name: g\n      rules:\n      - alert: A\n        expr: up == 0\n";
        let out = set_annotation(cm, "A", "threshold_justification", "a week's p99").expect("edits inside");
        assert_eq!(doc(&out, "A").1, "a week's p99");
        assert!(out.ends_with("        expr: up == 0\n        annotations:\n          threshold_justification: \"a week's p99\"\n"), "{out}");
        assert!(set_annotation(FILE, "C", "runbook", "x").unwrap_err().contains("no alerting rule C"));
        assert!(set_annotation("groups: [", "A", "runbook", "x").is_err());
        let flow =
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations: {summary: s}\n";
        assert!(set_annotation(flow, "A", "runbook", "x").unwrap_err().contains("one line"));
    }
}
