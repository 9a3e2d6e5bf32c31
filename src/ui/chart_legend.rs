//! The chart's legend: every series with its colour, a filter box that narrows the legend and
//! the chart to the series whose labels match, buttons that show or hide all the matching
//! series, and a click on an entry to hide or show it (its state is announced as pressed).

use std::sync::Arc;

use leptos::prelude::*;

use super::chart_model::{css_color, matches_filter, Line, Model};
use super::format;
use super::theme::is_dark;

/// Above this many series the legend offers its filter box.
const FILTER_FROM: usize = 8;

/// The state the legend shares with the chart.
#[derive(Clone, Copy)]
pub struct LegendState {
    /// Series the learner has hidden, by line index.
    pub hidden: RwSignal<Vec<bool>>,
    /// The filter text.
    pub filter: RwSignal<String>,
    /// The series under the pointer (in the chart or the legend).
    pub highlight: RwSignal<Option<usize>>,
}

impl LegendState {
    pub fn new(lines: usize) -> Self {
        LegendState {
            hidden: RwSignal::new(vec![false; lines]),
            filter: RwSignal::new(String::new()),
            highlight: RwSignal::new(None),
        }
    }

    /// Whether line `i` (labelled `label`) is drawn: not hidden, and matching the filter.
    pub fn shows(&self, i: usize, label: &str) -> bool {
        !self.hidden.with(|h| h.get(i).copied().unwrap_or(false))
            && self.filter.with(|f| matches_filter(label, f))
    }
}

/// The legend swatch of a line: its colour, as dashes when the line is dashed (with the
/// `dashed` class, which draws the swatch as a short line).
pub fn swatch_style(line: &Line, dark: bool) -> String {
    let c = css_color(line.color, dark);
    if line.dashed {
        format!("background: repeating-linear-gradient(90deg, {c} 0 5px, transparent 5px 8px)")
    } else {
        format!("background: {c}")
    }
}

/// The legend of `model`.
#[component]
pub fn Legend(model: Arc<Model>, state: LegendState) -> impl IntoView {
    let dark = is_dark();
    let LegendState { hidden, filter, .. } = state;
    let total = model.lines.len();
    // Stored (and so `Copy`) for the closures below.
    let lines = StoredValue::new(model.lines.clone());
    let matching = move || -> Vec<usize> {
        let f = filter.get();
        lines.with_value(|ls| {
            ls.iter().enumerate().filter(|(_, l)| matches_filter(&l.label, &f)).map(|(i, _)| i).collect()
        })
    };
    let set_all = move |value: bool| {
        let indices = untrack(matching);
        hidden.update(|h| {
            for i in indices {
                if let Some(x) = h.get_mut(i) {
                    *x = value;
                }
            }
        });
    };
    let items = move || {
        let shown = matching();
        lines.with_value(|ls| {
            shown
                .into_iter()
                .filter_map(|i| ls.get(i).map(|l| (i, l.clone())))
                .map(|(i, line)| legend_item(i, line, state, dark))
                .collect_view()
        })
    };
    let count = move || {
        let shown =
            matching().into_iter().filter(|&i| !hidden.with(|h| h.get(i).copied().unwrap_or(false))).count();
        format!("{} of {} series shown", format::thousands(shown as u64), format::thousands(total as u64))
    };
    let none_match = move || {
        let f = filter.get();
        (matching().is_empty() && !f.trim().is_empty())
            .then(|| view! { <p class="muted small legend-empty">{format!("No series matches \u{201c}{}\u{201d}.", f.trim())}</p> })
    };
    let tools = (total > FILTER_FROM).then(|| {
        view! {
            <div class="legend-tools">
                <input
                    type="search"
                    class="legend-filter"
                    data-testid="legend-filter"
                    placeholder="Filter series, e.g. fraud v2"
                    aria-label="Filter the series"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <button type="button" class="button secondary small" data-testid="legend-show-all"
                    on:click=move |_| set_all(false)>"Show all"</button>
                <button type="button" class="button secondary small" data-testid="legend-hide-all"
                    on:click=move |_| set_all(true)>"Hide all"</button>
                <span class="muted small" data-testid="legend-count" aria-live="polite">{count}</span>
            </div>
        }
    });
    view! {
        {tools}
        <ul class="legend" data-testid="legend" aria-label="Series">{items}</ul>
        {none_match}
    }
}

/// One legend entry: a button that hides or shows line `i`.
fn legend_item(i: usize, line: Line, state: LegendState, dark: Signal<bool>) -> impl IntoView {
    let LegendState { hidden, highlight, .. } = state;
    let (tag, label, dashed) = (line.tag, line.label.clone(), line.dashed);
    let swatch = move || swatch_style(&line, dark.get());
    let off = move || hidden.with(|h| h.get(i).copied().unwrap_or(false));
    view! {
        <li>
            <button
                type="button"
                class="legend-item"
                class:off=off
                class:focus=move || highlight.get() == Some(i)
                aria-pressed=move || (!off()).to_string()
                title="Click to hide or show this series"
                on:mouseenter=move |_| highlight.set(Some(i))
                on:mouseleave=move |_| highlight.set(None)
                on:click=move |_| hidden.update(|h| if let Some(x) = h.get_mut(i) { *x = !*x })
            >
                <span class="swatch" class:dashed=dashed style=swatch></span>
                {tag.map(|t| view! { <span class="line-tag">{t}</span> })}
                <span class="legend-label">{label}</span>
            </button>
        </li>
    }
}
