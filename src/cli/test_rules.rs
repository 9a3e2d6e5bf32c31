//! `promplay test rules FILE...`: promtool's rule unit tests (`promtool test rules`), with
//! promtool 2.42's verdicts and exit codes and a readable diff of what failed.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::rules::unittest::{render, run_file, RuleSource, RunOptions};

use super::{Args, CliError};

pub const USAGE: &str = "Usage: promplay test rules [--prometheus-3] FILE...\n\n\
    Runs rule unit-test files in promtool's format (rule_files, evaluation_interval,\n\
    group_eval_order, tests with input_series, alert_rule_test and promql_expr_test) the way\n\
    `promtool test rules` 2.42 does, and reports each failure as a diff: the alerts or samples\n\
    expected but missing (-), present but not expected (+), or with other annotations or\n\
    values (~). rule_files are relative to the test file; `*` and `?` match file names.\n\n\
    \x20 --prometheus-3   evaluate with Prometheus 3's left-open windows and rule format\n\
    \x20                  (group labels, query_offset, UTF-8 names); the default is 2.42's.\n\
    \x20                  With query_offset, a rule queries (and writes its samples) one\n\
    \x20                  offset before the evaluation, whose time alerts keep, as in 3.x\n\n\
    Exit codes: 0 every test passed, 1 some test failed, 2 usage error.\n";

/// Runs `promplay test rules ARGS`.
pub fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &[], &["prometheus-3"])?;
    if args.positional.is_empty() {
        return Err(CliError::usage("missing FILE"));
    }
    let opts = if args.has("prometheus-3") { RunOptions::prometheus_3() } else { RunOptions::promtool_2() };
    let mut outcomes = Vec::new();
    for path in &args.positional {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::failed(format!("cannot read {path}: {e}")))?;
        let dir = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
        outcomes.push(run_file(path, &text, &Files { dir }, opts));
    }
    write!(out, "{}", render(&outcomes))?;
    Ok(i32::from(outcomes.iter().any(|o| !o.ok())))
}

/// Rule files on disk, relative to the test file's folder.
struct Files {
    dir: PathBuf,
}

impl RuleSource for Files {
    fn resolve(&self, pattern: &str) -> Result<Vec<(String, String)>, String> {
        let full =
            if Path::new(pattern).is_absolute() { PathBuf::from(pattern) } else { self.dir.join(pattern) };
        let mut out = Vec::new();
        for path in glob(&full) {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
            out.push((name, text));
        }
        Ok(out)
    }
}

/// The files matching `pattern`, whose last component may hold `*` and `?` (Go's
/// `filepath.Glob` for the common case), sorted; a pattern without them names the file if it
/// exists.
fn glob(pattern: &Path) -> Vec<PathBuf> {
    let name = pattern.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !name.contains(['*', '?']) {
        return if pattern.exists() { vec![pattern.to_path_buf()] } else { Vec::new() };
    }
    let dir = pattern.parent().map(Path::to_path_buf).unwrap_or_default();
    let listing = if dir.as_os_str().is_empty() { Path::new(".") } else { dir.as_path() };
    let Ok(entries) = std::fs::read_dir(listing) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| wildcard(&name, &e.file_name().to_string_lossy()))
        .map(|e| dir.join(e.file_name()))
        .collect();
    out.sort();
    out
}

/// `*` (any run) and `?` (any one character) matching of a whole name.
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards() {
        for (p, n, want) in [
            ("*.yml", "rules.yml", true),
            ("*.yml", "rules.yaml", false),
            ("r?les.yml", "rules.yml", true),
            ("rules.yml", "rules.yml", true),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
        ] {
            assert_eq!(wildcard(p, n), want, "{p} {n}");
        }
    }
}
