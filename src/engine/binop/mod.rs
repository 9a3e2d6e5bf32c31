//! Binary operators: arithmetic, comparisons (filtering or `bool`), `atan2` and the set
//! operators `and`/`or`/`unless`, between scalars and instant vectors, with vector matching
//! (`on`/`ignoring`, `group_left`/`group_right` with extra labels, `fill*` defaults) and
//! Prometheus's matching errors. What one pair of elements gives, native histograms
//! included, is `elem.rs`.

mod elem;

use elem::{elem_binop, Note, Operand};

use promql_parser::parser::token::{
    T_ADD, T_ATAN2, T_DIV, T_EQLC, T_GTE, T_GTR, T_LAND, T_LOR, T_LSS, T_LTE, T_LUNLESS, T_MOD, T_MUL, T_NEQ,
    T_POW, T_SUB,
};
use promql_parser::parser::{BinModifier, BinaryExpr, LabelModifier, VectorMatchCardinality};

use super::eval::{check_duplicates_hashed, Evaluator, NameDropper};
use super::grouping::{labels_hash, FxHashMap, FxHashSet, Grouping};
use super::labels::Labels;
use super::value::{Millis, Sample, Value};
use super::{Annotations, QueryError};

/// The operators, decoded once from the parser's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Atan2,
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    And,
    Or,
    Unless,
}

impl Op {
    fn from_token(id: u16) -> Option<Op> {
        Some(match id {
            T_ADD => Op::Add,
            T_SUB => Op::Sub,
            T_MUL => Op::Mul,
            T_DIV => Op::Div,
            T_MOD => Op::Mod,
            T_POW => Op::Pow,
            T_ATAN2 => Op::Atan2,
            T_EQLC => Op::Eq,
            T_NEQ => Op::Ne,
            T_GTR => Op::Gt,
            T_LSS => Op::Lt,
            T_GTE => Op::Ge,
            T_LTE => Op::Le,
            T_LAND => Op::And,
            T_LOR => Op::Or,
            T_LUNLESS => Op::Unless,
            _ => return None,
        })
    }

    fn is_comparison(self) -> bool {
        matches!(self, Op::Eq | Op::Ne | Op::Gt | Op::Lt | Op::Ge | Op::Le)
    }

    /// Arithmetic changes what the metric measures, so the result loses its name.
    fn changes_schema(self) -> bool {
        matches!(self, Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow | Op::Atan2)
    }

    /// The value of `l op r` and whether a filtering comparison keeps it (comparisons yield
    /// the left value).
    fn apply(self, l: f64, r: f64) -> (f64, bool) {
        match self {
            Op::Add => (l + r, true),
            Op::Sub => (l - r, true),
            Op::Mul => (l * r, true),
            Op::Div => (l / r, true),
            Op::Mod => (l % r, true),
            Op::Pow => (l.powf(r), true),
            Op::Atan2 => (l.atan2(r), true),
            Op::Eq => (l, l == r),
            Op::Ne => (l, l != r),
            Op::Gt => (l, l > r),
            Op::Lt => (l, l < r),
            Op::Ge => (l, l >= r),
            Op::Le => (l, l <= r),
            Op::And | Op::Or | Op::Unless => (l, true),
        }
    }
}

