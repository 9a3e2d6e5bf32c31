//! The raw series a query reads, so the local engine can evaluate it on exactly the remote's
//! samples: one range-selector query per selector of the query (`{matchers}[window]` at the
//! last instant returns every stored sample in the window), the window reaching back as far
//! as the query can look.

use promql_parser::label::METRIC_NAME;
use promql_parser::parser::{AtModifier, Expr, Offset, VectorSelector};

use crate::engine::Millis;
use crate::rules::ast::{selectors, walk};

/// How far before an evaluation instant `expr` may read: every range, subquery range and
/// offset in it added up (nested windows add, so the sum is an upper bound), plus the
/// lookback delta.
pub fn reach(expr: &Expr, lookback: Millis) -> Millis {
    let mut total: Millis = lookback;
    let ms = |d: &std::time::Duration| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX);
    let offset = |o: &Option<Offset>| match o {
        Some(Offset::Pos(d)) => ms(d),
        _ => 0,
    };
    walk(expr, &mut |e| {
        let add = match e {
            Expr::VectorSelector(vs) => offset(&vs.offset),
            Expr::MatrixSelector(m) => ms(&m.range).saturating_add(offset(&m.vs.offset)),
            Expr::Subquery(s) => ms(&s.range).saturating_add(offset(&s.offset)),
            _ => 0,
        };
        total = total.saturating_add(add);
    });
    total
}

/// True when `expr` pins a selector or subquery to an absolute time (`@`): its data may lie
/// outside any window before the evaluation instants.
pub fn uses_at(expr: &Expr) -> bool {
    let mut found = false;
    walk(expr, &mut |e| {
        let at: &Option<AtModifier> = match e {
            Expr::VectorSelector(vs) => &vs.at,
            Expr::MatrixSelector(m) => &m.vs.at,
            Expr::Subquery(s) => &s.at,
            _ => return,
        };
        found |= at.is_some();
    });
    found
}

/// The distinct selectors of `expr` as bare matcher lists (`{__name__="x",job="y"}`), without
/// ranges, offsets or `@`. A selector with `or` alternatives (Prometheus 3) gives one each.
pub fn selector_texts(expr: &Expr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for vs in selectors(expr) {
        for text in matcher_sets(vs) {
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}

/// The matcher lists of one selector (one per `or` alternative), as [`selector_texts`] gives them.
pub fn matcher_sets(vs: &VectorSelector) -> Vec<String> {
    let name = vs.name.as_ref().map(|n| format!("{METRIC_NAME}={}", quote(n)));
    let render = |set: &[promql_parser::label::Matcher]| {
        let mut parts: Vec<String> = Vec::new();
        if let Some(n) = &name {
            if !set.iter().any(|m| m.name == METRIC_NAME) {
                parts.push(n.clone());
            }
        }
        parts.extend(set.iter().map(|m| m.to_string()));
        format!("{{{}}}", parts.join(","))
    };
    if vs.matchers.or_matchers.is_empty() {
        vec![render(&vs.matchers.matchers)]
    } else {
        vs.matchers.or_matchers.iter().map(|set| render(set)).collect()
    }
}

/// A Go string literal of `s`.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The instant query that returns a selector's raw samples over `window` before its time.
pub fn raw_query(selector: &str, window: Millis) -> String {
    let secs = (window.max(1) + 999) / 1000;
    format!("{selector}[{secs}s]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;

    #[test]
    fn reach_adds_every_window_and_offset() {
        let e = parse("max_over_time(rate(x[5m] offset 1h)[30m:1m])").unwrap();
        assert_eq!(reach(&e, 300_000), 300_000 + 300_000 + 3_600_000 + 1_800_000);
        assert_eq!(reach(&parse("x").unwrap(), 300_000), 300_000);
    }

    #[test]
    fn selectors_become_matcher_lists() {
        let e =
            parse(r#"sum(rate(http_requests_total{job="a\"b",code=~"5.."}[5m])) / sum(up) + up"#).unwrap();
        assert_eq!(
            selector_texts(&e),
            [r#"{__name__="http_requests_total",job="a\"b",code=~"5.."}"#, r#"{__name__="up"}"#]
        );
        assert_eq!(raw_query(r#"{__name__="up"}"#, 3_600_500), r#"{__name__="up"}[3601s]"#);
        assert!(uses_at(&parse("x @ 100").unwrap()) && !uses_at(&parse("x offset 5m").unwrap()));
    }
}
