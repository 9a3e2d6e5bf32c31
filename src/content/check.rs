//! `promplay check`: validates packs on disk and reports every problem as `file:line: reason`
//! with paths the user can open (the pack directory joined with the file the problem is in).

use std::path::{Path, PathBuf};

use super::builtin::builtin_datasets;
use super::dataset::DatasetMeta;
use super::error::Problem;
use super::exercise;
use super::loader::{load_pack, DirFiles};
use super::pack::MANIFEST_FILE;

/// What checking one pack found.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// The manifest that was checked.
    pub manifest: PathBuf,
    pub problems: Vec<Problem>,
    /// The datasets that loaded (with their sizes).
    pub datasets: Vec<DatasetMeta>,
    pub exercises: usize,
}

/// Loads the pack at `path` once [`check_path`] finds no problem; the error lists every
/// problem, one `file:line: reason` per line.
pub fn load_checked(path: &Path) -> Result<super::loader::LoadedPack, String> {
    let report = check_path(path);
    if !report.problems.is_empty() {
        let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        return Err(text.join("\n"));
    }
    let shown = report.manifest.display().to_string();
    let text = std::fs::read_to_string(&report.manifest).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let base = report.manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    load_pack(&shown, &text, &mut DirFiles(base)).map_err(|e| e.to_string())
}

/// Checks the pack at `path`: a directory holding `pack.yaml`, or a manifest file.
pub fn check_path(path: &Path) -> CheckReport {
    let manifest = if path.is_dir() { path.join(MANIFEST_FILE) } else { path.to_path_buf() };
    let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    let shown = manifest.display().to_string();
    let mut report = CheckReport { manifest: manifest.clone(), ..CheckReport::default() };
    let text = match std::fs::read(&manifest) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                report.problems.push(Problem::new(shown, 0, "not UTF-8 text"));
                return report;
            }
        },
        Err(e) => {
            let hint = if path.is_dir() {
                format!(" (a pack directory needs a {MANIFEST_FILE})")
            } else {
                String::new()
            };
            report.problems.push(Problem::new(shown, 0, format!("cannot read: {e}{hint}")));
            return report;
        }
    };
    let problems = match load_pack(&shown, &text, &mut DirFiles(dir.clone())) {
        Ok(pack) => {
            report.datasets = pack.datasets.into_iter().map(|d| d.meta).collect();
            report.exercises = pack.exercises.len();
            // Exercises may use the pack's datasets and the built-in ones.
            let mut metas = report.datasets.clone();
            for d in builtin_datasets().into_iter().flatten() {
                if !metas.iter().any(|m| m.id == d.meta.id) {
                    metas.push(d.meta);
                }
            }
            let files: Vec<(String, String)> = pack.exercises.into_iter().map(|e| (e.file, e.text)).collect();
            exercise::validate(&files, &metas)
        }
        Err(e) => e.problems,
    };
    report.problems =
        problems
            .into_iter()
            .map(|p| {
                if p.file == shown {
                    p
                } else {
                    Problem { file: dir.join(&p.file).display().to_string(), ..p }
                }
            })
            .collect();
    report
}
