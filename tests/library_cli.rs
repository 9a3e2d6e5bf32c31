//! `promplay library` against a golden file: the Markdown document on ml-platform with the
//! times masked (series and sample counts compare exactly); usage errors. (The JSON's field
//! names and the text format are checked in src/assist/library/tests.rs, on the same
//! library.) `PROMPLAY_BLESS=1 cargo test --test library_cli` rewrites the golden file;
//! review it before committing.

use std::path::Path;

use promql_playground::cli::main_with;

/// Runs promplay with `args`: exit code, stdout, stderr.
fn promplay(args: &[&str]) -> (i32, String, String) {
    let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = main_with(&argv, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

/// `text` with every time (`12.345 ms`) replaced by `<ms>`.
fn mask_times(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" ms") {
        let head = &rest[..at];
        let number = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.').len();
        if number > 0 && head[head.len() - number..].contains('.') {
            out.push_str(&head[..head.len() - number]);
            out.push_str("<ms>");
        } else {
            out.push_str(head);
            out.push_str(" ms");
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

fn check_golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/library").join(name);
    if std::env::var_os("PROMPLAY_BLESS").is_some() {
        std::fs::write(&path, got).expect("write golden file");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if got != want {
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {}:\n  got:  {:?}\n  want: {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn markdown_matches_the_golden_file_with_times_masked() {
    let (code, out, err) = promplay(&["library", "--runs", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" ms |"), "no times printed");
    check_golden("ml-platform.md", &mask_times(&out));
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in
        [&["library", "--format", "yaml"][..], &["library", "extra"][..], &["library", "--runs", "x"][..]]
    {
        let (code, out, err) = promplay(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(err.contains("Usage: promplay library"), "{err}");
    }
    let (code, _, err) = promplay(&["library", "--dataset", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown dataset \"nope\""), "{err}");
}

#[test]
fn masking_replaces_times_only() {
    assert_eq!(mask_times("| 5 | 210 | 0.123 ms |\n5 ms 3.0 ms"), "| 5 | 210 | <ms> |\n5 ms <ms>");
}
