//! Ranges: `promql/range_query` (pint's check of the same name, which compares ranges with
//! the server's retention) flags a range longer than the dataset holds (seed Task 5.1
//! anti-pattern 5, `[30d]`), and `query/cost` notes a long range over raw samples, naming the
//! recorded series of the loaded rules that reads the same metric.

use promql_parser::parser::Expr;

use super::Run;
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::content::time::format_duration;
use crate::engine::parse::parse;
use crate::engine::selector::duration_ms;
use crate::engine::METRIC_NAME;
use crate::rules::ast::{exact_name, walk};

/// Ranges from this long are "long" for the cost note.
const LONG: i64 = 24 * 3_600_000;

pub fn check(run: &mut Run, node: &Spanned, ancestors: &[&Spanned]) {
    let (range, what) = match node.expr {
        Expr::MatrixSelector(ms) => (duration_ms(&ms.range), "selector"),
        Expr::Subquery(sq) => (duration_ms(&sq.range), "subquery"),
        _ => return,
    };
    if let Some(span) = run.ctx.data_span() {
        if range > span {
            let message = format!(
                "`{}` {what} is trying to query the dataset for {} worth of metrics, but the dataset only holds {} of \
                 metrics history.",
                run.text(node).trim(),
                format_duration(range),
                format_duration(span)
            );
            run.out.push(Raw::new("promql/range_query", Severity::Warning, node.span, message));
        }
    }
    if let Expr::MatrixSelector(ms) = node.expr {
        if range >= LONG && run.ctx.recording.is_none() {
            long_raw_range(run, node, ancestors, &ms.vs, range);
        }
    }
}

/// A range of a day or more over a raw metric, read again at every evaluation.
fn long_raw_range(
    run: &mut Run,
    node: &Spanned,
    ancestors: &[&Spanned],
    vs: &promql_parser::parser::VectorSelector,
    range: i64,
) {
    let Some(name) = exact_name(vs) else { return };
    if name.contains(':') {
        return;
    }
    let call = ancestors.last().copied().filter(|a| matches!(a.expr, Expr::Call(_))).unwrap_or(node);
    let mut message = format!("`{}` reads {} of raw samples", run.text(call).trim(), format_duration(range));
    if let (Some(storage), Some(interval)) = (run.ctx.storage, run.ctx.scrape_interval(vs)) {
        let series = storage.postings(METRIC_NAME, name).len();
        let per_series = range / interval.max(1);
        message.push_str(&format!(
            " ({per_series} per series at the {} scrape interval, {} series)",
            format_duration(interval),
            series
        ));
    }
    message.push_str(" every time it is evaluated.");
    // The recorded series reading this metric over the longest range (an hour at least).
    let alternative = run
        .ctx
        .alternatives()
        .filter_map(|r| Some((longest_range(&parse(&r.expr).ok()?, name)?, r)))
        .filter(|(longest, _)| *longest >= 3_600_000)
        .max_by_key(|(longest, _)| *longest)
        .map(|(_, r)| r);
    match alternative {
        Some(r) => message.push_str(&format!(
            " The loaded rules record `{}` from `{name}` (`{}`): read that recorded series over the long range instead, \
             e.g. `avg_over_time({}[{}])`.",
            r.record,
            r.normalized,
            r.record,
            format_duration(range)
        )),
        None => message.push_str(" Record a daily aggregate with a recording rule and read that over long ranges."),
    }
    run.out.push(Raw::new("query/cost", Severity::Information, call.span, message));
}

/// The longest range over which `expr` reads series named `name`.
fn longest_range(expr: &Expr, name: &str) -> Option<i64> {
    let mut longest = None;
    walk(expr, &mut |e| {
        if let Expr::MatrixSelector(ms) = e {
            if exact_name(&ms.vs) == Some(name) {
                longest = longest.max(Some(duration_ms(&ms.range)));
            }
        }
    });
    longest
}
