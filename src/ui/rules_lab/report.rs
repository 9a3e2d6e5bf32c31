//! What the lab shows of a cost comparison, as plain data: one row per raw-vs-recorded pair
//! and query kind with its verdict against the seed's 5× bar, the storage rows, and the
//! number formats. Pure, so it is tested natively.

use crate::rules::cost::{Cost, CostTable, PairCost, BYTES_PER_SAMPLE, TARGET_SPEEDUP};
use crate::rules::duration;
use crate::rules::equivalence::Equivalence;

/// How a measured speedup compares with the seed's bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Faster by more than [`TARGET_SPEEDUP`].
    Meets,
    /// Faster by less (or slower).
    Misses,
    /// The recorded series holds nothing: there is nothing to compare.
    Empty,
    /// The two compute different things: the speedup is shown but does not count.
    Differs,
    /// A query failed.
    Failed,
}

impl Verdict {
    /// The table cell's text.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Meets => "yes",
            Verdict::Misses => "no",
            Verdict::Empty => "empty",
            Verdict::Differs => "not the same",
            Verdict::Failed => "error",
        }
    }

    /// A CSS class for the cell.
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Meets => "verdict-yes",
            Verdict::Misses => "verdict-no",
            Verdict::Empty | Verdict::Differs | Verdict::Failed => "verdict-none",
        }
    }
}

/// One query kind (instant, or the 6 h range) of one pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub raw: Cost,
    pub recorded: Cost,
    pub speedup: Option<f64>,
    pub verdict: Verdict,
}

impl Side {
    fn new(raw: &Cost, recorded: &Cost, speedup: Option<f64>, differs: bool) -> Side {
        let verdict = match speedup {
            None => Verdict::Failed,
            Some(_) if recorded.result_series == 0 => Verdict::Empty,
            Some(_) if differs => Verdict::Differs,
            Some(s) if s > TARGET_SPEEDUP => Verdict::Meets,
            Some(_) => Verdict::Misses,
        };
        Side { raw: raw.clone(), recorded: recorded.clone(), speedup, verdict }
    }

    /// The ratio shown (none when it means nothing: empty or failed).
    pub fn shown_ratio(&self) -> Option<f64> {
        matches!(self.verdict, Verdict::Meets | Verdict::Misses | Verdict::Differs)
            .then_some(self.speedup)
            .flatten()
    }

    /// True when the ratio counts against the bar (the two compute the same thing).
    pub fn counts(&self) -> bool {
        matches!(self.verdict, Verdict::Meets | Verdict::Misses)
    }
}

/// One pair as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub raw_query: String,
    pub recorded_query: String,
    pub from_seed: bool,
    pub instant: Side,
    pub range: Side,
    /// Set when the two queries compute different things: what differs.
    pub note: Option<String>,
}

/// The rows of `table`, in its order (the seed's pairs first).
pub fn rows(table: &CostTable) -> Vec<Row> {
    table.pairs.iter().map(row).collect()
}

fn row(pc: &PairCost) -> Row {
    let note = match &pc.equivalence {
        Equivalence::Differs(why) => {
            Some(format!("Not the same query, so its speedup does not count: {why}."))
        }
        Equivalence::Same | Equivalence::Unknown => None,
    };
    let differs = pc.differs();
    Row {
        label: pc.pair.label.clone(),
        raw_query: pc.pair.raw.clone(),
        recorded_query: pc.pair.recorded.clone(),
        from_seed: pc.pair.from_seed,
        instant: Side::new(&pc.instant_raw, &pc.instant_recorded, pc.instant_speedup(), differs),
        range: Side::new(&pc.range_raw, &pc.range_recorded, pc.range_speedup(), differs),
        note,
    }
}

/// How many measured pairs meet the bar, out of those whose ratio counts (both sides compute
/// the same thing), per kind: `(instant met, instant measured, range met, range measured)`.
pub fn tally(rows: &[Row]) -> (usize, usize, usize, usize) {
    let count = |side: fn(&Row) -> &Side| {
        let measured: Vec<&Side> = rows.iter().map(side).filter(|s| s.counts()).collect();
        (measured.iter().filter(|s| s.verdict == Verdict::Meets).count(), measured.len())
    };
    let (im, in_) = count(|r| &r.instant);
    let (rm, rn) = count(|r| &r.range);
    (im, in_, rm, rn)
}

/// The storage assumption, stated next to every storage figure.
pub fn storage_assumption() -> String {
    format!(
        "series × samples per day (one per evaluation) × {BYTES_PER_SAMPLE} bytes per sample: Prometheus's \
         TSDB compresses a sample to about 1–2 bytes. Index and per-series overhead are not included."
    )
}

/// A duration in milliseconds as µs or ms with three significant digits.
pub fn time(ms: f64) -> String {
    if !ms.is_finite() {
        return "–".into();
    }
    if ms < 1.0 {
        format!("{} µs", significant(ms * 1000.0))
    } else if ms < 1000.0 {
        format!("{} ms", significant(ms))
    } else {
        format!("{} s", significant(ms / 1000.0))
    }
}

/// A speedup: `12.3×`.
pub fn ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

/// A byte count in B, KB, MB (powers of 1000, as disk sizes are sold).
pub fn bytes(b: f64) -> String {
    match b {
        b if b < 1e3 => format!("{b:.0} B"),
        b if b < 1e6 => format!("{} KB", significant(b / 1e3)),
        b if b < 1e9 => format!("{} MB", significant(b / 1e6)),
        b => format!("{} GB", significant(b / 1e9)),
    }
}

/// An interval as Prometheus writes it (`30s`, `1m`).
pub fn interval(ms: i64) -> String {
    duration::format(ms)
}

/// A count with thousands separators: `12,345`.
pub use crate::engine::range::thousands as count;

/// Three significant digits, without a trailing `.0`.
fn significant(x: f64) -> String {
    let s = if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
