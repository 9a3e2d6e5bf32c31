//! Executes a parsed template (Go's `text/template/exec.go`, Go 1.19): walks the tree,
//! evaluates pipelines, commands, fields, methods and function calls with Go's argument
//! checks, and reports errors as Go does: `template: NAME:LINE:COL: executing "NAME" at
//! <NODE>: MESSAGE`. A step budget, an output limit and a depth limit keep any template
//! from freezing or exhausting the page.

use std::rc::Rc;

use super::fmt::format_value;
use super::node::{Arg, Branch, Command, List, Node, Number, Pipe, Variable};
use super::quote::quote;
use super::registry::{Body, Func, Host, Param, Registry};
use super::value::{Kind, Value};
use super::{MissingKey, Template};

/// Why a walk stopped early: `{{break}}`, `{{continue}}`, or an error (Go's text).
pub(crate) enum Stop {
    Break,
    Continue,
    Error(String),
}

type R<T> = Result<T, Stop>;

/// The node an error is reported at (Go's `state.node`).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Command(&'t Command),
    Arg(&'t Arg),
    Variable(&'t Variable),
}

pub(crate) struct Exec<'t> {
    tmpl: &'t Template,
    /// The template being executed (changes inside `{{template}}`).
    name: &'t str,
    host: &'t dyn Host,
    out: String,
    vars: Vec<(&'t str, Value)>,
    at: At<'t>,
    depth: usize,
    steps: u64,
}

impl<'t> Exec<'t> {
    pub fn new(tmpl: &'t Template, host: &'t dyn Host) -> Self {
        Exec {
            tmpl,
            name: &tmpl.name,
            host,
            out: String::with_capacity(tmpl.text.len()),
            vars: Vec::new(),
            at: At::None,
            depth: 0,
            steps: 0,
        }
    }

    /// Runs the template on `data`.
    pub fn run(mut self, data: &Value) -> Result<String, String> {
        let Some(root) = self.tmpl.trees.get(self.tmpl.name.as_str()) else {
            return Err(format!(
                "template: {}: {} is an incomplete or empty template",
                self.name,
                quote(self.name)
            ));
        };
        self.vars.push(("$", data.clone()));
        match self.walk_list(data, root) {
            Ok(()) => Ok(self.out),
            Err(Stop::Error(e)) => Err(e),
            Err(Stop::Break | Stop::Continue) => Ok(self.out),
        }
    }

    /// Go's `state.errorf`: the message with the template, position and node.
    fn errorf<T>(&self, msg: impl AsRef<str>) -> R<T> {
        let msg = msg.as_ref();
        let (pos, context) = match self.at {
            At::None => return Err(Stop::Error(format!("template: {}: {msg}", self.name))),
            At::Node(n) => (n.pos(), n.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Command(c) => (c.pos, c.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
            At::Variable(v) => (v.pos, v.to_string()),
        };
        let text = &self.tmpl.text[..pos.min(self.tmpl.text.len())];
        let col = match text.rfind('\n') {
            None => pos,
            Some(nl) => pos - (nl + 1),
        };
        let line = 1 + text.matches('\n').count();
        Err(Stop::Error(format!(
            "template: {}:{line}:{col}: executing {} at <{context}>: {msg}",
            self.tmpl.name,
            quote(self.name)
        )))
    }

    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.tmpl.options.max_steps {
            return Err(Stop::Error(format!(
                "template: {}: execution stopped after {} steps (a template may take at most {})",
                self.name, self.tmpl.options.max_steps, self.tmpl.options.max_steps
            )));
        }
        Ok(())
    }

    fn write(&mut self, s: &str) -> R<()> {
        if self.out.len() + s.len() > self.tmpl.options.max_output {
            return Err(Stop::Error(format!(
                "template: {}: output longer than {} bytes",
                self.name, self.tmpl.options.max_output
            )));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn walk_list(&mut self, dot: &Value, list: &'t List) -> R<()> {
        list.nodes.iter().try_for_each(|n| self.walk(dot, n))
    }

    fn walk(&mut self, dot: &Value, node: &'t Node) -> R<()> {
        self.tick()?;
        self.at = At::Node(node);
        match node {
            Node::Text { text, .. } => self.write(text),
            Node::Action { pipe, .. } => {
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    match &value {
                        // A string prints as itself: no formatting on the common path.
                        Value::Str(s) | Value::Html(s) => self.write(s)?,
                        other => self.write(&printable(other))?,
                    }
                }
                Ok(())
            }
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => self.walk_template(dot, node, name, pipe.as_ref()),
            Node::Break { .. } => Err(Stop::Break),
            Node::Continue { .. } => Err(Stop::Continue),
        }
    }

    /// Enters a nested body (a control structure or a template call), within the bound.
    fn enter(&mut self) -> R<()> {
        if self.depth >= self.tmpl.options.max_depth {
            return self.errorf(format!("exceeded maximum template depth ({})", self.tmpl.options.max_depth));
        }
        self.depth += 1;
        Ok(())
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Value, b: &'t Branch) -> R<()> {
        self.enter()?;
        let result = self.if_or_with_body(with, dot, b);
        self.depth -= 1;
        result
    }

    fn if_or_with_body(&mut self, with: bool, dot: &Value, b: &'t Branch) -> R<()> {
        let mark = self.vars.len();
        let value = self.eval_pipeline(dot, &b.pipe)?;
        let result = if value.truth() {
            self.walk_list(if with { &value } else { dot }, &b.list)
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list)
        } else {
            Ok(())
        };
        self.vars.truncate(mark);
        result
    }

    fn walk_range(&mut self, dot: &Value, node: &'t Node, b: &'t Branch) -> R<()> {
        self.at = At::Node(node);
        self.enter()?;
        let mark = self.vars.len();
        let result = self.range_body(dot, b);
        self.vars.truncate(mark);
        self.depth -= 1;
        match result {
            Err(Stop::Break) => Ok(()),
            other => other,
        }
    }

    fn range_body(&mut self, dot: &Value, b: &'t Branch) -> R<()> {
        let value = self.eval_pipeline(dot, &b.pipe)?.deref();
        let body_mark = self.vars.len();
        let decls = b.pipe.decl.len();
        let one = |exec: &mut Self, index: Value, elem: Value| -> R<()> {
            exec.tick()?;
            let n = exec.vars.len();
            if decls > 0 && n >= 1 {
                exec.vars[n - 1].1 = elem.clone();
            }
            if decls > 1 && n >= 2 {
                exec.vars[n - 2].1 = index;
            }
            let result = exec.walk_list(&elem, &b.list);
            exec.vars.truncate(body_mark);
            match result {
                Err(Stop::Continue) => Ok(()),
                other => other,
            }
        };
        match &value {
            Value::List(l) if !l.items.is_empty() => {
                for (i, item) in l.items.iter().enumerate() {
                    one(self, Value::Int(i as i64), item.clone())?;
                }
                return Ok(());
            }
            Value::Map(m) if !m.entries.is_empty() => {
                for (k, v) in &m.entries {
                    one(self, Value::Str(k.clone()), v.clone())?;
                }
                return Ok(());
            }
            Value::List(_) | Value::Map(_) | Value::Nil => {}
            // Go reports this at the node evaluated last, not at the range.
            other => return self.errorf(format!("range can't iterate over {}", format_value(other))),
        }
        match &b.else_list {
            Some(else_list) => self.walk_list(dot, else_list),
            None => Ok(()),
        }
    }

    fn walk_template(&mut self, dot: &Value, node: &'t Node, name: &'t str, pipe: Option<&'t Pipe>) -> R<()> {
        self.at = At::Node(node);
        let Some(tree) = self.tmpl.trees.get(name) else {
            return self.errorf(format!("template {} not defined", quote(name)));
        };
        self.enter()?;
        self.depth -= 1;
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Nil,
        };
        let vars = std::mem::replace(&mut self.vars, vec![("$", new_dot.clone())]);
        let outer = std::mem::replace(&mut self.name, name);
        self.depth += 1;
        let result = self.walk_list(&new_dot, tree);
        self.depth -= 1;
        self.name = outer;
        self.vars = vars;
        result
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &'t Pipe) -> R<Value> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?);
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            let name: &'t str = &var.ident[0];
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name, value.clone()));
            }
        }
        Ok(value)
    }

    fn set_var(&mut self, name: &str, value: Value) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    fn var_value(&self, name: &str) -> R<Value> {
        match self.vars.iter().rev().find(|(n, _)| *n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    fn not_a_function(&self, args: &[Arg], final_: &Option<Value>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            return self.errorf(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Value, cmd: &'t Command, final_: Option<Value>) -> R<Value> {
        self.tick()?;
        let first = &cmd.args[0];
        match first {
            Arg::Field { .. } => return self.eval_field_node(dot, first, &cmd.args, final_),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, final_),
            Arg::Identifier { .. } => {
                return self.eval_function(dot, first, At::Command(cmd), &cmd.args, final_)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(dot, v, &cmd.args, final_),
            _ => {}
        }
        self.at = At::Arg(first);
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool(_, b) => Ok(Value::Bool(*b)),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => self.errorf("nil is not a command"),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { text, .. } => Ok(Value::str(text)),
            _ => self.errorf(format!("can't evaluate command {}", quote(&first.to_string()))),
        }
    }

    /// A number where no type is known: the syntax decides (Go's `idealConstant`).
    fn ideal_constant(&mut self, node: &'t Arg, n: &Number) -> R<Value> {
        self.at = At::Arg(node);
        let text = &*n.text;
        let hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let rune = text.starts_with('\'');
        if let Some((re, im)) = n.complex {
            return Ok(Value::Complex(re, im));
        }
        match (n.float, n.int, n.uint) {
            (Some(f), _, _) if !hex_int && !rune && text.contains(['.', 'e', 'E', 'p', 'P']) => {
                Ok(Value::Float(f))
            }
            (_, Some(i), _) => Ok(Value::Int(i)),
            (_, None, Some(_)) => self.errorf(format!("{text} overflows int")),
            _ => Ok(Value::Nil),
        }
    }

    fn eval_field_node(
        &mut self,
        dot: &Value,
        field: &'t Arg,
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        self.at = At::Arg(field);
        let Arg::Field { ident, .. } = field else { return Ok(Value::Nil) };
        self.eval_field_chain(dot, dot.clone(), At::Arg(field), ident, args, final_)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Value,
        chain: &'t Arg,
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        self.at = At::Arg(chain);
        let Arg::Chain { node, fields, .. } = chain else { return Ok(Value::Nil) };
        if let Arg::Nil(_) = **node {
            return self.errorf(format!("indirection through explicit nil in {chain}"));
        }
        let receiver = self.eval_arg_untyped(dot, node)?;
        self.eval_field_chain(dot, receiver, At::Arg(chain), fields, args, final_)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Value,
        v: &'t Variable,
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        self.at = At::Variable(v);
        let value = self.var_value(&v.ident[0])?;
        if v.ident.len() == 1 {
            self.not_a_function(args, &final_)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, At::Variable(v), &v.ident[1..], args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Value,
        mut receiver: Value,
        node: At<'t>,
        ident: &'t [Box<str>],
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        let n = ident.len();
        for (i, name) in ident[..n - 1].iter().enumerate() {
            // A missing (or nil) entry of an interface-valued map is a nil interface: Go
            // cannot look a field up on it.
            let from_interface_map = matches!(&receiver, Value::Map(m) if matches!(m.zero, Value::Nil));
            receiver = self.eval_field(dot, name, node, &[], None, receiver)?;
            if from_interface_map && matches!(receiver, Value::Nil) {
                return self.errorf(format!("nil pointer evaluating interface {{}}.{}", ident[i + 1]));
            }
        }
        self.eval_field(dot, &ident[n - 1], node, args, final_, receiver)
    }

    fn eval_field(
        &mut self,
        dot: &Value,
        name: &'t str,
        node: At<'t>,
        args: &'t [Arg],
        final_: Option<Value>,
        receiver: Value,
    ) -> R<Value> {
        if let Value::Nil = receiver {
            if self.tmpl.options.missing_key == MissingKey::Error {
                return self.errorf(format!("nil data; no entry for key {}", quote(name)));
            }
            return Ok(Value::Nil);
        }
        let registry: &'t Registry = &self.tmpl.registry;
        if let Some(method) = registry.method_of(receiver.base_type_name(), name) {
            return self.eval_call(dot, method, Some(receiver), node, name, args, final_);
        }
        let has_args = args.len() > 1 || final_.is_some();
        match receiver.deref() {
            Value::Struct(s) => {
                if let Some(v) = s.field(name) {
                    if has_args {
                        return self
                            .errorf(format!("{name} has arguments but cannot be invoked as function"));
                    }
                    return Ok(v.clone());
                }
            }
            Value::Map(m) => {
                if has_args {
                    return self.errorf(format!("{name} is not a method but has arguments"));
                }
                return match m.get(name) {
                    Some(v) => Ok(v.clone()),
                    None => match self.tmpl.options.missing_key {
                        MissingKey::Invalid => Ok(Value::Nil),
                        MissingKey::Zero => Ok(m.zero.clone()),
                        MissingKey::Error => self.errorf(format!("map has no entry for key {}", quote(name))),
                    },
                };
            }
            _ => {}
        }
        self.errorf(format!("can't evaluate field {name} in type {}", receiver.type_name()))
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        ident: &'t Arg,
        node: At<'t>,
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        self.at = At::Arg(ident);
        let Arg::Identifier { name, slot, .. } = ident else { return Ok(Value::Nil) };
        let registry: &'t Registry = &self.tmpl.registry;
        match registry.get(*slot).filter(|f| !f.name.is_empty()) {
            Some(func) => self.eval_call(dot, func, None, node, name, args, final_),
            None => self.errorf(format!("{} is not a defined function", quote(name))),
        }
    }

    /// Calls a function or method: checks the argument count, evaluates the arguments
    /// against the parameter types, then runs it (Go's `evalCall`).
    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &Value,
        func: &Func,
        receiver: Option<Value>,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_: Option<Value>,
    ) -> R<Value> {
        let args: &'t [Arg] = if args.is_empty() { args } else { &args[1..] };
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = func.params.len();
        match func.variadic {
            Some(_) if num_in < num_fixed => {
                return self.errorf(format!(
                    "wrong number of args for {name}: want at least {num_fixed} got {}",
                    args.len()
                ));
            }
            None if num_in != num_fixed => {
                return self
                    .errorf(format!("wrong number of args for {name}: want {num_fixed} got {num_in}"));
            }
            _ => {}
        }
        let imp = match &func.body {
            Body::And | Body::Or => {
                let is_or = matches!(func.body, Body::Or);
                let mut v = Value::Nil;
                for arg in args {
                    v = self.eval_arg(dot, Param::Reflect, arg)?;
                    if v.truth() == is_or {
                        return Ok(v);
                    }
                }
                if let Some(f) = final_ {
                    v = f;
                }
                return Ok(v);
            }
            Body::Call(imp) => imp.clone(),
        };
        let mut argv: Vec<Value> = Vec::with_capacity(num_in + 1);
        if let Some(r) = receiver {
            argv.push(r);
        }
        for (i, arg) in args.iter().enumerate() {
            let param = func.params.get(i).copied().or(func.variadic).unwrap_or(Param::Any);
            argv.push(self.eval_arg(dot, param, arg)?);
        }
        if let Some(f) = final_ {
            let param = match func.variadic {
                Some(elem) if num_in > num_fixed => elem,
                _ => func.params.get(num_in - 1).copied().unwrap_or(Param::Any),
            };
            argv.push(self.validate_type(f, param)?);
        }
        match imp(&argv, self.host) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at = node;
                self.errorf(format!("error calling {name}: {e}"))
            }
        }
    }

    /// Checks that a computed value fits a parameter (Go's `validateType`).
    fn validate_type(&self, value: Value, param: Param) -> R<Value> {
        if let Value::Nil = value {
            if param.can_be_nil() {
                return Ok(Value::Nil);
            }
            return self.errorf(format!("invalid value; expected {}", param.type_name()));
        }
        match param {
            Param::Any | Param::Reflect => Ok(value),
            Param::Type(name, _) => {
                if value.type_name() == name {
                    return Ok(value);
                }
                if value.kind() == Kind::Pointer && value.deref().type_name() == name {
                    return Ok(value.deref());
                }
                self.errorf(format!("wrong type for value; expected {name}; got {}", value.type_name()))
            }
        }
    }

    /// Evaluates an argument node for a parameter (Go's `evalArg`).
    fn eval_arg(&mut self, dot: &Value, param: Param, arg: &'t Arg) -> R<Value> {
        self.at = At::Arg(arg);
        let value = match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                if param.can_be_nil() {
                    return Ok(Value::Nil);
                }
                return self.errorf(format!("cannot assign nil to {}", param.type_name()));
            }
            Arg::Field { .. } => self.eval_field_node(dot, arg, std::slice::from_ref(arg), None)?,
            Arg::Variable(v) => self.eval_variable_node(dot, v, &[], None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { .. } => self.eval_function(dot, arg, At::Arg(arg), &[], None)?,
            Arg::Chain { .. } => self.eval_chain_node(dot, arg, &[], None)?,
            _ => return self.eval_literal(dot, param, arg),
        };
        self.validate_type(value, param)
    }

    /// An argument evaluated without a parameter type (the head of a chain).
    fn eval_arg_untyped(&mut self, dot: &Value, arg: &'t Arg) -> R<Value> {
        self.eval_arg(dot, Param::Any, arg)
    }

    fn eval_literal(&mut self, dot: &Value, param: Param, arg: &'t Arg) -> R<Value> {
        let (name, kind) = match param {
            Param::Any | Param::Reflect => return self.eval_empty_interface(dot, arg),
            Param::Type(name, kind) => (name, kind),
        };
        match (kind, arg) {
            (Kind::Bool, Arg::Bool(_, b)) => Ok(Value::Bool(*b)),
            (Kind::Bool, _) => self.errorf(format!("expected bool; found {arg}")),
            (Kind::Float, Arg::Number(n)) if n.float.is_some() => {
                Ok(Value::Float(n.float.unwrap_or_default()))
            }
            (Kind::Float, _) => self.errorf(format!("expected float; found {arg}")),
            (Kind::Int, Arg::Number(n)) if n.int.is_some() => {
                let i = n.int.unwrap_or_default();
                Ok(if name == "int64" { Value::Int64(i) } else { Value::Int(i) })
            }
            (Kind::Int, _) => self.errorf(format!("expected integer; found {arg}")),
            (Kind::String, Arg::String { text, .. }) => {
                Ok(if name == "template.HTML" { Value::Html(Rc::from(&**text)) } else { Value::str(text) })
            }
            (Kind::String, _) => self.errorf(format!("expected string; found {arg}")),
            (Kind::Complex, Arg::Number(n)) if n.complex.is_some() => {
                let (re, im) = n.complex.unwrap_or_default();
                Ok(Value::Complex(re, im))
            }
            (Kind::Complex, _) => self.errorf(format!("expected complex; found {arg}")),
            _ => self.errorf(format!("can't handle {arg} for arg of type {name}")),
        }
    }

    fn eval_empty_interface(&mut self, dot: &Value, arg: &'t Arg) -> R<Value> {
        self.at = At::Arg(arg);
        match arg {
            Arg::Bool(_, b) => Ok(Value::Bool(*b)),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Field { .. } => self.eval_field_node(dot, arg, &[], None),
            Arg::Identifier { .. } => self.eval_function(dot, arg, At::Arg(arg), &[], None),
            Arg::Nil(_) => self.errorf("evalEmptyInterface: nil (can't happen)"),
            Arg::Number(n) => self.ideal_constant(arg, n),
            Arg::String { text, .. } => Ok(Value::str(text)),
            Arg::Variable(v) => self.eval_variable_node(dot, v, &[], None),
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Chain { .. } => {
                self.errorf(format!("can't handle assignment of {arg} to empty interface argument"))
            }
        }
    }
}

/// What `{{ value }}` writes: pointers followed, nothing as `<no value>`.
fn printable(v: &Value) -> String {
    match v {
        Value::Nil => "<no value>".into(),
        v if v.kind() == Kind::Pointer => format_value(&v.deref()),
        v => format_value(v),
    }
}
