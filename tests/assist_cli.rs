//! `promplay fmt`, `lint` and `explain` as a learner runs them, with exact outputs on the
//! default dataset (times left out: they vary).

use promql_playground::cli::main_with;

/// Runs promplay with `args`: exit code, stdout, stderr.
fn promplay(args: &[&str]) -> (i32, String, String) {
    let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = main_with(&argv, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

#[test]
fn fmt_prints_the_query_as_prometheus_does() {
    let (code, out, _) = promplay(&["fmt", "sum(rate(model_predictions_total[5m]))by(model)"]);
    assert_eq!((code, out.as_str()), (0, "sum by (model) (rate(model_predictions_total[5m]))\n"));
    let (code, _, err) = promplay(&["fmt", "sum(x"]);
    assert_eq!(code, 1);
    assert!(err.contains("1:4: parse error: unclosed left parenthesis"), "{err}");
}

#[test]
fn lint_finds_fixes_and_exits_by_severity() {
    let (code, out, _) = promplay(&["lint", "sum(model_predictions_total)"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("1:5: warning promql/counter: `model_predictions_total` is a counter"), "{out}");
    let (code, out, _) = promplay(&["lint", "--fix", "sum(model_predictions_total)"]);
    assert_eq!((code, out.as_str()), (1, "sum(rate(model_predictions_total[5m]))\n"));
    let (code, out, _) = promplay(&["lint", "sum(rate(model_predictions_total[5m]))"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn explain_prints_the_tree_as_text_and_json() {
    let q = "sum by (model) (rate(model_predictions_total[5m]))";
    let (code, out, _) = promplay(&["explain", q]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], q);
    assert!(lines[1].starts_with("at 2026-01-07T00:00:00Z: 210 samples read, "), "{out}");
    let heads: Vec<&str> = lines.iter().copied().filter(|l| l.trim_start().starts_with(['●', '└'])).collect();
    assert_eq!(
        heads,
        [
            "● aggregation: sum by (model) (rate(model_predictions_total[5m]))",
            "  └ function: rate(model_predictions_total[5m])",
            "    └ range selector: model_predictions_total[5m]",
        ]
    );
    assert!(out.contains("  → 5 groups from 21 input series (2 to 7 each): {model=\"fraud-detector\"} 7, {model=\"recommender\"} 5, {model=\"search-ranker\"} 4, {model=\"image-classifier\"} 3, {model=\"churn-predictor\"} 2\n"), "{out}");
    assert!(out.contains("  → 5 series instant vector · labels model (5) · e.g. {model=\"fraud-detector\"} = 36.1593 · 210 samples read · "), "{out}");

    let (code, out, _) = promplay(&["explain", "--format", "json", "sum(up)"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["nodes"][0]["text"], "sum(up)");
    assert_eq!(v["nodes"][0]["result"]["example_value"], "33");
    assert_eq!(v["nodes"][1]["kind"], "instant selector");
    assert_eq!(v["nodes"][1]["result"]["series"], 33);
    assert_eq!(v["samples"], 33);
}

#[test]
fn explain_reports_bad_input() {
    let (code, _, err) = promplay(&["explain", "sum(x"]);
    assert_eq!(code, 1);
    assert!(err.contains("unclosed left parenthesis"), "{err}");
    let (code, _, err) = promplay(&["explain", "--format", "yaml", "up"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format \"yaml\""), "{err}");
    let (code, _, _) = promplay(&["explain"]);
    assert_eq!(code, 2);
}
