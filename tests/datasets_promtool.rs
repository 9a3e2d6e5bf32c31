//! The OpenMetrics export is accepted by the real `promtool tsdb create-blocks-from
//! openmetrics` (Debian's prometheus package; scripts/test.sh installs it), and the blocks it
//! writes hold exactly the dataset's series and samples.

#[path = "common/promtool.rs"]
mod promtool_support;
use promtool_support::{promtool, Scratch};

use promql_playground::content::builtin_dataset;
use promql_playground::content::export::write_openmetrics;
use promql_playground::engine::value::is_stale;

#[test]
fn promtool_backfills_the_default_dataset() {
    let dataset = builtin_dataset("ml-platform").unwrap();
    let storage = dataset.storage().unwrap();
    let dir = Scratch::new("promtool-backfill");
    let file = dir.join("ml-platform.om");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    write_openmetrics(&storage, &dataset.meta.metrics, None, &mut w).unwrap();
    drop(w);
    let db = dir.join("data");
    let out = promtool(&[
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        "--max-block-duration=48h",
        file.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    // Blocks are cut at aligned boundaries, so the data may span more than one: samples add
    // up over the blocks, and every series spans the whole range, so each block holds all.
    let blocks: Vec<String> = std::fs::read_dir(&db)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("meta.json").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!blocks.is_empty(), "no blocks written:\n{out}");
    let mut samples = 0;
    let mut series_max = 0;
    for b in &blocks {
        let meta = std::fs::read_to_string(db.join(b).join("meta.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&meta).unwrap();
        samples += v["stats"]["numSamples"].as_u64().unwrap();
        series_max = series_max.max(v["stats"]["numSeries"].as_u64().unwrap());
    }
    // Staleness markers (failed scrapes) cannot be written in OpenMetrics: the export leaves
    // them out.
    let markers = storage.all().iter().flat_map(|s| &s.points).filter(|p| is_stale(p.v)).count();
    assert!(markers > 0, "the dataset has failed scrapes");
    assert_eq!(samples, (storage.sample_count() - markers) as u64, "samples in the blocks");
    assert_eq!(series_max, storage.len() as u64, "series in the largest block");
}