fn bool_value(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Evaluates a binary expression at `t`.
pub fn eval_binary(ev: &mut Evaluator, b: &BinaryExpr, t: Millis) -> Result<Value, QueryError> {
    let op = Op::from_token(b.op.id())
        .ok_or_else(|| QueryError::eval(format!("binary expression does not support operator '{}'", b.op)))?;
    let lhs = ev.eval(&b.lhs, t)?;
    let rhs = ev.eval(&b.rhs, t)?;
    let default = BinModifier::default();
    let m = b.modifier.as_ref().unwrap_or(&default);
    match (lhs, rhs) {
        (Value::Scalar { v: l, .. }, Value::Scalar { v: r, .. }) => {
            let (v, keep) = op.apply(l, r);
            let v = if op.is_comparison() { bool_value(keep) } else { v };
            Ok(Value::Scalar { t, v })
        }
        (Value::Vector(vec), Value::Scalar { v, .. }) => vector_scalar(op, vec, v, false, m.return_bool, ev),
        (Value::Scalar { v, .. }, Value::Vector(vec)) => vector_scalar(op, vec, v, true, m.return_bool, ev),
        (Value::Vector(l), Value::Vector(r)) => match op {
            Op::And | Op::Or | Op::Unless => Ok(Value::Vector(set_op(op, l, r, m))),
            _ => vector_vector(op, (l, r), m, (b as *const BinaryExpr as usize, t), ev).map(Value::Vector),
        },
        (l, r) => Err(QueryError::eval(format!(
            "binary expression must contain only scalar and instant vector types, got {} and {}",
            l.type_name(),
            r.type_name()
        ))),
    }
}

/// Vector ⊕ scalar (or scalar ⊕ vector when `swap`).
fn vector_scalar(
    op: Op,
    vec: Vec<Sample>,
    scalar: f64,
    swap: bool,
    return_bool: bool,
    ev: &mut Evaluator,
) -> Result<Value, QueryError> {
    let mut out = Vec::with_capacity(vec.len());
    let drop_name = op.changes_schema() || return_bool;
    // Prometheus reports only the last element's problem.
    let mut last_note = None;
    for mut s in vec {
        let (elem, note) = {
            let (l, r) = if swap {
                (Operand::Float(scalar), Operand::of(&s))
            } else {
                (Operand::of(&s), Operand::Float(scalar))
            };
            elem_binop(op, l, r)
        };
        let Some(mut e) = elem else {
            last_note = note;
            continue;
        };
        // A comparison keeps the vector element's value even when it is on the right.
        if op.is_comparison() && swap {
            e.v = s.v;
            e.h = s.h.take();
        }
        if return_bool {
            e.v = bool_value(e.keep);
            e.h = None;
            e.keep = true;
        }
        if e.keep {
            s.v = e.v;
            s.h = e.h;
            if drop_name {
                ev.names.drop(&mut s.labels);
            }
            out.push(s);
        }
    }
    if let Some(Note::Drop(msg)) = last_note {
        annotate(&mut ev.annotations, msg);
    }
    if drop_name {
        check_duplicates_hashed(&out, |l| ev.names.hash(l))?;
    }
    Ok(Value::Vector(out))
}

/// Files an element operation's message as the warning or info it is.
fn annotate(annotations: &mut Annotations, msg: String) {
    if msg.starts_with("PromQL warning") {
        annotations.warn(msg);
    } else {
        annotations.info(msg);
    }
}

/// The `on`/`ignoring` signature of vector matching (`ignoring()` when not written).
fn matching_of(m: &BinModifier) -> Grouping<'_> {
    match &m.matching {
        Some(LabelModifier::Include(l)) => Grouping::By(&l.labels),
        Some(LabelModifier::Exclude(l)) => Grouping::Without(&l.labels),
        None => Grouping::Without(&[]),
    }
}

/// `and`, `or`, `unless`: matched by signature, labels of the side an element comes from.
fn set_op(op: Op, lhs: Vec<Sample>, rhs: Vec<Sample>, m: &BinModifier) -> Vec<Sample> {
    let g = matching_of(m);
    match op {
        Op::And => {
            if lhs.is_empty() || rhs.is_empty() {
                return Vec::new();
            }
            let right: FxHashSet<u64> = rhs.iter().map(|s| g.key(&s.labels)).collect();
            lhs.into_iter().filter(|s| right.contains(&g.key(&s.labels))).collect()
        }
        Op::Unless => {
            if lhs.is_empty() || rhs.is_empty() {
                return lhs;
            }
            let right: FxHashSet<u64> = rhs.iter().map(|s| g.key(&s.labels)).collect();
            lhs.into_iter().filter(|s| !right.contains(&g.key(&s.labels))).collect()
        }
        _ => {
            if lhs.is_empty() {
                return rhs;
            }
            if rhs.is_empty() {
                return lhs;
            }
            let left: FxHashSet<u64> = lhs.iter().map(|s| g.key(&s.labels)).collect();
            let mut out = lhs;
            out.extend(rhs.into_iter().filter(|s| !left.contains(&g.key(&s.labels))));
            out
        }
    }
}

