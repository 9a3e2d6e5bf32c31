//! The controls under the editor: instant or range mode, the evaluation time (the range's
//! end in range mode) with buttons that move it back and forth, the range and step, a menu
//! that jumps to the dataset's documented events, and the Execute button.

use std::sync::Arc;

use leptos::prelude::*;

use crate::content::time::format_duration;

use super::data::Data;
use super::event_links::event_span;
use super::format;
use super::request::{Mode, TimeInputs};
use super::time_window::{framing, shift_amount, shifted, Span};

/// Mode switch, time fields, event menu and Execute.
#[component]
pub fn TimeControls(
    /// Instant or range query.
    mode: RwSignal<Mode>,
    /// The time fields as typed.
    inputs: RwSignal<TimeInputs>,
    /// Runs the query.
    on_execute: Callback<()>,
    /// True while a query runs.
    running: Signal<bool>,
    /// The open dataset (None until it is loaded): its span bounds the shifts, and its
    /// events fill the jump menu.
    dataset: Signal<Option<Arc<Data>>>,
) -> impl IntoView {
    let ready = Signal::derive(move || dataset.with(Option::is_some));
    let span = move || dataset.with(|d| d.as_ref().map(|d| Span { start: d.meta.start, end: d.meta.end }));
    let mode_button = move |m: Mode, label: &'static str| {
        view! {
            <button
                type="button"
                class="segment"
                class:active=move || mode.get() == m
                aria-pressed=move || (mode.get() == m).to_string()
                data-testid=format!("mode-{}", m.as_str())
                on:click=move |_| mode.set(m)
            >
                {label}
            </button>
        }
    };
    let is_range = move || mode.get() == Mode::Range;

    // The ± buttons: move the time by the range (or an hour for instant queries) and run.
    let shift_button = move |direction: i64| {
        let target = move || span().and_then(|s| inputs.with(|i| shifted(i, mode.get(), direction, s)));
        let amount = move || inputs.with(|i| shift_amount(i, mode.get())).map(format_duration);
        let text = move || match (amount(), direction < 0) {
            (Some(a), true) => format!("\u{2212}{a}"),
            (Some(a), false) => format!("+{a}"),
            (None, true) => "\u{2212}".into(),
            (None, false) => "+".into(),
        };
        let label = move || {
            let by = amount().unwrap_or_else(|| "the range".into());
            if direction < 0 {
                format!("Earlier by {by}")
            } else {
                format!("Later by {by}")
            }
        };
        view! {
            <button
                type="button"
                class="button secondary shift"
                data-testid=if direction < 0 { "shift-back" } else { "shift-forward" }
                title=label
                aria-label=label
                disabled=move || running.get() || target().is_none()
                on:click=move |_| {
                    if let Some(next) = target() {
                        inputs.set(next);
                        on_execute.run(());
                    }
                }
            >
                {text}
            </button>
        }
    };

    let events = move || {
        dataset.with(|d| {
            d.as_ref().map(|d| {
                let data = Span { start: d.meta.start, end: d.meta.end };
                d.meta.events.iter().map(|e| (e.title.clone(), event_span(e, data))).collect::<Vec<_>>()
            })
        })
    };
    let jump = move |ev: leptos::ev::Event| {
        let picked = event_target_value(&ev).parse::<usize>().ok();
        // The menu is a list of actions: it shows its prompt again once one is taken.
        if let Some(target) = ev.target() {
            let _ = js_sys::Reflect::set(&target, &"value".into(), &"".into());
        }
        let (Some(i), Some(s)) = (picked, span()) else { return };
        let Some((_, (start, end))) = events().and_then(|e| e.get(i).cloned()) else { return };
        inputs.set(inputs.with_untracked(|inp| framing(inp, mode.get_untracked(), start, end, s)));
        on_execute.run(());
    };
    let event_menu = move || {
        let list = events().filter(|e| !e.is_empty())?;
        let options = list
            .into_iter()
            .enumerate()
            .map(|(i, (title, (start, _)))| {
                view! { <option value=i.to_string()>{format!("{} \u{b7} {title}", format::axis_time(start, i64::MAX))}</option> }
            })
            .collect_view();
        Some(view! {
            <label class="field event-field">
                <span>"Events"</span>
                <select data-testid="event-jump" on:change=jump disabled=move || running.get()>
                    <option value="" selected=true>"Jump to an event\u{2026}"</option>
                    {options}
                </select>
            </label>
        })
    };

    view! {
        <div class="controls">
            <div class="segmented" role="group" aria-label="Query type">
                {mode_button(Mode::Instant, "Instant")} {mode_button(Mode::Range, "Range")}
            </div>
            <div class="field time-field">
                <label for="time-input">{move || if is_range() { "End (UTC)" } else { "Time (UTC)" }}</label>
                <div class="time-row">
                    {shift_button(-1)}
                    <input
                        id="time-input"
                        type="text"
                        data-testid="time-input"
                        spellcheck="false"
                        title="2026-01-06T10:00:00Z, 2026-01-06 10:00 (UTC), an offset like +02:00, or Unix seconds"
                        prop:value=move || inputs.with(|i| i.time.clone())
                        on:input=move |ev| inputs.update(|i| i.time = event_target_value(&ev))
                    />
                    {shift_button(1)}
                </div>
            </div>
            <Show when=is_range>
                <label class="field short-field">
                    <span>"Range"</span>
                    <input
                        type="text"
                        data-testid="range-input"
                        spellcheck="false"
                        prop:value=move || inputs.with(|i| i.range.clone())
                        on:input=move |ev| inputs.update(|i| i.range = event_target_value(&ev))
                    />
                </label>
                <label class="field short-field">
                    <span>"Step"</span>
                    <input
                        type="text"
                        data-testid="step-input"
                        spellcheck="false"
                        placeholder=move || inputs.with(|i| i.auto_step_hint())
                        prop:value=move || inputs.with(|i| i.step.clone())
                        on:input=move |ev| inputs.update(|i| i.step = event_target_value(&ev))
                    />
                </label>
            </Show>
            {event_menu}
            <button
                type="button"
                class="button primary execute"
                data-testid="execute"
                disabled=move || running.get() || !ready.get()
                on:click=move |_| on_execute.run(())
            >
                {move || if running.get() { "Running\u{2026}" } else { "Execute" }}
            </button>
        </div>
    }
}
