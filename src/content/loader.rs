//! Loading a whole pack: the manifest, its dataset files, the series files those name, and
//! its exercise files. Files come through [`PackFiles`], so the same code reads a directory
//! (CLI, tests) and files the site fetched from a URL (`?pack=<url>`) or a picked file.
//!
//! The site's flow: the app fetches the manifest URL and passes the response to
//! [`check_response`]; then, in rounds, it asks the engine module which files are still
//! needed ([`files_needed`], through `link::packs::FilesNeeded`) and fetches them (relative to
//! the manifest URL, see [`resolve_url`]) until none is; then the engine module reads them
//! all with [`load_pack`] (`link::packs::LoadPack`).

use std::collections::BTreeMap;

use super::dataset::{Dataset, DatasetFile, MAX_FILE_BYTES};
use super::error::{ContentError, Problem};
use super::pack::PackManifest;
use super::yaml;
use crate::rules::yaml::ScalarType;

/// Where a pack's files come from.
pub trait PackFiles {
    /// The text of `path` (relative to the manifest), or why it cannot be read.
    fn read(&mut self, path: &str) -> Result<String, String>;
}

/// Files already in memory (fetched by the site, or embedded), by relative path.
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles(pub BTreeMap<String, String>);

impl PackFiles for MemoryFiles {
    fn read(&mut self, path: &str) -> Result<String, String> {
        self.0.get(path).cloned().ok_or_else(|| "not found in the pack".to_string())
    }
}

/// Files of a pack directory on disk.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug)]
pub struct DirFiles(pub std::path::PathBuf);

#[cfg(not(target_arch = "wasm32"))]
impl PackFiles for DirFiles {
    fn read(&mut self, path: &str) -> Result<String, String> {
        super::pack::check_relative_path(path)?;
        let full = self.0.join(path);
        let meta = std::fs::metadata(&full).map_err(|e| e.to_string())?;
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
        }
        std::fs::read_to_string(&full).map_err(|e| e.to_string())
    }
}

/// An exercise file of a pack, parsed only as far as the manifest needs (its `id`); the
/// exercise model reads the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseFile {
    pub file: String,
    pub id: String,
    pub text: String,
}

/// A pack with every file read and validated.
#[derive(Clone, Debug)]
pub struct LoadedPack {
    pub manifest: PackManifest,
    pub datasets: Vec<Dataset>,
    pub exercises: Vec<ExerciseFile>,
}

impl LoadedPack {
    /// A dataset of the pack by id.
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.meta.id == id)
    }
}

