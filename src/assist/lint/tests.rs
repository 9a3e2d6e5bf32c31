//! Every check fires on a query that has its problem (with the fix it offers) and stays
//! silent on one that does not, on the default dataset with the seed's recording rules.

use std::sync::OnceLock;

use super::*;
use crate::assist::library::catalog::{seed_rules, SEED_RECORDING_RULES};
use crate::content::{builtin_dataset, Dataset};
use crate::engine::Storage;

fn fixture() -> &'static (Dataset, Storage) {
    static DATA: OnceLock<(Dataset, Storage)> = OnceLock::new();
    DATA.get_or_init(|| {
        let d = builtin_dataset("ml-platform").expect("the default dataset");
        let s = d.storage().expect("its samples");
        (d, s)
    })
}

fn ctx() -> LintContext<'static> {
    let (d, s) = fixture();
    let rules = seed_rules(SEED_RECORDING_RULES).expect("the seed's rules");
    LintContext::new(Some(s), Some(&d.meta), RecordedRule::from_file(&rules))
}

/// The findings of `check` on `query`.
fn findings(query: &str, check: &str, ctx: &LintContext) -> Vec<Finding> {
    lint_query(query, ctx).into_iter().filter(|f| f.check == check).collect()
}

/// `query` gets exactly one `check` finding of `severity`, whose fix (if `fixed` is given)
/// turns the query into `fixed`.
fn fires(check: &str, severity: Severity, query: &str, fixed: Option<&str>) {
    fires_in(&ctx(), check, severity, query, fixed)
}

fn fires_in(ctx: &LintContext, check: &str, severity: Severity, query: &str, fixed: Option<&str>) {
    let got = findings(query, check, ctx);
    assert_eq!(got.len(), 1, "{check} on {query}: {got:#?}");
    assert_eq!(got[0].severity, severity, "{query}: {}", got[0].message);
    match (fixed, &got[0].fix) {
        (Some(want), Some(fix)) => assert_eq!(fix.apply(query), want, "fix of {query}"),
        (None, None) => {}
        (want, fix) => panic!("{query}: fix {fix:?}, want {want:?}"),
    }
}

fn silent(check: &str, query: &str) {
    let got = findings(query, check, &ctx());
    assert!(got.is_empty(), "{check} on {query}: {got:#?}");
}

#[test]
fn counter() {
    let c = "promql/counter";
    fires(
        c,
        Severity::Warning,
        "sum(model_predictions_total)",
        Some("sum(rate(model_predictions_total[5m]))"),
    );
    fires(
        c,
        Severity::Warning,
        "sum(model_predictions_total offset 1h)",
        Some("sum(rate(model_predictions_total[5m] offset 1h))"),
    );
    fires(
        c,
        Severity::Warning,
        "deriv(model_predictions_total[1h]) > 0",
        Some("rate(model_predictions_total[1h]) > 0"),
    );
    fires(
        c,
        Severity::Warning,
        "delta(model_cache_hits_total[1h])",
        Some("increase(model_cache_hits_total[1h])"),
    );
    for q in [
        "sum(rate(model_predictions_total[5m]))",
        "model_predictions_total",
        "model_predictions_total[5m]",
        "count by (model) (model_predictions_total)",
        "sum(model_memory_usage_bytes)",
        "up unless model_predictions_total",
        "deriv(model_memory_usage_bytes[1h])",
    ] {
        silent(c, q);
    }
}

#[test]
fn rate() {
    let c = "promql/rate";
    fires(c, Severity::Bug, "rate(model_predictions_total[30s])", Some("rate(model_predictions_total[5m])"));
    fires(
        c,
        Severity::Warning,
        "sum(irate(model_predictions_total[1m]))",
        Some("sum(irate(model_predictions_total[5m]))"),
    );
    fires(
        c,
        Severity::Bug,
        "rate(model_memory_usage_bytes[5m])",
        Some("deriv(model_memory_usage_bytes[5m])"),
    );
    fires(
        c,
        Severity::Bug,
        "increase(model_input_features_count[1h])",
        Some("delta(model_input_features_count[1h])"),
    );
    fires(c, Severity::Bug, "resets(model_memory_usage_bytes[1h])", None);
    for q in [
        "rate(model_predictions_total[5m])",
        "rate(model_predictions_total[2m])",
        "deriv(model_memory_usage_bytes[1h])",
    ] {
        silent(c, q);
    }
}

