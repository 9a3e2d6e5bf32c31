//! Aggregation operators with `by` / `without`: the reducing ones (`reduce.rs`: sum, avg,
//! count, group, min, max, stddev, stdvar, quantile), the selecting ones (`topk.rs`: topk,
//! bottomk, limitk; limit_ratio here) and count_values. Native histogram samples take part
//! as Prometheus lets them: summed and averaged, counted, kept by the selecting ones, and
//! otherwise ignored with an info.

mod reduce;
mod topk;

pub use reduce::quantile;

use promql_parser::parser::token::{
    T_AVG, T_BOTTOMK, T_COUNT, T_COUNT_VALUES, T_GROUP, T_LIMITK, T_LIMIT_RATIO, T_MAX, T_MIN, T_QUANTILE,
    T_STDDEV, T_STDVAR, T_SUM, T_TOPK,
};
use promql_parser::parser::{AggregateExpr, LabelModifier};

use super::eval::{check_duplicates, Evaluator};
use super::gofmt::{format_f, format_g, format_v};
use super::grouping::{labels_hash, FxHashMap, Grouping};
use super::labels::is_valid_label_name;
use super::value::{Millis, Sample, Value};
use super::QueryError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AggOp {
    Sum,
    Avg,
    Count,
    Group,
    Min,
    Max,
    Stddev,
    Stdvar,
    Quantile,
    CountValues,
    Topk,
    Bottomk,
    Limitk,
    LimitRatio,
}

impl AggOp {
    /// The operator as PromQL spells it (in annotations).
    fn name(self) -> &'static str {
        match self {
            AggOp::Sum => "sum",
            AggOp::Avg => "avg",
            AggOp::Count => "count",
            AggOp::Group => "group",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::Stddev => "stddev",
            AggOp::Stdvar => "stdvar",
            AggOp::Quantile => "quantile",
            AggOp::CountValues => "count_values",
            AggOp::Topk => "topk",
            AggOp::Bottomk => "bottomk",
            AggOp::Limitk => "limitk",
            AggOp::LimitRatio => "limit_ratio",
        }
    }

    fn from_token(id: u16) -> Option<AggOp> {
        Some(match id {
            T_SUM => AggOp::Sum,
            T_AVG => AggOp::Avg,
            T_COUNT => AggOp::Count,
            T_GROUP => AggOp::Group,
            T_MIN => AggOp::Min,
            T_MAX => AggOp::Max,
            T_STDDEV => AggOp::Stddev,
            T_STDVAR => AggOp::Stdvar,
            T_QUANTILE => AggOp::Quantile,
            T_COUNT_VALUES => AggOp::CountValues,
            T_TOPK => AggOp::Topk,
            T_BOTTOMK => AggOp::Bottomk,
            T_LIMITK => AggOp::Limitk,
            T_LIMIT_RATIO => AggOp::LimitRatio,
            _ => return None,
        })
    }
}

