//! Turning a loaded pack into what the site adds next to the built-in content: its datasets
//! and its exercises, parsed and checked against the datasets they run on, with ids that
//! clash with the built-in content or another loaded pack reported as problems (file:line)
//! rather than silently shadowing them. Plain logic, so native tests cover it.

use std::sync::Arc;

use crate::content::exercise::{validate, Exercise};
use crate::content::loader::{files_needed, load_pack, LoadedPack};
use crate::content::yaml::{line_of, Seg};
use crate::content::{ContentError, Dataset, DatasetMeta, Problem};

use super::source::{arrange, fill_by_name};

/// Where a loaded pack came from.
#[derive(Clone, Debug, PartialEq)]
pub enum PackSource {
    /// The manifest URL (remembered across visits).
    Url(String),
    /// Files picked on this computer (they last for the visit).
    Local,
}

impl PackSource {
    /// What to call the source in the page.
    pub fn label(&self) -> &str {
        match self {
            PackSource::Url(u) => u,
            PackSource::Local => "files picked on this computer",
        }
    }
}

/// A pack ready for the site: its description, datasets (samples built on first use) and
/// exercises.
#[derive(Clone, Debug)]
pub struct PackEntry {
    pub source: PackSource,
    pub id: String,
    pub title: String,
    pub description: String,
    pub datasets: Vec<Arc<Dataset>>,
    pub exercises: Vec<Exercise>,
}

/// What is already there: the datasets exercises may run on and the exercise ids in use
/// (built-in and other loaded packs).
#[derive(Clone, Debug, Default)]
pub struct Taken {
    pub datasets: Vec<DatasetMeta>,
    pub exercise_ids: Vec<String>,
}

/// Checks `pack` (loaded from `manifest_name` with text `manifest_text`) against what is
/// already there and parses its exercises. Every problem is reported, not just the first.
pub fn finish(
    source: PackSource,
    manifest_name: &str,
    manifest_text: &str,
    pack: LoadedPack,
    taken: &Taken,
) -> Result<PackEntry, ContentError> {
    let mut problems = Vec::new();
    for (i, d) in pack.datasets.iter().enumerate() {
        if taken.datasets.iter().any(|t| t.id == d.meta.id) {
            problems.push(Problem::new(
                manifest_name,
                line_of(manifest_text, &[Seg::Key("datasets"), Seg::Index(i)]),
                format!(
                    "dataset id {:?} is already used by a built-in dataset or another loaded pack",
                    d.meta.id
                ),
            ));
        }
    }
    let mut metas: Vec<DatasetMeta> = pack.datasets.iter().map(|d| d.meta.clone()).collect();
    metas.extend(taken.datasets.iter().cloned());
    let files: Vec<(String, String)> =
        pack.exercises.iter().map(|e| (e.file.clone(), e.text.clone())).collect();
    problems.extend(validate(&files, &metas));
    let mut exercises = Vec::new();
    for (file, text) in &files {
        match Exercise::load(file, text) {
            Ok(ex) if taken.exercise_ids.contains(&ex.id) => problems.push(Problem::new(
                file.as_str(),
                line_of(text, &[Seg::Key("id")]),
                format!(
                    "exercise id {:?} is already used by a built-in exercise or another loaded pack",
                    ex.id
                ),
            )),
            Ok(ex) => exercises.push(ex),
            // `validate` has reported these problems already.
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(ContentError { problems });
    }
    let m = pack.manifest;
    Ok(PackEntry {
        source,
        id: m.id,
        title: m.title,
        description: m.description,
        datasets: pack.datasets.into_iter().map(Arc::new).collect(),
        exercises,
    })
}

/// Loads a pack from files picked on this computer (path as the browser gives it, text).
pub fn from_picked(picked: &[(String, String)], taken: &Taken) -> Result<PackEntry, ContentError> {
    const NAME: &str = "pack.yaml";
    let (manifest, mut files) = arrange(picked).map_err(|e| ContentError::at("picked files", 0, e))?;
    // Two rounds suffice (dataset files, then their series files); a few more cost nothing.
    for _ in 0..4 {
        let needed = files_needed(&manifest, &files);
        if needed.is_empty() || fill_by_name(&needed, &mut files, picked) == 0 {
            break;
        }
    }
    let pack = load_pack(NAME, &manifest, &mut files.clone())?;
    finish(PackSource::Local, NAME, &manifest, pack, taken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::builtin_datasets;

    /// The files of a fixture pack of the browser tests, as if picked one by one.
    fn picked(dir: &str) -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/fixtures").join(dir);
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let name = p.file_name().unwrap().to_string_lossy().to_string();
                    out.push((name, std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        out
    }

    fn builtin_taken() -> Taken {
        let datasets = builtin_datasets().unwrap().into_iter().map(|d| d.meta).collect();
        Taken { datasets, exercise_ids: vec!["todo-1-3-sum-by".into()] }
    }

    #[test]
    fn good_pack_from_picked_files() {
        let entry = from_picked(&picked("pack-ok"), &builtin_taken()).unwrap();
        assert_eq!(entry.id, "checkout-course");
        assert_eq!(entry.datasets.len(), 1);
        assert_eq!(entry.datasets[0].meta.id, "checkout");
        assert_eq!(entry.datasets[0].storage().unwrap().len(), 2);
        let ids: Vec<&str> = entry.exercises.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["checkout-error-rate"]);
        // Loaded twice, its ids clash with the first copy.
        let mut taken = builtin_taken();
        taken.datasets.push(entry.datasets[0].meta.clone());
        taken.exercise_ids.push("checkout-error-rate".into());
        let e = from_picked(&picked("pack-ok"), &taken).unwrap_err().to_string();
        assert!(e.contains("pack.yaml:7: dataset id \"checkout\" is already used"), "{e}");
        assert!(e.contains("checkout-error-rate.yaml:1: exercise id"), "{e}");
    }

    #[test]
    fn bad_packs_name_file_and_line() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("a.yaml", "x")], "picked files: pick the pack's pack.yaml"),
            (&[("pack.yaml", "<!doctype html><p>hi")], "pack.yaml:1: this is an HTML page"),
            (
                &[("pack.yaml", "format: promplay-pack/1\nid: x\ntitle: t\ncolour: 1\n")],
                "pack.yaml:4: unknown field `colour`",
            ),
            (
                &[("pack.yaml", "format: promplay-pack/1\nid: x\ntitle: t\ndatasets: [gone.yaml]\n")],
                "pack.yaml:4: cannot read dataset \"gone.yaml\"",
            ),
        ];
        for (files, want) in cases {
            let files: Vec<(String, String)> =
                files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
            let e = from_picked(&files, &Taken::default()).unwrap_err().to_string();
            assert!(e.contains(want), "{e}\nwanted: {want}");
        }
        let e = from_picked(&picked("pack-bad"), &builtin_taken()).unwrap_err().to_string();
        assert!(e.contains("broken.yaml:4: unknown field `colour`"), "{e}");
    }
}
