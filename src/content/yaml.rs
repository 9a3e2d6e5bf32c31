//! YAML reading for pack files: typed parsing whose errors carry `file:line`, and a small
//! locator that finds the line of a key path (`events[2].start`) for problems found after
//! parsing (serde gives values no positions). The parser is the rule files' one
//! ([`crate::rules::yaml`]), read through [`super::yaml_de`].

use serde::de::DeserializeOwned;

use super::error::Problem;
use super::yaml_de;
use crate::rules::yaml::{parse_all, Node};

/// Parses `text` (the contents of `file`) into `T`; unknown fields, wrong types and YAML
/// syntax errors come back as a problem at the line of the node concerned.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, Problem> {
    let doc = parse_document(file, text)?;
    yaml_de::from_node(&doc).map_err(|e| Problem::new(file, e.line.max(1), e.message))
}

/// Parses `text` as a single YAML document.
pub fn parse_document(file: &str, text: &str) -> Result<Node, Problem> {
    let mut docs = parse_all(text).map_err(|e| Problem::new(file, e.line.max(1), e.message))?;
    match docs.len() {
        0 => Err(Problem::new(file, 1, "empty file")),
        1 => Ok(docs.remove(0)),
        _ => {
            Err(Problem::new(file, docs[1].line, "a pack file holds one YAML document, this is a second one"))
        }
    }
}

/// One step of a path into a YAML document.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The 1-based line where `path` is written in `text`, as far as it can be followed (the
/// line of the deepest step found; 1 if not even the first is found). It understands block
/// style (indentation and `- ` items), which is how pack files are written.
pub fn line_of(text: &str, path: &[Seg]) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let (mut lo, mut hi) = (0, lines.len());
    let mut found = 0;
    for seg in path {
        let hit = match *seg {
            Seg::Key(k) => find_key(&lines, lo, hi, k),
            Seg::Index(i) => find_item(&lines, lo, hi, i),
        };
        match hit {
            Some((line, end)) => {
                found = line;
                // A key's value is on the lines below it; an item's first key is on its line.
                lo = if matches!(seg, Seg::Key(_)) { line + 1 } else { line };
                hi = end;
            }
            None => break,
        }
    }
    found + 1
}

/// A meaningful line: not blank, not a comment. Returns (raw indent, content indent, content)
/// where the content indent skips leading `- ` item markers.
fn shape(line: &str) -> Option<(usize, usize, &str)> {
    let raw = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    let mut content = raw;
    while let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start();
        content += rest.len() - r2.len();
        rest = r2;
    }
    Some((raw, content, rest))
}

/// Finds `key:` among the keys of the block `lines[lo..hi]`; returns its line and the end of
/// its value block.
fn find_key(lines: &[&str], lo: usize, hi: usize, key: &str) -> Option<(usize, usize)> {
    let base = (lo..hi).find_map(|i| shape(lines[i]).map(|(_, c, _)| c))?;
    for (i, line) in lines.iter().enumerate().take(hi).skip(lo) {
        let Some((_, content, rest)) = shape(line) else { continue };
        let indent_ok = content == base;
        let name = rest.split(':').next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'');
        if indent_ok && name == key && rest.contains(':') {
            return Some((i, block_end(lines, i, content, hi)));
        }
    }
    None
}

/// Finds the `index`-th `- ` item in `lines[lo..hi]` (skipping the range's first line when it
/// is the parent key); returns its line and where the item ends.
fn find_item(lines: &[&str], lo: usize, hi: usize, index: usize) -> Option<(usize, usize)> {
    let mut items = Vec::new();
    let mut dash = None;
    for (i, line) in lines.iter().enumerate().take(hi).skip(lo) {
        let Some((raw, _, _)) = shape(line) else { continue };
        let is_item = line.trim_start().starts_with("- ") || line.trim_start() == "-";
        match dash {
            None if is_item => {
                dash = Some(raw);
                items.push(i);
            }
            Some(d) if is_item && raw == d => items.push(i),
            Some(d) if raw < d => break,
            _ => {}
        }
    }
    let start = *items.get(index)?;
    let end = items.get(index + 1).copied().unwrap_or(hi);
    Some((start, end))
}

/// The line after the last line of the value of a key at `indent` written on line `at`.
fn block_end(lines: &[&str], at: usize, indent: usize, hi: usize) -> usize {
    for (i, line) in lines.iter().enumerate().take(hi).skip(at + 1) {
        let Some((raw, _, _)) = shape(line) else { continue };
        let is_item = line.trim_start().starts_with('-');
        if raw < indent || (raw == indent && !is_item) {
            return i;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "id: x\nevents:\n  - id: a\n    start: 1h\n  # note\n  - id: b\n    start: 2h\n    target:\n      model: m\ngenerator:\n  seed: 1\n";

    #[test]
    fn finds_lines_of_paths() {
        use Seg::*;
        for (path, line) in [
            (vec![Key("id")], 1),
            (vec![Key("events")], 2),
            (vec![Key("events"), Index(0)], 3),
            (vec![Key("events"), Index(1), Key("start")], 7),
            (vec![Key("events"), Index(1), Key("target"), Key("model")], 9),
            (vec![Key("events"), Index(0), Key("id")], 3),
            (vec![Key("generator"), Key("seed")], 11),
            (vec![Key("events"), Index(5)], 2),
            (vec![Key("missing")], 1),
        ] {
            assert_eq!(line_of(DOC, &path), line, "{path:?}");
        }
    }

    #[test]
    fn parse_errors_have_lines() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let e = parse::<T>("f.yaml", "a: 1\nb: 2\n").unwrap_err();
        assert_eq!((e.line, e.message.starts_with("unknown field `b`")), (2, true), "{e}");
        assert_eq!(parse::<T>("f.yaml", "").unwrap_err().to_string(), "f.yaml:1: empty file");
        assert_eq!(parse::<T>("f.yaml", "# nothing\n").unwrap_err().to_string(), "f.yaml:1: empty file");
        let e = parse::<T>("f.yaml", "a: 1\n---\na: 2\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("second")), (3, true), "{e}");
        let e = parse::<T>("f.yaml", "a: [1\n").unwrap_err();
        assert!(e.message.contains("expected ',' or ']'"), "{e}");
    }
}
