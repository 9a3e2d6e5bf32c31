//! Seed inputs: the repository's own files (datasets, exercises, rule files, test packs,
//! template corpora, promqltest files) read from the source tree the binary was built from
//! (or the working directory), plus every kept finding under `tests/fuzz/<target>/`.

use std::path::{Path, PathBuf};

/// Largest seed file read (bigger ones are left out, not cut).
const MAX_SEED_BYTES: u64 = 256 * 1024;

/// The repository root: where the crate was built, else the working directory.
pub fn root() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR"));
    if built.join("Cargo.toml").is_file() {
        built.to_path_buf()
    } else {
        PathBuf::from(".")
    }
}

/// The texts of the files under `dirs` (relative to the root, recursively) whose names end
/// with one of `suffixes`.
pub fn files(dirs: &[&str], suffixes: &[&str]) -> Vec<String> {
    let mut paths = Vec::new();
    for dir in dirs {
        collect(&root().join(dir), suffixes, &mut paths);
    }
    paths.sort();
    paths
        .iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_SEED_BYTES))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn collect(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, suffixes, out);
        } else if path.to_str().is_some_and(|p| suffixes.iter().any(|s| p.ends_with(s))) {
            out.push(path);
        }
    }
}

/// The findings kept for `target` (regression cases).
pub fn kept(target: &str) -> Vec<String> {
    files(&[&format!("tests/fuzz/{target}")], &[".txt"])
}

/// Template texts found in YAML files: every `{{ … }}`-bearing value, unquoted.
pub fn templates_in(dirs: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for text in files(dirs, &[".yml", ".yaml"]) {
        for line in text.lines().filter(|l| l.contains("{{")) {
            let value = line.split_once(": ").map_or(line, |(_, v)| v).trim();
            let value = value.trim_matches(|c| c == '\'' || c == '"');
            out.push(value.replace("\\n", "\n"));
        }
    }
    out.sort();
    out.dedup();
    out
}
