//! Finds the relabel corpus of the shared folder (`shared/relabel/`, beside the repository
//! or further up) that the relabel tests read.

use std::path::{Path, PathBuf};

/// `shared/relabel` in the nearest ancestor that has it. Panics when there is none: these
/// tests are the relabel conformance gate and must not pass by finding nothing.
pub fn relabel_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .map(|a| a.join("shared/relabel"))
        .find(|d| d.join("corpus/relabel.yaml").is_file())
        .unwrap_or_else(|| {
            panic!(
                "the relabel corpus (shared/relabel/corpus/relabel.yaml) is not beside {} or above it",
                root.display()
            )
        })
}
