//! Every input the fuzzer ever found a problem with (`tests/fuzz/<target>/*.txt`, kept as
//! regression cases) runs without a panic and in bounded time, and a short fuzzing pass of
//! every target finds nothing. The long runs are `scripts/fuzz.sh` (see `promplay fuzz`).

use std::time::Duration;

use promql_playground::fuzz::{self, targets::TARGETS, Problem};

/// Generous: this is an unoptimised test build (the fuzzer's own limit is 1 s, optimised).
const SLOW_IN_TESTS: Duration = Duration::from_secs(20);

#[test]
fn kept_findings_no_longer_fail() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for dir in std::fs::read_dir(&root).expect("tests/fuzz exists").flatten() {
        let name = dir.file_name().to_string_lossy().to_string();
        let target = fuzz::target(&name).unwrap_or_else(|| panic!("tests/fuzz/{name} names no fuzz target"));
        for file in std::fs::read_dir(dir.path()).expect("readable").flatten() {
            let input = std::fs::read_to_string(file.path()).expect("a text file");
            replayed += 1;
            if let Err(problem) = fuzz::replay(target, &input, SLOW_IN_TESTS) {
                failures.push(format!("{}: {problem:?}", file.path().display()));
            }
        }
    }
    assert!(replayed >= 5, "only {replayed} regression cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_short_pass_of_every_target_finds_nothing() {
    let mut findings = Vec::new();
    for target in TARGETS {
        let report = fuzz::fuzz(target, 7, Duration::from_secs(3), 300, SLOW_IN_TESTS, None);
        assert!(report.runs > 0, "{} ran nothing", target.name);
        findings.extend(report.findings.into_iter().map(|f| match f.problem {
            Problem::Panic(m) => format!("{}: panic {m} on {:?}", f.target, f.input),
            Problem::Slow(d) => format!("{}: {d:?} on {:?}", f.target, f.input),
        }));
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
