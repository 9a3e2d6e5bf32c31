//! The pack manifest (`pack.yaml`): what an instructor publishes. It names the pack and lists
//! its dataset files and exercise files, relative to the manifest, because a browser cannot
//! list a directory behind a URL.

use serde::Deserialize;

use super::error::Problem;
use super::yaml::{self, Seg};

/// The only manifest format this version reads.
pub const FORMAT: &str = "promplay-pack/1";

/// The file name a pack directory's manifest has.
pub const MANIFEST_FILE: &str = "pack.yaml";

/// A parsed `pack.yaml`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    /// Always `promplay-pack/1`; anything else is not a pack (or a newer one).
    pub format: String,
    /// Short identifier, `[a-z0-9-]`.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Dataset files (YAML), relative to the manifest.
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Exercise files (YAML), relative to the manifest.
    #[serde(default)]
    pub exercises: Vec<String>,
}

impl PackManifest {
    /// Parses and validates a manifest's text. `file` names it in problems.
    pub fn parse(file: &str, text: &str) -> Result<PackManifest, Vec<Problem>> {
        if looks_like_html(text) {
            return Err(vec![Problem::new(file, 1, "this is an HTML page, not a pack manifest (pack.yaml)")]);
        }
        let m: PackManifest = yaml::parse(file, text).map_err(|p| vec![not_a_pack_hint(p, text)])?;
        let mut problems = Vec::new();
        let at = |path: &[Seg]| yaml::line_of(text, path);
        if m.format != FORMAT {
            problems.push(Problem::new(
                file,
                at(&[Seg::Key("format")]),
                format!("unsupported format {:?} (this version reads {FORMAT:?})", m.format),
            ));
        }
        if let Err(e) = check_id(&m.id) {
            problems.push(Problem::new(file, at(&[Seg::Key("id")]), e));
        }
        for (key, list) in [("datasets", &m.datasets), ("exercises", &m.exercises)] {
            for (i, path) in list.iter().enumerate() {
                if let Err(e) = check_relative_path(path) {
                    problems.push(Problem::new(file, at(&[Seg::Key(key), Seg::Index(i)]), e));
                }
                if list[..i].contains(path) {
                    problems.push(Problem::new(
                        file,
                        at(&[Seg::Key(key), Seg::Index(i)]),
                        format!("{path:?} is listed twice"),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(m)
        } else {
            Err(problems)
        }
    }
}

/// True when a fetched body is a web page (a 404 page, a directory listing, a login wall).
pub fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start().get(..15).unwrap_or(text.trim_start()).to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")
}

/// A manifest that does not even have the manifest's shape gets told what was expected.
fn not_a_pack_hint(p: Problem, text: &str) -> Problem {
    if text.lines().any(|l| l.trim_start().starts_with("format:")) {
        p
    } else {
        Problem { message: format!("not a pack manifest (no `format: {FORMAT}`): {}", p.message), ..p }
    }
}

/// Identifiers (pack, dataset, event ids) are short, lower-case and URL-safe.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!("invalid id {id:?}: use 1-64 characters of a-z, 0-9, - and _"))
    }
}

/// Paths in a pack stay inside the pack: relative, no `..`, no scheme.
pub fn check_relative_path(path: &str) -> Result<(), String> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains("://")
        || path.split('/').any(|part| part == ".." || part.is_empty());
    if bad {
        Err(format!("invalid path {path:?}: use a relative path inside the pack (no `..`, no leading `/`)"))
    } else {
        Ok(())
    }
}
