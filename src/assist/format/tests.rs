//! Formatter cases: one line in, Prometheus 3's `format_query` text out.

use super::format_query;

fn check(cases: &[(&str, &str)]) {
    for (query, want) in cases {
        match format_query(query) {
            Ok(got) => assert_eq!(&got, want, "formatting {query:?}"),
            Err(e) => panic!("{query:?} does not parse: {e}"),
        }
    }
}

#[test]
fn short_queries_stay_on_one_line() {
    check(&[
        ("sum(rate(x[5m]))by(model)", "sum by (model) (rate(x[5m]))"),
        ("x{b=\"2\",a=~\"1\"}", "x{a=~\"1\",b=\"2\"}"),
        ("{__name__=\"x\"}", "{__name__=\"x\"}"),
        ("x offset 1h @ 100", "x @ 100.000 offset 1h"),
        ("x[1h30m] offset -5m", "x[1h30m] offset -5m"),
        ("rate(x[5m])[1h:]", "rate(x[5m])[1h:]"),
        ("max_over_time(x[8d:1w])", "max_over_time(x[8d:1w])"),
        ("a / on(model) group_left b", "a / on (model) group_left () b"),
        ("a / ignoring(pod) group_right(version) b", "a / ignoring (pod) group_right (version) b"),
        ("a > bool 1", "a > bool 1"),
        ("1e6 + 0x10 + .5 + Inf - -NaN", "1000000 + 16 + 0.5 + +Inf - NaN"),
        ("-x", "-x"),
        ("+x", "+x"),
        ("- -1", "1"),
        (
            "label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\\\\n\")",
            "label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\\\\n\")",
        ),
        ("count_values('v', x)", "count_values(\"v\", x)"),
        ("predict_linear(x[1h], 1h)", "predict_linear(x[1h], 1h)"),
        ("sum by () (x)", "sum(x)"),
        ("sum without () (x)", "sum without () (x)"),
        ("x @ start()", "x @ start()"),
    ]);
}

#[test]
fn long_queries_split_like_prometheus() {
    check(&[
        (
            "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
            "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))",
        ),
        (
            "sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
            "  sum by (model) (rate(model_cache_hits_total[5m]))\n/\n  sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))",
        ),
        (
            "histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket{environment=\"prod\"}[5m])))",
            "histogram_quantile(\n  0.95,\n  sum by (le, model) (rate(model_prediction_duration_seconds_bucket{environment=\"prod\"}[5m]))\n)",
        ),
        (
            "avg_over_time((sum by (model) (rate(model_predictions_total[5m])) / sum by (model) (rate(model_prediction_errors_total[5m])))[1h:5m])",
            "avg_over_time(\n  (\n      sum by (model) (rate(model_predictions_total[5m]))\n    /\n      sum by (model) (rate(model_prediction_errors_total[5m]))\n  )[1h:5m]\n)",
        ),
    ]);
}
