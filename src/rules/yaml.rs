//! A YAML document as a tree of nodes that remember their line and column, built from the
//! event stream of `saphyr-parser`: what rule loading needs to put `file:line` on every
//! message, the way Prometheus's yaml.v3 nodes do.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Most nodes an alias expansion may create: a guard against "billion laughs" documents,
/// which would otherwise exhaust memory (and, in the browser, kill the page).
const MAX_NODES: usize = 1_000_000;

/// Deepest nesting of collections: the tree is walked (and dropped) recursively, and a
/// document of ten thousand `- ` must not exhaust the stack (in the browser, kill the page).
const MAX_DEPTH: usize = 128;

/// One node with its 1-based position (line and column of its first character).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: usize,
    pub col: usize,
}

/// What a node holds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar with its text, whether it was written plain (so `~`, `12`, `true` resolve to
    /// non-string types) and its explicit tag, if any (`!!str`).
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Node>),
    /// Key/value pairs in document order (duplicates kept: the decoder reports them).
    Map(Vec<(Node, Node)>),
}

/// The YAML 1.2 core-schema type a scalar resolves to, named as yaml.v3 names it in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

impl ScalarType {
    /// The short tag yaml.v3 prints (`!!str`).
    pub fn tag(self) -> &'static str {
        match self {
            ScalarType::Null => "!!null",
            ScalarType::Bool => "!!bool",
            ScalarType::Int => "!!int",
            ScalarType::Float => "!!float",
            ScalarType::Str => "!!str",
        }
    }
}

impl Node {
    /// The short tag of this node as yaml.v3 reports it (`!!map`, `!!seq`, `!!str`, ...).
    pub fn tag(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } => self.scalar_type().map_or("!!str", ScalarType::tag),
            NodeKind::Seq(_) => "!!seq",
            NodeKind::Map(_) => "!!map",
        }
    }

    /// The resolved type of a scalar (None for collections).
    pub fn scalar_type(&self) -> Option<ScalarType> {
        match &self.kind {
            NodeKind::Scalar { value, plain, tag } => Some(resolve(value, *plain, tag.as_deref())),
            _ => None,
        }
    }

    /// True for a null scalar (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        self.scalar_type() == Some(ScalarType::Null)
    }

    /// The text of a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The value of `key` in a mapping (the first one if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(pairs) => pairs.iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    fn null_at(line: usize, col: usize) -> Node {
        Node { kind: NodeKind::Scalar { value: String::new(), plain: true, tag: None }, line, col }
    }
}

/// Resolves a scalar's type the way the YAML 1.2 core schema (and yaml.v3) does.
fn resolve(value: &str, plain: bool, tag: Option<&str>) -> ScalarType {
    match tag {
        Some("tag:yaml.org,2002:str") => return ScalarType::Str,
        Some("tag:yaml.org,2002:int") => return ScalarType::Int,
        Some("tag:yaml.org,2002:float") => return ScalarType::Float,
        Some("tag:yaml.org,2002:bool") => return ScalarType::Bool,
        Some("tag:yaml.org,2002:null") => return ScalarType::Null,
        Some(_) => return ScalarType::Str,
        None => {}
    }
    if !plain {
        return ScalarType::Str;
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => ScalarType::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan"
        | ".NaN" | ".NAN" => ScalarType::Float,
        _ if parse_int(value).is_some() => ScalarType::Int,
        _ if is_float(value) => ScalarType::Float,
        _ => ScalarType::Str,
    }
}

/// Parses a core-schema integer (decimal, `0x`, `0o`, `0b`, with `_` separators as yaml.v3
/// accepts them).
pub fn parse_int(value: &str) -> Option<i64> {
    let plain: String = value.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    i64::try_from(if neg { -magnitude } else { magnitude }).ok()
}

/// The value of a core-schema number scalar (`1.5`, `-2e3`, `.inf`, `0x1f`), None for anything
/// else.
pub fn parse_float(value: &str) -> Option<f64> {
    match value {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => match parse_int(value) {
            Some(i) => Some(i as f64),
            None if is_float(value) => value.replace('_', "").parse().ok(),
            None => None,
        },
    }
}

/// True for a core-schema float such as `1.5`, `-2e3`, `.5`.
fn is_float(value: &str) -> bool {
    let body = value.strip_prefix(['-', '+']).unwrap_or(value);
    let starts_ok = body.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    starts_ok
        && body.chars().any(|c| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+' | '_'))
        && body.replace('_', "").parse::<f64>().is_ok()
}

/// A YAML syntax error with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses the first document of `text` (None when the stream holds no document at all, as
/// an empty file). Later documents are still scanned so that their syntax errors count.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    Ok(parse_all(text)?.into_iter().next())
}

/// Parses every document of `text`.
pub fn parse_all(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let mut builder = Builder {
        anchors: HashMap::new(),
        stack: Vec::new(),
        done: Vec::new(),
        nodes: 0,
        lines: text.lines().collect(),
        prev_end: (1, 1),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            line: e.marker().line(),
            col: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        if matches!(event, Event::StreamEnd) {
            break;
        }
        builder.on_event(event, span)?;
        builder.prev_end = (span.end.line(), span.end.col() + 1);
    }
    Ok(builder.done)
}

/// A collection being built, with the anchor it will be registered under.
enum Open {
    Seq(Node, usize),
    Map(Node, usize, Option<Node>),
}

