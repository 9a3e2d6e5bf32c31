//! `promplay check`: validates packs on disk and reports every problem as `file:line: reason`
//! with paths the user can open (the pack directory joined with the file the problem is in).

use std::path::{Path, PathBuf};

use super::dataset::DatasetMeta;
use super::error::Problem;
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
            let hint = if path.is_dir() { format!(" (a pack directory needs a {MANIFEST_FILE})") } else { String::new() };
            report.problems.push(Problem::new(shown, 0, format!("cannot read: {e}{hint}")));
            return report;
        }
    };
    match load_pack(&shown, &text, &mut DirFiles(dir.clone())) {
        Ok(pack) => {
            report.datasets = pack.datasets.into_iter().map(|d| d.meta).collect();
            report.exercises = pack.exercises.len();
        }
        Err(e) => {
            report.problems = e
                .problems
                .into_iter()
                .map(|p| if p.file == shown { p } else { Problem { file: dir.join(&p.file).display().to_string(), ..p } })
                .collect();
        }
    }
    report
}
