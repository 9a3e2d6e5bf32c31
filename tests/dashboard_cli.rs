//! Golden tests of `promplay dashboard`: its Grafana JSON and text output for each window and
//! mode, compared with tests/golden/dashboard/. `PROMPLAY_BLESS=1 cargo test --test
//! dashboard_cli` rewrites the expected files; review them before committing.

use std::fs;
use std::path::Path;
use std::process::Command;

fn promplay(args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_promplay")).args(args).output().expect("run promplay");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

#[test]
fn output_matches_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/dashboard");
    let bless = std::env::var_os("PROMPLAY_BLESS").is_some();
    let cases: &[(&str, &[&str])] = &[
        ("raw_6h.json", &["dashboard"]),
        ("recorded_24h.json", &["dashboard", "--recorded", "--window", "24h", "--format", "grafana"]),
        ("raw_6h.txt", &["dashboard", "--format", "text"]),
        ("recorded_6h.txt", &["dashboard", "--recorded", "--format=text"]),
    ];
    for (name, args) in cases {
        let (stdout, stderr, code) = promplay(args);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        let path = dir.join(name);
        if bless {
            fs::write(&path, &stdout).expect("write golden file");
        }
        let want = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(stdout, want, "{name}");
        if name.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
            assert_eq!(v["templating"]["list"][0]["type"], "datasource", "{name}");
        }
    }
}

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        &["dashboard", "--window", "7d"][..],
        &["dashboard", "--format", "yaml"][..],
        &["dashboard", "extra"][..],
        &["dashboard", "--bogus"][..],
    ] {
        let (stdout, stderr, code) = promplay(args);
        assert_eq!((code, stdout.as_str()), (Some(2), ""), "{args:?}");
        assert!(stderr.contains("Usage: promplay dashboard"), "{args:?}: {stderr}");
    }
}
