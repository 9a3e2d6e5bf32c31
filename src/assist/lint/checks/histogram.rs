//! `promql/histogram_quantile` (no pint equivalent): `histogram_quantile()` needs the `le`
//! label of every bucket, so an aggregation inside it must keep `le`; and its buckets are
//! counters, so they must be rated first or the quantile covers everything since each pod
//! started.

use promql_parser::parser::{Expr, LabelModifier};

use super::{unparen, Run};
use crate::assist::lint::fix::{recommended_window, tokens_in, wrap_in_range_function, Edit, Fix};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::engine::parse::lex::Kind;
use crate::rules::ast::exact_name;

const CHECK: &str = "promql/histogram_quantile";

/// Functions through which a bucket counter stops being a raw counter.
const RATING: &[&str] = &["rate", "irate", "increase", "delta", "idelta"];

pub fn check(run: &mut Run, node: &Spanned) {
    let Expr::Call(c) = node.expr else { return };
    if c.func.name != "histogram_quantile" {
        return;
    }
    let Some(arg) = node.children.get(1) else { return };
    let inner = unparen(arg);
    if let Expr::Aggregate(agg) = inner.expr {
        let op = agg.op.to_string();
        let drops_le = match &agg.modifier {
            Some(LabelModifier::Include(ls)) => !ls.labels.iter().any(|l| l == "le"),
            Some(LabelModifier::Exclude(ls)) => ls.labels.iter().any(|l| l == "le"),
            None => true,
        };
        if drops_le {
            let head = crate::assist::format::aggregate_head(agg);
            let message = format!(
                "histogram_quantile() needs the `le` label of every bucket, but `{}` removes it: the result is empty. \
                 Keep `le` in the grouping.",
                head.trim_end()
            );
            let fix = keep_le(run.src, inner.span, &agg.modifier, &op);
            run.out.push(Raw::new(CHECK, Severity::Bug, inner.span, message).with_fix(fix));
        }
    }
    unrated(run, arg);
}

/// The edit that keeps `le`: add it to `by (...)`, drop it from `without (...)`, or add
/// `by (le)` to an aggregation without grouping.
fn keep_le(src: &str, span: (usize, usize), modifier: &Option<LabelModifier>, op: &str) -> Option<Fix> {
    let tokens = tokens_in(src, span);
    let title = "Keep the `le` label";
    match modifier {
        None => {
            let agg = tokens.first().filter(|t| t.kind == Kind::Aggregator)?;
            let space = if src[agg.end..].starts_with(' ') { "" } else { " " };
            Some(Fix::replace(title, (agg.start, agg.end), format!("{op} by (le){space}")))
        }
        Some(m) => {
            let kw = tokens.iter().position(|t| matches!(t.text(src), "by" | "without"))?;
            let open = tokens.get(kw + 1).filter(|t| t.kind == Kind::LParen)?;
            let close = tokens[kw..].iter().find(|t| t.kind == Kind::RParen)?;
            let mut labels: Vec<&str> = m.labels().labels.iter().map(String::as_str).collect();
            if m.is_include() {
                labels.insert(0, "le");
            } else {
                labels.retain(|l| *l != "le");
            }
            Some(Fix::new(title, vec![Edit { start: open.end, end: close.start, text: labels.join(", ") }]))
        }
    }
}

/// Bucket counters reaching histogram_quantile() without a rate.
fn unrated(run: &mut Run, node: &Spanned) {
    match node.expr {
        Expr::Call(c) if RATING.contains(&c.func.name) => {}
        Expr::VectorSelector(vs) => {
            let Some(name) = exact_name(vs) else { return };
            if !name.ends_with("_bucket") && !run.ctx.is_counter(name) {
                return;
            }
            let window = run.ctx.scrape_interval(vs).map_or(5 * 60_000, recommended_window);
            let message = format!(
                "histogram_quantile() over the raw values of `{name}` gives the quantile of everything observed since \
                 each pod started, not of recent requests: the buckets are counters. Take `rate()` of them first."
            );
            let fix = wrap_in_range_function(run.src, node.span, "rate", window);
            run.out.push(Raw::new(CHECK, Severity::Warning, node.span, message).with_fix(Some(fix)));
        }
        _ => node.children.iter().for_each(|c| unrated(run, c)),
    }
}
