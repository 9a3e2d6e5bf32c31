//! The dynamic values a template works with, modelled on the Go types Prometheus and
//! Alertmanager hand to their templates: `string`, `float64`, `int`, `bool`, maps with string
//! keys, slices, struct-like records (by value or by pointer), `time.Time`,
//! `time.Duration` and `html/template.HTML`. Each value knows its Go type name, for Go's
//! error messages (`wrong type for value; expected string; got float64`) and `%T`.

use std::rc::Rc;

/// A template value. `Nil` is Go's "no value" (an invalid `reflect.Value`, an untyped nil,
/// or a nil map, slice or pointer).
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    /// Go `int`.
    Int(i64),
    /// Go `int64` (what `Time.Unix` returns).
    Int64(i64),
    /// Go `float64`.
    Float(f64),
    /// Go `complex128` (from constants such as `1i`).
    Complex(f64, f64),
    /// Go `string`.
    Str(Rc<str>),
    /// `html/template.HTML`: a string type of its own (`safeHtml` returns it).
    Html(Rc<str>),
    /// `time.Time` in UTC, or `*time.Time` when `pointer`.
    Time(GoTime, bool),
    /// `time.Duration` in nanoseconds, or `*time.Duration` when the bool is set.
    Duration(i64, bool),
    /// `time.Month` or `time.Weekday`.
    Enum(EnumKind, i64),
    Map(Rc<Map>),
    List(Rc<List>),
    Struct(Rc<Struct>),
}

/// An instant, as seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoTime {
    pub secs: i64,
    pub nanos: u32,
}

impl Default for GoTime {
    /// Go's zero `time.Time`: 0001-01-01 00:00:00 UTC.
    fn default() -> Self {
        GoTime { secs: -62_135_596_800, nanos: 0 }
    }
}

/// The named integer types of package time that print as words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumKind {
    Month,
    Weekday,
}

/// A map with string keys, kept sorted (the order Go's `range` and `fmt` use).
#[derive(Debug)]
pub struct Map {
    /// Go's name of the type: `map[string]string`, `template.KV`, …
    pub type_name: &'static str,
    /// The value a missing key yields under `missingkey=zero`.
    pub zero: Value,
    pub entries: Vec<(Rc<str>, Value)>,
}

/// A slice.
#[derive(Debug)]
pub struct List {
    /// Go's name of the type: `[]string`, `template.queryResult`, …
    pub type_name: &'static str,
    pub items: Vec<Value>,
}

/// A struct, or a pointer to one (its fields are exported fields, in declaration order).
#[derive(Debug)]
pub struct Struct {
    /// Go's name of the type, without the `*` of a pointer.
    pub type_name: &'static str,
    pub pointer: bool,
    pub fields: Vec<(&'static str, Value)>,
}

/// Go's reflect kinds, as far as templates tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    Complex,
    String,
    Map,
    Slice,
    Struct,
    Pointer,
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }

    /// A `map[string]string` from sorted or unsorted pairs.
    pub fn string_map<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Map(Rc::new(Map::new(
            "map[string]string",
            Value::str(""),
            pairs.into_iter().map(|(k, v)| (k.as_ref().into(), Value::str(v.as_ref()))).collect(),
        )))
    }

    pub fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::Int64(_) | Value::Enum(..) | Value::Duration(_, false) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Complex(..) => Kind::Complex,
            Value::Str(_) | Value::Html(_) => Kind::String,
            Value::Map(_) => Kind::Map,
            Value::List(_) => Kind::Slice,
            Value::Time(_, false) => Kind::Struct,
            Value::Struct(s) if !s.pointer => Kind::Struct,
            Value::Time(_, true) | Value::Duration(_, true) | Value::Struct(_) => Kind::Pointer,
        }
    }

    /// Go's name of the value's type (`reflect.Type.String()`).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Struct(s) if s.pointer => format!("*{}", s.type_name),
            Value::Time(_, true) => "*time.Time".into(),
            Value::Duration(_, true) => "*time.Duration".into(),
            other => other.base_type_name().into(),
        }
    }

    /// The type name without a pointer's `*`: the key methods are registered under.
    pub fn base_type_name(&self) -> &'static str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::Complex(..) => "complex128",
            Value::Str(_) => "string",
            Value::Html(_) => "template.HTML",
            Value::Time(..) => "time.Time",
            Value::Duration(..) => "time.Duration",
            Value::Enum(EnumKind::Month, _) => "time.Month",
            Value::Enum(EnumKind::Weekday, _) => "time.Weekday",
            Value::Map(m) => m.type_name,
            Value::List(l) => l.type_name,
            Value::Struct(s) => s.type_name,
        }
    }

    /// The text of a string-kind value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Html(s) => Some(s),
            _ => None,
        }
    }

    /// The integer of an int-kind value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) | Value::Int64(i) | Value::Enum(_, i) | Value::Duration(i, false) => Some(*i),
            _ => None,
        }
    }

    /// Go's truth (`if`, `with`, `and`, `or`, `not`): false for zero values and empty
    /// collections; structs and non-nil pointers are true.
    pub fn truth(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) | Value::Enum(_, i) => *i != 0,
            Value::Duration(d, ptr) => *ptr || *d != 0,
            Value::Float(f) => *f != 0.0,
            Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
            Value::Str(s) | Value::Html(s) => !s.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Time(..) | Value::Struct(_) => true,
        }
    }

    /// The value a pointer points to (a pointer's fields and methods are the pointee's).
    pub fn deref(&self) -> Value {
        match self {
            Value::Time(t, true) => Value::Time(*t, false),
            Value::Duration(d, true) => Value::Duration(*d, false),
            Value::Struct(s) if s.pointer => Value::Struct(Rc::new(Struct {
                type_name: s.type_name,
                pointer: false,
                fields: s.fields.clone(),
            })),
            other => other.clone(),
        }
    }

    /// The length `len` reports, for strings, maps and slices.
    pub fn length(&self) -> Option<usize> {
        match self {
            Value::Str(s) | Value::Html(s) => Some(s.len()),
            Value::Map(m) => Some(m.entries.len()),
            Value::List(l) => Some(l.items.len()),
            _ => None,
        }
    }
}

impl Map {
    /// A map of the given type; `entries` need not be sorted (a later duplicate wins).
    pub fn new(type_name: &'static str, zero: Value, mut entries: Vec<(Rc<str>, Value)>) -> Map {
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        Map { type_name, zero, entries }
    }

    /// A map from entries already sorted by key, without duplicates (a label set's).
    pub fn from_sorted(type_name: &'static str, zero: Value, entries: Vec<(Rc<str>, Value)>) -> Map {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        Map { type_name, zero, entries }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok().map(|i| &self.entries[i].1)
    }
}

impl Struct {
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}
