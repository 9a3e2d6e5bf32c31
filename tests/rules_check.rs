//! `promplay rules check` against `promtool check rules`: every fixture in tests/rules/ must
//! get promtool's verdict (exit code, with and without `--lint-fatal`) and a message at the
//! right `file:line:col`. The verdicts are recorded in tests/rules/verdicts.tsv, and that
//! table is itself checked against the real promtool (Debian's prometheus package).

use std::path::{Path, PathBuf};
use std::process::Command;

use promql_playground::rules::{check, configmap, CheckOptions, CheckReport, Dialect};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules");

/// One row of verdicts.tsv.
struct Case {
    file: String,
    exit: i32,
    exit_lint_fatal: i32,
    message: Option<String>,
}

impl Case {
    fn path(&self) -> PathBuf {
        Path::new(DIR).join(&self.file)
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.path()).unwrap_or_else(|e| panic!("{}: {e}", self.file))
    }

    fn is_configmap(&self) -> bool {
        self.file.ends_with(".configmap.yaml")
    }

    /// promplay's check, the way the table says it is run.
    fn promplay(&self) -> CheckReport {
        let opts = CheckOptions { unwrap_configmap: self.is_configmap(), ..CheckOptions::promtool_2() };
        check(&self.text(), &opts)
    }
}

fn cases() -> Vec<Case> {
    let table = std::fs::read_to_string(Path::new(DIR).join("verdicts.tsv")).expect("verdicts.tsv");
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad verdicts.tsv row: {l}");
            Case {
                file: cols[0].to_string(),
                exit: cols[1].parse().expect("exit code"),
                exit_lint_fatal: cols[2].parse().expect("exit code"),
                message: (cols[3] != "-").then(|| cols[3].to_string()),
            }
        })
        .collect()
}

#[test]
fn every_fixture_is_in_the_table_and_there_are_enough() {
    let listed: Vec<String> = cases().into_iter().map(|c| c.file).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(DIR)
        .expect("tests/rules")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .collect();
    on_disk.sort();
    for f in &on_disk {
        assert!(listed.contains(f), "{f} has no row in verdicts.tsv");
    }
    let good = listed.iter().filter(|f| !f.starts_with("bad_")).count();
    let bad = listed.len() - good;
    assert!(good >= 5 && bad >= 10, "want at least 5 good and 10 bad files, have {good} and {bad}");
}

#[test]
fn promplay_verdicts_match_promtool() {
    let mut wrong = Vec::new();
    for case in cases() {
        let report = case.promplay();
        let got = (report.verdict().exit_code(false), report.verdict().exit_code(true));
        if got != (case.exit, case.exit_lint_fatal) {
            wrong.push(format!(
                "{}: promplay exits {got:?}, promtool ({}, {})\n{}",
                case.file,
                case.exit,
                case.exit_lint_fatal,
                report.render(&case.file)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn messages_carry_file_line_and_promtool_wording() {
    let mut wrong = Vec::new();
    for case in cases() {
        let rendered = case.promplay().render(&case.file);
        match &case.message {
            Some(m) if !rendered.contains(m.as_str()) => {
                wrong.push(format!("{}: want a message containing\n  {m}\ngot\n{rendered}", case.file))
            }
            None if rendered.contains("FAILED") => {
                wrong.push(format!("{}: unexpected\n{rendered}", case.file))
            }
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn configmaps_are_refused_without_unwrapping_like_promtool() {
    for case in cases().into_iter().filter(Case::is_configmap) {
        let report = check(&case.text(), &CheckOptions::promtool_2());
        let rendered = report.render(&case.file);
        assert_eq!(report.verdict().exit_code(false), 1, "{rendered}");
        assert!(rendered.contains("field apiVersion not found in type rulefmt.RuleGroups"), "{rendered}");
    }
}

/// The recorded table against the real promtool. A missing promtool fails this test: the
/// comparison is the point (scripts/test.sh installs it: `apt-get install -y prometheus`).
#[test]
fn recorded_verdicts_match_live_promtool() {
    let promtool = std::env::var("PROMTOOL").unwrap_or_else(|_| "promtool".into());
    let probe = Command::new(&promtool).arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{promtool} not found: install Debian's prometheus package (apt-get install -y prometheus)"
    );
    let scratch = std::env::temp_dir().join(format!("promplay-rules-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let mut wrong = Vec::new();
    for case in cases() {
        // promtool cannot read a ConfigMap: give it the embedded rule file.
        let path = if case.is_configmap() {
            let parts = configmap::unwrap(&case.text()).expect("a ConfigMap");
            assert_eq!(parts.len(), 1, "{}: one embedded rule file expected", case.file);
            let p = scratch.join(&parts[0].key);
            std::fs::write(&p, &parts[0].text).expect("write embedded file");
            p
        } else {
            case.path()
        };
        let run = |extra: &[&str]| {
            let out = Command::new(&promtool).args(["check", "rules"]).args(extra).arg(&path).output();
            out.map(|o| o.status.code().unwrap_or(-1)).unwrap_or(-1)
        };
        let got = (run(&[]), run(&["--lint-fatal"]));
        if got != (case.exit, case.exit_lint_fatal) {
            wrong.push(format!(
                "{}: promtool exits {got:?}, table says ({}, {})",
                case.file, case.exit, case.exit_lint_fatal
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Nothing a user types may panic (a panic in wasm kills the page): every prefix of every
/// fixture, and a few mangled variants, are checked in both dialects.
#[test]
fn no_input_panics() {
    let mut checked = 0;
    for case in cases() {
        let text = case.text();
        let mangled = [
            text.replace(": ", ":"),
            text.replace("- ", "-"),
            text.replace('\n', "\n\t"),
            text.replace('"', ""),
        ];
        let prefixes = text.char_indices().map(|(i, _)| &text[..i]).step_by(5);
        for input in prefixes.chain(mangled.iter().map(String::as_str)) {
            for dialect in [Dialect::Prometheus2, Dialect::Prometheus3] {
                let report = check(input, &CheckOptions { dialect, unwrap_configmap: true, no_lint: false });
                let _ = report.render("x");
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}
