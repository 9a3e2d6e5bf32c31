//! Checking a read pack against what is already there before it is registered: its
//! exercises are parsed and checked against the datasets they run on (the pack's own and
//! those already loaded), and ids that clash with the built-in content or another loaded
//! pack are reported as problems (file:line) rather than silently shadowing them.

use crate::content::exercise::{validate, Exercise};
use crate::content::loader::LoadedPack;
use crate::content::yaml::{line_of, Seg};
use crate::content::{ContentError, Dataset, DatasetMeta, Problem};

/// What is already there: the datasets exercises may run on and the exercise ids in use
/// (built-in and other loaded packs).
#[derive(Clone, Debug, Default)]
pub struct Taken {
    pub datasets: Vec<DatasetMeta>,
    pub exercise_ids: Vec<String>,
}

/// A pack that passed every check, ready to register.
#[derive(Clone, Debug)]
pub struct Checked {
    pub id: String,
    pub title: String,
    pub description: String,
    pub datasets: Vec<Dataset>,
    pub exercises: Vec<Exercise>,
}

/// Checks `pack` (read from `manifest_name` with text `manifest_text`) against what is
/// already there and parses its exercises. Every problem is reported, not just the first.
pub fn finish(
    manifest_name: &str,
    manifest_text: &str,
    pack: LoadedPack,
    taken: &Taken,
) -> Result<Checked, ContentError> {
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
    Ok(Checked { id: m.id, title: m.title, description: m.description, datasets: pack.datasets, exercises })
}
