//! Notes from the dataset's metadata when a function meets the wrong type of metric: `rate`,
//! `irate`, `increase` or `resets` over a metric the dataset declares a gauge, or `deriv`,
//! `delta`, `idelta` or `predict_linear` over a counter.
//!
//! Prometheus itself only guesses from names ("metric might not be a counter, name does not
//! end in _total/_sum/_count/_bucket"), so `rate(model_input_features_count[5m])` gets no
//! info although that metric is a gauge. The engine's own warnings and infos stay exactly as
//! Prometheus gives them; these notes are extra, and the pages label them as coming from the
//! dataset's metadata (the texts say only what the metadata declares and what to use).

use promql_parser::parser::{Expr, VectorSelector};

use super::dataset::{DatasetMeta, MetricType};
use crate::rules::ast::{exact_name, walk};

/// Functions meant for counters.
const COUNTER_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "resets"];
/// Functions meant for gauges.
const GAUGE_FUNCTIONS: &[&str] = &["deriv", "delta", "idelta", "predict_linear"];

/// What a series is, by the dataset's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
}

/// The notes for `query` on the dataset described by `meta`, one per function and metric
/// (none when the query does not parse, or names no metric the metadata types).
pub fn type_notes(query: &str, meta: &DatasetMeta) -> Vec<String> {
    let Ok(expr) = crate::engine::parse::parse(query) else { return Vec::new() };
    let mut notes: Vec<String> = Vec::new();
    walk(&expr, &mut |e| {
        let Expr::Call(call) = e else { return };
        let func = call.func.name;
        let Some(vs) = call.args.args.first().and_then(|a| windowed_selector(a)) else { return };
        let Some(name) = exact_name(vs) else { return };
        let note = match kind_of(name, meta) {
            Some(Kind::Gauge) if COUNTER_FUNCTIONS.contains(&func) => gauge_note(func, name),
            Some(Kind::Counter) if GAUGE_FUNCTIONS.contains(&func) => counter_note(func, name),
            _ => return,
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    });
    notes
}

/// The selector a window function reads: `x[5m]`, or a subquery over a bare selector.
fn windowed_selector(arg: &Expr) -> Option<&VectorSelector> {
    match arg {
        Expr::Paren(p) => windowed_selector(&p.expr),
        Expr::MatrixSelector(ms) => Some(&ms.vs),
        Expr::Subquery(sq) => match unparen(&sq.expr) {
            Expr::VectorSelector(vs) => Some(vs),
            _ => None,
        },
        _ => None,
    }
}

fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

/// Counter or gauge, as the metadata declares the series `name` (a histogram's or summary's
/// `_bucket`, `_sum` and `_count` series are counters); `None` when it does not say.
fn kind_of(name: &str, meta: &DatasetMeta) -> Option<Kind> {
    let family = meta.metric(name)?;
    match family.kind {
        MetricType::Counter => Some(Kind::Counter),
        MetricType::Gauge => Some(Kind::Gauge),
        MetricType::Histogram | MetricType::Summary if family.name != name => Some(Kind::Counter),
        _ => None,
    }
}

fn gauge_note(func: &str, name: &str) -> String {
    let why = if func == "resets" {
        "it counts a counter's resets, and on a gauge every decrease counts as one"
    } else {
        "it reads every decrease as a counter reset and adds the drop back, so the result is not the gauge's change"
    };
    format!(
        "`{name}` is a gauge, but {func}() is meant for counters: {why}. \
         For a gauge, use deriv() for its per-second slope or delta() for its change over the window."
    )
}

fn counter_note(func: &str, name: &str) -> String {
    let (why, instead) = match func {
        "predict_linear" => (
            "on a counter it extrapolates the ever-growing total and breaks at every reset",
            "predict a gauge, or the counter's rate through a subquery, e.g. `predict_linear(rate(x[5m])[1h:1m], 3600)`",
        ),
        "deriv" => ("a counter reset breaks its slope", "use rate() for a counter's per-second increase"),
        _ => (
            "it ignores counter resets, so a restart shows as a large negative change",
            "use increase() for a counter's growth over the window, or rate() per second",
        ),
    };
    format!("`{name}` is a counter, but {func}() is meant for gauges: {why}. Instead, {instead}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> DatasetMeta {
        DatasetMeta::declaring(&[
            ("model_input_features_count", MetricType::Gauge, ""),
            ("model_predictions_total", MetricType::Counter, ""),
            ("latency_seconds", MetricType::Histogram, ""),
        ])
    }

    /// The note's first words (`gauge rate` / `counter delta`) per query; empty for none.
    fn kinds(query: &str) -> Vec<String> {
        type_notes(query, &meta())
            .iter()
            .map(|n| {
                let kind = if n.contains(" is a gauge,") { "gauge" } else { "counter" };
                let func = n.split(", but ").nth(1).and_then(|r| r.split("()").next()).unwrap_or("?");
                format!("{kind} {func}")
            })
            .collect()
    }

    #[test]
    fn flags_functions_on_the_wrong_type() {
        let table: &[(&str, &[&str])] = &[
            ("rate(model_input_features_count[5m])", &["gauge rate"]),
            ("sum by (model) (increase(model_input_features_count{model=\"a\"}[1h]))", &["gauge increase"]),
            ("resets((model_input_features_count)[1h:1m])", &["gauge resets"]),
            ("irate({__name__=\"model_input_features_count\"}[5m])", &["gauge irate"]),
            ("delta(model_predictions_total[1h])", &["counter delta"]),
            ("deriv(model_predictions_total[10m]) + deriv(model_predictions_total[10m])", &["counter deriv"]),
            ("predict_linear(latency_seconds_count[1h], 3600)", &["counter predict_linear"]),
            // Right types, untyped names, or no plain selector under the function: no note.
            ("rate(model_predictions_total[5m])", &[]),
            ("rate(latency_seconds_bucket[5m])", &[]),
            ("deriv(model_input_features_count[10m])", &[]),
            ("rate(unknown_metric[5m])", &[]),
            ("rate(sum(model_input_features_count)[5m:1m])", &[]),
            ("rate(", &[]),
        ];
        for (query, want) in table {
            assert_eq!(kinds(query), *want, "{query}");
        }
    }

    #[test]
    fn the_note_names_the_metadata_and_the_fix() {
        let notes = type_notes("rate(model_input_features_count[5m])", &meta());
        assert_eq!(
            notes,
            vec!["`model_input_features_count` is a gauge, but rate() is meant for counters: it reads every \
                  decrease as a counter reset and adds the drop back, so the result is not the gauge's change. \
                  For a gauge, use deriv() for its per-second slope or delta() for its change over the window."
                .to_string()]
        );
    }
}
