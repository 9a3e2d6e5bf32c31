//! The explain tree as text, for `promplay explain` (and the library's Markdown): one block
//! per node, indented by depth.

use std::fmt::Write;

use super::{ExplainNode, Explanation};
use crate::content::time::format_instant;

/// The whole tree as indented text.
pub fn render_text(e: &Explanation) -> String {
    let mut out = format!("{}\nat {}", e.query.trim(), format_instant(e.time));
    let _ = write!(out, ": {} samples read, {}", e.samples, millis(e.ms));
    if let Some(err) = &e.error {
        let _ = write!(out, "\nerror: {err}");
    }
    out.push('\n');
    for n in &e.nodes {
        out.push('\n');
        out.push_str(&node(n));
    }
    out
}

fn node(n: &ExplainNode) -> String {
    let pad = "  ".repeat(n.depth);
    let mut out = format!("{pad}{} {}: {}\n", if n.depth == 0 { "●" } else { "└" }, n.kind, n.text);
    let inner = format!("{pad}  ");
    let _ = writeln!(out, "{inner}{}", n.sentence);
    for line in result_lines(n) {
        let _ = writeln!(out, "{inner}→ {line}");
    }
    for note in &n.notes {
        let _ = writeln!(out, "{inner}! {note}");
    }
    out
}

/// The node's result, groups and matching as short lines (shared with the Markdown).
pub fn result_lines(n: &ExplainNode) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(r) = &n.result {
        let mut parts = Vec::new();
        match r.kind.as_str() {
            "scalar" | "string" => {
                parts.push(format!("{} {}", r.kind, r.example.clone().unwrap_or_default()))
            }
            _ => {
                parts.push(format!("{} {}", plural(r.series, "series", "series"), r.kind));
                if !r.labels.is_empty() {
                    let labels: Vec<String> =
                        r.labels.iter().map(|l| format!("{} ({})", l.name, l.values)).collect();
                    parts.push(format!("labels {}", labels.join(", ")));
                }
                if let Some(ex) = &r.example {
                    let value = r.example_value.as_ref().map(|v| format!(" = {v}")).unwrap_or_default();
                    parts.push(format!("e.g. {}{value}", cut(ex, EXAMPLE_CHARS)));
                }
            }
        }
        parts.push(format!("{} read", plural(n.samples as usize, "sample", "samples")));
        if n.ms > 0.0 {
            parts.push(millis(n.ms));
        }
        lines.push(parts.join(" · "));
    }
    if let Some(g) = &n.groups {
        let sizes = if g.smallest_size == g.largest_size {
            format!("{} each", g.largest_size)
        } else {
            format!("{} to {} each", g.smallest_size, g.largest_size)
        };
        let listed: Vec<String> = g.largest.iter().map(|(k, c)| format!("{k} {c}")).collect();
        lines.push(format!(
            "{} from {} input series ({sizes}): {}",
            plural(g.groups, "group", "groups"),
            g.inputs,
            listed.join(", ")
        ));
    }
    if let Some(m) = &n.matching {
        lines.push(format!(
            "matched {} of {} left and {} of {} right series ({})",
            m.matched_left, m.left, m.matched_right, m.right, m.cardinality
        ));
        for u in &m.unmatched {
            lines.push(format!("unmatched {} {}: {}", u.side, u.series, u.why));
        }
        if let Some(p) = &m.problem {
            lines.push(format!("problem: {p}"));
        }
        if let Some(f) = &m.fix {
            lines.push(format!("fix: match with `{f}`"));
        }
    }
    lines
}

/// Longest example series shown: enough to see its labels' shape, short enough for a line.
const EXAMPLE_CHARS: usize = 120;

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Milliseconds with a precision that suits them.
pub fn millis(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}