/// Prometheus's `Labels.String()`: `{a="1", b="2"}` with the name as an ordinary label.
pub fn labels_string(l: &Labels) -> String {
    let pairs: Vec<String> = l.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// The labels a fill-in sample gets: the matching labels of the element it stands in for.
fn match_labels(l: &Labels, g: Grouping) -> Labels {
    g.labels(l)
}

/// Arithmetic and comparisons between two vectors.
/// `node` identifies the expression, whose match keys are remembered between steps.
fn vector_vector(
    op: Op,
    (lhs, rhs): (Vec<Sample>, Vec<Sample>),
    m: &BinModifier,
    (node, t): (usize, Millis),
    ev: &mut Evaluator,
) -> Result<Vec<Sample>, QueryError> {
    let fill = &m.fill_values;
    if (lhs.is_empty() && rhs.is_empty())
        || ((lhs.is_empty() || rhs.is_empty()) && fill.lhs.is_none() && fill.rhs.is_none())
    {
        return Ok(Vec::new());
    }
    let g = matching_of(m);
    let (card_one_to_one, one_to_many, include): (bool, bool, &[String]) = match &m.card {
        VectorMatchCardinality::OneToOne | VectorMatchCardinality::ManyToMany => (true, false, &[]),
        VectorMatchCardinality::ManyToOne(l) => (false, false, &l.labels),
        VectorMatchCardinality::OneToMany(l) => (false, true, &l.labels),
    };
    // Work as many-to-one: for group_right the sides swap, and values swap back below.
    let (many, one) = if one_to_many { (rhs, lhs) } else { (lhs, rhs) };
    // Consecutive steps bring the same label sets: keys are remembered per side, by position
    // (the "one" side's memo sits at the next address, which no other node can have).
    let mut side_keys = |memo_at: usize, side: &[Sample]| -> Vec<u64> {
        let mut memo = ev.group_keys.remove(&memo_at).unwrap_or_default();
        memo.use_grouping(g);
        let keys = side.iter().enumerate().map(|(i, s)| memo.key(g, i, &s.labels)).collect();
        ev.group_keys.insert(memo_at, memo);
        keys
    };
    let many_keys = side_keys(node, &many);
    let one_keys = side_keys(node + 1, &one);

    let mut one_by_key: FxHashMap<u64, usize> =
        FxHashMap::with_capacity_and_hasher(one.len(), Default::default());
    for (i, &k) in one_keys.iter().enumerate() {
        if let Some(&prev) = one_by_key.get(&k) {
            let side = if one_to_many { "left" } else { "right" };
            let (mut a, mut b) = (labels_string(&one[i].labels), labels_string(&one[prev].labels));
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            return Err(QueryError::eval(format!(
                "found duplicate series for the match group {} on the {side} hand-side of the operation: [{a}, {b}];many-to-many matching not allowed: matching labels must be unique on one side",
                labels_string(&match_labels(&one[i].labels, g))
            )));
        }
        one_by_key.insert(k, i);
    }

    let mut ctx = Matcher {
        op,
        return_bool: m.return_bool,
        one_to_one: card_one_to_one,
        one_to_many,
        include,
        g,
        t,
        matched_one: FxHashSet::default(),
        matched_many: FxHashMap::default(),
        out: Vec::new(),
        names: &mut ev.names,
        last_note: None,
    };
    for (i, ls) in many.iter().enumerate() {
        let key = many_keys[i];
        match one_by_key.get(&key) {
            Some(&j) => ctx.apply(ls, &one[j], key)?,
            None => {
                let Some(f) = fill.rhs else { continue };
                let filler = Sample::float(match_labels(&ls.labels, g), t, f);
                ctx.apply(ls, &filler, key)?;
            }
        }
    }
    if let Some(f) = fill.lhs {
        for (j, rs) in one.iter().enumerate() {
            let key = one_keys[j];
            if ctx.was_matched(key) {
                continue;
            }
            let filler = Sample::float(match_labels(&rs.labels, g), t, f);
            ctx.apply(&filler, rs, key)?;
        }
    }
    let (out, note) = (ctx.out, ctx.last_note);
    if let Some(msg) = note {
        annotate(&mut ev.annotations, msg);
    }
    check_duplicates_hashed(&out, |l| ev.names.hash(l))?;
    Ok(out)
}

/// State of one vector-vector operation: which match groups produced results already.
struct Matcher<'a> {
    op: Op,
    return_bool: bool,
    one_to_one: bool,
    one_to_many: bool,
    include: &'a [String],
    g: Grouping<'a>,
    t: Millis,
    matched_one: FxHashSet<u64>,
    matched_many: FxHashMap<u64, FxHashSet<u64>>,
    out: Vec<Sample>,
    names: &'a mut NameDropper,
    /// The message of the last element operation that had one (Prometheus reports only
    /// that one).
    last_note: Option<String>,
}

