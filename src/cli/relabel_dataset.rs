//! `promplay relabel --dataset`: relabels every series of a dataset and prints what changed:
//! totals, the rules' effects, and the metrics and labels that lost the most.

use std::io::Write;
use std::time::Instant;

use crate::relabel::dataset::{relabel_storage, DatasetReport, Totals};
use crate::relabel::Loaded;

use super::data::load_dataset;
use super::CliError;

/// Rows of the metric and label tables.
const ROWS: usize = 15;

pub fn run(loaded: &Loaded, id: &str, out: &mut dyn Write) -> Result<i32, CliError> {
    let storage = load_dataset(id)?;
    let started = Instant::now();
    let (_, report) = relabel_storage(&storage, &loaded.set);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    write_report(&report, loaded, id, ms, out)?;
    Ok(0)
}

fn change(before: u64, after: u64) -> String {
    if before == 0 {
        return format!("{after:>9} (new)");
    }
    let pct = (after as f64 - before as f64) / before as f64 * 100.0;
    format!("{after:>9} ({pct:+.1} %)")
}

fn totals(label: &str, before: Totals, after: Totals) -> String {
    format!(
        "{label:<9} {:>9} -> {}   samples {:>10} -> {}",
        before.series,
        change(before.series, after.series),
        before.samples,
        change(before.samples, after.samples)
    )
}

fn write_report(
    r: &DatasetReport,
    loaded: &Loaded,
    id: &str,
    ms: f64,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "relabeled {id} with {} rules of {} ({ms:.0} ms)\n",
        loaded.set.rules.len(),
        loaded.set.section.key()
    )?;
    writeln!(out, "{}", totals("series", r.before, r.after))?;
    if r.synthetic > 0 {
        writeln!(out, "{} synthetic series (up, scrape_*) are never metric-relabeled", r.synthetic)?;
    }
    if r.merged_series > 0 {
        writeln!(
            out,
            "{} series merged several series into one ({} samples rejected as duplicates)",
            r.merged_series, r.duplicate_samples
        )?;
    }
    if r.failed.target_count > 0 {
        writeln!(
            out,
            "{} targets fail their whole scrape (a series lost __name__: up=0, nothing stored): {} series lost, e.g. {}",
            r.failed.target_count,
            r.failed.lost.series,
            r.failed.targets.first().map_or("", String::as_str)
        )?;
    }
    writeln!(out, "\nrules:")?;
    for (i, e) in r.rules.iter().enumerate() {
        writeln!(out, "  {}. (line {}) {}", i + 1, e.line, e.summary)?;
        if e.reached == 0 {
            writeln!(out, "       never reached: an earlier rule dropped every series")?;
            continue;
        }
        if e.dropped.series > 0 {
            writeln!(
                out,
                "       dropped {} of {} series ({} samples)",
                e.dropped.series, e.reached, e.dropped.samples
            )?;
        }
        for (what, map) in [("removed", &e.removed), ("added", &e.added), ("rewrote", &e.rewritten)] {
            for (label, n) in map {
                writeln!(out, "       {what} {label} on {n} series")?;
            }
        }
        if e.dropped.series == 0 && e.removed.is_empty() && e.added.is_empty() && e.rewritten.is_empty() {
            writeln!(out, "       changed nothing")?;
        }
    }
    writeln!(out, "\nmetrics (series before -> after):")?;
    for m in r.metrics.iter().take(ROWS) {
        writeln!(
            out,
            "  {:<48} {:>7} -> {}",
            m.name,
            m.before.series,
            change(m.before.series, m.after.series)
        )?;
    }
    if r.metrics.len() > ROWS {
        writeln!(out, "  ... {} more", r.metrics.len() - ROWS)?;
    }
    writeln!(out, "\nlabels (distinct values before -> after):")?;
    for l in r.labels.iter().take(ROWS) {
        writeln!(
            out,
            "  {:<48} {:>7} -> {}",
            l.name,
            l.values_before,
            change(l.values_before, l.values_after)
        )?;
    }
    if r.labels.len() > ROWS {
        writeln!(out, "  ... {} more", r.labels.len() - ROWS)?;
    }
    Ok(())
}
