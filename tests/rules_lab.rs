//! The recording-rules lab's pure parts: evaluating rule by rule gives exactly what the rule
//! evaluator gives in one go, measuring pair by pair gives the cost table `compare` gives,
//! and the report's verdicts, tallies and number formats.

use std::cell::Cell;

use promql_playground::engine::{EngineOptions, Labels, Storage};
use promql_playground::promqltest::run::load_storage;
use promql_playground::rules::cost::{self, Cost, CostOptions, CostTable, Pair, PairCost};
use promql_playground::rules::eval::Mode;
use promql_playground::rules::{check, evaluate, CheckOptions, EvalOptions, RuleFile};
use promql_playground::ui::rules_lab::report::{self, Verdict};
use promql_playground::ui::rules_lab::session::{reads_later, Measuring, Session};
use promql_playground::ui::rules_lab::SEED_RULES;

const DATA: &str = "load 30s
  req_total{job=\"a\", pod=\"1\", version=\"v1\"} 0+10x200
  req_total{job=\"a\", pod=\"2\", version=\"v2\"} 0+20x200
  req_total{job=\"b\", pod=\"1\", version=\"v1\"} 0+30x200
  cpu_total{job=\"a\"} 0+1x200
  cpu_total{job=\"b\"} 0+2x200
";

/// Chains across groups, an empty rule (label mismatch), a rule with labels and a limit.
const CHAINED: &str = "groups:
- name: fast
  interval: 30s
  rules:
  - record: job:req:rate1m
    expr: sum by (job, version) (rate(req_total[1m]))
  - record: all:req:rate1m
    expr: sum(job:req:rate1m)
    labels:
      scope: platform
- name: slow
  interval: 1m
  limit: 10
  rules:
  - record: job:req:per_cpu
    expr: job:req:rate1m / sum by (job) (rate(cpu_total[1m]))
  - record: job:req:per_cpu_fixed
    expr: job:req:rate1m / on(job) group_left() sum by (job) (rate(cpu_total[1m]))
";

/// The first rule reads what the second records: only tick-by-tick evaluation is right.
const FORWARD: &str = "groups:
- name: g
  interval: 30s
  rules:
  - record: all:req:rate1m
    expr: sum(job:req:rate1m)
  - record: job:req:rate1m
    expr: sum by (job) (rate(req_total[1m]))
";

fn file(text: &str) -> RuleFile {
    let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
    check(text, &opts).file.unwrap_or_else(|| panic!("valid rules: {text}"))
}

fn storage() -> Storage {
    load_storage(DATA).expect("data")
}

/// Every recorded sample of every series, in a comparable form.
fn dump(s: &Storage) -> Vec<(Labels, Vec<(i64, u64)>)> {
    let mut out: Vec<_> = s
        .all()
        .iter()
        .map(|x| (x.labels.clone(), x.points.iter().map(|p| (p.t, p.v.to_bits())).collect()))
        .collect();
    out.sort();
    out
}

#[test]
fn stepwise_evaluation_equals_one_go() {
    let base = storage();
    for (name, text, mode, steps) in
        [("chained", CHAINED, Mode::PerRule, 4), ("forward", FORWARD, Mode::PerTick, 1)]
    {
        let rules = file(text);
        let mut session = Session::new(&base, &rules, EngineOptions::default());
        assert_eq!((session.mode(), session.steps(), session.done()), (mode, steps, 0), "{name}");
        let mut clock = || 0.0;
        assert!(session.step(&mut clock), "{name}: a first step");
        assert_eq!(session.done(), 1, "{name}");
        let stepped = session.finish(&mut clock);
        let whole = evaluate(&base, &rules, &EvalOptions::default());
        assert_eq!(stepped.mode, whole.mode, "{name}");
        assert_eq!((stepped.start, stepped.end), (whole.start, whole.end), "{name}");
        assert_eq!(dump(&stepped.storage), dump(&whole.storage), "{name}: recorded samples");
        let summary = |e: &promql_playground::rules::Evaluation| -> Vec<(String, usize, usize, usize)> {
            e.rules.iter().map(|r| (r.record.clone(), r.series.len(), r.samples, r.stale_markers)).collect()
        };
        assert_eq!(summary(&stepped), summary(&whole), "{name}: outcomes");
    }
}

#[test]
fn empty_rules_are_explained() {
    let evaluation = Session::new(&storage(), &file(CHAINED), EngineOptions::default()).finish(&mut || 0.0);
    let rule = |name: &str| evaluation.rules.iter().find(|r| r.record == name).expect(name);
    let broken = rule("job:req:per_cpu");
    assert!(broken.is_empty());
    let why = broken.explanation.join(" ");
    assert!(why.contains("version") && why.contains("on("), "names the extra label and the fix: {why}");
    assert!(!rule("job:req:per_cpu_fixed").is_empty());
    assert!(rule("job:req:per_cpu_fixed").explanation.is_empty());
}

#[test]
fn forward_references_are_detected() {
    let cases = [(CHAINED, false), (FORWARD, true), (SEED_RULES, false)];
    for (text, want) in cases {
        assert_eq!(reads_later(&file(text)), want, "{text}");
    }
}

#[test]
fn seed_rules_are_the_seed_configmap() {
    let rules = file(SEED_RULES);
    assert_eq!(rules.rules().filter(|(_, r)| r.is_recording()).count(), 16);
    assert!(SEED_RULES.contains("kind: ConfigMap"));
}

#[test]
fn pairwise_measuring_equals_compare() {
    let base = storage();
    let rules = file(CHAINED);
    let evaluation = evaluate(&base, &rules, &EvalOptions::default());
    let opts =
        CostOptions { runs: 3, min_batch_ms: 0.5, range: 600_000, step: 30_000, ..CostOptions::default() };
    // Each reading 1 ms after the last: timings depend on the number of readings only.
    let fake = || {
        let now = Cell::new(0.0);
        move || {
            now.set(now.get() + 1.0);
            now.get()
        }
    };
    let whole = cost::compare(&evaluation, &rules, &opts, &mut fake());
    let mut measuring = Measuring::new(&rules, opts.clone());
    assert_eq!(measuring.steps(), whole.pairs.len());
    assert_eq!(measuring.next_label(), whole.pairs.first().map(|p| p.pair.label.as_str()));
    let mut clock = fake();
    assert!(measuring.step(&evaluation, &mut clock));
    let stepped = measuring.finish(&evaluation, &mut clock);
    assert_eq!(stepped, whole);
}

fn cost(ms: f64, series: usize) -> Cost {
    Cost { median_ms: ms, samples: 10, series: 2, result_series: series, error: None }
}

fn pair_cost(label: &str, raw: Cost, recorded: Cost) -> PairCost {
    PairCost {
        pair: Pair { label: label.into(), raw: "raw".into(), recorded: "rec".into(), from_seed: false },
        instant_raw: raw.clone(),
        instant_recorded: recorded.clone(),
        range_raw: raw,
        range_recorded: recorded,
    }
}

#[test]
fn verdicts_against_the_seed_bar() {
    let failed = Cost { error: Some("boom".into()), ..Cost::default() };
    let cases = [
        ("fast", cost(6.0, 3), cost(1.0, 3), Verdict::Meets, Some(6.0), None),
        ("exactly 5x is not more than 5x", cost(5.0, 3), cost(1.0, 3), Verdict::Misses, Some(5.0), None),
        ("slower", cost(1.0, 3), cost(2.0, 3), Verdict::Misses, Some(0.5), None),
        ("empty recorded series", cost(9.0, 3), cost(1.0, 0), Verdict::Empty, None, None),
        ("failed query", cost(9.0, 3), failed, Verdict::Failed, None, None),
        ("different series", cost(9.0, 3), cost(1.0, 6), Verdict::Meets, Some(9.0), Some("3 series")),
    ];
    let table = CostTable {
        pairs: cases.iter().map(|(l, raw, rec, ..)| pair_cost(l, raw.clone(), rec.clone())).collect(),
        storage: Vec::new(),
        at: 0,
        range: (0, 0, 1),
        runs: 1,
    };
    let rows = report::rows(&table);
    for (row, (label, _, _, verdict, ratio, note)) in rows.iter().zip(&cases) {
        assert_eq!(row.instant.verdict, *verdict, "{label}");
        assert_eq!(row.range.verdict, *verdict, "{label}");
        assert_eq!(row.instant.shown_ratio(), *ratio, "{label}");
        match note {
            Some(part) => {
                assert!(row.note.as_deref().is_some_and(|n| n.contains(part)), "{label}: {:?}", row.note)
            }
            None => assert_eq!(row.note, None, "{label}"),
        }
    }
    // Of the four pairs with a meaningful ratio, two beat 5× — for both query kinds.
    assert_eq!(report::tally(&rows), (2, 4, 2, 4));
}

#[test]
fn number_formats() {
    let times = [(0.0123, "12.3 µs"), (0.5, "500 µs"), (1.0, "1 ms"), (12.345, "12.3 ms"), (2500.0, "2.5 s")];
    for (ms, want) in times {
        assert_eq!(report::time(ms), want, "{ms}");
    }
    for (r, want) in [(5.04, "5.0×"), (12.34, "12.3×"), (250.4, "250×")] {
        assert_eq!(report::ratio(r), want, "{r}");
    }
    for (b, want) in [(999.0, "999 B"), (1500.0, "1.5 KB"), (2_340_000.0, "2.34 MB"), (1.2e9, "1.2 GB")] {
        assert_eq!(report::bytes(b), want, "{b}");
    }
    for (n, want) in [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567")] {
        assert_eq!(report::count(n), want, "{n}");
    }
    assert!(report::storage_assumption().contains("1.3 bytes per sample"));
}
