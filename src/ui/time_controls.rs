//! The controls under the editor: instant or range mode, the evaluation time (the range's
//! end in range mode), the range and step, and the Execute button.

use leptos::prelude::*;

use super::request::{Mode, TimeInputs};

/// Mode switch, time fields and Execute.
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
    /// False until the dataset is loaded.
    ready: Signal<bool>,
) -> impl IntoView {
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
    view! {
        <div class="controls">
            <div class="segmented" role="group" aria-label="Query type">
                {mode_button(Mode::Instant, "Instant")} {mode_button(Mode::Range, "Range")}
            </div>
            <label class="field time-field">
                <span>{move || if is_range() { "End (UTC)" } else { "Time (UTC)" }}</span>
                <input
                    type="text"
                    data-testid="time-input"
                    spellcheck="false"
                    prop:value=move || inputs.with(|i| i.time.clone())
                    on:input=move |ev| inputs.update(|i| i.time = event_target_value(&ev))
                />
            </label>
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