/// Evaluates an aggregation at `t`.
pub fn eval_aggregate(ev: &mut Evaluator, a: &AggregateExpr, t: Millis) -> Result<Value, QueryError> {
    let op = AggOp::from_token(a.op.id())
        .ok_or_else(|| QueryError::eval(format!("unknown aggregation operator '{}'", a.op)))?;
    let grouping = match &a.modifier {
        None => Grouping::By(&[]),
        Some(LabelModifier::Include(l)) => Grouping::By(&l.labels),
        Some(LabelModifier::Exclude(l)) => Grouping::Without(&l.labels),
    };
    // The parameter is evaluated before the input, as Prometheus does.
    let param = match &a.param {
        Some(p) => Some(ev.eval(p, t)?),
        None => None,
    };
    let input = match ev.eval(&a.expr, t)? {
        Value::Vector(v) => v,
        other => {
            return Err(QueryError::eval(format!("aggregation over a {} is not allowed", other.type_name())))
        }
    };
    let scalar_param = || match &param {
        Some(Value::Scalar { v, .. }) => Ok(*v),
        _ => Err(QueryError::eval(format!("expected a scalar parameter for {}", a.op))),
    };
    let out = match op {
        AggOp::CountValues => {
            let Some(Value::String { s, .. }) = &param else {
                return Err(QueryError::eval("expected a string parameter for count_values"));
            };
            count_values(&input, s, &a.modifier, t)?
        }
        AggOp::Topk | AggOp::Bottomk | AggOp::Limitk => {
            let k = scalar_param()?;
            if k.is_nan() {
                return Err(QueryError::eval("Parameter value is NaN"));
            }
            if k < 1.0 {
                return Ok(Value::Vector(Vec::new()));
            }
            if k >= i64::MAX as f64 {
                return Err(QueryError::eval(format!("Scalar value {} overflows int64", format_v(k))));
            }
            // Truncation toward zero, as Go's int64(k).
            let k = (k as i64).min(input.len() as i64).max(0) as usize;
            topk::select_k(op, input, k, grouping, &mut ev.annotations)
        }
        AggOp::LimitRatio => {
            let r = scalar_param()?;
            if r.is_nan() {
                return Err(QueryError::eval("Ratio value is NaN"));
            }
            if r == 0.0 {
                return Ok(Value::Vector(Vec::new()));
            }
            if r > 1.0 {
                ev.annotations.warn(format!(
                    "PromQL warning: ratio value should be between -1 and 1, got {}, capping to 1",
                    format_g(r)
                ));
            }
            if r < -1.0 {
                ev.annotations.warn(format!(
                    "PromQL warning: ratio value should be between -1 and 1, got {}, capping to -1",
                    format_g(r)
                ));
            }
            limit_ratio(input, r.clamp(-1.0, 1.0))
        }
        _ => {
            let q = if op == AggOp::Quantile {
                let q = scalar_param()?;
                if q.is_nan() || !(0.0..=1.0).contains(&q) {
                    ev.annotations.warn(format!(
                        "PromQL warning: quantile value should be between 0 and 1, got {}",
                        format_g(q)
                    ));
                }
                q
            } else {
                0.0
            };
            let node = a as *const AggregateExpr as usize;
            let mut memo = ev.group_keys.remove(&node).unwrap_or_default();
            let out = reduce::reduce(
                op,
                &input,
                (grouping, &mut memo),
                (q, ev.opts.v2_numerics),
                t,
                &mut ev.annotations,
            );
            ev.group_keys.insert(node, memo);
            out
        }
    };
    Ok(Value::Vector(out))
}

/// count_values: counts per (group, value), the value written into label `label`.
fn count_values(
    input: &[Sample],
    label: &str,
    modifier: &Option<LabelModifier>,
    t: Millis,
) -> Result<Vec<Sample>, QueryError> {
    if !is_valid_label_name(label) {
        return Err(QueryError::eval(format!("invalid label name {label:?}")));
    }
    // With `by`, the value label joins the grouping labels.
    let mut by: Vec<String> = Vec::new();
    let grouping = match modifier {
        Some(LabelModifier::Exclude(l)) => Grouping::Without(&l.labels),
        other => {
            if let Some(LabelModifier::Include(l)) = other {
                by.extend(l.labels.iter().cloned());
            }
            by.push(label.to_string());
            Grouping::By(&by)
        }
    };
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut out: Vec<Sample> = Vec::new();
    for s in input {
        let mut labels = s.labels.clone();
        let value = s.h.as_ref().map_or_else(|| format_f(s.v), |h| h.to_go_string());
        labels.set(label.to_string(), value);
        let key = grouping.key(&labels);
        match index.get(&key) {
            Some(&i) => out[i].v += 1.0,
            None => {
                index.insert(key, out.len());
                out.push(Sample::float(grouping.labels(&labels), t, 1.0));
            }
        }
    }
    check_duplicates(&out)?;
    Ok(out)
}

/// limit_ratio: keeps an element when its label hash, scaled to [0, 1), falls below `r`
/// (or, for negative `r`, at or above `1 + r`), so a ratio and its complement partition
/// the input deterministically.
fn limit_ratio(input: Vec<Sample>, r: f64) -> Vec<Sample> {
    input
        .into_iter()
        .filter(|s| {
            let offset = mix(labels_hash(&s.labels)) as f64 / u64::MAX as f64;
            (r >= 0.0 && offset < r) || (r < 0.0 && offset >= 1.0 + r)
        })
        .collect()
}

/// splitmix64's finaliser: spreads the label hash evenly over the whole u64 range.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
