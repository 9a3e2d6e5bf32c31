//! Range queries carry work over from step to step: subqueries share their inner results,
//! `rate`/`increase`/`delta` slide each series' window, histogram functions keep their
//! bucket grouping. This checks that none of it changes anything: every query of
//! tests/testdata/subquery_paths.txt and window_paths.txt is evaluated as a range query and,
//! step by step, by a fresh evaluator per step (nothing carried over, no window fast path),
//! and the two must agree bit for bit on every value, on the annotations and on the errors.

use promql_parser::parser::Expr;
use promql_playground::engine::eval::{eval_range, Evaluator};
use promql_playground::engine::range::Assembler;
use promql_playground::engine::{Annotations, EngineOptions, Labels, Millis, Sample, Series, Storage, Value};

/// A matrix and its annotations, with floats as bits (NaNs compare, and any difference in
/// the last bit shows).
fn render(series: &[Series], annotations: &Annotations) -> String {
    let mut out = String::new();
    for s in series {
        let pts: Vec<(Millis, u64)> = s.points.iter().map(|p| (p.t, p.v.to_bits())).collect();
        out.push_str(&format!("{:?} {pts:?}\n", s.labels));
    }
    out + &format!("{annotations:?}")
}

/// The range query as the engine evaluates it.
fn shared(storage: &Storage, expr: &Expr, (start, end, step): (Millis, Millis, Millis)) -> (String, u64) {
    match eval_range(storage, expr, start, end, step, &EngineOptions::default()) {
        Ok(out) => match &out.value {
            Value::Matrix(m) => (render(m, &out.annotations), out.stats.samples_touched),
            other => (format!("not a matrix: {other:?}"), 0),
        },
        Err(e) => (format!("error {e:?}"), 0),
    }
}

/// The same range query, each step evaluated on its own.
fn per_step(storage: &Storage, expr: &Expr, (start, end, step): (Millis, Millis, Millis)) -> (String, u64) {
    let opts = EngineOptions::default();
    let mut out = Assembler::default();
    let mut annotations = Annotations::default();
    let mut touched = 0;
    let mut t = start;
    while t <= end {
        let mut ev = Evaluator::new(storage, &opts, start, end, step);
        ev.window_fast_path = false;
        let added = match ev.eval(expr, t) {
            Ok(Value::Vector(vec)) => vec.iter().enumerate().try_for_each(|(i, s)| out.add(i, s, t)),
            Ok(Value::Scalar { v, .. }) => out.add(0, &Sample::float(Labels::empty(), t, v), t),
            Ok(other) => return (format!("not a vector: {other:?}"), 0),
            Err(e) => Err(e),
        };
        if let Err(e) = added {
            return (format!("error {e:?}"), 0);
        }
        annotations.merge(std::mem::take(&mut ev.annotations));
        touched += ev.stats.samples_touched;
        t += step;
    }
    (render(&out.into_sorted(), &annotations), touched)
}

#[test]
fn shared_subquery_steps_match_per_step_evaluation() {
    compare_file("subquery_paths.txt");
}

#[test]
fn sliding_windows_and_bucket_plans_match_per_step_evaluation() {
    compare_file("window_paths.txt");
}

/// Runs every query of a `load ... --- queries` file in tests/testdata both ways.
fn compare_file(name: &str) {
    let path = format!("{}/tests/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (load, queries) = data.split_once("\n---\n").expect("a load block, ---, then queries");
    let queries: Vec<&str> = queries.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(queries.len() > 40, "too few queries");
    let small = promql_playground::promqltest::run::load_storage(load).expect("load block");
    let ml = promql_playground::content::builtin_dataset("ml-platform")
        .ok()
        .and_then(|d| d.storage().ok())
        .expect("ml-platform dataset");
    let ml_end = ml.time_bounds().map(|b| b.1).expect("samples");
    // Steps that divide the subquery steps and steps that do not, starts on and off the
    // grids, a negative start, steps longer than some subquery ranges, a single step.
    let runs: [(&Storage, (Millis, Millis, Millis)); 8] = [
        (&small, (0, 900_000, 10_000)),
        (&small, (0, 900_000, 7_000)),
        (&small, (3_500, 800_000, 20_000)),
        (&small, (-60_000, 600_000, 60_000)),
        (&small, (1_234, 700_000, 170_000)),
        (&small, (333_333, 333_333, 1_000)),
        (&ml, (ml_end - 2 * 3_600_000 - 7_500, ml_end, 60_000)),
        (&ml, (ml_end - 6 * 3_600_000, ml_end, 7 * 60_000)),
    ];
    let (mut compared, mut nonempty) = (0, 0);
    for q in &queries {
        let expr = promql_parser::parser::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        for (storage, range) in runs {
            let (got, touched) = shared(storage, &expr, range);
            let (want, touched_per_step) = per_step(storage, &expr, range);
            assert_eq!(got, want, "{q} over {range:?}");
            // Sharing reads no more than evaluating every window afresh.
            assert!(touched <= touched_per_step, "{q} over {range:?}: {touched} > {touched_per_step}");
            compared += 1;
            nonempty += usize::from(got.contains(" [("));
        }
    }
    assert!(nonempty * 2 > compared, "most runs must return data: {nonempty} of {compared}");
}
