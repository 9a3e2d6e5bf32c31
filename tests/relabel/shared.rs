//! Finds the relabel corpus the relabel tests read: the copy in tests/relabel/corpus, checked
//! against its source (`shared/relabel/` beside the repository or further up) when that is
//! present.

use std::path::{Path, PathBuf};

/// The folder holding `corpus/relabel.yaml` and `corpus/tsdb_status.yaml`. Panics when they
/// are missing or differ from the shared folder's: these tests are the relabel conformance
/// gate and must not pass by finding nothing or an outdated copy.
pub fn relabel_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = root.join("tests/relabel");
    for file in ["relabel.yaml", "tsdb_status.yaml"] {
        let ours = std::fs::read(copy.join("corpus").join(file))
            .unwrap_or_else(|e| panic!("tests/relabel/corpus/{file}: {e}"));
        let source =
            root.ancestors().map(|a| a.join("shared/relabel/corpus").join(file)).find(|p| p.is_file());
        if let Some(source) = source {
            let theirs = std::fs::read(&source).unwrap();
            assert!(
                ours == theirs,
                "tests/relabel/corpus/{file} differs from {}: copy it again",
                source.display()
            );
        }
    }
    copy
}
