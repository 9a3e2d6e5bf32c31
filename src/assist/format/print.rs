//! One-line text of an expression node, as Prometheus 3's `String()` methods write it
//! (promql/parser/printer.go): sorted label matchers, `by (a, b) ` before the parentheses,
//! `on (..) group_left (..)` spelled out, shortest decimal numbers, Go-quoted strings,
//! durations in Prometheus units.

use std::time::Duration;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{
    AggregateExpr, AtModifier, BinaryExpr, Expr, LabelModifier, Offset, VectorMatchCardinality,
    VectorSelector,
};

use crate::assist::spans::Spanned;
use crate::engine::gofmt::{format_f, format_g};
use crate::engine::parse::at_time_ms;
use crate::engine::METRIC_NAME;
use crate::gotemplate::quote::quote;
use crate::rules::duration;

/// The one-line text of `node`.
pub fn string(node: &Spanned) -> String {
    let own = match node.expr {
        Expr::Aggregate(a) => {
            let mut s = aggregate_head(a);
            s.push('(');
            for (i, c) in node.children.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&string(c));
            }
            s.push(')');
            s
        }
        Expr::Binary(b) => {
            format!("{} {}{} {}", child(node, 0), b.op, binary_modifiers(b), child(node, 1))
        }
        Expr::Paren(_) => format!("({})", child(node, 0)),
        Expr::Unary(_) => format!("-{}", child(node, 0)),
        Expr::Call(c) => {
            let args: Vec<String> = node.children.iter().map(string).collect();
            format!("{}({})", c.func.name, args.join(", "))
        }
        Expr::NumberLiteral(n) => number(n.val, node.duration_literal),
        Expr::StringLiteral(s) => quote(&s.val),
        Expr::VectorSelector(vs) => format!("{}{}", selector(vs), at_offset(&vs.at, &vs.offset)),
        Expr::MatrixSelector(ms) => {
            format!("{}[{}]{}", selector(&ms.vs), millis(&ms.range), at_offset(&ms.vs.at, &ms.vs.offset))
        }
        Expr::Subquery(sq) => format!("{}{}", child(node, 0), subquery_suffix(sq)),
        Expr::Extension(_) => String::new(),
    };
    if node.unary_plus {
        format!("+{own}")
    } else {
        own
    }
}

fn child(node: &Spanned, i: usize) -> String {
    node.children.get(i).map(string).unwrap_or_default()
}

/// `sum`, `sum by (a, b) ` or `sum without (a) ` (Prometheus's `ShortString`).
pub fn aggregate_head(a: &AggregateExpr) -> String {
    let mut s = a.op.to_string();
    match &a.modifier {
        Some(LabelModifier::Exclude(ls)) => s.push_str(&format!(" without ({}) ", labels(&ls.labels))),
        Some(LabelModifier::Include(ls)) if !ls.labels.is_empty() => {
            s.push_str(&format!(" by ({}) ", labels(&ls.labels)))
        }
        _ => {}
    }
    s
}

/// What follows a binary operator: ` bool`, ` on (..)`/` ignoring (..)`, ` group_left (..)`,
/// ` fill (..)`. Matching is only printed between two instant vectors, as Prometheus's parser
/// drops it otherwise.
pub fn binary_modifiers(b: &BinaryExpr) -> String {
    let Some(m) = &b.modifier else { return String::new() };
    let mut s = String::new();
    if m.return_bool {
        s.push_str(" bool");
    }
    let vectors = b.lhs.value_type() == ValueType::Vector && b.rhs.value_type() == ValueType::Vector;
    if !vectors {
        return s;
    }
    let (on, names) = match &m.matching {
        Some(LabelModifier::Include(ls)) => (true, ls.labels.as_slice()),
        Some(LabelModifier::Exclude(ls)) => (false, ls.labels.as_slice()),
        None => (false, &[][..]),
    };
    let grouped = match &m.card {
        VectorMatchCardinality::ManyToOne(ls) => Some(("left", ls)),
        VectorMatchCardinality::OneToMany(ls) => Some(("right", ls)),
        _ => None,
    };
    if !names.is_empty() || on || grouped.is_some() {
        s.push_str(&format!(" {} ({})", if on { "on" } else { "ignoring" }, labels(names)));
    }
    if let Some((side, include)) = grouped {
        s.push_str(&format!(" group_{side} ({})", labels(&include.labels)));
    }
    let fill = &m.fill_values;
    match (fill.lhs, fill.rhs) {
        (Some(l), Some(r)) if l == r || (l.is_nan() && r.is_nan()) => {
            s.push_str(&format!(" fill ({})", format_g(l)))
        }
        (l, r) => {
            if let Some(l) = l {
                s.push_str(&format!(" fill_left ({})", format_g(l)));
            }
            if let Some(r) = r {
                s.push_str(&format!(" fill_right ({})", format_g(r)));
            }
        }
    }
    s
}

