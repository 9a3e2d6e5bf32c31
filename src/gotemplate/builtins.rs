//! Go's template builtins (`text/template/funcs.go`, Go 1.19): `and or not len index slice
//! print printf println html js urlquery eq ne lt le gt ge call`, with Go's signatures,
//! truthiness and error texts (`incompatible types for comparison`, `index out of range: 5`).

use std::rc::Rc;

use super::fmt::{format_value, sprint, sprintf, sprintln};
use super::quote::{html_escape, js_escape, query_escape};
use super::registry::{Body, Func, Param, Registry, STRING};
use super::value::{Kind, List, Value};

/// Go's builtins, plus the methods of package time's types.
pub fn registry() -> Registry {
    let mut r = Registry::empty();
    for (name, body) in [("and", Body::And), ("or", Body::Or)] {
        r.insert(Func {
            name: name.into(),
            params: vec![Param::Reflect],
            variadic: Some(Param::Reflect),
            body,
        });
    }
    let any = Some(Param::Any);
    r.func("not", &[Param::Reflect], None, |a, _| Ok(Value::Bool(!arg(a, 0).truth())));
    r.func("len", &[Param::Reflect], None, |a, _| length(&arg(a, 0)));
    r.func("index", &[Param::Reflect], Some(Param::Reflect), |a, _| {
        index(&arg(a, 0), a.get(1..).unwrap_or(&[]))
    });
    r.func("slice", &[Param::Reflect], Some(Param::Reflect), |a, _| {
        slice(&arg(a, 0), a.get(1..).unwrap_or(&[]))
    });
    r.func("print", &[], any, |a, _| Ok(Value::str(&sprint(a))));
    r.func("printf", &[STRING], any, |a, _| {
        Ok(Value::str(&sprintf(arg(a, 0).as_str().unwrap_or(""), a.get(1..).unwrap_or(&[]))))
    });
    r.func("println", &[], any, |a, _| Ok(Value::str(&sprintln(a))));
    r.func("html", &[], any, |a, _| Ok(Value::str(&html_escape(&eval_args(a)))));
    r.func("js", &[], any, |a, _| Ok(Value::str(&js_escape(&eval_args(a)))));
    r.func("urlquery", &[], any, |a, _| Ok(Value::str(&query_escape(&eval_args(a)))));
    r.func("eq", &[Param::Reflect], Some(Param::Reflect), |a, _| {
        eq(&arg(a, 0), a.get(1..).unwrap_or(&[])).map(Value::Bool)
    });
    r.func("ne", &[Param::Reflect, Param::Reflect], None, |a, _| {
        eq(&arg(a, 0), a.get(1..).unwrap_or(&[])).map(|e| Value::Bool(!e))
    });
    r.func("lt", &[Param::Reflect, Param::Reflect], None, |a, _| lt(&arg(a, 0), &arg(a, 1)).map(Value::Bool));
    r.func("le", &[Param::Reflect, Param::Reflect], None, |a, _| le(&arg(a, 0), &arg(a, 1)).map(Value::Bool));
    r.func("gt", &[Param::Reflect, Param::Reflect], None, |a, _| {
        le(&arg(a, 0), &arg(a, 1)).map(|v| Value::Bool(!v))
    });
    r.func("ge", &[Param::Reflect, Param::Reflect], None, |a, _| {
        lt(&arg(a, 0), &arg(a, 1)).map(|v| Value::Bool(!v))
    });
    // Templates have no function values, so `call` can only fail, the way Go's does.
    r.func("call", &[Param::Reflect], Some(Param::Reflect), |a, _| match arg(a, 0) {
        Value::Nil => Err("call of nil".into()),
        v => Err(format!("non-function of type {}", v.type_name())),
    });
    super::time::register(&mut r);
    r
}

/// Argument `i` (the arity was checked before the call; a missing one reads as nil).
fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or_default()
}

