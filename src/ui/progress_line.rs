//! The line long work shows while it runs (evaluating rules, measuring, simulating,
//! fetching): a bar and what is being done, announced to screen readers as a status.

use leptos::prelude::*;

/// `done` of `total` steps, described by `text`, under `data-testid={testid}`.
pub fn progress_line(testid: &'static str, done: usize, total: usize, text: String) -> impl IntoView {
    view! {
        <div class="lab-progress" data-testid=testid role="status">
            <progress max=total.max(1) value=done></progress>
            <span>{text}</span>
        </div>
    }
}
