//! The range-query chart: a canvas drawn by [`super::chart_draw`], the legend (filter, hide
//! and show), the series under the pointer (highlighted, with a tooltip that stays inside
//! the chart), and drag-to-zoom on the time axis with a reset.

use std::sync::Arc;

use leptos::ev::PointerEvent;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::assist::units::Unit;
use crate::content::time::format_instant;
use crate::engine::Millis;

use super::browser::watch_size;
use super::chart_draw::{draw, Look};
use super::chart_legend::{swatch_style, Legend, LegendState};
use super::chart_model::{tooltip_style, Frame, Hit, Model};
use super::format;
use super::theme::is_dark;

/// How close (CSS pixels) the pointer must come to a sample to identify its series.
const HIT_RADIUS: f64 = 24.0;
/// A drag shorter than this (CSS pixels) is a click, not a zoom.
const MIN_DRAG: f64 = 6.0;

/// The chart with its legend.
#[component]
pub fn Chart(
    /// What to draw.
    model: Arc<Model>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let dark = is_dark();
    let legend = LegendState::new(model.lines.len());
    let LegendState { hidden, filter, highlight } = legend;
    let hover: RwSignal<Option<(f64, f64, Hit)>> = RwSignal::new(None);
    let frame: StoredValue<Option<(Frame, f64, f64)>> = StoredValue::new(None);
    // The canvas's box as laid out (CSS pixels), reported by a ResizeObserver.
    let size: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let zoom: RwSignal<Option<(Millis, Millis)>> = RwSignal::new(None);
    // Where a drag started and where the pointer is now (CSS pixels).
    let drag: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    // The axis labels last drawn (time, value), for the canvas's description.
    let axes: RwSignal<(Vec<String>, Vec<String>)> = RwSignal::new((Vec::new(), Vec::new()));

    Effect::new(move |_| {
        if let Some(el) = canvas.get() {
            watch_size(&el, size);
        }
    });

    // The model as shown: zoomed, and its value axis fitted to the visible series.
    let shown = RwSignal::new(model.clone());
    let full = model.clone();
    Effect::new(move |_| {
        let window = zoom.get();
        hidden.track();
        filter.track();
        let base = window.map_or_else(|| (*full).clone(), |(a, b)| full.zoomed(a, b));
        let visible = |i: usize| base.lines.get(i).is_some_and(|l| legend.shows(i, &l.label));
        shown.set(Arc::new(base.clone().fit_values(&visible)));
    });

    Effect::new(move |_| {
        let (dark, focus, m) = (dark.get(), highlight.get(), shown.get());
        let visible = |i: usize| m.lines.get(i).is_some_and(|l| legend.shows(i, &l.label));
        if let (Some(el), Some((w, h))) = (canvas.get(), size.get()) {
            let drawn = draw(&el, (w, h), &m, &Look { dark, focus, visible: &visible });
            frame.set_value(drawn.as_ref().map(|d| (d.frame, w, h)));
            if let Some(d) = drawn {
                let labels = (d.x_labels, d.y_labels);
                if axes.with_untracked(|a| *a != labels) {
                    axes.set(labels);
                }
            }
        }
    });

    let on_down = move |ev: PointerEvent| {
        if ev.button() != 0 || frame.get_value().is_none() {
            return;
        }
        let x = f64::from(ev.offset_x());
        drag.set(Some((x, x)));
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_move = move |ev: PointerEvent| {
        let Some((f, _, _)) = frame.get_value() else { return };
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        if let Some((start, _)) = drag.get_untracked() {
            drag.set(Some((start, x.clamp(f.left, f.right))));
            hover.set(None);
            return;
        }
        let m = shown.get_untracked();
        let visible = |i: usize| m.lines.get(i).is_some_and(|l| legend.shows(i, &l.label));
        let hit = untrack(|| m.nearest(&f, x, y, HIT_RADIUS, &visible));
        // Redrawing hundreds of series on every pointer move is wasted work: only when the
        // series under the pointer changes.
        let line = hit.map(|h| h.line);
        if highlight.get_untracked() != line {
            highlight.set(line);
        }
        hover.set(hit.map(|h| (x, y, h)));
    };
    let on_up = move |_: PointerEvent| {
        let Some((start, end)) = drag.get_untracked() else { return };
        drag.set(None);
        let Some((f, _, _)) = frame.get_value() else { return };
        if (end - start).abs() >= MIN_DRAG {
            let x = shown.get_untracked().x;
            zoom.set(Some((f.time_at(x, start), f.time_at(x, end))));
        }
    };
    let on_leave = move |_: PointerEvent| {
        if drag.get_untracked().is_none() {
            if highlight.get_untracked().is_some() {
                highlight.set(None);
            }
            hover.set(None);
        }
    };
    let on_cancel = move |_: PointerEvent| drag.set(None);

    let m = model.clone();
    let tooltip = move || {
        let (x, y, hit) = hover.get()?;
        let (_, w, h) = frame.get_value()?;
        let line = m.lines.get(hit.line)?;
        let value = format::sample_value(hit.v);
        let in_unit = (m.unit != Unit::None).then(|| format::in_unit(hit.v, m.unit, 3));
        let swatch = swatch_style(line, dark.get_untracked());
        Some(view! {
            <div class="chart-tooltip" style=tooltip_style(x, y, w, h) data-testid="chart-tooltip">
                <div class="tooltip-series">
                    <span class="swatch" class:dashed=line.dashed style=swatch></span>
                    {line.tag.map(|t| view! { <span class="line-tag">{t}</span> })}
                    {line.label.clone()}
                </div>
                <div class="tooltip-value">
                    {match in_unit {
                        Some(u) => view! { <strong>{u}</strong> " (" {value} ")" }.into_any(),
                        None => view! { <strong>{value}</strong> }.into_any(),
                    }}
                    " at " {format_instant(hit.t)}
                </div>
            </div>
        })
    };
    let selection = move || {
        let (a, b) = drag.get()?;
        let (f, _, _) = frame.get_value()?;
        let style = format!(
            "left: {}px; width: {}px; top: {}px; height: {}px;",
            a.min(b),
            (a - b).abs(),
            f.top,
            f.bottom - f.top
        );
        Some(view! { <div class="chart-selection" style=style></div> })
    };
    let zoom_bar = move || {
        let (a, b) = shown.get().x;
        let text = match zoom.get() {
            Some(_) => format!("Zoomed to {} \u{2192} {}", format_instant(a), format_instant(b)),
            None => "Drag across the chart to zoom in.".to_string(),
        };
        view! {
            <div class="chart-toolbar">
                <span class="muted small" data-testid="zoom-state">{text}</span>
                {zoom.get().map(|_| view! {
                    <button type="button" class="button secondary small" data-testid="zoom-reset"
                        on:click=move |_| zoom.set(None)>"Reset zoom"</button>
                })}
            </div>
        }
    };
    let empty = model.lines.is_empty();
    let series = model.lines.len();
    let label = move || {
        let (from, to) = shown.with(|m| m.x);
        let values = axes.with(|(_, y)| match (y.first(), y.last()) {
            (Some(lo), Some(hi)) => format!(", values from {lo} to {hi}"),
            _ => String::new(),
        });
        format!(
            "Line chart of {series} series from {} to {}{values}. The Table tab lists the same values.",
            format_instant(from),
            format_instant(to)
        )
    };
    let x_labels = move || axes.with(|(x, _)| x.join("|"));
    let y_labels = move || axes.with(|(_, y)| y.join("|"));

    view! {
        <div class="chart" data-testid="chart">
            {(!empty).then_some(zoom_bar)}
            <div class="chart-canvas-wrap">
                <canvas node_ref=canvas class="chart-canvas" aria-label=label role="img"
                    data-x-labels=x_labels data-y-labels=y_labels
                    on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                    on:pointerleave=on_leave on:pointercancel=on_cancel></canvas>
                {selection}
                {tooltip}
                {empty.then(|| view! { <div class="chart-empty">"No data points in this range."</div> })}
            </div>
            <Legend model=model state=legend />
        </div>
    }
}