#[test]
fn aggregate() {
    let c = "promql/aggregate";
    fires(
        c,
        Severity::Warning,
        "sum by (model, version, namespace, pod, node, cluster) (rate(model_predictions_total[5m]))",
        Some("sum by (model, version, namespace, node, cluster) (rate(model_predictions_total[5m]))"),
    );
    fires(
        c,
        Severity::Information,
        "sum by (model, region) (rate(model_predictions_total[5m]))",
        Some("sum by (model) (rate(model_predictions_total[5m]))"),
    );
    fires(
        c,
        Severity::Warning,
        "max(rate(model_predictions_total[5m])) by (pod)",
        Some("max(rate(model_predictions_total[5m]))"),
    );
    silent(c, "sum by (model) (rate(model_predictions_total[5m]))");
    silent(c, "sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m]))");
}

#[test]
fn aggregate_ratio() {
    let c = "promql/aggregate_ratio";
    fires(
        c,
        Severity::Warning,
        "avg(model_prediction_duration_seconds_sum / model_prediction_duration_seconds_count)",
        Some("sum(model_prediction_duration_seconds_sum) / sum(model_prediction_duration_seconds_count)"),
    );
    fires(
        c,
        Severity::Warning,
        "sum by (model) (rate(model_cache_hits_total[5m]) / rate(model_predictions_total[5m]))",
        Some("sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_predictions_total[5m]))"),
    );
    silent(c, "sum(model_prediction_duration_seconds_sum) / sum(model_prediction_duration_seconds_count)");
    silent(c, "max(model_prediction_duration_seconds_sum / model_prediction_duration_seconds_count)");
    silent(c, "sum(rate(model_predictions_total[5m]) / 60)");
}

#[test]
fn histogram_quantile() {
    let c = "promql/histogram_quantile";
    let b = "rate(model_prediction_duration_seconds_bucket[5m])";
    fires(
        c,
        Severity::Bug,
        &format!("histogram_quantile(0.95, sum by (model) ({b}))"),
        Some(&format!("histogram_quantile(0.95, sum by (le, model) ({b}))")),
    );
    fires(
        c,
        Severity::Bug,
        &format!("histogram_quantile(0.9, sum({b}))"),
        Some(&format!("histogram_quantile(0.9, sum by (le) ({b}))")),
    );
    fires(
        c,
        Severity::Bug,
        &format!("histogram_quantile(0.9, sum without (le, pod) ({b}))"),
        Some(&format!("histogram_quantile(0.9, sum without (pod) ({b}))")),
    );
    fires(
        c,
        Severity::Warning,
        "histogram_quantile(0.9, sum by (le) (model_prediction_duration_seconds_bucket))",
        Some(&format!("histogram_quantile(0.9, sum by (le) ({b}))")),
    );
    silent(c, &format!("histogram_quantile(0.95, sum by (le, model) ({b}))"));
    silent(c, &format!("histogram_quantile(0.5, {b})"));
}

#[test]
fn impossible_or() {
    let c = "promql/impossible";
    let q = |p: &str| {
        format!("histogram_quantile({p}, sum(rate(model_prediction_duration_seconds_bucket[5m])) by (le))")
    };
    let query = format!("{}\nor\n{}\nor\n{}", q("0.50"), q("0.95"), q("0.99"));
    let label = |p: &str, v: &str| format!("label_replace({}, \"quantile\", \"{v}\", \"\", \"\")", q(p));
    let fixed =
        format!("{}\nor\n{}\nor\n{}", label("0.50", "0.5"), label("0.95", "0.95"), label("0.99", "0.99"));
    fires(c, Severity::Warning, &query, Some(&fixed));
    fires(
        c,
        Severity::Warning,
        "sum(rate(model_predictions_total[5m])) or sum(rate(model_prediction_errors_total[5m]))",
        None,
    );
    silent(c, "sum by (model) (rate(model_predictions_total[5m])) or sum by (version) (rate(model_predictions_total[5m]))");
    silent(c, &fixed);
}

