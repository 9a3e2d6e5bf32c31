//! Kubernetes ConfigMaps that carry rule files under `data:` (the seed's form): finding the
//! embedded files and where each sits in the outer file, so messages point at real lines.

use super::load::Shift;
use super::yaml::{self, Node, NodeKind};

/// A rule file found under a ConfigMap's `data:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedded {
    /// The data key (`recording_rules.yml`).
    pub key: String,
    /// The rule file's text.
    pub text: String,
    /// Where that text sits in the ConfigMap file.
    pub shift: Shift,
}

/// The rule files embedded in `text` when it is a ConfigMap (`kind: ConfigMap`), else None.
/// Data entries count as rule files when their key ends in `.yml`, `.yaml` or `.rules`, or
/// their content has a top-level `groups:`; if none does, every entry is returned so the
/// checker can say what is wrong with them.
pub fn unwrap(text: &str) -> Option<Vec<Embedded>> {
    let root = yaml::parse(text).ok()??;
    if root.get("kind")?.as_scalar()? != "ConfigMap" {
        return None;
    }
    let NodeKind::Map(pairs) = &root.get("data")?.kind else {
        return Some(Vec::new());
    };
    let raw_lines: Vec<&str> = text.lines().collect();
    let all: Vec<Embedded> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let content = v.as_scalar()?;
            Some(Embedded {
                key: k.as_scalar().unwrap_or("").to_string(),
                text: content.to_string(),
                shift: locate(&raw_lines, k, v, content),
            })
        })
        .collect();
    let rule_like: Vec<Embedded> = all.iter().filter(|e| looks_like_rules(e)).cloned().collect();
    Some(if rule_like.is_empty() { all } else { rule_like })
}

fn looks_like_rules(e: &Embedded) -> bool {
    [".yml", ".yaml", ".rules"].iter().any(|ext| e.key.ends_with(ext))
        || matches!(yaml::parse(&e.text), Ok(Some(doc)) if doc.get("groups").is_some())
}

/// Where the embedded text starts: for a literal block (`key: |`) the content begins on the
/// next line, indented; the mapping is checked line by line against the raw file. Anything
/// else (a folded or quoted string) is placed at the value's own line, unindented.
fn locate(raw: &[&str], key: &Node, value: &Node, content: &str) -> Shift {
    let fallback = Shift { lines: value.line.saturating_sub(1), cols: 0 };
    // The 1-based line of the `|` (on the key's line), so `raw[first]` is the next line.
    let first = value.line.max(key.line);
    let Some(indent) = raw
        .iter()
        .skip(first)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
    else {
        return fallback;
    };
    let matches = content.lines().enumerate().all(|(i, line)| match raw.get(first + i) {
        Some(r) if line.is_empty() => r.trim().is_empty(),
        Some(r) => r.len() >= indent && r.get(indent..) == Some(line),
        None => false,
    });
    if matches {
        Shift { lines: first, cols: indent }
    } else {
        fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_embedded_file_and_its_place() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  rules.yml: |\n    groups:\n    - name: g\n";
        let found = unwrap(text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "rules.yml");
        assert_eq!(found[0].text, "groups:\n- name: g\n");
        assert_eq!(found[0].shift, Shift { lines: 4, cols: 4 });
    }

    #[test]
    fn plain_files_are_not_configmaps() {
        assert_eq!(unwrap("groups: []\n"), None);
        assert_eq!(unwrap("kind: Deployment\ndata: {}\n"), None);
        assert_eq!(unwrap("not: [valid"), None);
    }
}
