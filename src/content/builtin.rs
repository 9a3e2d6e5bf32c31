//! The built-in datasets: the `datasets/` pack embedded in the binary (and the wasm module),
//! so the site and the CLI work with no file or network access.

use super::dataset::Dataset;
use super::error::ContentError;
use super::loader::{load_pack, LoadedPack, MemoryFiles};

/// The files of the built-in pack, by path relative to `datasets/pack.yaml`.
pub const FILES: &[(&str, &str)] = &[
    ("pack.yaml", include_str!("../../datasets/pack.yaml")),
    ("ml-platform.yaml", include_str!("../../datasets/ml-platform.yaml")),
    ("high-cardinality.yaml", include_str!("../../datasets/high-cardinality.yaml")),
];

/// The id of the dataset exercises use unless they name another.
pub const DEFAULT_DATASET: &str = "ml-platform";

/// Loads the built-in pack (metadata only: no samples are generated yet).
pub fn builtin_pack() -> Result<LoadedPack, ContentError> {
    let files: MemoryFiles = MemoryFiles(FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect());
    let manifest = files.0.get("pack.yaml").cloned().unwrap_or_default();
    load_pack("datasets/pack.yaml", &manifest, &mut files.clone())
}

/// Every built-in dataset (metadata; call [`Dataset::storage`] for the samples).
pub fn builtin_datasets() -> Result<Vec<Dataset>, ContentError> {
    builtin_pack().map(|p| p.datasets)
}

/// One built-in dataset by id.
pub fn builtin_dataset(id: &str) -> Result<Dataset, ContentError> {
    builtin_datasets()?
        .into_iter()
        .find(|d| d.meta.id == id)
        .ok_or_else(|| ContentError::at("datasets/pack.yaml", 0, format!("no built-in dataset {id:?}")))
}
