//! `promplay grade`: re-grades a learner's submission (the `.zip` the site's "My work" page
//! downloads, or a folder such as a checked-out repository) and prints the rubric.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::check::load_checked;
use crate::deliverables::archive::{
    self, check_name, from_raw, Bundle, MAX_ENTRIES, MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};
use crate::deliverables::catalogue::Catalogue;
use crate::deliverables::grade::grade_bundle;
use crate::deliverables::report;

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "grade",
    summary: "re-grade a learner's submission against the rubric",
    usage: "Usage: promplay grade SUBMISSION [--pack PACK]... [--format text|json|junit]\n\n\
        SUBMISSION is the .zip the site's My work page downloads, or a folder holding its\n\
        files (answers.json at its top, or inside one top folder). Every answer is graded\n\
        again with the site's graders (a \"solved\" flag is never trusted); recording_rules.yml\n\
        and alert_rules.yml are checked like `promplay rules check`, every alert the alerting\n\
        exercises grade is evaluated in alert_rules.yml (fires as expected, severity and the\n\
        reference's labels, a runbook and a threshold justification), alert_rules_test.yml is\n\
        run like `promplay test rules`, alertmanager.yml must load, and the documents must be\n\
        there. Prints a score per rubric section (fundamentals 15, advanced 20, recording\n\
        rules 20, alert rules 20, optimisation 15, documentation 10) and per-item findings.\n\
        docs/grading.md explains the rubric and running a cohort.\n\n\
        \x20 --pack PACK  also grade answers to the query exercises of the pack in folder PACK\n\
        \x20              (its pack.yaml and datasets; repeat for several packs). An exercise\n\
        \x20              whose seed_ref names a seed task (TODO 2.3 ...) joins that section\n\
        \x20 --format F   text (default), json, or junit (JUnit XML for CI)\n\n\
        Exit codes: 0 every required item passes, 1 some does not (or the submission cannot\n\
        be read), 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["format", "pack*"], &[])?;
    let [path] = args.positional.as_slice() else {
        return Err(CliError::usage("give one SUBMISSION (a .zip or a folder)"));
    };
    let format = args.get("format").unwrap_or("text");
    if !matches!(format, "text" | "json" | "junit") {
        return Err(CliError::usage(format!("unknown --format {format:?}: use text, json or junit")));
    }
    let bundle = read_submission(Path::new(path)).map_err(|e| CliError::failed(format!("{path}: {e}")))?;
    let mut catalogue = Catalogue::builtin().map_err(CliError::failed)?;
    for dir in args.all("pack") {
        let pack =
            load_checked(Path::new(dir)).map_err(|e| CliError::failed(format!("--pack {dir}: {e}")))?;
        catalogue.add_pack(&pack).map_err(|e| CliError::failed(format!("--pack {dir}: {e}")))?;
    }
    let graded = grade_bundle(&catalogue, &bundle).map_err(|e| CliError::failed(format!("{path}: {e}")))?;
    let text = match format {
        "json" => report::json(&graded),
        "junit" => report::junit(&graded),
        _ => report::text(&graded),
    };
    write!(out, "{text}")?;
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(i32::from(!graded.passed()))
}

/// Reads a `.zip` or a folder, within the archive module's caps.
fn read_submission(path: &Path) -> Result<Bundle, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return read_folder(path);
    }
    if meta.len() > archive::MAX_ARCHIVE_BYTES as u64 {
        return Err(format!("{} bytes is more than a submission may have", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    archive::read_zip(&bytes)
}

/// Reads a folder's files (hidden ones and symbolic links left out, at most 8 levels deep),
/// refusing more than the caps allow.
fn read_folder(root: &Path) -> Result<Bundle, String> {
    let mut raw = Vec::new();
    let mut skipped = Vec::new();
    let mut total = 0u64;
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.to_path_buf(), String::new(), 0)];
    while let Some((dir, prefix, depth)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                skipped
                    .push(format!("{prefix}{}: the name is not UTF-8", entry.file_name().to_string_lossy()));
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(|e| format!("{rel}: {e}"))?;
            if kind.is_symlink() {
                skipped.push(format!("{rel}: a symbolic link (not followed)"));
            } else if kind.is_dir() {
                if depth < 8 {
                    stack.push((entry.path(), format!("{rel}/"), depth + 1));
                }
            } else if kind.is_file() {
                check_name(&rel)?;
                if raw.len() >= MAX_ENTRIES {
                    return Err(format!("more than {MAX_ENTRIES} files"));
                }
                let len = entry.metadata().map_err(|e| format!("{rel}: {e}"))?.len();
                if len > MAX_FILE_BYTES {
                    skipped.push(format!("{rel}: {len} bytes, more than {MAX_FILE_BYTES}"));
                    continue;
                }
                total += len;
                if total > MAX_TOTAL_BYTES {
                    return Err(format!("the files add up to more than {MAX_TOTAL_BYTES} bytes"));
                }
                raw.push((rel.clone(), std::fs::read(entry.path()).map_err(|e| format!("{rel}: {e}"))?));
            }
        }
    }
    raw.sort();
    let mut bundle = from_raw(raw);
    bundle.skipped.extend(skipped);
    Ok(bundle)
}
