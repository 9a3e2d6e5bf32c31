//! Aggregation operators with `by` / `without`: sum, avg (Kahan-compensated, switching to
//! an incremental mean on overflow), count, group, min, max, stddev, stdvar, quantile,
//! count_values, and the selecting ones topk, bottomk, limitk, limit_ratio.

use promql_parser::parser::token::{
    T_AVG, T_BOTTOMK, T_COUNT, T_COUNT_VALUES, T_GROUP, T_LIMITK, T_LIMIT_RATIO, T_MAX, T_MIN, T_QUANTILE,
    T_STDDEV, T_STDVAR, T_SUM, T_TOPK,
};
use promql_parser::parser::{AggregateExpr, LabelModifier};

use super::eval::{check_duplicates, Evaluator};
use super::gofmt::{format_f, format_g, format_v};
use super::grouping::{labels_hash, FxHashMap, Grouping};
use super::kahan;
use super::labels::Labels;
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
            select_k(op, input, k, grouping)
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
            reduce(op, &input, grouping, q, t)
        }
    };
    Ok(Value::Vector(out))
}

/// Running state of one group of a reducing aggregation.
struct Acc {
    labels: Labels,
    value: f64,
    mean: f64,
    comp: f64,
    count: f64,
    incremental: bool,
    values: Vec<f64>,
}

/// sum, avg, count, group, min, max, stddev, stdvar, quantile: one output per group, in the
/// order groups are first seen, labelled with the grouping labels only.
fn reduce(op: AggOp, input: &[Sample], grouping: Grouping, q: f64, t: Millis) -> Vec<Sample> {
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut groups: Vec<Acc> = Vec::new();
    for s in input {
        let key = grouping.key(&s.labels);
        let f = s.v;
        let Some(&gi) = index.get(&key) else {
            index.insert(key, groups.len());
            groups.push(Acc {
                labels: grouping.labels(&s.labels),
                value: match op {
                    AggOp::Group => 1.0,
                    AggOp::Stddev | AggOp::Stdvar if f.is_nan() || f.is_infinite() => f64::NAN,
                    AggOp::Stddev | AggOp::Stdvar => 0.0,
                    _ => f,
                },
                mean: f,
                comp: 0.0,
                count: 1.0,
                incremental: false,
                values: if op == AggOp::Quantile { vec![f] } else { Vec::new() },
            });
            continue;
        };
        let g = &mut groups[gi];
        match op {
            AggOp::Sum => (g.value, g.comp) = kahan::inc(f, g.value, g.comp),
            AggOp::Avg => avg_add(g, f),
            AggOp::Count => g.count += 1.0,
            AggOp::Group => {}
            AggOp::Max if g.value < f || g.value.is_nan() => g.value = f,
            AggOp::Min if g.value > f || g.value.is_nan() => g.value = f,
            AggOp::Max | AggOp::Min => {}
            AggOp::Stddev | AggOp::Stdvar => {
                g.count += 1.0;
                let delta = f - g.mean;
                g.mean += delta / g.count;
                g.value += delta * (f - g.mean);
            }
            AggOp::Quantile => g.values.push(f),
            _ => {}
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            let v = match op {
                AggOp::Sum => g.value + g.comp,
                AggOp::Avg if g.incremental => g.mean + g.comp,
                AggOp::Avg => g.value / g.count + g.comp / g.count,
                AggOp::Count => g.count,
                AggOp::Stdvar => g.value / g.count,
                AggOp::Stddev => (g.value / g.count).sqrt(),
                AggOp::Quantile => quantile(q, &mut g.values),
                _ => g.value,
            };
            Sample { labels: g.labels, t, v }
        })
        .collect()
}

/// One more value into an average: a compensated running sum while it stays finite, then
/// (once it would overflow) a compensated incremental mean.
fn avg_add(g: &mut Acc, f: f64) {
    g.count += 1.0;
    if !g.incremental {
        let (sum, c) = kahan::inc(f, g.value, g.comp);
        if !sum.is_infinite() {
            g.value = sum;
            g.comp = c;
            return;
        }
        g.incremental = true;
        g.mean = g.value / (g.count - 1.0);
        g.comp /= g.count - 1.0;
    }
    let q = (g.count - 1.0) / g.count;
    (g.mean, g.comp) = kahan::inc(f / g.count, q * g.mean, q * g.comp);
}

/// Prometheus's `quantile`: linear interpolation between the closest ranks, NaN sorted first.
pub fn quantile(q: f64, values: &mut [f64]) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.total_cmp(b),
    });
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

/// count_values: counts per (group, value), the value written into label `label`.
fn count_values(
    input: &[Sample],
    label: &str,
    modifier: &Option<LabelModifier>,
    t: Millis,
) -> Result<Vec<Sample>, QueryError> {
    if label.is_empty() {
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
        labels.set(label.to_string(), format_f(s.v));
        let key = grouping.key(&labels);
        match index.get(&key) {
            Some(&i) => out[i].v += 1.0,
            None => {
                index.insert(key, out.len());
                out.push(Sample { labels: grouping.labels(&labels), t, v: 1.0 });
            }
        }
    }
    check_duplicates(&out)?;
    Ok(out)
}

