//! One element of a vector operation, floats or native histograms on either side
//! (Prometheus's `vectorElemBinop`): histograms add and subtract, scale by a float, compare
//! for equality; every other mix drops the element with an info.

use std::sync::Arc;

use super::Op;
use crate::engine::histogram::arith::ArithError;
use crate::engine::histogram::{notes, CounterResetHint, FloatHistogram};
use crate::engine::value::Sample;

/// One side of an element operation.
#[derive(Clone, Copy)]
pub enum Operand<'a> {
    Float(f64),
    Histogram(&'a Arc<FloatHistogram>),
}

impl<'a> Operand<'a> {
    /// A vector element as an operand.
    pub fn of(s: &'a Sample) -> Self {
        match &s.h {
            Some(h) => Operand::Histogram(h),
            None => Operand::Float(s.v),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Operand::Float(_) => "float",
            Operand::Histogram(_) => "histogram",
        }
    }
}

/// A computed element: the float value, or the histogram, and whether a filtering
/// comparison keeps it.
pub struct Elem {
    pub v: f64,
    pub h: Option<Arc<FloatHistogram>>,
    pub keep: bool,
}

/// What an element operation has to report. `Drop` notes come with no result.
pub enum Note {
    /// The element is dropped; the annotation says why.
    Drop(String),
    /// The element is kept, with this info.
    Info(String),
}

impl Op {
    /// How Prometheus spells the operator in annotations.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Mod => "%",
            Op::Pow => "^",
            Op::Atan2 => "atan2",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::And => "and",
            Op::Or => "or",
            Op::Unless => "unless",
        }
    }
}

/// `l op r` for one pair of elements.
#[inline]
pub fn elem_binop(op: Op, l: Operand, r: Operand) -> (Option<Elem>, Option<Note>) {
    let float = |v: f64, keep: bool| Some(Elem { v, h: None, keep });
    let hist = |h: FloatHistogram| Some(Elem { v: 0.0, h: Some(Arc::new(h)), keep: true });
    match (l, r) {
        (Operand::Float(a), Operand::Float(b)) => {
            let (v, keep) = op.apply(a, b);
            (float(v, keep), None)
        }
        (Operand::Float(f), Operand::Histogram(h)) | (Operand::Histogram(h), Operand::Float(f))
            if op == Op::Mul =>
        {
            let mut h = (**h).clone();
            h.mul(f).compact(0);
            (hist(h), None)
        }
        (Operand::Histogram(h), Operand::Float(f)) if op == Op::Div => {
            let mut h = (**h).clone();
            h.div(f).compact(0);
            (hist(h), None)
        }
        (Operand::Histogram(a), Operand::Histogram(b)) if matches!(op, Op::Add | Op::Sub) => {
            let mut h = (**a).clone();
            let (result, what) =
                if op == Op::Add { (h.add(b), "addition") } else { (h.sub(b), "subtraction") };
            match result {
                Err(ArithError::IncompatibleSchema) => {
                    (None, Some(Note::Drop(notes::incompatible_layout(op.symbol()))))
                }
                // Prometheus reports the collision as the operation's error, so the element
                // is dropped along with it.
                Ok(c) if c.counter_reset_collision => {
                    (None, Some(Note::Drop(notes::counter_reset_collision(what))))
                }
                Ok(c) => {
                    if op == Op::Sub {
                        h.counter_reset_hint = CounterResetHint::Gauge;
                    }
                    h.compact(0);
                    let note =
                        c.custom_bounds_reconciled.then(|| Note::Info(notes::custom_bounds_reconciled(what)));
                    (hist(h), note)
                }
            }
        }
        (Operand::Histogram(a), Operand::Histogram(b)) if matches!(op, Op::Eq | Op::Ne) => {
            let equal = a.equals(b);
            (Some(Elem { v: 0.0, h: Some(a.clone()), keep: equal == (op == Op::Eq) }), None)
        }
        (l, r) => (None, Some(Note::Drop(notes::incompatible_types(op.symbol(), l.kind(), r.kind())))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::histogram::Span;

    fn h(buckets: &[f64]) -> Arc<FloatHistogram> {
        Arc::new(FloatHistogram {
            count: buckets.iter().sum(),
            sum: 1.0,
            positive_spans: vec![Span { offset: 0, length: buckets.len() as u32 }],
            positive_buckets: buckets.to_vec(),
            ..FloatHistogram::default()
        })
    }

    #[test]
    fn histograms_scale_add_and_compare() {
        let (a, b) = (h(&[1.0, 2.0]), h(&[1.0, 0.0]));
        let (e, _) = elem_binop(Op::Mul, Operand::Float(2.0), Operand::Histogram(&a));
        assert_eq!(e.and_then(|e| e.h).map(|h| h.positive_buckets.clone()), Some(vec![2.0, 4.0]));
        let (e, _) = elem_binop(Op::Sub, Operand::Histogram(&a), Operand::Histogram(&a));
        let diff = e.and_then(|e| e.h).expect("a histogram");
        assert!(diff.positive_buckets.is_empty(), "compacted away");
        assert_eq!(diff.counter_reset_hint, CounterResetHint::Gauge);
        let (e, _) = elem_binop(Op::Ne, Operand::Histogram(&a), Operand::Histogram(&b));
        assert!(e.is_some_and(|e| e.keep));
    }

    #[test]
    fn other_mixes_are_dropped_with_an_info() {
        let a = h(&[1.0]);
        let (e, note) = elem_binop(Op::Eq, Operand::Histogram(&a), Operand::Float(80.0));
        assert!(e.is_none());
        let Some(Note::Drop(msg)) = note else { panic!("a note") };
        assert_eq!(
            msg,
            r#"PromQL info: incompatible sample types encountered for binary operator "==": histogram == float"#
        );
        let (e, _) = elem_binop(Op::Div, Operand::Float(1.0), Operand::Histogram(&a));
        assert!(e.is_none());
    }
}
