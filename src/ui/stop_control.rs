//! The Stop control: shown while the engine has been working for a moment (a query, an
//! explain, a lab's evaluation, a grading), it stops the work at once. The engine's worker is
//! replaced by a fresh one holding the same dataset, packs and lab runs; the page that asked
//! says "Stopped: …" where its result would have been, and the editors keep their text.

use leptos::prelude::*;

use super::engine_link;

/// The floating bar with the Stop button (nothing while the engine is idle or quick).
#[component]
pub fn StopControl() -> impl IntoView {
    let shown = engine_link::stoppable();
    move || {
        shown.get().then(|| {
            view! {
                <div class="stop-bar" role="status" data-testid="stop-bar">
                    <span>"The query engine is working\u{2026}"</span>
                    <button type="button" class="button secondary small" data-testid="stop"
                        on:click=move |_| engine_link::stop()>"Stop"</button>
                </div>
            }
        })
    }
}
