//! The recording-rules lab's pure view parts: the seed's rules it starts with, and the
//! report's verdicts, tallies and number formats. (Step-by-step evaluation and measurement
//! are tested where they run, in the engine module's `host::rules`.)

use promql_playground::rules::cost::{Cost, CostTable, Pair, PairCost};
use promql_playground::rules::equivalence::Equivalence;
use promql_playground::rules::{check, CheckOptions};
use promql_playground::ui::rules_lab::report::{self, Verdict};
use promql_playground::ui::rules_lab::SEED_RULES;

#[test]
fn seed_rules_are_the_seed_configmap() {
    let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
    let rules = check(SEED_RULES, &opts).file.expect("the seed's rules are valid");
    assert_eq!(rules.rules().filter(|(_, r)| r.is_recording()).count(), 16);
    assert!(SEED_RULES.contains("kind: ConfigMap"));
}

fn cost(ms: f64, series: usize) -> Cost {
    Cost { median_ms: ms, samples: 10, series: 2, result_series: series, error: None }
}

fn pair_cost(label: &str, raw: Cost, recorded: Cost, equivalence: Equivalence) -> PairCost {
    PairCost {
        pair: Pair { label: label.into(), raw: "raw".into(), recorded: "rec".into(), from_seed: false },
        instant_raw: raw.clone(),
        instant_recorded: recorded.clone(),
        range_raw: raw,
        range_recorded: recorded,
        equivalence,
    }
}

#[test]
fn verdicts_against_the_seed_bar() {
    let failed = Cost { error: Some("boom".into()), ..Cost::default() };
    let same = Equivalence::Same;
    let differs =
        Equivalence::Differs("the raw query returns 3 series (model), the recorded series 6".into());
    let cases = [
        ("fast", cost(6.0, 3), cost(1.0, 3), &same, Verdict::Meets, Some(6.0), None),
        (
            "exactly 5x is not more than 5x",
            cost(5.0, 3),
            cost(1.0, 3),
            &same,
            Verdict::Misses,
            Some(5.0),
            None,
        ),
        ("slower", cost(1.0, 3), cost(2.0, 3), &same, Verdict::Misses, Some(0.5), None),
        ("not compared", cost(7.0, 3), cost(1.0, 3), &Equivalence::Unknown, Verdict::Meets, Some(7.0), None),
        ("empty recorded series", cost(9.0, 3), cost(1.0, 0), &same, Verdict::Empty, None, None),
        ("failed query", cost(9.0, 3), failed, &same, Verdict::Failed, None, None),
        // Fast, but not a replacement: shown as such, and not counted.
        (
            "different series",
            cost(9.0, 3),
            cost(1.0, 6),
            &differs,
            Verdict::Differs,
            Some(9.0),
            Some("3 series (model)"),
        ),
    ];
    let table = CostTable {
        pairs: cases
            .iter()
            .map(|(l, raw, rec, eq, ..)| pair_cost(l, raw.clone(), rec.clone(), (*eq).clone()))
            .collect(),
        storage: Vec::new(),
        at: 0,
        range: (0, 0, 1),
        runs: 1,
    };
    let rows = report::rows(&table);
    for (row, (label, _, _, _, verdict, ratio, note)) in rows.iter().zip(&cases) {
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
    // Of the four pairs whose ratio counts, two beat 5× — for both query kinds; the faster
    // pair that computes something else is not one of them.
    assert_eq!(report::tally(&rows), (2, 4, 2, 4));
    assert_eq!(rows[6].instant.verdict.label(), "not the same");
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
