//! The toolbar under the query editor: Format, the Explain toggle, and the linter's findings
//! with their one-click fixes.

use leptos::prelude::*;

use crate::assist::lint::Finding;

use super::tree::with_code;
use super::severity_class;
use super::state::AssistState;

/// The id of the explain panel the toggle controls.
pub const EXPLAIN_PANEL_ID: &str = "explain-panel";

/// Format and Explain buttons and the findings.
#[component]
pub fn AssistBar(
    state: AssistState,
    /// Runs the query again (after a fix).
    on_execute: Callback<()>,
    /// Leave out the Explain toggle (pages without the explain panel).
    #[prop(optional)]
    without_explain: bool,
) -> impl IntoView {
    let toggle = move |_| {
        let open = !state.open.get_untracked();
        state.open.set(open);
        if open {
            state.explain();
        }
    };
    let stale = move || state.linted.with(|l| l.query != state.query.get());
    let findings = move || {
        let linted = state.linted.get();
        let is_stale = stale();
        linted.findings.into_iter().map(|f| finding(f, is_stale, state, on_execute)).collect_view()
    };
    view! {
        <div class="assist-bar">
            <button type="button" class="button secondary small" data-testid="format-button"
                title="Lay the query out as Prometheus prints it"
                on:click=move |_| state.format()>"Format"</button>
            {(!without_explain).then(|| view! {
                <button type="button" class="button secondary small" data-testid="explain-toggle"
                    aria-expanded=move || state.open.get().to_string() aria-controls=EXPLAIN_PANEL_ID
                    class:active=move || state.open.get()
                    on:click=toggle>"Explain"</button>
            })}
            {move || state.status.get().map(|s| view! {
                <span class="assist-status" role="status" data-testid="format-status">{s}</span>
            })}
        </div>
        {move || (!state.linted.with(|l| l.findings.is_empty())).then(|| view! {
            <ul class="lint-list" data-testid="lint-findings" aria-label="Lint findings">
                {findings}
            </ul>
            {stale().then(|| view! {
                <p class="muted lint-stale">"The query changed since these were found: run it to check again."</p>
            })}
        })}
    }
}

/// One finding: severity, check, position, message, and its fix as a button.
fn finding(f: Finding, stale: bool, state: AssistState, on_execute: Callback<()>) -> impl IntoView {
    let class = format!("lint-finding {}", severity_class(f.severity));
    let message = with_code(&f.message);
    let fix = f.fix.filter(|_| !stale).map(|fix| {
        let title = fix.title.clone();
        view! {
            <button type="button" class="button small lint-fix" data-testid="lint-fix"
                on:click=move |_| {
                    if state.apply(&fix) {
                        on_execute.run(());
                    }
                }>{format!("Fix: {title}")}</button>
        }
    });
    view! {
        <li class=class data-testid="lint-finding" data-check=f.check.clone()>
            <span class="lint-severity">{f.severity.as_str()}</span>
            <span class="lint-check">{f.check.clone()}</span>
            <span class="lint-where">{format!("{}:{}", f.line, f.col)}</span>
            <span class="lint-message">{message}</span>
            {fix}
        </li>
    }
}
