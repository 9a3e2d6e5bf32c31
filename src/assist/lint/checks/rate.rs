//! `promql/rate` (pint's check of the same name): a window too short for the scrape interval
//! computed from the data (seed Task 5.1 anti-pattern 3: the seed asks for 4 intervals, fewer
//! than 2 return nothing), and `rate()`/`irate()`/`increase()`/`resets()` over a gauge.

use promql_parser::parser::Expr;

use super::Run;
use crate::assist::lint::fix::{recommended_window, rename_call, set_range};
use crate::assist::lint::{Raw, Severity};
use crate::assist::spans::Spanned;
use crate::content::dataset::MetricType;
use crate::content::time::format_duration;
use crate::engine::selector::duration_ms;
use crate::rules::ast::exact_name;

const CHECK: &str = "promql/rate";

/// Functions that need two samples in their window.
const TWO_SAMPLES: &[&str] = &["rate", "irate", "increase", "delta", "idelta", "deriv"];

/// Counter functions, with the gauge function to use instead (none for `resets`).
const COUNTER_FUNCTIONS: &[(&str, Option<&str>)] =
    &[("rate", Some("deriv")), ("irate", Some("idelta")), ("increase", Some("delta")), ("resets", None)];

pub fn check(run: &mut Run, node: &Spanned) {
    let Expr::Call(call) = node.expr else { return };
    let func = call.func.name;
    let Some((arg, ms)) = node.children.iter().find_map(|c| match c.expr {
        Expr::MatrixSelector(ms) => Some((c, ms)),
        _ => None,
    }) else {
        return;
    };
    if TWO_SAMPLES.contains(&func) {
        if let Some(interval) = run.ctx.scrape_interval(&ms.vs) {
            window(run, node.span, arg.span, func, duration_ms(&ms.range), interval);
        }
    }
    let name = exact_name(&ms.vs).unwrap_or_default();
    if let Some((_, twin)) = COUNTER_FUNCTIONS.iter().find(|(f, _)| *f == func) {
        if run.ctx.metric_type(name) == Some(MetricType::Gauge) {
            let message = format!(
                "`{func}()` should only be used with counters but `{name}` is a gauge according to the dataset's metadata: \
                 every drop of its value reads as a counter reset.{}",
                twin.map(|t| format!(" For gauges use `{t}()`.")).unwrap_or_default()
            );
            let fix = twin.and_then(|t| rename_call(run.src, node.span, t));
            run.out.push(Raw::new(CHECK, Severity::Bug, node.span, message).with_fix(fix));
        }
    }
}

fn window(run: &mut Run, call: (usize, usize), arg: (usize, usize), func: &str, range: i64, interval: i64) {
    let shown = format_duration(interval);
    let (severity, message) = if range < 2 * interval {
        (
            Severity::Bug,
            format!(
                "Duration for `{func}()` must be at least 2 x scrape_interval, the dataset is using `{shown}` scrape_interval: \
                 a [{}] window holds at most one sample, so it returns nothing.",
                format_duration(range)
            ),
        )
    } else if range < 4 * interval {
        (
            Severity::Warning,
            format!(
                "Duration for `{func}()` should be at least 4 x scrape_interval, the dataset is using `{shown}` scrape_interval: \
                 with a [{}] window one missed scrape leaves too few samples and the result is spiky.",
                format_duration(range)
            ),
        )
    } else {
        return;
    };
    let fix = set_range(run.src, arg, recommended_window(interval));
    run.out.push(Raw::new(CHECK, severity, call, message).with_fix(fix));
}
