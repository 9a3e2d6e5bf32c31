//! Files generated from the content and committed, so the start page can show them without
//! the engine module (which holds the YAML reader and the dataset generators): the built-in
//! exercise catalogue and the default dataset's facts. Each test generates its file again and
//! fails when the committed copy differs; `UPDATE_GENERATED=1 cargo test --test
//! generated_files` rewrites them.

use std::fmt::Write;
use std::path::Path;

use promql_playground::content::builtin::DEFAULT_DATASET;
use promql_playground::content::exercise_pack::builtin_exercises;
use promql_playground::host::builtin_facts;

/// The command that regenerates the files.
const REGENERATE: &str = "UPDATE_GENERATED=1 cargo test --test generated_files";

/// Compares `fresh` with the committed file at `path` (relative to the crate root), or
/// rewrites it when UPDATE_GENERATED=1.
fn check_generated(path: &str, fresh: &str) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    if committed == fresh {
        return;
    }
    if std::env::var("UPDATE_GENERATED").is_ok_and(|v| v == "1") {
        std::fs::write(&full, fresh).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        return;
    }
    let line = committed.lines().zip(fresh.lines()).position(|(a, b)| a != b);
    let line = line.unwrap_or_else(|| committed.lines().count().min(fresh.lines().count())) + 1;
    panic!(
        "{path} is out of date with the content it is generated from (first difference at line \
         {line}).\nRegenerate it with:\n    {REGENERATE}"
    );
}

const CATALOGUE_HEADER: &str = "\
//! The built-in exercises as the app lists them, in catalogue order (the order of
//! `exercises/pack.yaml`): the start page lists them without loading the engine module, and
//! the playground's engine module knows their ids and datasets without their files.
//!
//! Generated from `exercises/` by `tests/generated_files.rs`: do not edit. After changing
//! the exercises, regenerate it with `{REGENERATE}`.

use crate::content::exercise::ExerciseKind;

use super::exercise_pack::BuiltinExercise;

/// Every built-in exercise, in catalogue order.
pub const BUILTIN: &[BuiltinExercise] = &[
";

/// `src/content/builtin_catalogue.rs` for the exercises in `exercises/`. Strings are written with
/// `{:?}`, which escapes them as Rust literals; the layout is the one rustfmt keeps.
fn catalogue_source() -> String {
    let exercises =
        builtin_exercises().unwrap_or_else(|e| panic!("the built-in exercises do not load:\n{e}"));
    let mut out = CATALOGUE_HEADER.replace("{REGENERATE}", REGENERATE);
    for ex in &exercises {
        out.push_str("    BuiltinExercise {\n");
        for (field, value) in
            [("id", &ex.id), ("title", &ex.title), ("seed_ref", &ex.seed_ref), ("task", &ex.task)]
        {
            let _ = writeln!(out, "        {field}: {value:?},");
        }
        let _ = writeln!(out, "        kind: ExerciseKind::{:?},", ex.kind);
        let _ = writeln!(out, "        dataset: {:?},", ex.dataset);
        out.push_str("    },\n");
    }
    out.push_str("];\n");
    out
}

#[test]
fn the_builtin_catalogue_is_up_to_date() {
    check_generated("src/content/builtin_catalogue.rs", &catalogue_source());
}

#[test]
fn the_default_dataset_facts_are_up_to_date() {
    let facts = builtin_facts(DEFAULT_DATASET).expect("the default dataset builds");
    let json = serde_json::to_string_pretty(&facts).expect("facts serialize") + "\n";
    check_generated("src/ui/default_dataset.json", &json);
}
