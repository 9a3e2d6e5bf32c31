//! The speedups as a bar chart: one row per pair, a bar for the instant query and one for
//! the 6 h range query, on a logarithmic axis (speedups range from about 1× to thousands)
//! with the seed's 5× bar drawn across. SVG, coloured by the stylesheet, so it follows the
//! theme and scales to any width.

use leptos::prelude::*;

use crate::rules::cost::TARGET_SPEEDUP;

use super::report::{self, Row};

/// Layout, in SVG units (the SVG scales to its box).
const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 290.0;
const ROW_H: f64 = 34.0;
const BAR_H: f64 = 12.0;
const TOP: f64 = 26.0;
const RIGHT_PAD: f64 = 64.0;

/// The chart.
#[component]
pub fn SpeedupBars(rows: Vec<Row>) -> impl IntoView {
    let max = rows
        .iter()
        .flat_map(|r| [r.instant.shown_ratio(), r.range.shown_ratio()])
        .flatten()
        .fold(TARGET_SPEEDUP * 2.0, f64::max);
    // Decades from 1× to the first power of ten above the largest speedup.
    let decades = max.log10().ceil().max(1.0);
    let x = move |ratio: f64| LABEL_W + ratio.max(1.0).log10() / decades * (WIDTH - LABEL_W - RIGHT_PAD);
    let height = TOP + ROW_H * rows.len() as f64 + 8.0;
    let ticks = (0..=decades as u32)
        .map(|d| {
            let v = 10f64.powi(d as i32);
            let px = x(v);
            view! {
                <line class="bar-grid" x1=px x2=px y1=TOP - 6.0 y2=height - 8.0 />
                <text class="bar-tick" x=px y=TOP - 10.0 text-anchor="middle">{report::ratio(v).replace(".0", "")}</text>
            }
        })
        .collect_view();
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = TOP + ROW_H * i as f64;
            let bar = |side: &report::Side, dy: f64, kind: &'static str| match side.shown_ratio() {
                Some(r) => {
                    let class = format!("bar {kind} {}", side.verdict.class());
                    let w = (x(r) - LABEL_W).max(1.5);
                    view! {
                        <rect class=class x=LABEL_W y=y + dy width=w height=BAR_H rx="2" />
                        <text class="bar-value" x=LABEL_W + w + 4.0 y=y + dy + BAR_H - 2.0>{report::ratio(r)}</text>
                    }
                    .into_any()
                }
                None => view! {
                    <text class="bar-value muted" x=LABEL_W + 4.0 y=y + dy + BAR_H - 2.0>{side.verdict.label()}</text>
                }
                .into_any(),
            };
            let label = truncate(&row.label, 34);
            view! {
                <g class="bar-row">
                    <title>{format!("{}: raw {} vs recorded {}", row.label, row.raw_query, row.recorded_query)}</title>
                    <text class="bar-label" x=LABEL_W - 8.0 y=y + 17.0 text-anchor="end">{label}</text>
                    {bar(&row.instant, 3.0, "instant")}
                    {bar(&row.range, 3.0 + BAR_H + 2.0, "range")}
                </g>
            }
        })
        .collect_view();
    let target = x(TARGET_SPEEDUP);
    view! {
        <figure class="speedup-chart" data-testid="speedup-chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label="Speedup of each recorded series over its raw query, log scale">
                {ticks}
                {bars}
                <line class="bar-target" x1=target x2=target y1=TOP - 6.0 y2=height - 8.0 />
                <text class="bar-target-label" x=target + 4.0 y=height - 10.0>"5\u{d7} target"</text>
            </svg>
            <figcaption class="bar-legend">
                <span><span class="swatch instant"></span>"instant query"</span>
                <span><span class="swatch range"></span>"6 h range query (step 1 m)"</span>
                <span class="muted">"Logarithmic axis. Faded bars miss the 5\u{d7} target."</span>
            </figcaption>
        </figure>
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}\u{2026}", s.chars().take(n - 1).collect::<String>())
    }
}