/// Label names joined by `, `, quoted when they are not plain names.
fn labels(names: &[String]) -> String {
    names.iter().map(|n| if is_plain_name(n) { n.clone() } else { quote(n) }).collect::<Vec<_>>().join(", ")
}

/// Prometheus's legacy label-name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
fn is_plain_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A number literal: shortest decimal digits, or Prometheus units when it was written as a
/// duration.
fn number(v: f64, as_duration: bool) -> String {
    if as_duration && v.is_finite() {
        let ms = (v * 1000.0) as i64;
        return duration::format(ms);
    }
    format_f(v)
}

/// `name{a="b",c=~"d"}` with the matchers sorted as text, leaving out the `__name__`
/// matcher that repeats the name.
fn selector(vs: &VectorSelector) -> String {
    let name = vs.name.clone().unwrap_or_default();
    let mut s = name.clone();
    let shown = |m: &&Matcher| {
        !(m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal) && m.value == name && !name.is_empty())
    };
    let group = |ms: &[Matcher]| {
        let mut parts: Vec<String> = ms.iter().filter(shown).map(matcher).collect();
        parts.sort();
        parts.join(",")
    };
    let mut groups: Vec<String> = Vec::new();
    if !vs.matchers.matchers.is_empty() || vs.matchers.or_matchers.is_empty() {
        groups.push(group(&vs.matchers.matchers));
    }
    groups.extend(vs.matchers.or_matchers.iter().map(|ms| group(ms)));
    let inner = groups.iter().filter(|g| !g.is_empty()).cloned().collect::<Vec<_>>().join(" or ");
    if !inner.is_empty() {
        s.push_str(&format!("{{{inner}}}"));
    }
    s
}

fn matcher(m: &Matcher) -> String {
    let name = if is_plain_name(&m.name) { m.name.clone() } else { quote(&m.name) };
    let op = match m.op {
        MatchOp::Equal => "=",
        MatchOp::NotEqual => "!=",
        MatchOp::Re(_) => "=~",
        MatchOp::NotRe(_) => "!~",
    };
    format!("{name}{op}{}", quote(&m.value))
}

/// ` @ 123.000`, ` @ start()`, then ` offset 5m` / ` offset -5m`.
fn at_offset(at: &Option<AtModifier>, offset: &Option<Offset>) -> String {
    let mut s = String::new();
    match at {
        Some(AtModifier::At(t)) => s.push_str(&format!(" @ {:.3}", at_time_ms(*t) as f64 / 1000.0)),
        Some(AtModifier::Start) => s.push_str(" @ start()"),
        Some(AtModifier::End) => s.push_str(" @ end()"),
        None => {}
    }
    match offset {
        Some(Offset::Pos(d)) if !d.is_zero() => s.push_str(&format!(" offset {}", millis(d))),
        Some(Offset::Neg(d)) if !d.is_zero() => s.push_str(&format!(" offset -{}", millis(d))),
        _ => {}
    }
    s
}

/// `[range:step] @ t offset d` after a subquery's expression.
pub fn subquery_suffix(sq: &promql_parser::parser::SubqueryExpr) -> String {
    let step = sq.step.as_ref().filter(|s| !s.is_zero()).map(millis).unwrap_or_default();
    format!("[{}:{step}]{}", millis(&sq.range), at_offset(&sq.at, &sq.offset))
}

fn millis(d: &Duration) -> String {
    duration::format(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
