//! Decoding YAML the way Alertmanager 0.25 reads its configuration: gopkg.in/yaml.v2's
//! `UnmarshalStrict` over the project's positioned YAML tree ([`crate::rules::yaml`]).
//!
//! yaml.v2 has two kinds of failure, and the order in which they surface decides which message
//! `amtool check-config` prints:
//! - *type errors* (an unknown field, a repeated key, a list where a string belongs) are
//!   collected and reported together as `yaml: unmarshal errors:` with one `line N:` each; a
//!   type that checks itself after decoding (a route, a receiver) skips its checks when its own
//!   fields had type errors;
//! - a check's own error (`root route must specify a default receiver`, a bad duration, a bad
//!   regex) stops everything at once and is the only message.
//!
//! Scalars resolve with YAML 1.1 rules, as in yaml.v2: `yes`/`on`/`y` are booleans.

use crate::engine::Millis;
use crate::rules::duration;
use crate::rules::yaml::{Node, NodeKind};

/// A message at a place in the file (1-based line and column; column 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Why a configuration could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not YAML (`yaml: line N: ...`).
    Syntax(Located),
    /// yaml.v2's collected type errors.
    Unmarshal(Vec<Located>),
    /// A check failed; the message is Alertmanager's, the position is where the problem is
    /// written (Alertmanager itself gives none).
    Invalid(Located),
}

impl LoadError {
    /// The message exactly as Alertmanager 0.25 (and so `amtool check-config`) prints it.
    pub fn message(&self) -> String {
        match self {
            LoadError::Syntax(l) => format!("yaml: line {}: {}", l.line, l.message),
            LoadError::Unmarshal(list) => {
                let lines: Vec<String> =
                    list.iter().map(|l| format!("  line {}: {}", l.line, l.message)).collect();
                format!("yaml: unmarshal errors:\n{}", lines.join("\n"))
            }
            LoadError::Invalid(l) => l.message.clone(),
        }
    }

    /// Every problem with its position, for editors (one per unmarshal error).
    pub fn located(&self) -> Vec<Located> {
        match self {
            LoadError::Syntax(l) | LoadError::Invalid(l) => vec![l.clone()],
            LoadError::Unmarshal(list) => list.clone(),
        }
    }
}

/// The YAML 1.1 tag a plain scalar resolves to in yaml.v2 (quoted scalars are strings).
pub fn resolve_tag(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Seq(_) => "!!seq",
        NodeKind::Map(_) => "!!map",
        NodeKind::Scalar { value, plain, tag } => {
            if let Some(tag) = tag {
                return match tag.as_str() {
                    "tag:yaml.org,2002:int" => "!!int",
                    "tag:yaml.org,2002:float" => "!!float",
                    "tag:yaml.org,2002:bool" => "!!bool",
                    "tag:yaml.org,2002:null" => "!!null",
                    _ => "!!str",
                };
            }
            if !*plain {
                return "!!str";
            }
            if is_null(value) {
                "!!null"
            } else if bool_value(value).is_some() {
                "!!bool"
            } else if crate::rules::yaml::parse_int(value).is_some() {
                "!!int"
            } else if crate::rules::yaml::parse_float(value).is_some() {
                "!!float"
            } else {
                "!!str"
            }
        }
    }
}

fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// yaml.v2's booleans (YAML 1.1).
fn bool_value(value: &str) -> Option<bool> {
    match value {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// True for a null node (an absent value, `~`, `null`).
pub fn node_is_null(node: &Node) -> bool {
    resolve_tag(node) == "!!null"
}

/// Where decoded text sits inside the file it came from (a ConfigMap's embedded file starts
/// further down and indented).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offset {
    pub lines: usize,
    pub cols: usize,
}

/// The decoding state: collected type errors, the first fatal error, and warnings.
pub struct Decoder {
    offset: Offset,
    errors: Vec<Located>,
    fatal: Option<Located>,
    /// Accept `<placeholder>` URLs (a warning instead of Alertmanager's error).
    placeholders: bool,
    warnings: Vec<Located>,
}

impl Decoder {
    pub fn new(offset: Offset) -> Self {
        Decoder { offset, errors: Vec::new(), fatal: None, placeholders: false, warnings: Vec::new() }
    }

    /// A decoder that lets `<...>` placeholders stand where a URL belongs.
    pub fn with_placeholders(offset: Offset) -> Self {
        Decoder { placeholders: true, ..Decoder::new(offset) }
    }

    /// Checks a URL value: Alertmanager's error, or with placeholders allowed a warning when
    /// the value is written `<like-this>`.
    pub fn url(&mut self, node: &Node, text: &str, check: fn(&str) -> Result<(), String>) {
        let Err(e) = check(text) else { return };
        if self.placeholders && text.starts_with('<') && text.ends_with('>') {
            let message = format!(
                "{e}: {text} is a placeholder; Alertmanager 0.25 refuses to load this file until a real URL is there"
            );
            self.warnings.push(self.at(node, message));
        } else {
            self.fail(node, e);
        }
    }

    /// The warnings collected (placeholders accepted).
    pub fn take_warnings(&mut self) -> Vec<Located> {
        std::mem::take(&mut self.warnings)
    }

    /// The error decoding ended with, if any: a fatal one wins over collected type errors.
    pub fn finish(self) -> Option<LoadError> {
        match (self.fatal, self.errors.is_empty()) {
            (Some(f), _) => Some(LoadError::Invalid(f)),
            (None, false) => Some(LoadError::Unmarshal(self.errors)),
            (None, true) => None,
        }
    }

    /// A position in the file.
    pub fn at(&self, node: &Node, message: impl Into<String>) -> Located {
        Located {
            line: node.line + self.offset.lines,
            col: node.col + self.offset.cols,
            message: message.into(),
        }
    }

    /// True once a fatal error stopped decoding: callers skip further work.
    pub fn failed(&self) -> bool {
        self.fatal.is_some()
    }

    /// Stops decoding with a check's error at `node` (the first one wins).
    pub fn fail(&mut self, node: &Node, message: impl Into<String>) {
        if self.fatal.is_none() {
            self.fatal = Some(self.at(node, message));
        }
    }

    /// Stops decoding with an error at a position already in file coordinates.
    pub fn fail_at(&mut self, line: usize, col: usize, message: impl Into<String>) {
        if self.fatal.is_none() {
            self.fatal = Some(Located { line, col, message: message.into() });
        }
    }

    /// The number of type errors so far, to tell whether a subtree added any.
    pub fn checkpoint(&self) -> usize {
        self.errors.len()
    }

    /// True when no type error was added since `checkpoint` and decoding goes on: a type's
    /// own checks run only then, as in yaml.v2.
    pub fn clean_since(&self, checkpoint: usize) -> bool {
        self.errors.len() == checkpoint && self.fatal.is_none()
    }

    fn type_error(&mut self, node: &Node, target: &str) {
        let shown = match node.as_scalar() {
            Some(v) if v.len() > 10 => format!(" `{}...`", truncate_bytes(v, 7)),
            Some(v) => format!(" `{v}`"),
            None => String::new(),
        };
        let message = format!("cannot unmarshal {}{shown} into {target}", resolve_tag(node));
        self.errors.push(self.at(node, message));
    }

    /// The known fields of a struct (Go type name `target`), reporting unknown and repeated
    /// ones; a null node decodes to no fields, anything but a mapping is a type error.
    pub fn fields<'n>(&mut self, node: &'n Node, target: &str, known: &[&str]) -> Vec<(&'n str, &'n Node)> {
        let pairs = match &node.kind {
            NodeKind::Map(pairs) => pairs,
            _ if node_is_null(node) => return Vec::new(),
            _ => {
                self.type_error(node, target);
                return Vec::new();
            }
        };
        let mut out: Vec<(&'n str, &'n Node)> = Vec::new();
        for (k, v) in pairs {
            let key = k.as_scalar().unwrap_or("");
            if !known.contains(&key) {
                self.errors.push(self.at(k, format!("field {key} not found in type {target}")));
            } else if out.iter().any(|(seen, _)| *seen == key) {
                self.errors.push(self.at(k, format!("field {key} already set in type {target}")));
            } else {
                out.push((key, v));
            }
        }
        out
    }

    /// A Go `string`: any scalar's text (null reads as "").
    pub fn string(&mut self, node: &Node) -> String {
        match node.as_scalar() {
            Some(_) if node_is_null(node) => String::new(),
            Some(v) => v.to_string(),
            None => {
                self.type_error(node, "string");
                String::new()
            }
        }
    }

    /// A Go `bool` (YAML 1.1 spellings; null is false).
    pub fn bool(&mut self, node: &Node) -> bool {
        match resolve_tag(node) {
            "!!null" => false,
            "!!bool" => node.as_scalar().and_then(bool_value).unwrap_or(false),
            _ => {
                self.type_error(node, "bool");
                false
            }
        }
    }

    /// The items of a sequence (null: none; anything else is a type error against `target`).
    pub fn seq<'n>(&mut self, node: &'n Node, target: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ if node_is_null(node) => &[],
            _ => {
                self.type_error(node, target);
                &[]
            }
        }
    }

    /// A Go integer (`target` names its type in the error); 0 when it is not one.
    pub fn int(&mut self, node: &Node, target: &str) -> i64 {
        match node.as_scalar().and_then(crate::rules::yaml::parse_int) {
            Some(v) if resolve_tag(node) == "!!int" => v,
            _ if node_is_null(node) => 0,
            _ => {
                self.type_error(node, target);
                0
            }
        }
    }

    /// The pairs of a mapping (null: none; anything else is a type error against `target`).
    pub fn map<'n>(&mut self, node: &'n Node, target: &str) -> &'n [(Node, Node)] {
        match &node.kind {
            NodeKind::Map(pairs) => pairs,
            _ if node_is_null(node) => &[],
            _ => {
                self.type_error(node, target);
                &[]
            }
        }
    }

    /// A `[]string`.
    pub fn strings(&mut self, node: &Node) -> Vec<String> {
        let items = self.seq(node, "[]string");
        items.iter().map(|n| self.string(n)).collect()
    }

    /// A `map[string]string` as (key, value, key node) in document order; a repeated key is a
    /// type error at its value's line, as in yaml.v2.
    pub fn string_map<'n>(&mut self, node: &'n Node) -> Vec<(String, String, &'n Node)> {
        let pairs = self.map(node, "map[string]string");
        let mut out: Vec<(String, String, &'n Node)> = Vec::new();
        for (k, v) in pairs {
            let key = self.string(k);
            let value = self.string(v);
            if out.iter().any(|(seen, _, _)| *seen == key) {
                self.errors.push(self.at(v, format!("key {key:?} already set in map")));
                continue;
            }
            out.push((key, value, k));
        }
        out
    }

    /// A `model.Duration` (`30s`, `1h30m`): a bad one stops decoding with Prometheus's
    /// message.
    pub fn duration(&mut self, node: &Node) -> Option<Millis> {
        if node_is_null(node) {
            return None;
        }
        let text = self.string(node);
        match duration::parse(&text) {
            Ok(ms) => Some(ms),
            Err(e) => {
                self.fail(node, e);
                None
            }
        }
    }
}

