//! Learning content: dataset and exercise packs, their loaders and grading.