/// A heap ordered like Go's `container/heap` over Prometheus's value orderings, so ties are
/// resolved exactly as Prometheus resolves them.
struct GoHeap {
    items: Vec<Sample>,
    /// true: min-heap (topk keeps the k largest); false: max-heap (bottomk).
    min: bool,
}

impl GoHeap {
    fn less(&self, i: usize, j: usize) -> bool {
        let (a, b) = (self.items[i].v, self.items[j].v);
        if a.is_nan() {
            return true;
        }
        if self.min {
            a < b
        } else {
            a > b
        }
    }

    fn push(&mut self, s: Sample) {
        self.items.push(s);
        self.up(self.items.len() - 1);
    }

    fn up(&mut self, mut j: usize) {
        while j > 0 {
            let i = (j - 1) / 2;
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            j = i;
        }
    }

    fn down(&mut self, i0: usize) -> bool {
        let n = self.items.len();
        let mut i = i0;
        loop {
            let j1 = 2 * i + 1;
            if j1 >= n {
                break;
            }
            let mut j = j1;
            if j1 + 1 < n && self.less(j1 + 1, j1) {
                j = j1 + 1;
            }
            if !self.less(j, i) {
                break;
            }
            self.items.swap(i, j);
            i = j;
        }
        i > i0
    }

    fn fix(&mut self, i: usize) {
        if !self.down(i) {
            self.up(i);
        }
    }

    /// Offers `s`: kept while fewer than `k` are held, else it replaces the weakest when
    /// strictly better (a number beats NaN).
    fn offer(&mut self, s: Sample, k: usize) {
        if self.items.len() < k {
            self.push(s);
            return;
        }
        let top = self.items[0].v;
        let better = if self.min { top < s.v } else { top > s.v };
        if better || (top.is_nan() && !s.v.is_nan()) {
            self.items[0] = s;
            if k > 1 {
                self.fix(0);
            }
        }
    }

    /// Best first (largest for topk, smallest for bottomk), NaN last.
    fn into_sorted(self) -> Vec<Sample> {
        let mut items = self.items;
        let min = self.min;
        items.sort_by(|a, b| {
            use std::cmp::Ordering::*;
            match (a.v.is_nan(), b.v.is_nan()) {
                (true, true) => Equal,
                (true, false) => Greater,
                (false, true) => Less,
                _ if min => b.v.total_cmp(&a.v),
                _ => a.v.total_cmp(&b.v),
            }
        });
        items
    }
}

/// topk, bottomk, limitk: up to `k` input elements per group, labels kept as they are.
fn select_k(op: AggOp, input: Vec<Sample>, k: usize, grouping: Grouping) -> Vec<Sample> {
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut groups: Vec<GoHeap> = Vec::new();
    for s in input {
        let key = grouping.key(&s.labels);
        let gi = *index.entry(key).or_insert_with(|| {
            groups.push(GoHeap { items: Vec::new(), min: op != AggOp::Bottomk });
            groups.len() - 1
        });
        let g = &mut groups[gi];
        match op {
            AggOp::Limitk => {
                if g.items.len() < k {
                    g.items.push(s);
                }
            }
            _ => g.offer(s, k),
        }
    }
    groups.into_iter().flat_map(|g| if op == AggOp::Limitk { g.items } else { g.into_sorted() }).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates() {
        let cases: &[(f64, &[f64], f64)] = &[
            (0.5, &[1.0, 2.0, 3.0, 4.0], 2.5),
            (0.0, &[3.0, 1.0], 1.0),
            (1.0, &[3.0, 1.0], 3.0),
            (0.9, &[], f64::NAN),
        ];
        for &(q, vals, want) in cases {
            let got = quantile(q, &mut vals.to_vec());
            assert!(got == want || (got.is_nan() && want.is_nan()), "q={q} {vals:?}: {got}");
        }
        assert_eq!(quantile(-1.0, &mut [1.0]), f64::NEG_INFINITY);
    }

    #[test]
    fn topk_keeps_earlier_ties_like_go_heap() {
        let s = |n: &str, v: f64| Sample { labels: Labels::from_pairs([("n", n)]), t: 0, v };
        let input = vec![s("a", 5.0), s("b", 5.0), s("c", 5.0), s("d", 6.0)];
        let got: Vec<String> = select_k(AggOp::Topk, input, 2, Grouping::By(&[]))
            .iter()
            .map(|s| s.labels.get_or_empty("n").to_string())
            .collect();
        // Go's heap holds [a, b] with a on top; d replaces a.
        assert_eq!(got, vec!["d", "b"]);
    }
}