struct Builder<'a> {
    anchors: HashMap<usize, Node>,
    stack: Vec<Open>,
    /// Finished top-level documents.
    done: Vec<Node>,
    nodes: usize,
    /// The source lines, to find block-scalar indicators.
    lines: Vec<&'a str>,
    /// Where the previous event ended (1-based line and column).
    prev_end: (usize, usize),
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event, span: Span) -> Result<(), SyntaxError> {
        let (line, col) = (span.start.line(), span.start.col() + 1);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", expand_handle(&t.handle), t.suffix));
                let plain = style == ScalarStyle::Plain;
                // The parser places a block scalar at its content; yaml.v3 (and so promtool)
                // at its `|` or `>` indicator.
                let (line, col) = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => self.indicator(line, col),
                    _ => (line, col),
                };
                let node =
                    Node { kind: NodeKind::Scalar { value: value.into_owned(), plain, tag }, line, col };
                self.finish(node, anchor, line)
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().unwrap_or_else(|| Node::null_at(line, col));
                self.nodes += count(&node);
                self.finish(node, 0, line)
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                Err(SyntaxError { line, col, message: format!("nesting is deeper than {MAX_DEPTH} levels") })
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq(Node { kind: NodeKind::Seq(Vec::new()), line, col }, anchor));
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map(Node { kind: NodeKind::Map(Vec::new()), line, col }, anchor, None));
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq(node, anchor)) | Some(Open::Map(node, anchor, None)) => {
                    self.finish(node, anchor, line)
                }
                // A key without its value cannot reach the end of a mapping in valid YAML;
                // treat it as null rather than trust that.
                Some(Open::Map(mut node, anchor, Some(key))) => {
                    if let NodeKind::Map(pairs) = &mut node.kind {
                        pairs.push((key, Node::null_at(line, col)));
                    }
                    self.finish(node, anchor, line)
                }
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// The position of the block indicator between the previous event and `(line, col)`.
    fn indicator(&self, line: usize, col: usize) -> (usize, usize) {
        let (mut l, mut c) = self.prev_end;
        while l < line || (l == line && c < col) {
            let text = self.lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
            let found =
                text.chars().enumerate().skip(c.saturating_sub(1)).find(|(_, ch)| matches!(ch, '|' | '>'));
            if let Some((i, _)) = found {
                return (l, i + 1);
            }
            l += 1;
            c = 1;
        }
        (line, col)
    }

    /// Attaches a finished node to its parent (or records a finished document).
    fn finish(&mut self, node: Node, anchor: usize, line: usize) -> Result<(), SyntaxError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                line,
                col: 1,
                message: "document is too large (alias expansion)".into(),
            });
        }
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.done.push(node),
            Some(Open::Seq(seq, _)) => {
                if let NodeKind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
            }
            Some(Open::Map(map, _, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let NodeKind::Map(pairs) = &mut map.kind {
                        pairs.push((key, node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// The number of nodes in a tree (for the alias-expansion guard).
fn count(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(pairs) => 1 + pairs.iter().map(|(k, v)| count(k) + count(v)).sum::<usize>(),
    }
}

/// `!!` is shorthand for the core-schema tag prefix.
fn expand_handle(handle: &str) -> &str {
    if handle == "!!" {
        "tag:yaml.org,2002:"
    } else {
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let doc =
            parse("groups:\n- name: g\n  rules:\n  - record: a\n    expr: |\n      up\n").unwrap().unwrap();
        let group = match &doc.get("groups").unwrap().kind {
            NodeKind::Seq(items) => items[0].clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!((group.line, group.col), (2, 3));
        let rule = match &group.get("rules").unwrap().kind {
            NodeKind::Seq(items) => items[0].clone(),
            other => panic!("{other:?}"),
        };
        let record = rule.get("record").unwrap();
        assert_eq!((record.line, record.col), (4, 13));
        let expr = rule.get("expr").unwrap();
        assert_eq!(expr.as_scalar(), Some("up\n"));
        // Block scalars sit at their indicator, as in yaml.v3.
        assert_eq!((expr.line, expr.col), (5, 11));
    }

    #[test]
    fn scalar_types() {
        let cases = [
            ("a: ~", ScalarType::Null),
            ("a:", ScalarType::Null),
            ("a: 12", ScalarType::Int),
            ("a: 0x1f", ScalarType::Int),
            ("a: 1.5", ScalarType::Float),
            ("a: .inf", ScalarType::Float),
            ("a: true", ScalarType::Bool),
            ("a: yes", ScalarType::Str),
            ("a: '12'", ScalarType::Str),
            ("a: !!str 12", ScalarType::Str),
            ("a: 30s", ScalarType::Str),
        ];
        for (text, want) in cases {
            let doc = parse(text).unwrap().unwrap();
            assert_eq!(doc.get("a").unwrap().scalar_type(), Some(want), "{text}");
        }
    }

    #[test]
    fn errors_and_empty_input() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
    }

    #[test]
    fn aliases_expand_and_are_bounded() {
        let doc = parse("a: &x {b: 1}\nc: *x\n").unwrap().unwrap();
        assert_eq!(doc.get("c").unwrap().get("b").unwrap().as_scalar(), Some("1"));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
        }
        assert!(parse(&bomb).is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        assert!(parse(&format!("a: {}1{}", "[".repeat(100), "]".repeat(100))).is_ok());
        let deep = "- ".repeat(10_000) + "x";
        assert!(parse(&deep).unwrap_err().message.contains("deeper than 128"));
    }

    #[test]
    fn numbers() {
        for (text, want) in
            [("1.5", 1.5), ("-2e3", -2000.0), ("0x1f", 31.0), ("1_000", 1000.0), ("-.inf", f64::NEG_INFINITY)]
        {
            assert_eq!(parse_float(text), Some(want), "{text}");
        }
        assert!(parse_float(".nan").is_some_and(f64::is_nan));
        assert_eq!(parse_float("1.2.3"), None);
        assert_eq!(parse_float("x"), None);
    }
}
