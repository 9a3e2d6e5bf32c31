//! A serde `Deserializer` over the YAML node tree of [`crate::rules::yaml`], so that pack
//! manifests, dataset files and exercise files are read by the same YAML parser as rule files
//! (one parser in the site, not two). Scalars resolve as in serde_yaml: any scalar reads as a
//! string, numbers and booleans only from plain (or matching tagged) scalars. Every error
//! carries the line of the node it concerns and, below the top level, the path to it
//! (`events[2].kind: unknown variant ...`).

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};

use crate::rules::yaml::{parse_float, parse_int, Node, NodeKind, ScalarType};

/// A deserialization error: the message and the 1-based line of the node it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    /// 0 until the error has passed through the node it belongs to.
    pub line: usize,
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { message: msg.to_string(), line: 0 }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Deserializes a `T` from a parsed document.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<T, Error> {
    T::deserialize(De { node, path: Path::Root })
}

/// Where a node sits in the document, for messages (`generator.ml_serving.deployments[0]`).
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// One node being deserialized.
struct De<'a, 'p> {
    node: &'a Node,
    path: Path<'p>,
}

impl De<'_, '_> {
    /// Gives an error that has no position yet this node's line and path.
    fn locate(&self, mut e: Error) -> Error {
        if e.line == 0 {
            e.line = self.node.line;
            if !matches!(self.path, Path::Root) {
                e.message = format!("{}: {}", self.path, e.message);
            }
        }
        e
    }

    /// The scalar's text, if the node is a scalar.
    fn text(&self) -> Option<&str> {
        self.node.as_scalar()
    }

    /// True for a plain scalar with nothing in it (`key:`), which serde_yaml also reads as an
    /// empty sequence or mapping.
    fn is_empty_plain(&self) -> bool {
        matches!(&self.node.kind, NodeKind::Scalar { value, plain: true, tag: None } if value.is_empty())
    }

    fn invalid<T>(&self, exp: &dyn de::Expected) -> Result<T, Error> {
        Err(de::Error::invalid_type(unexpected(self.node), exp))
    }

    fn any<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { value, .. } => match self.node.scalar_type() {
                Some(ScalarType::Null) => visitor.visit_unit(),
                Some(ScalarType::Bool) => visitor.visit_bool(is_true(value)),
                Some(ScalarType::Int) => match parse_int(value) {
                    Some(i) => visitor.visit_i64(i),
                    None => visitor.visit_f64(parse_float(value).unwrap_or(f64::NAN)),
                },
                Some(ScalarType::Float) => visitor.visit_f64(parse_float(value).unwrap_or(f64::NAN)),
                _ => visitor.visit_str(value),
            },
            NodeKind::Seq(items) => self.seq(items, visitor),
            NodeKind::Map(pairs) => self.map(pairs, visitor),
        }
    }

    fn seq<'de, V: Visitor<'de>>(&self, items: &[Node], visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(SeqAccess { items: items.iter(), index: 0, path: &self.path })
    }

    fn map<'de, V: Visitor<'de>>(&self, pairs: &[(Node, Node)], visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(MapAccess { pairs: pairs.iter(), value: None, path: &self.path })
    }

    fn integer<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        let number = matches!(self.node.scalar_type(), Some(ScalarType::Int | ScalarType::Float));
        let Some(text) = self.text().filter(|_| number) else { return self.invalid(&visitor) };
        match parse_int(text) {
            Some(i) => visitor.visit_i64(i),
            // Beyond i64 (the core schema then reads a float): only a u64 can still hold it.
            None => match text.replace('_', "").parse::<u64>() {
                Ok(u) => visitor.visit_u64(u),
                Err(_) => self.invalid(&visitor),
            },
        }
    }

    fn float<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        let number = matches!(self.node.scalar_type(), Some(ScalarType::Int | ScalarType::Float));
        match self.text().filter(|_| number).and_then(parse_float) {
            Some(f) => visitor.visit_f64(f),
            None => self.invalid(&visitor),
        }
    }
}

/// `true`, `True`, `TRUE` (a scalar already resolved as a boolean).
fn is_true(value: &str) -> bool {
    value.starts_with(['t', 'T'])
}

/// What a node is, in serde's words for "invalid type" messages.
fn unexpected(node: &Node) -> Unexpected<'_> {
    match &node.kind {
        NodeKind::Scalar { value, .. } => match node.scalar_type() {
            Some(ScalarType::Null) => Unexpected::Unit,
            Some(ScalarType::Bool) => Unexpected::Bool(is_true(value)),
            Some(ScalarType::Int) => {
                parse_int(value).map_or(Unexpected::Other("integer"), Unexpected::Signed)
            }
            Some(ScalarType::Float) => Unexpected::Float(parse_float(value).unwrap_or(f64::NAN)),
            _ => Unexpected::Str(value),
        },
        NodeKind::Seq(_) => Unexpected::Seq,
        NodeKind::Map(_) => Unexpected::Map,
    }
}