#[test]
fn vector_matching() {
    let c = "promql/vector_matching";
    let l = "sum by (model, version) (rate(model_predictions_total[5m]))";
    let r = "sum by (model) (rate(container_cpu_usage_seconds_total[5m]))";
    let fixed = format!("{l} / on(model) group_left {r}");
    fires(c, Severity::Bug, &format!("{l} / {r}"), Some(&fixed));
    fires(c, Severity::Bug, &format!("{l}\n  /\n{r}"), Some(&format!("{l}\n  / on(model) group_left {r}")));
    fires(c, Severity::Bug, &format!("{l} and {r}"), Some(&format!("{l} and on(model) {r}")));
    silent(c, &fixed);
    silent(c, "rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m])");
    // The seed's "use pre-computed values" answer of Task 5.1 divides per-model series by a
    // series without labels: only `on()` pairs them.
    fires(
        c,
        Severity::Bug,
        "model:latency:p95 / platform:predictions:rate5m",
        Some("model:latency:p95 / on() group_left platform:predictions:rate5m"),
    );
    // The fix makes the query return the per-model efficiency.
    let (_, storage) = fixture();
    let out = crate::engine::instant_query(storage, &fixed, ctx().time, &ctx().opts).expect("fixed query");
    assert!(matches!(out.value, crate::engine::Value::Vector(v) if !v.is_empty()));
}

#[test]
fn range_query() {
    let c = "promql/range_query";
    fires(c, Severity::Warning, "rate(model_predictions_total[30d])", None);
    fires(c, Severity::Warning, "max_over_time(rate(model_predictions_total[5m])[3d:1h])", None);
    silent(c, "rate(model_predictions_total[1d])");
}

#[test]
fn query_cost() {
    let c = "query/cost";
    let p95 = "histogram_quantile(0.95,\n  sum by (le, model) (\n    rate(model_prediction_duration_seconds_bucket[5m])\n  )\n)";
    fires(
        c,
        Severity::Information,
        &format!("{p95}\n  /\navg(model:predictions:rate5m)"),
        Some("model:latency:p95\n  /\navg(model:predictions:rate5m)"),
    );
    fires(
        c,
        Severity::Information,
        "sum by (model) (rate(model_predictions_total[5m]))",
        Some("sum by (model) (model:predictions:rate5m)"),
    );
    fires(
        c,
        Severity::Information,
        "max_over_time(sum by (model, version) (rate(model_predictions_total[5m]))[1h:1m] offset 1h)",
        Some("max_over_time(model:predictions:rate5m[1h] offset 1h)"),
    );
    let long = findings("rate(model_predictions_total[30d])", c, &ctx());
    assert_eq!(long.len(), 1, "{long:#?}");
    assert!(long[0].message.contains("`model:predictions:daily`"), "{}", long[0].message);
    assert!(long[0].message.contains("86400 per series"), "{}", long[0].message);
    silent(c, "model:latency:p95 / platform:predictions:rate5m");
    silent(c, "avg by (model) (rate(model_predictions_total[5m]))");
    silent(c, "rate(model_predictions_total[5m])");
}

#[test]
fn recording_rule_comparison() {
    let c = "rule/comparison";
    let mut rule = ctx();
    rule.recording = Some("model:slow".into());
    fires_in(&rule, c, Severity::Warning, "model:latency:p95 > 0.5", Some("model:latency:p95 > bool 0.5"));
    assert!(findings("model:latency:p95 > bool 0.5", c, &rule).is_empty());
    assert!(findings("model:latency:p95 > 0.5", c, &ctx()).is_empty());
}

