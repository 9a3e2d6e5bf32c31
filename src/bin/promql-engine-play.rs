//! The playground's engine module: the entry point of src/bin/promql-engine.rs built with
//! neither the `lessons` nor the `labs` feature (the engine, datasets, packs and
//! assistance), so a deep link into the playground downloads the least. The app moves to a
//! larger build when a page needs more.

#[path = "promql-engine.rs"]
mod entry;

fn main() {
    entry::main();
}