/// Go's `evalArgs`: a lone string as is, otherwise `fmt.Sprint` of the printable values.
fn eval_args(args: &[Value]) -> String {
    if let [Value::Str(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|v| match v {
            Value::Nil => Value::str("<no value>"),
            v if v.kind() == Kind::Pointer => v.deref(),
            v => v.clone(),
        })
        .collect();
    sprint(&printable)
}

fn length(item: &Value) -> Result<Value, String> {
    match item {
        Value::Nil => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        v => match v.deref().length() {
            Some(n) => Ok(Value::Int(n as i64)),
            None => Err(format!("len of type {}", v.deref().type_name())),
        },
    }
}

/// Go's `indexArg`: an integer index no greater than `cap`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match index {
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        v => v.as_int().ok_or_else(|| format!("cannot index slice/array with type {}", v.type_name()))?,
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if let Value::Nil = item {
        return Err("index of untyped nil".into());
    }
    let mut item = item.clone();
    for index in indexes {
        item = item.deref();
        item = match &item {
            Value::List(l) => {
                let x = index_arg(index, l.items.len())?;
                l.items.get(x).cloned().ok_or("reflect: slice index out of range")?
            }
            Value::Str(s) | Value::Html(s) => {
                let x = index_arg(index, s.len())?;
                Value::Int(*s.as_bytes().get(x).ok_or("reflect: string index out of range")? as i64)
            }
            Value::Map(m) => {
                let key = match index {
                    Value::Nil => return Err(format!("value is nil; should be of type {}", "string")),
                    Value::Str(k) => k,
                    v => return Err(format!("value has type {}; should be string", v.type_name())),
                };
                m.get(key).cloned().unwrap_or_else(|| m.zero.clone())
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn slice(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if let Value::Nil = item {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::Str(s) | Value::Html(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match item {
        Value::Str(s) => Value::str(&String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]])),
        Value::Html(s) => Value::Html(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into()),
        Value::List(l) => {
            Value::List(Rc::new(List { type_name: l.type_name, items: l.items[idx[0]..idx[1]].to_vec() }))
        }
        _ => Value::Nil,
    })
}

/// Go's `basicKind` classes for comparisons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Basic {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Basic {
    match v.kind() {
        Kind::Bool => Basic::Bool,
        Kind::Int => Basic::Int,
        Kind::Float => Basic::Float,
        Kind::Complex => Basic::Complex,
        Kind::String => Basic::String,
        _ => Basic::Invalid,
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

/// Go's `eq`: `arg1 == arg2[0] || arg1 == arg2[1] || …`.
pub fn eq(arg1: &Value, arg2: &[Value]) -> Result<bool, String> {
    if arg2.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(arg1);
    for arg in arg2 {
        let k2 = basic_kind(arg);
        let truth = if k1 != k2 {
            if !matches!(arg1, Value::Nil) && !matches!(arg, Value::Nil) {
                return Err(BAD_COMPARISON.into());
            }
            false
        } else {
            match k1 {
                Basic::Bool => arg1.truth() == arg.truth(),
                Basic::Complex => complex(arg1) == complex(arg),
                Basic::Float => float(arg1) == float(arg),
                Basic::Int => arg1.as_int() == arg.as_int(),
                Basic::String => arg1.as_str() == arg.as_str(),
                Basic::Invalid => compare_other(arg1, arg)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `eq` of values that are neither numbers, strings nor booleans: nil against anything,
/// pointers by identity; maps, slices and structs holding them cannot be compared.
fn compare_other(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (a.kind(), b.kind());
    if ka != kb && ka != Kind::Invalid && kb != Kind::Invalid {
        return Err(format!(
            "non-comparable types {}: {}, {}: {}",
            sprintf("%s", std::slice::from_ref(a)),
            a.type_name(),
            b.type_name(),
            format_value(b)
        ));
    }
    let (na, nb) = (matches!(a, Value::Nil), matches!(b, Value::Nil));
    if na || nb {
        return Ok(na == nb);
    }
    match (a, b) {
        (Value::Struct(x), Value::Struct(y)) if x.pointer => Ok(Rc::ptr_eq(x, y)),
        (Value::Time(x, _), Value::Time(y, _)) => Ok(x == y),
        (Value::Duration(x, _), Value::Duration(y, _)) => Ok(x == y),
        _ => {
            Err(format!("non-comparable type {}: {}", sprintf("%s", std::slice::from_ref(b)), b.type_name()))
        }
    }
}

fn float(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

fn complex(v: &Value) -> (f64, f64) {
    match v {
        Value::Complex(r, i) => (*r, *i),
        _ => (f64::NAN, f64::NAN),
    }
}

/// Go's `lt`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == Basic::Invalid || k2 == Basic::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        return Err(BAD_COMPARISON.into());
    }
    Ok(match k1 {
        Basic::Bool | Basic::Complex | Basic::Invalid => return Err(BAD_COMPARISON_TYPE.into()),
        Basic::Float => float(a) < float(b),
        Basic::Int => a.as_int() < b.as_int(),
        Basic::String => a.as_str() < b.as_str(),
    })
}

/// Go's `le`: `lt` or `eq`.
pub fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}
