//! Draws a chart model on a canvas with plotters: the axes and grid (ticks and labels from
//! [`super::chart_axes`], placed so none is cut off at the edges), then one line per visible
//! series, the highlighted one on top.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use super::chart_axes::{place_labels, time_ticks, value_ticks};
use super::chart_model::{color, Frame, Model};
use super::colour::{Rgb, DARK_CHART_BACKGROUND, LIGHT_CHART_BACKGROUND};
use super::format;

/// Colours of the chart furniture for one theme.
struct Furniture {
    background: Rgb,
    text: Rgb,
    grid: Rgb,
    axis: Rgb,
}

fn furniture(dark: bool) -> Furniture {
    if dark {
        Furniture {
            background: DARK_CHART_BACKGROUND,
            text: (203, 213, 225),
            grid: (39, 50, 70),
            axis: (100, 116, 139),
        }
    } else {
        Furniture {
            background: LIGHT_CHART_BACKGROUND,
            text: (55, 65, 81),
            grid: (229, 231, 235),
            axis: (156, 163, 175),
        }
    }
}

fn rgb((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

/// What to draw besides the model: the theme, the series under the pointer, and which
/// series are shown.
pub struct Look<'a> {
    pub dark: bool,
    pub focus: Option<usize>,
    pub visible: &'a dyn Fn(usize) -> bool,
}

/// What a drawing produced: the plotting area in CSS pixels (for pointer lookups) and the
/// axis labels drawn (the page lists them for screen readers).
pub struct Drawn {
    pub frame: Frame,
    pub x_labels: Vec<String>,
    pub y_labels: Vec<String>,
}

/// The labels' font family (plotters draws them as `normal <size>px sans-serif`).
const LABEL_FAMILY: &str = "sans-serif";

/// Widths of label text in device pixels, measured by the canvas's own context in the font
/// the labels are drawn in. plotters' own estimate appends a span to the page and reads its
/// size: a forced layout of the whole page per label, about a sixth of the time from a
/// keystroke to the redrawn chart.
struct LabelWidths {
    context: Option<web_sys::CanvasRenderingContext2d>,
    font: String,
}

impl LabelWidths {
    fn new(el: &web_sys::HtmlCanvasElement, size: u32) -> Self {
        let context = el.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok());
        LabelWidths { context, font: format!("normal {size}px {LABEL_FAMILY}") }
    }

    /// The width of `text` (0 when the canvas cannot measure: the label is still drawn).
    fn width(&self, text: &str) -> u32 {
        let Some(ctx) = &self.context else { return 0 };
        // plotters sets the context's font as it draws text: set ours before measuring.
        ctx.set_font(&self.font);
        ctx.measure_text(text).map_or(0, |m| m.width().ceil().max(0.0) as u32)
    }
}

/// Sizes the canvas to its box at the device's pixel ratio and draws the chart (None if the
/// canvas cannot be drawn on).
pub fn draw(el: &web_sys::HtmlCanvasElement, m: &Model, look: &Look) -> Option<Drawn> {
    let window = web_sys::window()?;
    let dpr = window.device_pixel_ratio().max(1.0);
    // The stylesheet sizes the canvas box; its backing store matches it in device pixels.
    let css_w = f64::from(el.client_width().max(200));
    let css_h = f64::from(el.client_height().max(150));
    el.set_width((css_w * dpr) as u32);
    el.set_height((css_h * dpr) as u32);

    let px = |v: f64| (v * dpr).round() as u32;
    let f = furniture(look.dark);
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&rgb(f.background)).ok()?;
    let font = (LABEL_FAMILY, px(12.0)).into_font().color(&rgb(f.text));
    let measure = LabelWidths::new(el, px(12.0));

    // The value labels decide how wide their margin is.
    let plot_h = css_h - 12.0 - 28.0;
    let y_ticks = value_ticks(m.y.0, m.y.1, ((plot_h / 45.0) as usize).clamp(2, 8), m.unit);
    let widest = y_ticks
        .iter()
        .map(|t| measure.width(&t.label))
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(12.0))
        .margin_right(px(16.0))
        .margin_left(px(4.0))
        .x_label_area_size(px(28.0))
        .y_label_area_size(widest + px(12.0))
        .build_cartesian_2d(m.x.0..m.x.1, m.y.0..m.y.1)
        .ok()?;

    // Grid and labels are drawn here rather than by plotters' mesh, so that ticks fall on
    // round clock times and round values of the unit, and labels stay inside the canvas.
    let grid = rgb(f.grid);
    let right_label = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
    for t in &y_ticks {
        chart.draw_series(std::iter::once(PathElement::new(vec![(m.x.0, t.v), (m.x.1, t.v)], grid))).ok()?;
        let (x, y) = chart.backend_coord(&(m.x.0, t.v));
        root.draw(&Text::new(t.label.clone(), (x - px(6.0) as i32, y), right_label.clone())).ok()?;
    }
    let span = m.x.1 - m.x.0;
    let max_ticks = (css_w / if span > 86_400_000 { 120.0 } else { 80.0 }).max(2.0) as usize;
    let x_ticks = time_ticks(m.x.0, m.x.1, max_ticks);
    let x_labels: Vec<(String, (i32, i32), u32)> = x_ticks
        .iter()
        .map(|&t| {
            chart.draw_series(std::iter::once(PathElement::new(vec![(t, m.y.0), (t, m.y.1)], grid))).ok();
            let text = format::axis_time(t, span);
            let width = measure.width(&text);
            (text, chart.backend_coord(&(t, m.y.0)), width)
        })
        .collect();
    let centres: Vec<(f64, f64)> =
        x_labels.iter().map(|(_, (x, _), w)| (f64::from(*x), f64::from(*w))).collect();
    let canvas_w = css_w * dpr;
    let top_label = font.clone().pos(Pos::new(HPos::Left, VPos::Top));
    let mut x_drawn = Vec::new();
    for (i, left) in place_labels(&centres, 0.0, canvas_w, 8.0 * dpr) {
        let (text, (_, y), _) = &x_labels[i];
        root.draw(&Text::new(text.clone(), (left as i32, y + px(6.0) as i32), top_label.clone())).ok()?;
        x_drawn.push(text.clone());
    }
    let axis = rgb(f.axis);
    let axes = vec![(m.x.0, m.y.1), (m.x.0, m.y.0), (m.x.1, m.y.0)];
    chart.draw_series(std::iter::once(PathElement::new(axes, axis))).ok()?;

    let order: Vec<usize> = (0..m.lines.len()).filter(|i| Some(*i) != look.focus).chain(look.focus).collect();
    for i in order {
        let Some(line) = m.lines.get(i).filter(|_| (look.visible)(i)) else { continue };
        let dimmed = look.focus.is_some_and(|x| x != i);
        let style = rgb(color(line.color, look.dark))
            .mix(if dimmed { 0.25 } else { 1.0 })
            .stroke_width(px(if look.focus == Some(i) { 2.5 } else { 1.5 }));
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
    let frame = Frame {
        left: f64::from(xs.start) / dpr,
        right: f64::from(xs.end) / dpr,
        top: f64::from(ys.start) / dpr,
        bottom: f64::from(ys.end) / dpr,
    };
    Some(Drawn { frame, x_labels: x_drawn, y_labels: y_ticks.into_iter().map(|t| t.label).collect() })
}