/// Implements a `deserialize_*` method through one of `De`'s helpers, placing its errors.
macro_rules! via {
    ($($method:ident => $helper:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$helper(visitor).map_err(|e| self.locate(e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = Error;

    via! {
        deserialize_any => any,
        deserialize_i8 => integer, deserialize_i16 => integer, deserialize_i32 => integer,
        deserialize_i64 => integer, deserialize_i128 => integer,
        deserialize_u8 => integer, deserialize_u16 => integer, deserialize_u32 => integer,
        deserialize_u64 => integer, deserialize_u128 => integer,
        deserialize_f32 => float, deserialize_f64 => float,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match (self.node.scalar_type(), self.text()) {
            (Some(ScalarType::Bool), Some(text)) => visitor.visit_bool(is_true(text)),
            _ => self.invalid(&visitor),
        }
        .map_err(|e| self.locate(e))
    }

    /// Any scalar reads as a string, as written (`version: 1.0` is "1.0").
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text() {
            Some(text) => visitor.visit_str(text),
            None => self.invalid(&visitor),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(self.locate(de::Error::custom("binary data is not supported in YAML files")))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_none().map_err(|e| self.locate(e))
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() { visitor.visit_unit() } else { self.invalid(&visitor) }
            .map_err(|e| self.locate(e))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Seq(items) => self.seq(items, visitor),
            _ if self.is_empty_plain() => self.seq(&[], visitor),
            _ => self.invalid(&visitor),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Map(pairs) => self.map(pairs, visitor),
            _ if self.is_empty_plain() => self.map(&[], visitor),
            _ => self.invalid(&visitor),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// Enums are written as the variant's name (unit variants: the only kind pack files use).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.text() {
            Some(text) => visitor.visit_enum(text.into_deserializer()),
            None => self.invalid(&visitor),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The items of a sequence, each with its index in the path.
struct SeqAccess<'a, 'p> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
    path: &'p Path<'p>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        seed.deserialize(De { node, path: Path::Index(self.path, index) }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The pairs of a mapping: a key is placed at its own line under the mapping's path (an
/// unknown field is reported where it is written), a value under the key's path.
struct MapAccess<'a, 'p> {
    pairs: std::slice::Iter<'a, (Node, Node)>,
    value: Option<(&'a Node, &'a str)>,
    path: &'p Path<'p>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.pairs.next() else { return Ok(None) };
        self.value = Some((value, key.as_scalar().unwrap_or("?")));
        seed.deserialize(De { node: key, path: *self.path }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some((node, key)) => seed.deserialize(De { node, path: Path::Key(self.path, key) }),
            None => Err(de::Error::custom("a mapping value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::rules::yaml::parse;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Note,
        MemoryLeak,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        kind: Kind,
        #[serde(default)]
        value: Option<f64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        id: String,
        seed: u64,
        on: bool,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        labels: BTreeMap<String, String>,
    }

    fn read(text: &str) -> Result<Doc, Error> {
        from_node(&parse(text).unwrap().unwrap())
    }

    #[test]
    fn reads_typed_values() {
        let doc = read("id: 1.0\nseed: 0x10\non: true\nitems:\n  - kind: memory_leak\n    value: 2\n  - {kind: note}\nlabels: {a: b, 3: '4'}\n")
            .unwrap();
        assert_eq!(doc.id, "1.0");
        assert_eq!(doc.seed, 16);
        assert!(doc.on);
        assert_eq!(
            doc.items,
            vec![Item { kind: Kind::MemoryLeak, value: Some(2.0) }, Item { kind: Kind::Note, value: None }]
        );
        assert_eq!(doc.labels.get("3").map(String::as_str), Some("4"));
        assert_eq!(read("id: x\nseed: 18446744073709551615\non: true\n").unwrap().seed, u64::MAX);
        // An empty value is an empty list, as in serde_yaml.
        assert_eq!(read("id: x\nseed: 1\non: false\nitems:\n").unwrap().items, vec![]);
    }

    #[test]
    fn errors_name_line_and_path() {
        let cases = [
            ("id: x\nseed: 1\non: true\ncolour: red\n", 4, "unknown field `colour`, expected one of"),
            ("id: x\non: true\n", 1, "missing field `seed`"),
            ("id: x\nseed: -1\non: true\n", 2, "seed: invalid value: integer `-1`, expected u64"),
            ("id: x\nseed: 1.5\non: true\n", 2, "seed: invalid type: floating point `1.5`, expected u64"),
            ("id: x\nseed: 1\non: yes\n", 3, "on: invalid type: string \"yes\", expected a boolean"),
            ("id: [x]\nseed: 1\non: true\n", 1, "id: invalid type: sequence, expected a string"),
            (
                "id: x\nseed: 1\non: true\nitems:\n  - kind: note\n  - kind: leak\n",
                6,
                "items[1].kind: unknown variant `leak`, expected `note` or `memory_leak`",
            ),
            (
                "id: x\nseed: 1\non: true\nitems:\n  - kind: note\n    value: high\n",
                6,
                "items[0].value: invalid type: string \"high\", expected f64",
            ),
        ];
        for (text, line, message) in cases {
            let e = read(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.starts_with(message), "{text:?}: {e}");
        }
    }
}
