//! The range-query chart: plotters drawing on a canvas (time axis, one line per series), an
//! HTML legend with the label sets, and identification of the series under the pointer
//! (hover highlights it and shows its value; clicking a legend entry hides or shows it).

use std::sync::Arc;

use leptos::ev::MouseEvent;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;

use crate::content::time::format_instant;

use super::chart_model::{color, css_color, time_ticks, Frame, Hit, Line, Model};
use super::format;
use super::theme::is_dark;

/// How close (CSS pixels) the pointer must come to a sample to identify its series.
const HIT_RADIUS: f64 = 24.0;
/// Legend entries listed; more series are summarised in one line.
const MAX_LEGEND: usize = 60;

/// Colours of the chart furniture for one theme.
struct Furniture {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
}

fn furniture(dark: bool) -> Furniture {
    if dark {
        Furniture {
            background: RGBColor(17, 24, 39),
            text: RGBColor(203, 213, 225),
            grid: RGBColor(39, 50, 70),
            axis: RGBColor(100, 116, 139),
        }
    } else {
        Furniture {
            background: RGBColor(255, 255, 255),
            text: RGBColor(55, 65, 81),
            grid: RGBColor(229, 231, 235),
            axis: RGBColor(156, 163, 175),
        }
    }
}

/// The chart with its legend.
#[component]
pub fn Chart(
    /// What to draw.
    model: Arc<Model>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let dark = is_dark();
    let hidden = RwSignal::new(vec![false; model.lines.len()]);
    let highlight: RwSignal<Option<usize>> = RwSignal::new(None);
    let hover: RwSignal<Option<(f64, f64, Hit)>> = RwSignal::new(None);
    let frame: StoredValue<Option<Frame>> = StoredValue::new(None);
    let resized = RwSignal::new(0u32);

    let handle =
        window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n = n.wrapping_add(1)));
    on_cleanup(move || handle.remove());

    let m = model.clone();
    Effect::new(move |_| {
        resized.track();
        let (dark, focus) = (dark.get(), highlight.get());
        let hidden = hidden.get();
        if let Some(el) = canvas.get() {
            frame.set_value(draw(&el, &m, dark, focus, &hidden));
        }
    });

    let m = model.clone();
    let on_move = move |ev: MouseEvent| {
        let Some(f) = frame.get_value() else { return };
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let visible = |i: usize| !hidden.with_untracked(|h| h.get(i).copied().unwrap_or(false));
        let hit = m.nearest(&f, x, y, HIT_RADIUS, &visible);
        highlight.set(hit.map(|h| h.line));
        hover.set(hit.map(|h| (x, y, h)));
    };
    let on_leave = move |_| {
        highlight.set(None);
        hover.set(None);
    };

    let m = model.clone();
    let tooltip = move || {
        hover.get().map(|(x, y, hit)| {
            let line = m.lines.get(hit.line)?;
            let style = format!("left: {}px; top: {}px;", x + 14.0, y + 14.0);
            Some(view! {
                <div class="chart-tooltip" style=style data-testid="chart-tooltip">
                    <div class="tooltip-series">
                        <span class="swatch" style=swatch_style(line)></span>
                        {line.tag.map(|t| view! { <span class="line-tag">{t}</span> })}
                        {line.label.clone()}
                    </div>
                    <div class="tooltip-value">
                        <strong>{format::sample_value(hit.v)}</strong>
                        " at " {format_instant(hit.t)}
                    </div>
                </div>
            })
        })
    };

    let legend = model
        .lines
        .iter()
        .enumerate()
        .take(MAX_LEGEND)
        .map(|(i, line)| {
            let (label, tag, swatch) = (line.label.clone(), line.tag, swatch_style(line));
            view! {
                <li>
                    <button
                        type="button"
                        class="legend-item"
                        class:off=move || hidden.with(|h| h.get(i).copied().unwrap_or(false))
                        class:focus=move || highlight.get() == Some(i)
                        title="Click to hide or show this series"
                        on:mouseenter=move |_| highlight.set(Some(i))
                        on:mouseleave=move |_| highlight.set(None)
                        on:click=move |_| hidden.update(|h| if let Some(x) = h.get_mut(i) { *x = !*x })
                    >
                        <span class="swatch" style=swatch></span>
                        {tag.map(|t| view! { <span class="line-tag">{t}</span> })}
                        <span class="legend-label">{label}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let more = model.lines.len().saturating_sub(MAX_LEGEND);
    let empty = model.lines.is_empty();

    view! {
        <div class="chart" data-testid="chart">
            <div class="chart-canvas-wrap">
                <canvas node_ref=canvas class="chart-canvas" aria-label="Chart of the query result" role="img"
                    on:mousemove=on_move on:mouseleave=on_leave></canvas>
                {tooltip}
                {empty.then(|| view! { <div class="chart-empty">"No data points in this range."</div> })}
            </div>
            <ul class="legend" data-testid="legend">{legend}</ul>
            {(more > 0).then(|| view! { <p class="muted">{format!("\u{2026} and {more} more series (not listed).")}</p> })}
        </div>
    }
}

/// The legend swatch of a line: its colour, striped when the line is dashed.
fn swatch_style(line: &Line) -> String {
    let c = css_color(line.color);
    if line.dashed {
        format!("background: repeating-linear-gradient(90deg, {c} 0 4px, transparent 4px 7px)")
    } else {
        format!("background: {c}")
    }
}

/// Sizes the canvas to its box at the device's pixel ratio and draws the chart; returns the
/// plotting area in CSS pixels for pointer lookups (None if the canvas cannot be drawn on).
fn draw(
    el: &web_sys::HtmlCanvasElement,
    m: &Model,
    dark: bool,
    focus: Option<usize>,
    hidden: &[bool],
) -> Option<Frame> {
    let window = web_sys::window()?;
    let dpr = window.device_pixel_ratio().max(1.0);
    // The stylesheet sizes the canvas box; its backing store matches it in device pixels.
    let css_w = f64::from(el.client_width().max(200));
    let css_h = f64::from(el.client_height().max(150));
    let narrow = css_w < 520.0;
    el.set_width((css_w * dpr) as u32);
    el.set_height((css_h * dpr) as u32);

    let px = |v: f64| (v * dpr).round() as u32;
    let f = furniture(dark);
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&f.background).ok()?;
    let span = m.x.1 - m.x.0;
    let font = ("sans-serif", px(12.0)).into_font().color(&f.text);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(12.0))
        .margin_right(px(24.0))
        .margin_left(px(4.0))
        .x_label_area_size(px(28.0))
        .y_label_area_size(px(if narrow { 44.0 } else { 56.0 }))
        .build_cartesian_2d(m.x.0..m.x.1, m.y.0..m.y.1)
        .ok()?;
    // Plotters places time ticks at arbitrary milliseconds; the x grid and labels are drawn
    // here instead, at round clock times.
    chart
        .configure_mesh()
        .disable_x_mesh()
        // Zero x labels sends plotters' tick search into an endless loop (integer overflow
        // in debug builds): ask for two, blank and without tick marks.
        .x_labels(2)
        .x_label_formatter(&|_| String::new())
        .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
        .y_labels(6)
        .y_label_formatter(&|v| format::axis_number(*v))
        .label_style(font.clone())
        .axis_style(f.axis)
        .bold_line_style(f.grid)
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    let max_ticks = (css_w / if span > 86_400_000 { 120.0 } else { 80.0 }).max(2.0) as usize;
    let label_style = font.pos(Pos::new(HPos::Center, VPos::Top));
    for t in time_ticks(m.x.0, m.x.1, max_ticks) {
        chart.draw_series(std::iter::once(PathElement::new(vec![(t, m.y.0), (t, m.y.1)], f.grid))).ok()?;
        let (x, y) = chart.backend_coord(&(t, m.y.0));
        root.draw(&Text::new(format::axis_time(t, span), (x, y + px(6.0) as i32), label_style.clone()))
            .ok()?;
    }

    let order: Vec<usize> = (0..m.lines.len()).filter(|i| Some(*i) != focus).chain(focus).collect();
    for i in order {
        let Some(line) = m.lines.get(i).filter(|_| !hidden.get(i).copied().unwrap_or(false)) else {
            continue;
        };
        let (r, g, b) = color(line.color);
        let dimmed = focus.is_some_and(|x| x != i);
        let style = RGBColor(r, g, b)
            .mix(if dimmed { 0.25 } else { 1.0 })
            .stroke_width(px(if focus == Some(i) { 2.5 } else { 1.5 }));
        for seg in &line.segments {
            if seg.len() == 1 {
                chart.draw_series(seg.iter().map(|&p| Circle::new(p, px(2.0), style.filled()))).ok()?;
            } else if line.dashed {
                let dashes = DashedLineSeries::new(seg.iter().copied(), px(6.0), px(4.0), style);
                chart.draw_series(dashes).ok()?;
            } else {
                chart.draw_series(LineSeries::new(seg.iter().copied(), style)).ok()?;
            }
        }
    }
    root.present().ok()?;

    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Some(Frame {
        left: f64::from(xs.start) / dpr,
        right: f64::from(xs.end) / dpr,
        top: f64::from(ys.start) / dpr,
        bottom: f64::from(ys.end) / dpr,
    })
}
