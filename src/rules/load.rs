//! Decoding a rule file's YAML into the model, strictly, the way Prometheus's `rulefmt`
//! decodes it with yaml.v3 (`KnownFields`): unknown fields, repeated keys and type mismatches
//! are collected as "unmarshal errors", a bad duration stops the decoding.

use super::duration;
use super::model::{KeyValue, Pos, Rule, RuleFile, RuleGroup};
use super::yaml::{self, Node, NodeKind, ScalarType};

/// Which Prometheus the rule format follows: the two differ in a few fields and name rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Dialect {
    /// Prometheus 3.x (the playground's semantics target): UTF-8 metric and label names,
    /// group `labels` and `query_offset`, rule fields decoded as strings.
    #[default]
    Prometheus3,
    /// Prometheus 2.42 (Debian's `promtool`): legacy names, no group labels or offset, rule
    /// names and `expr` decoded as raw YAML nodes.
    Prometheus2,
}

/// Where a decoded text sits inside the file it came from, so positions can be reported
/// against the file (a rule file embedded in a ConfigMap starts further down and indented).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shift {
    /// Added to every line.
    pub lines: usize,
    /// Added to every column.
    pub cols: usize,
}

impl Shift {
    fn pos(&self, node: &Node) -> Pos {
        Pos { line: node.line + self.lines, col: node.col + self.cols }
    }
}

/// Why a rule file could not be decoded. Lines are 1-based lines of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not YAML at all (yaml.v3: `yaml: line N: ...`).
    Syntax { line: usize, col: usize, message: String },
    /// YAML, but not a rule file: each entry is one `line N: ...` of yaml.v3's list.
    Unmarshal(Vec<(usize, String)>),
    /// A value that failed its own parsing (a bad duration), which stops the decoding.
    Value { line: usize, message: String },
}

impl LoadError {
    /// (line, message) pairs, one per problem, worded like promtool with the line added.
    pub fn entries(&self) -> Vec<(usize, usize, String)> {
        match self {
            LoadError::Syntax { line, col, message } => {
                vec![(*line, *col, format!("yaml: line {line}: {message}"))]
            }
            LoadError::Unmarshal(list) => list
                .iter()
                .map(|(line, m)| (*line, 0, format!("yaml: unmarshal errors: line {line}: {m}")))
                .collect(),
            LoadError::Value { line, message } => vec![(*line, 0, message.clone())],
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.entries().into_iter().map(|(_, _, m)| m).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

/// Parses and decodes a plain rule file (no ConfigMap unwrapping: see [`super::configmap`]).
pub fn decode_text(text: &str, dialect: Dialect, shift: Shift) -> Result<RuleFile, LoadError> {
    let root = yaml::parse(text).map_err(|e| LoadError::Syntax {
        line: e.line + shift.lines,
        col: e.col + shift.cols,
        message: e.message,
    })?;
    decode(root.as_ref(), dialect, shift)
}

/// Decodes a parsed YAML document (None: an empty file, which holds no groups).
pub fn decode(root: Option<&Node>, dialect: Dialect, shift: Shift) -> Result<RuleFile, LoadError> {
    let mut d = Decoder { dialect, shift, errors: Vec::new(), fatal: None };
    let mut file = RuleFile { groups: Vec::new(), first_line: 1 + shift.lines };
    if let Some(root) = root {
        for (key, value) in d.fields(root, "rulefmt.RuleGroups", &["groups"]) {
            if key == "groups" {
                file.groups = d.seq(value, "[]rulefmt.RuleGroup", |d, n| d.group(n));
            }
        }
    }
    if let Some(fatal) = d.fatal {
        return Err(fatal);
    }
    if !d.errors.is_empty() {
        return Err(LoadError::Unmarshal(d.errors));
    }
    Ok(file)
}

struct Decoder {
    dialect: Dialect,
    shift: Shift,
    /// yaml.v3's collected type errors: (line, message).
    errors: Vec<(usize, String)>,
    /// The first error that aborts decoding.
    fatal: Option<LoadError>,
}

impl Decoder {
    fn line(&self, node: &Node) -> usize {
        node.line + self.shift.lines
    }

    /// yaml.v3's "cannot unmarshal" error, quoting short scalars the way it does.
    fn type_error(&mut self, node: &Node, target: &str) {
        let shown = match node.as_scalar() {
            Some(v) if v.chars().count() > 10 => {
                format!(" `{}...`", v.chars().take(7).collect::<String>())
            }
            Some(v) => format!(" `{v}`"),
            None => String::new(),
        };
        let msg = format!("cannot unmarshal {}{shown} into {target}", node.tag());
        self.errors.push((self.line(node), msg));
    }

    /// The known fields of a struct-like mapping, reporting unknown and repeated keys.
    /// A null node decodes to nothing; any other non-mapping is a type error.
    fn fields<'n>(&mut self, node: &'n Node, target: &str, known: &[&str]) -> Vec<(&'n str, &'n Node)> {
        let pairs = match &node.kind {
            NodeKind::Map(pairs) => pairs,
            _ if node.is_null() => return Vec::new(),
            _ => {
                self.type_error(node, target);
                return Vec::new();
            }
        };
        self.repeated_keys(pairs);
        let mut out = Vec::new();
        for (k, v) in pairs {
            let key = k.as_scalar().unwrap_or("");
            if known.contains(&key) {
                out.push((key, v));
            } else {
                let msg = format!("field {key} not found in type {target}");
                self.errors.push((self.line(k), msg));
            }
        }
        out
    }

    /// yaml.v3 refuses a mapping key written twice.
    fn repeated_keys(&mut self, pairs: &[(Node, Node)]) {
        for (i, (k, _)) in pairs.iter().enumerate() {
            let same = |p: &Node| match (p.as_scalar(), k.as_scalar()) {
                (Some(a), Some(b)) => a == b,
                _ => p.kind == k.kind,
            };
            if let Some((first, _)) = pairs[..i].iter().find(|(p, _)| same(p)) {
                let msg = format!(
                    "mapping key {:?} already defined at line {}",
                    k.as_scalar().unwrap_or(""),
                    self.line(first)
                );
                self.errors.push((self.line(k), msg));
            }
        }
    }

    fn seq<T>(&mut self, node: &Node, target: &str, mut item: impl FnMut(&mut Self, &Node) -> T) -> Vec<T> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().map(|n| item(self, n)).collect(),
            _ if node.is_null() => Vec::new(),
            _ => {
                self.type_error(node, target);
                Vec::new()
            }
        }
    }