#[test]
fn deprecated_and_syntax() {
    fires(
        "promql/deprecated",
        Severity::Bug,
        "holt_winters(model_memory_usage_bytes[1h], 0.5, 0.5)",
        Some("double_exponential_smoothing(model_memory_usage_bytes[1h], 0.5, 0.5)"),
    );
    silent("promql/deprecated", "double_exponential_smoothing(model_memory_usage_bytes[1h], 0.5, 0.5)");
    let f = lint_query("sum(rate(x[5m])", &ctx());
    assert_eq!(
        f.iter().map(Finding::render).collect::<Vec<_>>(),
        ["1:4: fatal promql/syntax: unclosed left parenthesis"]
    );
    assert!(lint_query("sum(rate(model_predictions_total[5m]))", &ctx()).is_empty());
}

#[test]
fn findings_render_as_lines() {
    let f = lint_query("sum(\n  model_predictions_total\n)", &ctx());
    assert_eq!(
        f.iter().map(Finding::render).collect::<Vec<_>>(),
        ["2:3: warning promql/counter: `model_predictions_total` is a counter according to the dataset's metadata, it can be dangerous to use its value directly: it only grows, and drops to zero when a pod restarts. Calculate the rate of events with `rate()` first."]
    );
    assert_eq!((f[0].end_line, f[0].end_col), (2, 26));
}

/// The seed's Task 5.1 exercises (its five anti-patterns): the query each starts with gets
/// the lint of its anti-pattern, with a fix.
#[test]
fn task_5_1_exercises_show_their_lint() {
    let expected = [
        ("todo-5-1-counter-without-rate", "promql/counter"),
        ("todo-5-1-too-many-labels", "promql/aggregate"),
        ("todo-5-1-short-range", "promql/rate"),
        ("bug-recorded-p95-per-platform", "promql/vector_matching"),
        ("todo-5-1-long-range", "query/cost"),
    ];
    let exercises = crate::content::exercise_pack::builtin_exercises().expect("exercises");
    for (id, check) in expected {
        let ex = exercises.iter().find(|e| e.id == id).expect(id);
        let starter = ex.starter.as_deref().expect("a starter");
        let mut c = ctx();
        c.recorded.extend(ex.recording_rules.iter().filter_map(|r| RecordedRule::new(&r.record, &r.expr)));
        let got = findings(starter, check, &c);
        assert!(got.iter().any(|f| f.fix.is_some()), "{id}: {check} with a fix on {starter}: {got:#?}");
        // The fixed query parses and no longer has the finding.
        for f in &got {
            let fixed = f.fix.as_ref().map(|x| x.apply(starter)).unwrap_or_default();
            if !fixed.is_empty() {
                assert!(findings(&fixed, check, &c).iter().all(|g| g.message != f.message), "{id}: {fixed}");
            }
        }
    }
}

#[test]
fn rule_files_are_linted_in_place() {
    let text = "groups:\n- name: g\n  rules:\n  - record: model:slow\n    expr: model:latency:p95 > 0.5\n  - record: x:efficiency\n    expr: |\n      sum by (model, version) (rate(model_predictions_total[5m]))\n        /\n      sum by (model) (rate(container_cpu_usage_seconds_total[5m]))\n";
    let found = lint_rules(text, &ctx());
    let lines: Vec<String> = found.iter().map(|f| format!("{}:{} {}", f.line, f.col, f.check)).collect();
    assert_eq!(lines, ["5:11 rule/comparison", "8:7 promql/vector_matching"]);
    let fixed = found[1].fix.as_ref().expect("a fix").apply(text);
    assert!(fixed.contains("        / on(model) group_left sum by (model) (rate("), "{fixed}");
    let fixed = found[0].fix.as_ref().expect("a fix").apply(text);
    assert!(fixed.contains("expr: model:latency:p95 > bool 0.5\n"), "{fixed}");
}

#[test]
fn the_seed_rules_lint_points_at_the_efficiency_rule() {
    let found = lint_rules(SEED_RECORDING_RULES, &ctx());
    let bugs: Vec<String> =
        found.iter().filter(|f| f.severity >= Severity::Bug).map(Finding::render).collect();
    assert!(bugs.iter().any(|b| b.contains("promql/vector_matching")), "{bugs:#?}");
}