/// Loads a pack whose manifest (`manifest_name`, for messages) has text `manifest_text`;
/// every problem of every file is reported, not just the first.
pub fn load_pack(
    manifest_name: &str,
    manifest_text: &str,
    files: &mut dyn PackFiles,
) -> Result<LoadedPack, ContentError> {
    let manifest =
        PackManifest::parse(manifest_name, manifest_text).map_err(|problems| ContentError { problems })?;
    let mut problems = Vec::new();
    let mut datasets: Vec<Dataset> = Vec::new();
    for (i, path) in manifest.datasets.iter().enumerate() {
        let line = yaml::line_of(manifest_text, &[yaml::Seg::Key("datasets"), yaml::Seg::Index(i)]);
        let text = match read_checked(files, path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(
                    manifest_name,
                    line,
                    format!("cannot read dataset {path:?}: {e}"),
                ));
                continue;
            }
        };
        let mut read = |p: &str| read_checked(files, &join(path, p));
        match Dataset::load(path, &text, &mut read) {
            Ok(d) => {
                if datasets.iter().any(|o| o.meta.id == d.meta.id) {
                    problems.push(Problem::new(
                        path.as_str(),
                        1,
                        format!("dataset id {:?} is used twice in the pack", d.meta.id),
                    ));
                }
                datasets.push(d);
            }
            Err(e) => problems.extend(e.problems),
        }
    }
    let mut exercises: Vec<ExerciseFile> = Vec::new();
    for (i, path) in manifest.exercises.iter().enumerate() {
        let line = yaml::line_of(manifest_text, &[yaml::Seg::Key("exercises"), yaml::Seg::Index(i)]);
        match read_checked(files, path) {
            Ok(text) => match exercise_id(path, &text) {
                Ok(id) if exercises.iter().any(|e| e.id == id) => problems.push(Problem::new(
                    path.as_str(),
                    1,
                    format!("exercise id {id:?} is used twice in the pack"),
                )),
                Ok(id) => exercises.push(ExerciseFile { file: path.clone(), id, text }),
                Err(p) => problems.push(p),
            },
            Err(e) => problems.push(Problem::new(
                manifest_name,
                line,
                format!("cannot read exercise {path:?}: {e}"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(LoadedPack { manifest, datasets, exercises })
    } else {
        Err(ContentError { problems })
    }
}

/// The files the pack still needs that `have` does not hold yet: first the manifest's
/// dataset and exercise files, then the series files those dataset files name. Paths are
/// relative to the manifest. Unreadable files are left to [`load_pack`] to report.
pub fn files_needed(manifest_text: &str, have: &MemoryFiles) -> Vec<String> {
    let Ok(manifest) = PackManifest::parse("pack.yaml", manifest_text) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    let mut need = |p: String| {
        if !have.0.contains_key(&p) && !out.contains(&p) {
            out.push(p);
        }
    };
    for path in manifest.datasets.iter().chain(&manifest.exercises) {
        match have.0.get(path) {
            None => need(path.clone()),
            Some(text) if manifest.datasets.contains(path) => {
                if let Ok(spec) = yaml::parse::<DatasetFile>(path, text) {
                    spec.series.iter().for_each(|s| need(join(path, &s.file)));
                }
            }
            Some(_) => {}
        }
    }
    out
}

/// Checks a fetched response before it is parsed: HTTP errors, empty bodies, web pages and
/// oversized files become clear problems naming the URL.
pub fn check_response(url: &str, status: u16, body: &str) -> Result<(), ContentError> {
    let problem = |msg: String| Err(ContentError::at(url, 0, msg));
    match status {
        200..=299 => {}
        404 => return problem("not found (HTTP 404): check the pack URL".into()),
        0 => {
            return problem(
                "could not be fetched (network error, or the server does not allow cross-origin requests)"
                    .into(),
            )
        }
        s => return problem(format!("could not be fetched (HTTP {s})")),
    }
    if body.trim().is_empty() {
        return problem("the response is empty, not a pack".into());
    }
    if body.len() > MAX_FILE_BYTES {
        return problem(format!("the response is larger than {MAX_FILE_BYTES} bytes"));
    }
    if super::pack::looks_like_html(body) {
        return problem("the URL returned a web page, not a pack file".into());
    }
    Ok(())
}

/// `rel` resolved against the URL of the manifest (`https://x/y/pack.yaml` + `a.yaml` →
/// `https://x/y/a.yaml`).
pub fn resolve_url(manifest_url: &str, rel: &str) -> String {
    let base = manifest_url.split(['?', '#']).next().unwrap_or(manifest_url);
    match base.rfind('/') {
        Some(i) => format!("{}/{rel}", &base[..i]),
        None => rel.to_string(),
    }
}

/// A path relative to the file `from` (both relative to the manifest).
fn join(from: &str, rel: &str) -> String {
    match from.rfind('/') {
        Some(i) => format!("{}/{rel}", &from[..i]),
        None => rel.to_string(),
    }
}

/// Reads a file, applying the size cap.
fn read_checked(files: &mut dyn PackFiles, path: &str) -> Result<String, String> {
    let text = files.read(path)?;
    if text.len() > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
    }
    Ok(text)
}

/// The `id` of an exercise file (a YAML mapping with at least `id`).
fn exercise_id(file: &str, text: &str) -> Result<String, Problem> {
    let doc = yaml::parse_document(file, text)?;
    match doc.get("id").filter(|id| id.scalar_type() == Some(ScalarType::Str)) {
        Some(node) => {
            let id = node.as_scalar().unwrap_or_default();
            super::pack::check_id(id).map_err(|e| Problem::new(file, node.line, e))?;
            Ok(id.to_string())
        }
        None => Err(Problem::new(file, 1, "an exercise file needs an `id`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert_eq!(resolve_url("https://x.org/c/pack.yaml?v=2", "d/a.yaml"), "https://x.org/c/d/a.yaml");
        assert_eq!(join("sets/a.yaml", "a.om"), "sets/a.om");
        assert_eq!(join("a.yaml", "a.om"), "a.om");
    }
}
