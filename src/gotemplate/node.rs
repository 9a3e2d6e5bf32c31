//! The parse tree of a Go template (Go's `text/template/parse/node.go`): lists of text and
//! actions, control structures, pipelines, commands and operands. Every node knows its byte
//! position, and renders back to template text the way Go does, for the `at <…>` part of
//! execution errors.

use std::fmt::{self, Display, Write};

/// A byte offset into the template text.
pub type Pos = usize;

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub struct List {
    pub pos: Pos,
    pub nodes: Vec<Node>,
}

/// An element of a list.
#[derive(Clone, Debug)]
pub enum Node {
    Text { pos: Pos, text: Box<str> },
    Action { pos: Pos, pipe: Pipe },
    If(Branch),
    Range(Branch),
    With(Branch),
    Template { pos: Pos, name: Box<str>, pipe: Option<Pipe> },
    Break { pos: Pos },
    Continue { pos: Pos },
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub struct Branch {
    pub pos: Pos,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// A pipeline with optional variable declarations: `$x := a | b c`.
#[derive(Clone, Debug)]
pub struct Pipe {
    pub pos: Pos,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub decl: Vec<Variable>,
    pub cmds: Vec<Command>,
}

/// A variable reference with optional field chain: `$x.Labels.job`.
#[derive(Clone, Debug)]
pub struct Variable {
    pub pos: Pos,
    /// The name (with `$`) and the fields.
    pub ident: Vec<Box<str>>,
}

/// One command of a pipeline: an operand followed by arguments.
#[derive(Clone, Debug)]
pub struct Command {
    pub pos: Pos,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Clone, Debug)]
pub enum Arg {
    Field {
        pos: Pos,
        ident: Vec<Box<str>>,
    },
    Variable(Variable),
    /// A term followed by fields: `(pipeline).A.B`.
    Chain {
        pos: Pos,
        node: Box<Arg>,
        fields: Vec<Box<str>>,
    },
    /// A function name, resolved to a registry slot at parse time.
    Identifier {
        pos: Pos,
        name: Box<str>,
        slot: usize,
    },
    Dot(Pos),
    Nil(Pos),
    Bool(Pos, bool),
    Number(Box<Number>),
    String {
        pos: Pos,
        quoted: Box<str>,
        text: Box<str>,
    },
    Pipe(Box<Pipe>),
}

/// A numeric constant, stored under every type that can represent it (Go's ideal constants).
#[derive(Clone, Debug, Default)]
pub struct Number {
    pub pos: Pos,
    pub text: Box<str>,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    pub complex: Option<(f64, f64)>,
}

impl Arg {
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::String { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
        }
    }
}

fn join<T: Display>(f: &mut fmt::Formatter, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

fn dotted(f: &mut fmt::Formatter, idents: &[Box<str>]) -> fmt::Result {
    for id in idents {
        f.write_char('.')?;
        f.write_str(id)?;
    }
    Ok(())
}

impl Display for List {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.nodes.iter().try_for_each(|n| write!(f, "{n}"))
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If(b) => b.write(f, "if"),
            Node::Range(b) => b.write(f, "range"),
            Node::With(b) => b.write(f, "with"),
            Node::Template { name, pipe, .. } => {
                write!(f, "{{{{template {}", super::quote::quote(name))?;
                if let Some(p) = pipe {
                    write!(f, " {p}")?;
                }
                f.write_str("}}")
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

impl Branch {
    fn write(&self, f: &mut fmt::Formatter, name: &str) -> fmt::Result {
        write!(f, "{{{{{name} {}}}}}{}", self.pipe, self.list)?;
        if let Some(e) = &self.else_list {
            write!(f, "{{{{else}}}}{e}")?;
        }
        f.write_str("{{end}}")
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if !self.decl.is_empty() {
            join(f, &self.decl, ", ")?;
            // Go writes ":=" for assignments too.
            f.write_str(" := ")?;
        }
        join(f, &self.cmds, " | ")
    }
}

impl Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            match arg {
                Arg::Pipe(p) => write!(f, "({p})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Arg::Field { ident, .. } => dotted(f, ident),
            Arg::Variable(v) => write!(f, "{v}"),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    other => write!(f, "{other}")?,
                }
                dotted(f, fields)
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_char('.'),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}
