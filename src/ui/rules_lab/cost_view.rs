//! The cost comparison as the lab shows it: a headline tally against the seed's 5× bar, the
//! table (per pair: instant and 6 h range query, raw vs recorded: median time, samples and
//! series read, speedup, verdict), the bar chart, the storage the recorded series take with
//! its assumption, and the same table as text (what `promplay rules bench` prints).

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::time::format_instant;
use crate::link::rules::CostReport;
use crate::rules::cost::{self, CostTable};

use super::bars::SpeedupBars;
use super::report::{self, Row, Side};

/// Everything about one cost table.
#[component]
pub fn CostView(costs: Arc<CostReport>) -> impl IntoView {
    let table = &costs.table;
    let rows = report::rows(table);
    let (im, in_, rm, rn) = report::tally(&rows);
    let headline = format!(
        "{im} of {in_} pairs beat the seed's 5\u{d7} target as instant queries, {rm} of {rn} as 6-hour dashboard range queries."
    );
    let method = format!(
        "Instant queries at {}; range queries over the 6 hours before it, step {}s. Each time is the median of {} \
         timed batches, each repeating the query for at least 2 ms. Measured in this browser tab.",
        format_instant(table.at),
        table.range.2 / 1000,
        table.runs
    );
    let notes: Vec<String> =
        rows.iter().filter_map(|r| r.note.as_ref().map(|n| format!("{}: {n}", r.label))).collect();
    let body = rows.iter().map(pair_rows).collect_view();
    let text = costs.text.clone();
    view! {
        <p class="cost-headline" data-testid="cost-headline">{headline}</p>
        <p class="muted small">{method}</p>
        <div class="table-scroll">
            <table class="data-table cost-table" data-testid="cost-table">
                <thead>
                    <tr>
                        <th rowspan="2">"Raw query \u{2192} recorded series"</th>
                        <th rowspan="2">"Query"</th>
                        <th colspan="2" class="num">"Median time"</th>
                        <th colspan="2" class="num">"Samples read"</th>
                        <th colspan="2" class="num">"Series read"</th>
                        <th rowspan="2" class="num">"Speedup"</th>
                        <th rowspan="2">"> 5\u{d7}"</th>
                    </tr>
                    <tr>
                        <th class="num">"raw"</th><th class="num">"recorded"</th>
                        <th class="num">"raw"</th><th class="num">"recorded"</th>
                        <th class="num">"raw"</th><th class="num">"recorded"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {(!notes.is_empty()).then(|| view! {
            <ul class="cost-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        })}
        <h3>"Speedup per pair"</h3>
        <SpeedupBars rows=rows />
        <StorageView table=table.clone() />
        <details class="cost-text">
            <summary>"The table as text (as " <code>"promplay rules bench"</code> " prints it)"</summary>
            <pre data-testid="cost-text">{text}</pre>
        </details>
    }
}

/// The two rows (instant, range) of one pair.
fn pair_rows(row: &Row) -> impl IntoView {
    let title = format!("raw: {}\nrecorded: {}", row.raw_query, row.recorded_query);
    let seed = row.from_seed.then(|| view! { <span class="badge seed-ref">"seed"</span> });
    view! {
        <tr class="pair-first" data-testid="cost-row">
            <td rowspan="2" class="pair-label" title=title>
                {seed}
                <span>{row.label.clone()}</span>
                <code class="pair-queries">{row.recorded_query.clone()}</code>
            </td>
            {side_cells("instant", &row.instant)}
        </tr>
        <tr class="pair-second" data-testid="cost-row">{side_cells("6 h range", &row.range)}</tr>
    }
}

fn side_cells(kind: &'static str, side: &Side) -> impl IntoView {
    let time =
        |c: &cost::Cost| if c.error.is_some() { "error".to_string() } else { report::time(c.median_ms) };
    let ratio = side.shown_ratio().map(report::ratio).unwrap_or_else(|| "\u{2013}".into());
    view! {
        <td class="kind">{kind}</td>
        <td class="num">{time(&side.raw)}</td>
        <td class="num">{time(&side.recorded)}</td>
        <td class="num">{report::count(side.raw.samples)}</td>
        <td class="num">{report::count(side.recorded.samples)}</td>
        <td class="num">{report::count(side.raw.series)}</td>
        <td class="num">{report::count(side.recorded.series)}</td>
        <td class="num ratio" data-testid="ratio">{ratio}</td>
        <td class=format!("verdict {}", side.verdict.class())>{side.verdict.label()}</td>
    }
}

/// What each rule's output costs to keep.
#[component]
fn StorageView(table: CostTable) -> impl IntoView {
    let total_series: usize = table.storage.iter().map(|s| s.series).sum();
    let total_bytes: f64 = table.storage.iter().map(|s| s.bytes_per_day).sum();
    let total_samples: f64 = table.storage.iter().map(|s| s.samples_per_day).sum();
    let rows = table
        .storage
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td><code>{s.record.clone()}</code></td>
                    <td class="num">{s.series}</td>
                    <td class="num">{report::interval(s.interval)}</td>
                    <td class="num">{report::count(s.samples_per_day.round() as u64)}</td>
                    <td class="num">{report::bytes(s.bytes_per_day)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"Storage of the recorded series"</h3>
        <p class="muted small" data-testid="storage-assumption">{report::storage_assumption()}</p>
        <div class="table-scroll">
            <table class="data-table storage-table" data-testid="storage-table">
                <thead>
                    <tr>
                        <th>"Recorded series"</th><th class="num">"Series"</th><th class="num">"Interval"</th>
                        <th class="num">"Samples per day"</th><th class="num">"Per day"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th>"Total"</th><th class="num">{total_series}</th><th></th>
                        <th class="num">{report::count(total_samples.round() as u64)}</th>
                        <th class="num">{report::bytes(total_bytes)}</th>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