/// The first `n` bytes of `s`, as Go slices a string (cut back to a character boundary).
fn truncate_bytes(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::yaml::parse;

    fn doc(text: &str) -> Node {
        parse(text).unwrap().unwrap()
    }

    #[test]
    fn yaml_1_1_booleans_and_tags() {
        let d = doc("a: yes\nb: 'yes'\nc: 12\nd: ~\ne: [1]\nf: off\n");
        let tags: Vec<&str> =
            ["a", "b", "c", "d", "e", "f"].iter().map(|k| resolve_tag(d.get(k).unwrap())).collect();
        assert_eq!(tags, ["!!bool", "!!str", "!!int", "!!null", "!!seq", "!!bool"]);
        let mut dec = Decoder::new(Offset::default());
        assert!(dec.bool(d.get("a").unwrap()));
        assert!(!dec.bool(d.get("f").unwrap()));
        dec.bool(d.get("b").unwrap());
        assert_eq!(
            dec.finish().unwrap().message(),
            "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `yes` into bool"
        );
    }

    #[test]
    fn unknown_and_repeated_fields_are_collected() {
        let d = doc("route:\n  receiver: a\n  labels: {}\n  receiver: b\n");
        let mut dec = Decoder::new(Offset { lines: 10, cols: 2 });
        let fields = dec.fields(d.get("route").unwrap(), "config.plain", &["receiver"]);
        assert_eq!(fields.len(), 1);
        let err = dec.finish().unwrap();
        assert_eq!(
            err.message(),
            "yaml: unmarshal errors:\n  line 13: field labels not found in type config.plain\n  line 14: field receiver already set in type config.plain"
        );
        assert_eq!(err.located()[0].col, 5);
    }

    #[test]
    fn a_fatal_error_wins_and_long_values_are_cut() {
        let d = doc("a: [x]\nb: 5x\nc: averyveryverylongvalue\n");
        let mut dec = Decoder::new(Offset::default());
        dec.string(d.get("a").unwrap());
        let before = dec.checkpoint();
        assert!(!dec.clean_since(before - 1));
        dec.bool(d.get("c").unwrap());
        assert!(dec.errors[1].message.ends_with("`averyve...` into bool"), "{:?}", dec.errors);
        assert_eq!(dec.duration(d.get("b").unwrap()), None);
        assert_eq!(dec.finish().unwrap().message(), "not a valid duration string: \"5x\"");
    }
}
