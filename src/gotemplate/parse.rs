//! The parser of Go's `text/template` (Go 1.19's `text/template/parse/parse.go`): items from
//! the lexer become a set of named trees (the template and its `define`/`block`s). Errors are
//! Go's, with the line Go reports: `template: NAME:LINE: function "x" not defined`.

use std::collections::HashMap;

use super::lex::{Item, ItemType, Lexer};
use super::node::{Arg, Branch, Command, List, Node, Number, Pipe, Pos, Variable};
use super::quote;
use super::strconv::{f64_to_i64, parse_float, parse_int, parse_uint};

/// How deep parentheses and blocks may nest together. Go allows 10,000 parentheses (1,000 in
/// WebAssembly) and as many blocks as its growable stack holds; ours is WebAssembly's fixed
/// 1 MiB, so the bound is far lower, and still far beyond what anyone writes by hand.
const MAX_DEPTH: usize = 100;

/// The parsed templates of one text: the top-level one and every `define`/`block`.
pub(crate) type TreeSet = HashMap<Box<str>, List>;

/// A parse error, already in Go's words.
pub(crate) type ParseError = String;

/// Control flow: `Err` carries the finished message up to [`parse`].
type Parsed<T> = Result<T, ParseError>;

/// Parses `text` as the template `name`. `lookup` resolves a function name to its slot.
pub(crate) fn parse(name: &str, text: &str, lookup: &dyn Fn(&str) -> Option<usize>) -> Parsed<TreeSet> {
    let mut lexer = Lexer::new(text);
    lexer.break_ok = lookup("break").is_none();
    lexer.continue_ok = lookup("continue").is_none();
    let mut p = Parser {
        lex: lexer,
        token: Default::default(),
        peek_count: 0,
        vars: vec!["$".into()],
        action_line: 0,
        range_depth: 0,
        depth: 0,
        parse_name: name,
        lookup,
        trees: HashMap::new(),
    };
    let root = p.parse_top()?;
    p.add(name, root)?;
    Ok(p.trees)
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    token: [Option<Item<'a>>; 3],
    peek_count: usize,
    vars: Vec<Box<str>>,
    action_line: usize,
    range_depth: usize,
    depth: usize,
    parse_name: &'a str,
    lookup: &'f dyn Fn(&str) -> Option<usize>,
    trees: TreeSet,
}

/// What ends an item list.
enum Ending {
    End,
    Else(Pos),
}

impl<'a> Parser<'a, '_> {
    fn next(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = Some(self.lex.next_item());
        }
        self.token[self.peek_count].clone().unwrap_or_else(|| self.eof())
    }

    fn eof(&self) -> Item<'a> {
        Item { typ: ItemType::Eof, pos: 0, val: "".into(), line: 0 }
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.token[1] = Some(t1);
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.token[1] = Some(t1);
        self.token[2] = Some(t2);
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone().unwrap_or_else(|| self.eof());
        }
        self.peek_count = 1;
        self.token[0] = Some(self.lex.next_item());
        self.token[0].clone().unwrap_or_else(|| self.eof())
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    /// Go's `t.errorf`: the line is that of the most recently lexed token.
    fn errorf<T>(&self, msg: impl Into<String>) -> Parsed<T> {
        let line = self.token[0].as_ref().map_or(1, |t| t.line);
        Err(format!("template: {}:{}: {}", self.parse_name, line, msg.into()))
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> Parsed<Item<'a>> {
        let token = self.next_non_space();
        if token.typ != expected {
            return self.unexpected(&token, context);
        }
        Ok(token)
    }

    fn unexpected<T>(&self, token: &Item, context: &str) -> Parsed<T> {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at {}:{}", self.parse_name, self.action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{extra}", token.describe()));
        }
        self.errorf(format!("unexpected {} in {context}", token.describe()))
    }

    /// Adds a finished tree: a second non-empty definition of a name is an error.
    fn add(&mut self, name: &str, root: List) -> Parsed<()> {
        match self.trees.get(name) {
            Some(existing) if !is_empty_tree(existing) => {
                if !is_empty_tree(&root) {
                    return self
                        .errorf(format!("template: multiple definition of template {}", quote::quote(name)));
                }
                Ok(())
            }
            _ => {
                self.trees.insert(name.into(), root);
                Ok(())
            }
        }
    }

    /// The top-level list, with `{{define}}` allowed.
    fn parse_top(&mut self) -> Parsed<List> {
        let mut root = List { pos: self.peek().pos, nodes: Vec::new() };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.nested(|p| p.parse_definition())?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item2::Node(n) => root.nodes.push(n),
                Item2::End => return self.errorf("unexpected {{end}}"),
                Item2::Else(_) => return self.errorf("unexpected {{else}}"),
            }
        }
        Ok(root)
    }

    /// Runs `f` as a separate tree (a `define` or `block` body): fresh variables and token
    /// buffer, as Go's nested `Tree` has; the outer state comes back afterwards.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Parsed<()>) -> Parsed<()> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let token = std::mem::take(&mut self.token);
        let peek = std::mem::replace(&mut self.peek_count, 0);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        let result = f(self);
        self.vars = vars;
        self.token = token;
        self.peek_count = peek;
        self.range_depth = range_depth;
        result
    }

    fn parse_definition(&mut self) -> Parsed<()> {
        const CONTEXT: &str = "define clause";
        let name = self.next_non_space();
        if !matches!(name.typ, ItemType::String | ItemType::RawString) {
            return self.unexpected(&name, CONTEXT);
        }
        let name = match quote::unquote(&name.val) {
            Ok(n) => n,
            Err(e) => return self.errorf(e),
        };
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (list, end) = self.item_list()?;
        if let Ending::Else(_) = end {
            return self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        self.add(&name, list)
    }

    /// `textOrAction*` up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> Parsed<(List, Ending)> {
        let mut list = List { pos: self.peek_non_space().pos, nodes: Vec::new() };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Item2::Node(n) => list.nodes.push(n),
                Item2::End => return Ok((list, Ending::End)),
                Item2::Else(pos) => return Ok((list, Ending::Else(pos))),
            }
        }
        self.errorf("unexpected EOF")
    }

    fn text_or_action(&mut self) -> Parsed<Item2> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Item2::Node(Node::Text { pos: token.pos, text: token.val.as_ref().into() })),
            ItemType::LeftDelim => {
                self.action_line = token.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => self.unexpected(&token, "input"),
        }
    }

    fn action(&mut self) -> Parsed<Item2> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control().map(Item2::Node),
            ItemType::Break | ItemType::Continue => {
                let word = if token.typ == ItemType::Break { "break" } else { "continue" };
                let next = self.next_non_space();
                if next.typ != ItemType::RightDelim {
                    return self.unexpected(&next, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                let pos = token.pos;
                return Ok(Item2::Node(if word == "break" {
                    Node::Break { pos }
                } else {
                    Node::Continue { pos }
                }));
            }
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Item2::End);
            }
            ItemType::If => return self.control("if").map(|b| Item2::Node(Node::If(b))),
            ItemType::Range => return self.control("range").map(|b| Item2::Node(Node::Range(b))),
            ItemType::Template => return self.template_control().map(Item2::Node),
            ItemType::With => return self.control("with").map(|b| Item2::Node(Node::With(b))),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        // Variables declared here persist until the enclosing {{end}}.
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Item2::Node(Node::Action { pos: token.pos, pipe }))
    }

    fn else_control(&mut self) -> Parsed<Item2> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If {
            // `{{else if …` is read as `{{else}}{{if …`.
            return Ok(Item2::Else(peek.pos));
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Item2::Else(token.pos))
    }

    /// `if`, `range` and `with`: pipeline, list, optional else list.
    fn control(&mut self, context: &str) -> Parsed<Branch> {
        self.enter()?;
        let mark = self.vars.len();
        let result = self.control_body(context);
        self.vars.truncate(mark);
        self.depth -= 1;
        result
    }

    fn control_body(&mut self, context: &str) -> Parsed<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let else_list = match next {
            Ending::End => None,
            Ending::Else(pos) => {
                if context == "if" && self.peek().typ == ItemType::If {
                    self.next();
                    let inner = self.control("if")?;
                    Some(List { pos, nodes: vec![Node::If(inner)] })
                } else {
                    let (else_list, next) = self.item_list()?;
                    if let Ending::Else(_) = next {
                        return self.errorf("expected end; found {{else}}");
                    }
                    Some(else_list)
                }
            }
        };
        Ok(Branch { pos: pipe.pos, pipe, list, else_list })
    }

    fn enter(&mut self) -> Parsed<()> {
        if self.depth >= MAX_DEPTH {
            return self.errorf("max expression depth exceeded");
        }
        self.depth += 1;
        Ok(())
    }

    fn block_control(&mut self) -> Parsed<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        self.enter()?;
        let defined = self.nested(|p| {
            let (list, end) = p.item_list()?;
            if let Ending::Else(_) = end {
                return Err(String::new());
            }
            p.add(&name, list)
        });
        self.depth -= 1;
        match defined {
            // The block body ended in {{else}}: Go reports it from the outer tree.
            Err(e) if e.is_empty() => return self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}")),
            other => other?,
        }
        Ok(Node::Template { pos: token.pos, name: name.into(), pipe: Some(pipe) })
    }

    fn template_control(&mut self) -> Parsed<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template { pos: token.pos, name: name.into(), pipe })
    }

    fn template_name(&self, token: &Item, context: &str) -> Parsed<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => match quote::unquote(&token.val) {
                Ok(s) => Ok(s),
                Err(e) => self.errorf(e),
            },
            _ => self.unexpected(token, context),
        }
    }

    /// `declarations? command ('|' command)*`, up to `end`.
    fn pipeline(&mut self, context: &str, end: ItemType) -> Parsed<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe { pos: token.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            // "$x foo" needs three tokens of look-ahead: keep the one after the variable.
            let after_variable = self.peek();
            let next = self.peek_non_space();
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push(variable(v.pos, &v.val));
                    self.vars.push(v.val.as_ref().into());
                    break;
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(variable(v.pos, &v.val));
                    self.vars.push(v.val.as_ref().into());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue 'decls
                            }
                            _ => return self.errorf("range can only initialize variables"),
                        }
                    }
                    return self.errorf(format!("too many declarations in {context}"));
                }
                _ if after_variable.typ == ItemType::Space => {
                    self.backup3(v, after_variable);
                    break;
                }
                _ => {
                    self.backup2(v);
                    break;
                }
            }
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> Parsed<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String { .. })
            ) {
                return self.errorf(format!("non executable command in pipeline stage {}", i + 1));
            }
        }
        Ok(())
    }

    /// `operand (space operand)*`, up to a pipe or the end of the pipeline.
    fn command(&mut self) -> Parsed<Command> {
        let mut cmd = Command { pos: self.peek_non_space().pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.errorf("empty command");
        }
        Ok(cmd)
    }

    /// `term .Field*`.
    fn operand(&mut self) -> Parsed<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Box<str>> = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            fields.push(f.val[1..].into());
        }
        Ok(Some(match node {
            Arg::Field { ident, .. } => {
                Arg::Field { pos: chain_pos, ident: ident.into_iter().chain(fields).collect() }
            }
            Arg::Variable(v) => {
                Arg::Variable(Variable { pos: chain_pos, ident: v.ident.into_iter().chain(fields).collect() })
            }
            Arg::Bool(..) | Arg::String { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return self.errorf(format!("unexpected . after term {}", quote::quote(&node.to_string())));
            }
            other => Arg::Chain { pos: chain_pos, node: Box::new(other), fields },
        }))
    }

    fn term(&mut self) -> Parsed<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                let Some(slot) = (self.lookup)(&token.val) else {
                    return self.errorf(format!("function {} not defined", quote::quote(&token.val)));
                };
                Arg::Identifier { pos, name: token.val.as_ref().into(), slot }
            }
            ItemType::Dot => Arg::Dot(pos),
            ItemType::Nil => Arg::Nil(pos),
            ItemType::Variable => {
                let v = variable(pos, &token.val);
                if !self.vars.iter().any(|name| **name == *v.ident[0]) {
                    return self.errorf(format!("undefined variable {}", quote::quote(&v.ident[0])));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field { pos, ident: token.val[1..].split('.').map(Into::into).collect() },
            ItemType::Bool => Arg::Bool(pos, token.val == "true"),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                match number(pos, &token.val, token.typ) {
                    Ok(n) => Arg::Number(Box::new(n)),
                    Err(e) => return self.errorf(e),
                }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let pipe = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            ItemType::String | ItemType::RawString => match quote::unquote(&token.val) {
                Ok(text) => Arg::String { pos, quoted: token.val.as_ref().into(), text: text.into() },
                Err(e) => return self.errorf(e),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// What `textOrAction` found: a node for the list, or the `{{end}}`/`{{else}}` closing it.
enum Item2 {
    Node(Node),
    End,
    Else(Pos),
}

fn variable(pos: Pos, text: &str) -> Variable {
    Variable { pos, ident: text.split('.').map(Into::into).collect() }
}

/// Whether a tree has nothing but space (so another definition may replace it).
fn is_empty_tree(list: &List) -> bool {
    list.nodes
        .iter()
        .all(|n| matches!(n, Node::Text { text, .. } if text.trim_matches(is_go_space).is_empty()))
}

/// `unicode.IsSpace`, for `bytes.TrimSpace`.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
        || (c as u32 > 0xff && c.is_whitespace())
}

/// Go's `newNumber`: the constant under every type that can hold it.
fn number(pos: Pos, text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number { pos, text: text.into(), ..Number::default() };
    match typ {
        ItemType::CharConstant => {
            let (c, tail) = quote::unquote_char(&text[1..], '\'')?;
            let r = match c {
                quote::Unquoted::Char(c) => c as u32,
                quote::Unquoted::Byte(b) => b as u32,
            };
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int = Some(r as i64);
            n.uint = Some(r as u64);
            n.float = Some(r as f64);
            return Ok(n);
        }
        ItemType::Complex => {
            let split = text[1..].rfind(['+', '-']).map(|i| i + 1).ok_or("expected complex")?;
            let re = parse_float(&text[..split]).map_err(|_| "expected complex".to_string())?;
            let im = parse_float(text[split..].trim_end_matches('i'))
                .map_err(|_| "expected complex".to_string())?;
            n.complex = Some((re, im));
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(imag) = text.strip_suffix('i') {
        if let Ok(f) = parse_float(imag) {
            n.complex = Some((0.0, f));
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = parse_uint(text);
    if let Ok(u) = u {
        n.uint = Some(u);
    }
    if let Ok(i) = parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.uint = Some(u.unwrap_or(0));
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Ok(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote::quote(text)));
        }
        n.float = Some(f);
        if f64_to_i64(f) as f64 == f {
            n.int = Some(f64_to_i64(f));
        }
        if (0.0..18_446_744_073_709_551_616.0).contains(&f) && f.fract() == 0.0 {
            n.uint = Some(f as u64);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", quote::quote(text)));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    if let Some((re, 0.0)) = n.complex {
        n.float = Some(re);
        if f64_to_i64(re) as f64 == re {
            n.int = Some(f64_to_i64(re));
        }
        if (0.0..18_446_744_073_709_551_616.0).contains(&re) && re.fract() == 0.0 {
            n.uint = Some(re as u64);
        }
    }
}
