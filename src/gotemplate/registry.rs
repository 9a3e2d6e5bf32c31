//! The functions and methods a template may call, with their Go signatures. Go's builtins
//! come first ([`Registry::builtins`]); each product adds its own (Prometheus's `humanize`,
//! Alertmanager's `join`, …) and methods on its types (`KV.SortedPairs`). Parameter types
//! matter: Go checks every argument against them and says so in its errors.

use std::collections::HashMap;
use std::sync::Arc;

use super::value::{Kind, Value};

/// What a function's parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: any value, nil included.
    Any,
    /// `reflect.Value` (the builtins): any value, nil included.
    Reflect,
    /// One Go type, by name and kind (`string`/String, `template.queryResult`/Slice, …).
    Type(&'static str, Kind),
}

pub const STRING: Param = Param::Type("string", Kind::String);
pub const FLOAT64: Param = Param::Type("float64", Kind::Float);
pub const INT: Param = Param::Type("int", Kind::Int);
pub const BOOL: Param = Param::Type("bool", Kind::Bool);

impl Param {
    /// Go's name of the parameter type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::Reflect => "reflect.Value",
            Param::Type(name, _) => name,
        }
    }

    /// Whether an untyped nil can be passed (Go's `canBeNil`).
    pub fn can_be_nil(&self) -> bool {
        match self {
            Param::Any | Param::Reflect => true,
            Param::Type(_, kind) => matches!(kind, Kind::Map | Kind::Slice | Kind::Pointer),
        }
    }
}

/// What a function or method needs from the product at execution time (Prometheus's
/// `query`, the evaluation time, the external URL): host functions call it by name.
pub trait Host {
    fn call(&self, name: &str, args: &[Value]) -> Result<Value, String>;
}

/// A host that provides nothing.
pub struct NoHost;

impl Host for NoHost {
    fn call(&self, name: &str, _: &[Value]) -> Result<Value, String> {
        Err(format!("{name} is not available here"))
    }
}

/// The implementation of a function: arguments already checked against the signature
/// (a method gets its receiver first). `Err` is the error text Go's function would return.
pub type FnImpl = Arc<dyn Fn(&[Value], &dyn Host) -> Result<Value, String> + Send + Sync>;

/// How a function is run.
#[derive(Clone)]
pub enum Body {
    Call(FnImpl),
    /// `and` and `or`, which Go evaluates lazily, left to right.
    And,
    Or,
}

/// A function's name, signature and body.
#[derive(Clone)]
pub struct Func {
    pub name: String,
    pub params: Vec<Param>,
    /// The element type of a final `...` parameter.
    pub variadic: Option<Param>,
    pub body: Body,
}

/// Functions by name and methods by (receiver type, name).
#[derive(Clone, Default)]
pub struct Registry {
    funcs: Vec<Func>,
    by_name: HashMap<String, usize>,
    /// Few types have methods, and looking one up happens at every field access: a short
    /// list compared by name beats hashing a long type name (`struct { Labels … }`).
    methods: Vec<(&'static str, HashMap<String, Func>)>,
}

impl Registry {
    /// An empty registry (not even Go's builtins).
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// Adds (or replaces) a function.
    pub fn func(
        &mut self,
        name: &str,
        params: &[Param],
        variadic: Option<Param>,
        f: impl Fn(&[Value], &dyn Host) -> Result<Value, String> + Send + Sync + 'static,
    ) -> &mut Self {
        self.insert(Func {
            name: name.into(),
            params: params.to_vec(),
            variadic,
            body: Body::Call(Arc::new(f)),
        })
    }

    /// Adds a function whose body is given (for `and`/`or`).
    pub fn insert(&mut self, func: Func) -> &mut Self {
        match self.by_name.get(&func.name) {
            Some(&i) => self.funcs[i] = func,
            None => {
                self.by_name.insert(func.name.clone(), self.funcs.len());
                self.funcs.push(func);
            }
        }
        self
    }

    /// Adds a host function: the product's [`Host`] answers it at execution time.
    pub fn host_func(&mut self, name: &'static str, params: &[Param], variadic: Option<Param>) -> &mut Self {
        self.func(name, params, variadic, move |args, host| host.call(name, args))
    }

    /// Adds a method on the type named `receiver` (a pointer's methods are its pointee's).
    /// `params` excludes the receiver, which the body gets as its first argument.
    pub fn method(
        &mut self,
        receiver: &'static str,
        name: &str,
        params: &[Param],
        f: impl Fn(&[Value], &dyn Host) -> Result<Value, String> + Send + Sync + 'static,
    ) -> &mut Self {
        let func = Func {
            name: name.into(),
            params: params.to_vec(),
            variadic: None,
            body: Body::Call(Arc::new(f)),
        };
        match self.methods.iter_mut().find(|(r, _)| *r == receiver) {
            Some((_, table)) => {
                table.insert(name.into(), func);
            }
            None => self.methods.push((receiver, HashMap::from([(name.to_string(), func)]))),
        }
        self
    }

    /// Removes a function (Prometheus 2 lacks some that Prometheus 3 has).
    pub fn remove(&mut self, name: &str) -> &mut Self {
        if let Some(i) = self.by_name.remove(name) {
            // Keep slots stable: a removed function can no longer be looked up by name.
            self.funcs[i].name = String::new();
        }
        self
    }

    /// The slot of a function, for the parser.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn get(&self, slot: usize) -> Option<&Func> {
        self.funcs.get(slot)
    }

    pub fn method_of(&self, receiver: &str, name: &str) -> Option<&Func> {
        self.methods.iter().find(|(r, _)| *r == receiver)?.1.get(name)
    }

    /// Whether `name` is defined.
    pub fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }
}
