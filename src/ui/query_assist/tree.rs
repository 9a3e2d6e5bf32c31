//! The explain panel: the query's tree, one row per node (kind, text, what it does, what it
//! returned, samples read, why it is empty), indented by depth. Clicking a row shows that
//! part's own result in the result panel; the banner above the results says which part it
//! is and goes back to the whole query.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;

use crate::assist::explain::{millis, result_lines, ExplainNode, Explanation};
use crate::content::time::format_instant;

use super::super::format::code_spans;
use super::bar::EXPLAIN_PANEL_ID;
use super::state::AssistState;

/// The explain panel (hidden while the toggle is off).
#[component]
pub fn ExplainPanel(
    state: AssistState,
    /// Shows the result of this part of the query (None: the whole query).
    on_select: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="card explain-panel" id=EXPLAIN_PANEL_ID data-testid="explain-panel"
            hidden=move || !state.open.get() aria-label="Explain">
            {move || match state.explanation.get() {
                None => view! { <p class="muted">"Run the query to see how it is evaluated."</p> }.into_any(),
                Some(Err(e)) => view! { <div class="error-box" role="alert">{e}</div> }.into_any(),
                Some(Ok(e)) => tree(e, state, on_select).into_any(),
            }}
        </section>
    }
}

fn tree(e: Explanation, state: AssistState, on_select: Callback<Option<String>>) -> impl IntoView {
    // Over a remote source, the figures are the local engine's on the server's samples.
    let read = match state.remote_source() {
        Some(base) => format!("{} of {base}'s raw samples read locally", e.samples),
        None => format!("{} samples read", e.samples),
    };
    let summary = format!(
        "At {} \u{b7} {read} \u{b7} {}. Click a part to see its result.",
        format_instant(e.time),
        millis(e.ms)
    );
    let error = e.error.clone().map(|err| view! { <div class="error-box" role="alert">{err}</div> });
    let rows = e.nodes.into_iter().map(|n| row(n, state, on_select)).collect_view();
    view! {
        <h2 class="card-title">"How the query is evaluated"</h2>
        <p class="muted explain-summary" data-testid="explain-summary">{summary}</p>
        {error}
        <ul class="explain-tree" role="tree" aria-label="Query parts">{rows}</ul>
    }
}

/// One node as a clickable tree item.
fn row(n: ExplainNode, state: AssistState, on_select: Callback<Option<String>>) -> impl IntoView {
    let id = n.id;
    let selected = move || state.selected.get().unwrap_or(0) == id;
    let text = n.text.clone();
    let select = move |_| {
        state.selected.set(Some(id));
        on_select.run((id != 0).then(|| text.clone()));
    };
    let lines =
        result_lines(&n).into_iter().map(|l| view! { <li class="explain-result">{with_code(&l)}</li> }).collect_view();
    let notes = n.notes.iter().map(|note| view! { <li class="explain-note">{with_code(note)}</li> }).collect_view();
    let empty = n.result.as_ref().is_some_and(|r| r.series == 0 && r.kind.ends_with("vector"));
    // The tree is a flat list: each item says its level (the view macro has no aria-level).
    let level = custom_attribute("aria-level", (n.depth + 1).to_string());
    view! {
        <li role="treeitem" aria-selected=move || selected().to_string()
            class="explain-item" style=format!("--depth: {}", n.depth) data-testid="explain-node">
            <button type="button" class="explain-node" class:active=selected class:empty=empty on:click=select>
                <span class="explain-kind">{n.kind.clone()}</span>
                <code class="explain-text">{n.text.clone()}</code>
            </button>
            <p class="explain-sentence">{with_code(&n.sentence)}</p>
            <ul class="explain-details">{lines}{notes}</ul>
        </li>
    }
    .add_any_attr(level)
}

/// Text with its backticked names as code.
pub(super) fn with_code(text: &str) -> impl IntoView {
    code_spans(text)
        .into_iter()
        .map(|(code, t)| {
            let t = t.to_string();
            if code {
                view! { <code>{t}</code> }.into_any()
            } else {
                view! { <span>{t}</span> }.into_any()
            }
        })
        .collect_view()
}

/// Above the results while they show a part of the query: which part, and the way back.
#[component]
pub fn PartBanner(state: AssistState, on_select: Callback<Option<String>>) -> impl IntoView {
    let part = move || {
        let id = state.selected.get().filter(|id| *id != 0)?;
        state.explanation.with(|e| match e {
            Some(Ok(e)) => e.nodes.get(id).map(|n| n.text.clone()),
            _ => None,
        })
    };
    move || {
        part().map(|text| {
            view! {
                <p class="part-banner" role="status" data-testid="part-banner">
                    <span>"The results show the part "</span>
                    <code>{text}</code>
                    <button type="button" class="button secondary small" on:click=move |_| {
                        state.selected.set(Some(0));
                        on_select.run(None);
                    }>"Show the whole query"</button>
                </p>
            }
        })
    }
}