    /// A Go `string` field: any scalar's text, null as "".
    fn string(&mut self, node: &Node) -> String {
        match node.as_scalar() {
            Some(_) if node.is_null() => String::new(),
            Some(v) => v.to_string(),
            None => {
                self.type_error(node, "string");
                String::new()
            }
        }
    }

    /// A rule's `record`, `alert` or `expr`. Prometheus 2 decodes them as raw YAML nodes
    /// (the written text, even `~`; a collection reads as empty), Prometheus 3 as strings.
    fn rule_text(&mut self, node: &Node) -> String {
        match self.dialect {
            Dialect::Prometheus2 => node.as_scalar().unwrap_or("").to_string(),
            Dialect::Prometheus3 => self.string(node),
        }
    }

    /// A Go `int` field (yaml.v3 truncates floats into it).
    fn int(&mut self, node: &Node) -> i64 {
        let text = node.as_scalar().unwrap_or("");
        match node.scalar_type() {
            Some(ScalarType::Null) => 0,
            Some(ScalarType::Int) => yaml::parse_int(text).unwrap_or(0),
            Some(ScalarType::Float) => match text.replace('_', "").parse::<f64>() {
                Ok(f) if f.is_finite() && f.abs() < 9.2e18 => f as i64,
                _ => {
                    self.type_error(node, "int");
                    0
                }
            },
            _ => {
                self.type_error(node, "int");
                0
            }
        }
    }

    /// A `model.Duration`: the scalar's text parsed as a Prometheus duration; a null is
    /// zero (yaml.v3 never calls the unmarshaler for it), a parse failure stops decoding.
    fn duration(&mut self, node: &Node) -> Option<i64> {
        if node.is_null() {
            return None;
        }
        let text = self.string(node);
        node.as_scalar()?;
        match duration::parse(&text) {
            Ok(ms) => Some(ms),
            Err(message) => {
                if self.fatal.is_none() {
                    self.fatal = Some(LoadError::Value { line: self.line(node), message });
                }
                None
            }
        }
    }

