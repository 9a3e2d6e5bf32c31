//! Runs a unit-test file the way promtool 2.42 does (cmd/promtool/unittest.go): per test
//! group, load the input series, evaluate the rules from 0 to the latest `eval_time` at the
//! evaluation interval, check the firing alerts at each `alert_rule_test` time (the last
//! evaluation at or before it) and, unless an evaluation failed, the PromQL tests.

use std::collections::BTreeMap;

use super::{duration_field, parse, AlertTest, ExpectedAlert, PromqlTest, TestFile, TestGroup};
use crate::engine::{eval, parse as promql, EngineOptions, Labels, Millis, Storage, Value};
use crate::promqltest::notation::{parse_metric, parse_series_line, SeqValue};
use crate::rules::alert_timeline::{AlertState, AlertTimeline};
use crate::rules::alerting::{RuleTemplates, TemplateEnv, ALERT_NAME};
use crate::rules::eval::{evaluate, EvalOptions, Evaluation, Restore, TemplateMode};
use crate::rules::eval_output::{template_querier, vector_result};
use crate::rules::load::Dialect;
use crate::rules::model::{Rule, RuleFile};
use crate::rules::{check, CheckOptions, Severity};

/// Where `rule_files` entries come from: the file system next to the test file (CLI), or the
/// page's rule editor (browser).
pub trait RuleSource {
    /// The files `pattern` names, as (name, text); an empty list when it matches nothing.
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String>;
}

/// Which Prometheus the tests follow: its rule-file format and template functions, and for
/// 2.42 its engine's closed windows and uncompensated sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    pub dialect: Dialect,
}

impl RunOptions {
    /// promtool 2.42, the one Debian installs (the default).
    pub fn promtool_2() -> Self {
        RunOptions { dialect: Dialect::Prometheus2 }
    }

    /// Prometheus 3's windows, numerics and rule format.
    pub fn prometheus_3() -> Self {
        RunOptions { dialect: Dialect::Prometheus3 }
    }

    /// The engine settings promtool of this version evaluates with.
    pub fn engine(&self, interval: Millis) -> EngineOptions {
        let v2 = self.dialect == Dialect::Prometheus2;
        EngineOptions {
            closed_windows: v2,
            v2_numerics: v2,
            default_subquery_step: interval,
            ..EngineOptions::default()
        }
    }
}

/// One alert as compared: labels (with `alertname`) and annotations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AlertFacts {
    pub labels: Labels,
    pub annotations: Vec<(String, String)>,
}

/// Something that made a test fail. `group` is the test group's `name`, if it has one.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The test file itself: unreadable, not YAML, a bad field.
    File(String),
    /// Rule files that could not be loaded (each message names its file).
    RuleFiles { group: String, messages: Vec<String> },
    /// The input series or a test entry could not be read.
    Input { group: String, message: String },
    /// Rules failed at one evaluation, which ended the test group: (rule, message).
    Eval { group: String, t: Millis, errors: Vec<(String, String)> },
    /// The firing alerts of one rule differ from the expected ones.
    Alerts {
        group: String,
        alertname: String,
        eval_time: Millis,
        expected: Vec<AlertFacts>,
        got: Vec<AlertFacts>,
    },
    /// A PromQL test failed to run.
    QueryError { group: String, expr: String, eval_time: Millis, message: String },
    /// A PromQL test's result differs from the expected samples.
    Samples {
        group: String,
        expr: String,
        eval_time: Millis,
        expected: Vec<(Labels, f64)>,
        got: Vec<(Labels, f64)>,
    },
}

/// What running one test file found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileOutcome {
    pub name: String,
    /// Rule-file patterns that matched no file (promtool warns and goes on).
    pub warnings: Vec<String>,
    pub problems: Vec<Problem>,
    /// Checks (alert tests and PromQL tests) run and passed.
    pub checks: usize,
    pub passed: usize,
}