impl Matcher<'_> {
    fn was_matched(&self, key: u64) -> bool {
        if self.one_to_one {
            self.matched_one.contains(&key)
        } else {
            self.matched_many.get(&key).is_some_and(|s| !s.is_empty())
        }
    }

    /// Combines a "many"-side element with its "one"-side match. An element the operation
    /// drops (incompatible sample types) does not count as a match, as in Prometheus.
    fn apply(&mut self, ls: &Sample, rs: &Sample, key: u64) -> Result<(), QueryError> {
        let (l, r) = if self.one_to_many { (rs, ls) } else { (ls, rs) };
        let (elem, note) = elem_binop(self.op, Operand::of(l), Operand::of(r));
        let Some(mut e) = elem else {
            if let Some(Note::Drop(msg)) = note {
                self.last_note = Some(msg);
            }
            return Ok(());
        };
        if let Some(Note::Info(msg)) = note {
            self.last_note = Some(msg);
        }
        if self.return_bool {
            e.v = bool_value(e.keep);
            e.h = None;
        }
        let labels = self.result_labels(&ls.labels, &rs.labels);
        if self.one_to_one {
            if !self.matched_one.insert(key) {
                return Err(QueryError::eval(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                ));
            }
        } else if !self.matched_many.entry(key).or_default().insert(labels_hash(&labels)) {
            return Err(QueryError::eval(
                "multiple matches for labels: grouping labels must ensure unique matches",
            ));
        }
        if e.keep || self.return_bool {
            self.out.push(Sample { labels, t: self.t, v: e.v, h: e.h });
        }
        Ok(())
    }

    /// Result labels: the "many" side's, minus the name for arithmetic and `bool`, reduced
    /// to the matching labels for one-to-one `on`/`ignoring`, plus `group_x` labels taken
    /// from the "one" side.
    fn result_labels(&mut self, many: &Labels, one: &Labels) -> Labels {
        let mut l = many.clone();
        if self.return_bool || self.op.changes_schema() {
            self.names.drop(&mut l);
        }
        if self.one_to_one {
            match self.g {
                Grouping::By(names) => l = l.keep_only(names),
                Grouping::Without(names) if !names.is_empty() => l = l.drop_names(names),
                Grouping::Without(_) => {}
            }
        }
        for name in self.include {
            match one.get(name) {
                Some(v) => l.set(name.clone(), v.to_string()),
                None => l.remove(name),
            }
        }
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_values() {
        let cases: &[(Op, f64, f64, f64, bool)] = &[
            (Op::Add, 1.0, 2.0, 3.0, true),
            (Op::Mod, -7.0, 3.0, -1.0, true),
            (Op::Pow, 2.0, 10.0, 1024.0, true),
            (Op::Gt, 2.0, 1.0, 2.0, true),
            (Op::Le, 2.0, 1.0, 2.0, false),
        ];
        for &(op, l, r, want, keep) in cases {
            assert_eq!(op.apply(l, r), (want, keep), "{op:?}");
        }
        assert!(Op::Eq.apply(f64::NAN, f64::NAN).0.is_nan());
        assert!(!Op::Eq.apply(f64::NAN, f64::NAN).1);
    }

    #[test]
    fn labels_print_like_prometheus() {
        let l = Labels::from_pairs([("__name__", "m"), ("a", "x")]);
        assert_eq!(labels_string(&l), r#"{__name__="m", a="x"}"#);
    }
}