    /// A Go `map[string]string`, in file order.
    fn string_map(&mut self, node: &Node) -> Vec<KeyValue> {
        let pairs = match &node.kind {
            NodeKind::Map(pairs) => pairs,
            _ if node.is_null() => return Vec::new(),
            _ => {
                self.type_error(node, "map[string]string");
                return Vec::new();
            }
        };
        self.repeated_keys(pairs);
        let mut out: Vec<KeyValue> = Vec::new();
        for (k, v) in pairs {
            let name = self.string(k);
            let value = self.string(v);
            let pos = self.shift.pos(k);
            // A repeated key was reported above; like a Go map, the last value wins.
            match out.iter_mut().find(|kv| kv.name == name) {
                Some(kv) => kv.value = value,
                None => out.push(KeyValue { name, value, pos }),
            }
        }
        out
    }

    fn group(&mut self, node: &Node) -> RuleGroup {
        let mut g = RuleGroup { pos: self.shift.pos(node), ..RuleGroup::default() };
        let known: &[&str] = match self.dialect {
            Dialect::Prometheus2 => &["name", "interval", "limit", "rules"],
            Dialect::Prometheus3 => &["name", "interval", "query_offset", "limit", "rules", "labels"],
        };
        for (key, value) in self.fields(node, "rulefmt.RuleGroup", known) {
            match key {
                "name" => g.name = self.string(value),
                "interval" => g.interval = self.duration(value),
                "query_offset" => g.query_offset = self.duration(value),
                "limit" => g.limit = self.int(value),
                "labels" => g.labels = self.string_map(value),
                _ => g.rules = self.seq(value, "[]rulefmt.RuleNode", |d, n| d.rule(n)),
            }
        }
        with_group_labels(&mut g);
        g
    }

    fn rule(&mut self, node: &Node) -> Rule {
        let mut r = Rule::default();
        r.pos.rule = self.shift.pos(node);
        let known = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"];
        for (key, value) in self.fields(node, "rulefmt.RuleNode", &known) {
            match key {
                "record" => {
                    r.record = self.rule_text(value);
                    r.pos.record = self.shift.pos(value);
                }
                "alert" => {
                    r.alert = self.rule_text(value);
                    r.pos.alert = self.shift.pos(value);
                }
                "expr" => {
                    r.expr = self.rule_text(value);
                    r.pos.expr = self.shift.pos(value);
                }
                "for" => r.for_ = self.duration(value).unwrap_or(0),
                "keep_firing_for" => r.keep_firing_for = self.duration(value).unwrap_or(0),
                "labels" => r.labels = self.string_map(value),
                _ => r.annotations = self.string_map(value),
            }
        }
        r
    }
}

/// Gives every rule of `g` the group's `labels` (Prometheus 3), as its rule manager does when
/// it loads the groups (`labels.FromMaps(rg.Labels, r.Labels)`): a rule's own label wins over
/// the group's of the same name.
fn with_group_labels(g: &mut RuleGroup) {
    for rule in &mut g.rules {
        for kv in &g.labels {
            if !rule.labels.iter().any(|own| own.name == kv.name) {
                rule.labels.push(kv.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_go_to_every_rule_and_a_rules_own_label_wins() {
        let text = "groups:\n- name: g\n  labels: {team: ml, severity: info}\n  rules:\n  \
                    - alert: A\n    expr: up == 0\n    labels: {severity: page}\n  \
                    - record: r:up\n    expr: sum(up)\n";
        let file = decode_text(text, Dialect::Prometheus3, Shift::default()).expect("loads");
        let labels = |i: usize| -> Vec<(String, String)> {
            let mut l: Vec<_> =
                file.groups[0].rules[i].labels.iter().map(|kv| (kv.name.clone(), kv.value.clone())).collect();
            l.sort();
            l
        };
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(labels(0), vec![pair("severity", "page"), pair("team", "ml")]);
        assert_eq!(labels(1), vec![pair("severity", "info"), pair("team", "ml")]);
    }
}
