//! Golden tests of the `promplay` binary: each case in tests/golden/cases.tsv runs the CLI
//! and compares its stdout with tests/golden/<name>.json (Prometheus's API body) and its
//! exit code. `PROMPLAY_BLESS=1 cargo test --test cli_golden` rewrites the expected files;
//! review them before committing.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn cli_output_matches_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/golden");
    let cases = fs::read_to_string(dir.join("cases.tsv")).expect("tests/golden/cases.tsv");
    let bless = std::env::var_os("PROMPLAY_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        let [name, code, args] = cols[..] else { panic!("bad case line {line:?}") };
        let want_code: i32 = code.parse().unwrap_or_else(|e| panic!("{name}: bad exit code: {e}"));
        let args: Vec<String> =
            serde_json::from_str(args).unwrap_or_else(|e| panic!("{name}: bad arguments: {e}"));
        let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
            .args(&args)
            .current_dir(root)
            .output()
            .expect("run promplay");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let golden = dir.join(format!("{name}.json"));
        count += 1;
        if bless {
            fs::write(&golden, &stdout).expect("write golden file");
        }
        let want =
            fs::read_to_string(&golden).unwrap_or_else(|e| panic!("{name}: {}: {e}", golden.display()));
        if stdout != want {
            failures.push(format!("{name}:\n  want {want}  got  {stdout}"));
        }
        if out.status.code() != Some(want_code) {
            failures.push(format!(
                "{name}: exit {:?}, want {want_code}; stderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        // Every body is one line of valid JSON.
        if serde_json::from_str::<serde_json::Value>(stdout.trim_end()).is_err() {
            failures.push(format!("{name}: stdout is not JSON: {stdout}"));
        }
    }
    assert!(count > 0, "no golden cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn usage_errors_exit_2_without_output() {
    for args in
        [&[][..], &["query"][..], &["query", "--bogus", "x"][..], &["nope"][..], &["query-range", "x"][..]]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_promplay")).args(args).output().expect("run promplay");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let help = Command::new(env!("CARGO_BIN_EXE_promplay")).arg("--help").output().expect("run promplay");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("query-range"));
}

#[test]
fn test_command_exit_codes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pass = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(["test", "tests/testdata/serving_basics.test"])
        .current_dir(root)
        .output()
        .expect("run promplay");
    assert_eq!(pass.status.code(), Some(0), "{}", String::from_utf8_lossy(&pass.stdout));
    let last = String::from_utf8_lossy(&pass.stdout).lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with("0 failed, 0 skipped"), "{last}");

    let failing = std::env::temp_dir().join(format!("promplay-failing-{}.test", std::process::id()));
    fs::write(&failing, "load 1m\n  x 1 2\n\neval instant at 1m x\n  x 3\n").expect("write temp test");
    let fail = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .arg("test")
        .arg(&failing)
        .output()
        .expect("run promplay");
    let _ = fs::remove_file(&failing);
    let text = String::from_utf8_lossy(&fail.stdout);
    assert_eq!(fail.status.code(), Some(1), "{text}");
    assert!(text.contains(":4: x\n") && text.contains("x: expected 3, got 2"), "{text}");
    assert!(text.ends_with("0 passed, 1 failed, 0 skipped\n"), "{text}");
}
