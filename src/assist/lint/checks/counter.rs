//! `promql/counter` (pint's check of the same name): a counter's value used directly (seed
//! Task 5.1 anti-pattern 1), and `delta()`/`deriv()`/`idelta()`, gauge functions, over a
//! counter. A counter only grows and drops back to zero when its process restarts: its rate
//! is what means something.

use promql_parser::parser::token::TokenType;
use promql_parser::parser::Expr;

use super::{call_name, Run};
use crate::assist::lint::fix::{recommended_window, rename_call, wrap_in_range_function};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::rules::ast::exact_name;

const CHECK: &str = "promql/counter";

/// Functions that are safe on a counter's raw value (pint's list).
const SAFE: &[&str] = &[
    "absent",
    "absent_over_time",
    "present_over_time",
    "changes",
    "resets",
    "count_over_time",
    "increase",
    "irate",
    "rate",
    "timestamp",
];

/// Gauge functions with the counter function that does the same job.
const GAUGE_TWINS: &[(&str, &str)] = &[("delta", "increase"), ("deriv", "rate"), ("idelta", "irate")];

pub fn check(run: &mut Run, node: &Spanned, ancestors: &[&Spanned]) {
    let (vs, instant) = match node.expr {
        Expr::VectorSelector(vs) => (vs, true),
        Expr::MatrixSelector(ms) => (&ms.vs, false),
        _ => return,
    };
    let Some(name) = exact_name(vs) else { return };
    if !run.ctx.is_counter(name) {
        return;
    }
    // A selector on its own shows the stored series, which is how a learner looks at data.
    if ancestors.iter().all(|a| matches!(a.expr, Expr::Paren(_))) {
        return;
    }
    if is_made_safe(node, ancestors) {
        return;
    }
    let parent = ancestors.last().copied();
    if let Some((func, twin)) =
        parent.and_then(call_name).and_then(|f| GAUGE_TWINS.iter().find(|(g, _)| *g == f))
    {
        let call = parent.map_or(node.span, |p| p.span);
        let message = format!(
            "`{func}()` should only be used with gauges but `{name}` is a counter according to the dataset's metadata: \
             a counter reset reads as a huge drop. `{twin}()` handles resets."
        );
        let fix = rename_call(run.src, call, twin);
        run.out.push(Raw::new(CHECK, Severity::Warning, call, message).with_fix(fix));
        return;
    }
    let message = format!(
        "`{name}` is a counter according to the dataset's metadata, it can be dangerous to use its value directly: \
         it only grows, and drops to zero when a pod restarts. Calculate the rate of events with `rate()` first."
    );
    let fix = instant.then(|| {
        let window = run.ctx.scrape_interval(vs).map_or(5 * 60_000, recommended_window);
        wrap_in_range_function(run.src, node.span, "rate", window)
    });
    run.out.push(Raw::new(CHECK, Severity::Warning, node.span, message).with_fix(fix));
}

/// True when an enclosing function or aggregation makes the raw value harmless: a
/// counter-safe function, `count`/`group`, the right side of `unless`, or
/// `histogram_quantile` (whose own check covers un-rated buckets).
fn is_made_safe(node: &Spanned, ancestors: &[&Spanned]) -> bool {
    let mut child = node;
    for a in ancestors.iter().rev() {
        match a.expr {
            Expr::Call(c) if SAFE.contains(&c.func.name) || c.func.name == "histogram_quantile" => {
                return true
            }
            Expr::Aggregate(agg) if is_count_or_group(agg.op) => return true,
            Expr::Binary(b)
                if b.op.to_string() == "unless"
                    && a.children.get(1).is_some_and(|r| std::ptr::eq(r, child)) =>
            {
                return true
            }
            _ => {}
        }
        child = a;
    }
    false
}

fn is_count_or_group(op: TokenType) -> bool {
    matches!(op.to_string().as_str(), "count" | "group")
}
