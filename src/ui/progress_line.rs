//! The line long work shows while it runs (evaluating rules, measuring, simulating,
//! fetching): a bar and what is being done, announced to screen readers as a status; and the
//! line a lab shows while its engine module loads.

use leptos::prelude::*;

/// Said by a lab while the labs' engine module loads (on a first visit, or while the
/// playground's module hands over to it), where its check's verdict will be.
pub fn engine_loading() -> impl IntoView {
    view! { <p class="check-status muted" data-testid="engine-loading" role="status">"Loading the query engine\u{2026}"</p> }
}

/// `done` of `total` steps, described by `text`, under `data-testid={testid}`.
pub fn progress_line(testid: &'static str, done: usize, total: usize, text: String) -> impl IntoView {
    view! {
        <div class="lab-progress" data-testid=testid role="status">
            <progress max=total.max(1) value=done></progress>
            <span>{text}</span>
        </div>
    }
}