impl FileOutcome {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs test file `text` (called `name`), reading its rule files from `rules`.
pub fn run_file(name: &str, text: &str, rules: &dyn RuleSource, opts: RunOptions) -> FileOutcome {
    let mut outcome = FileOutcome { name: name.to_string(), ..FileOutcome::default() };
    let file = if text.trim().is_empty() { Ok(TestFile::default()) } else { parse(name, text) };
    let file = match file.and_then(|f| check_file(&f).map(|()| f)) {
        Ok(f) => f,
        Err(e) => {
            outcome.problems.push(Problem::File(e));
            return outcome;
        }
    };
    let interval = match duration_field(&file.evaluation_interval) {
        Ok(0) => 60_000,
        Ok(i) => i,
        Err(e) => {
            outcome.problems.push(Problem::File(format!("evaluation_interval: {e}")));
            return outcome;
        }
    };
    let loaded = load_rules(&file, rules, opts, &mut outcome.warnings);
    for group in &file.tests {
        let mut run = GroupRun { group, interval, opts, outcome: &mut outcome };
        match &loaded {
            Ok(rules) => run.test(rules),
            Err(messages) => run.fail(|group| Problem::RuleFiles { group, messages: messages.clone() }),
        }
    }
    outcome
}

/// What promtool refuses while reading the file: bad durations, a repeated group name in
/// `group_eval_order`.
fn check_file(file: &TestFile) -> Result<(), String> {
    duration_field(&file.evaluation_interval).map_err(|e| format!("evaluation_interval: {e}"))?;
    let mut seen = Vec::new();
    for g in &file.group_eval_order {
        if seen.contains(&g) {
            return Err(format!("group name repeated in evaluation order: {g}"));
        }
        seen.push(g);
    }
    for (i, t) in file.tests.iter().enumerate() {
        let at = |what: &str, e: String| format!("tests[{i}].{what}: {e}");
        duration_field(&t.interval).map_err(|e| at("interval", e))?;
        for (j, a) in t.alert_rule_test.iter().enumerate() {
            duration_field(&a.eval_time).map_err(|e| at(&format!("alert_rule_test[{j}].eval_time"), e))?;
        }
        for (j, p) in t.promql_expr_test.iter().enumerate() {
            duration_field(&p.eval_time).map_err(|e| at(&format!("promql_expr_test[{j}].eval_time"), e))?;
        }
    }
    Ok(())
}

/// The rule files, groups ordered by `group_eval_order` (groups it does not name keep their
/// file order, ahead of the ones it names after the first), or every loading error.
fn load_rules(
    file: &TestFile,
    source: &dyn RuleSource,
    opts: RunOptions,
    warnings: &mut Vec<String>,
) -> Result<RuleFile, Vec<String>> {
    let mut all = RuleFile::default();
    let mut errors = Vec::new();
    let check_opts = CheckOptions { dialect: opts.dialect, unwrap_configmap: true, no_lint: true };
    for pattern in &file.rule_files {
        let files = match source.resolve(pattern) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if files.is_empty() {
            warnings.push(format!("no file match pattern {pattern}"));
        }
        for (name, text) in files {
            let report = check(&text, &check_opts);
            let failed: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.render(&name))
                .collect();
            match report.file {
                Some(f) if failed.is_empty() => all.groups.extend(f.groups),
                _ => errors.extend(failed),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let rank = |name: &str| file.group_eval_order.iter().position(|g| g == name).unwrap_or(0);
    all.groups.sort_by_key(|g| rank(&g.name));
    Ok(all)
}

/// One test group being run.
struct GroupRun<'a> {
    group: &'a TestGroup,
    interval: Millis,
    opts: RunOptions,
    outcome: &'a mut FileOutcome,
}

impl GroupRun<'_> {
    fn fail(&mut self, problem: impl FnOnce(String) -> Problem) {
        self.outcome.problems.push(problem(self.group.name.clone()));
    }

    fn test(&mut self, rules: &RuleFile) {
        if let Some(a) = self.group.alert_rule_test.iter().find(|a| a.alertname.is_empty()) {
            let at = a.eval_time.clone().unwrap_or_else(|| "0s".into());
            let named = if self.group.name.is_empty() {
                String::new()
            } else {
                format!(" (in TestGroup {})", self.group.name)
            };
            let message = format!(
                "an item under alert_rule_test misses required attribute alertname at eval_time {at}{named}"
            );
            return self.fail(|group| Problem::Input { group, message });
        }
        let (evaluation, eval_opts) = match evaluate_group(self.group, self.interval, rules, self.opts) {
            Ok(e) => e,
            Err(message) => return self.fail(|group| Problem::Input { group, message }),
        };
        let failed_at = first_error(&evaluation);
        let alerting: Vec<&Rule> = rules.rules().map(|(_, r)| r).filter(|r| r.is_alerting()).collect();
        let mut tests: Vec<(Millis, &AlertTest)> = self
            .group
            .alert_rule_test
            .iter()
            .map(|a| (duration_field(&a.eval_time).unwrap_or(0), a))
            .collect();
        // In time order; at one time, in file order.
        tests.sort_by_key(|(t, _)| *t);
        for (eval_time, test) in tests {
            let tick = eval_time.div_euclid(self.interval) * self.interval;
            if failed_at.is_some_and(|f| tick >= f) {
                break;
            }
            self.check_alerts(test, eval_time, tick, &evaluation, &alerting, &eval_opts);
        }
        if let Some(t) = failed_at {
            let errors = errors_at(&evaluation, rules, t);
            return self.fail(|group| Problem::Eval { group, t, errors });
        }
        for test in &self.group.promql_expr_test {
            self.check_promql(test, &evaluation.storage, &eval_opts.engine);
        }
    }

    fn check_alerts(
        &mut self,
        test: &AlertTest,
        eval_time: Millis,
        tick: Millis,
        evaluation: &Evaluation,
        alerting: &[&Rule],
        opts: &EvalOptions,
    ) {
        let mut got = Vec::new();
        for (timeline, rule) in evaluation.alerts.iter().zip(alerting) {
            if timeline.name == test.alertname {
                got.extend(firing(timeline, rule, tick, &evaluation.storage, opts));
            }
        }
        let mut expected: Vec<AlertFacts> =
            test.exp_alerts.iter().map(|e| expected_alert(e, &test.alertname)).collect();
        got.sort();
        expected.sort();
        self.outcome.checks += 1;
        if got == expected {
            self.outcome.passed += 1;
            return;
        }
        let alertname = test.alertname.clone();
        self.fail(|group| Problem::Alerts { group, alertname, eval_time, expected, got });
    }

    fn check_promql(&mut self, test: &PromqlTest, storage: &Storage, engine: &EngineOptions) {
        let eval_time = duration_field(&test.eval_time).unwrap_or(0);
        let expr = test.expr.clone();
        self.outcome.checks += 1;
        let got = promql::parse(&test.expr)
            .map_err(|e| e.to_string())
            .and_then(|e| eval::eval_instant(storage, &e, eval_time, engine).map_err(|e| e.to_string()))
            .and_then(|o| match o.value {
                v @ (Value::Vector(_) | Value::Scalar { .. }) => vector_result(v),
                _ => Err("rule result is not a vector or scalar".into()),
            });
        let mut got = match got {
            Ok(g) => g,
            Err(message) => {
                return self.fail(|group| Problem::QueryError { group, expr, eval_time, message })
            }
        };
        let mut expected = Vec::new();
        for s in &test.exp_samples {
            match parse_series_labels(&s.labels) {
                Ok(l) => expected.push((l, s.value)),
                Err(e) => {
                    let message = format!("labels {:?}: {e}", s.labels);
                    return self.fail(|group| Problem::QueryError { group, expr, eval_time, message });
                }
            }
        }
        got.sort_by(|a, b| a.0.cmp(&b.0));
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        // Exact comparison, as promtool 2.42's reflect.DeepEqual (NaN never equals NaN).
        let same = got.len() == expected.len()
            && got.iter().zip(&expected).all(|((gl, gv), (el, ev))| gl == el && gv == ev);
        if same {
            self.outcome.passed += 1;
            return;
        }
        self.fail(|group| Problem::Samples { group, expr, eval_time, expected, got });
    }
}

/// Evaluates `rules` over test group `group`'s input series as promtool does: from 0 to the
/// group's latest `eval_time`, every `interval`, alerting rules restored at once, group
/// intervals ignored. Returns the evaluation and the options it ran with.
pub fn evaluate_group(
    group: &TestGroup,
    interval: Millis,
    rules: &RuleFile,
    opts: RunOptions,
) -> Result<(Evaluation, EvalOptions), String> {
    let storage = input_series(group)?;
    let engine = opts.engine(interval);
    let eval_opts = EvalOptions {
        start: Some(0),
        end: Some(max_eval_time(group)),
        global_interval: interval,
        engine,
        uniform_interval: true,
        restore: Restore::Immediately,
        external_labels: Labels::from_pairs(group.external_labels.clone()),
        external_url: group.external_url.clone(),
        templates: TemplateMode { dialect: opts.dialect, no_external_url: true },
        ..EvalOptions::default()
    };
    Ok((evaluate(&storage, rules, &eval_opts), eval_opts))
}

/// The input series, one value per `interval` from time 0.
fn input_series(group: &TestGroup) -> Result<Storage, String> {
    let step = duration_field(&group.interval).unwrap_or(0);
    let mut storage = Storage::new();
    for s in &group.input_series {
        let desc = parse_series_line(&format!("{} {}", s.series, s.values))
            .map_err(|e| format!("input series {:?}: {e}", s.series))?;
        let id = storage.series_id(&desc.labels);
        for (i, v) in desc.values.iter().enumerate() {
            let t = i as Millis * step;
            let appended = match v {
                SeqValue::Float(f) => storage.append(id, t, *f),
                SeqValue::Histogram { h, .. } => storage.append_histogram(id, t, h.clone()),
                SeqValue::Omitted => continue,
            };
            appended.map_err(|e| format!("input series {:?}: {e}", s.series))?;
        }
    }
    Ok(storage)
}

/// The latest `eval_time` of the group's tests: where evaluation stops.
fn max_eval_time(group: &TestGroup) -> Millis {
    let alerts = group.alert_rule_test.iter().map(|a| &a.eval_time);
    let exprs = group.promql_expr_test.iter().map(|p| &p.eval_time);
    alerts.chain(exprs).map(|t| duration_field(t).unwrap_or(0)).max().unwrap_or(0)
}

/// `name{labels}`, `{labels}` or `name` (or nothing: no labels), as promtool's ParseMetric.
fn parse_series_labels(text: &str) -> Result<Labels, String> {
    if text.trim().is_empty() {
        return Ok(Labels::empty());
    }
    let (labels, rest) = parse_metric(text)?;
    if !rest.trim().is_empty() {
        return Err(format!("unexpected {:?} after the series", rest.trim()));
    }
    Ok(labels)
}

fn expected_alert(e: &ExpectedAlert, alertname: &str) -> AlertFacts {
    let mut labels: BTreeMap<&str, &str> =
        e.exp_labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    labels.insert(ALERT_NAME, alertname);
    AlertFacts {
        labels: Labels::from_pairs(labels),
        annotations: e.exp_annotations.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

/// The alerts of `timeline` firing after the evaluation at `tick`, with their annotations
/// (what an `alert_rule_test` at that evaluation compares).
pub fn firing(
    timeline: &AlertTimeline,
    rule: &Rule,
    tick: Millis,
    storage: &Storage,
    opts: &EvalOptions,
) -> Vec<AlertFacts> {
    let templates = RuleTemplates::new(rule, opts.templates.dialect);
    timeline
        .active_at(tick)
        .into_iter()
        .filter(|(_, e)| e.state_at(tick) == AlertState::Firing)
        .map(|(instance, episode)| {
            let annotations = match episode.refresh_at(tick) {
                Some(refresh) => {
                    let querier = template_querier(storage, refresh.t, opts);
                    let env = TemplateEnv {
                        external_labels: &opts.external_labels,
                        external_url: &opts.external_url,
                        querier: &querier,
                    };
                    templates.annotations(refresh, &env)
                }
                None => Vec::new(),
            };
            AlertFacts { labels: instance.labels.clone(), annotations }
        })
        .collect()
}

/// The first evaluation at which some rule failed.
fn first_error(evaluation: &Evaluation) -> Option<Millis> {
    let recording = evaluation.rules.iter().filter_map(|r| r.errors.first().map(|e| e.0));
    let alerting = evaluation.alerts.iter().filter_map(|a| a.errors.first().map(|e| e.0));
    recording.chain(alerting).min()
}

/// The rules that failed at `t`, in evaluation order (groups in `rules` order, rules in
/// group order), with their messages.
fn errors_at(evaluation: &Evaluation, rules: &RuleFile, t: Millis) -> Vec<(String, String)> {
    let recording = evaluation.rules.iter().map(|r| (&r.group, r.index, &r.record, &r.errors));
    let alerting = evaluation.alerts.iter().map(|a| (&a.group, a.index, &a.name, &a.errors));
    let mut failed: Vec<_> = recording.chain(alerting).collect();
    let rank = |group: &String| rules.groups.iter().position(|g| &g.name == group).unwrap_or(usize::MAX);
    failed.sort_by_key(|(g, i, _, _)| (rank(g), *i));
    failed
        .into_iter()
        .filter_map(|(_, _, name, errors)| {
            errors.iter().find(|(at, _)| *at == t).map(|(_, m)| (name.clone(), m.clone()))
        })
        .collect()
}
