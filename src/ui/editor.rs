//! The query editor: a textarea over a syntax-highlighted copy of the query (the same text,
//! font and wrapping, so colours line up with what is typed), with the parse error's span
//! underlined, completion as the learner types, and Ctrl/Cmd-Enter for the page's action (run
//! the query in the playground, check the answer on an exercise page), which the hint under
//! the editor names.

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;

use super::autocomplete::{CompletionList, CompletionState, LIST_ID};
use super::highlight::{runs_marked, Mark};

/// The query editor.
#[component]
pub fn QueryEditor(
    /// The query text.
    value: RwSignal<String>,
    /// Byte range of the current parse error, if the query as typed failed to parse.
    #[prop(into)]
    error_span: Signal<Option<(usize, usize)>>,
    /// Runs the query (Ctrl-Enter or Cmd-Enter).
    on_execute: Callback<()>,
    /// What Ctrl-Enter does, for the hint: "runs the query" unless the page says otherwise.
    #[prop(optional)]
    shortcut_does: Option<&'static str>,
    /// Ranges to underline (lint findings), worst first.
    #[prop(optional, into)]
    marks: Option<Signal<Vec<Mark>>>,
) -> impl IntoView {
    let shortcut_does = shortcut_does.unwrap_or("runs the query");
    let highlighted = move || {
        let text = value.get();
        let marks = marks.map(|m| m.get()).unwrap_or_default();
        runs_marked(&text, error_span.get(), &marks)
            .into_iter()
            .map(|r| view! { <span class=r.class>{r.text}</span> })
            .collect_view()
    };
    let input = NodeRef::<Textarea>::new();
    let completion = CompletionState::new(value, input);
    let on_keydown = move |ev: KeyboardEvent| {
        if completion.on_keydown(&ev) {
            return;
        }
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            on_execute.run(());
        }
    };
    view! {
        <div class="editor">
            // The trailing newline keeps the copy as tall as the textarea when the query ends
            // with an empty line.
            <pre class="editor-highlight" aria-hidden="true">{highlighted}"\n"</pre>
            <textarea
                class="editor-input"
                data-testid="query-input"
                aria-label="PromQL query"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder="Type a PromQL query, e.g. rate(model_predictions_total[5m])"
                prop:value=move || value.get()
                node_ref=input
                aria-autocomplete="list"
                aria-controls=move || completion.showing().then_some(LIST_ID)
                aria-activedescendant=move || completion.active_id()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let deleted = value.with_untracked(|v| text.len() < v.len());
                    value.set(text);
                    completion.on_input(deleted);
                }
                on:click=move |_| {
                    completion.sync_cursor();
                    completion.close();
                }
                on:blur=move |_| completion.close()
                on:keydown=on_keydown
            ></textarea>
        </div>
        <CompletionList state=completion />
        <p class="editor-hint" data-testid="editor-hint">
            <kbd>"Ctrl"</kbd>"+"<kbd>"Enter"</kbd>" (or "<kbd>"\u{2318}"</kbd>"+"<kbd>"Enter"</kbd>") "{shortcut_does}
            ". "<kbd>"Ctrl"</kbd>"+"<kbd>"Space"</kbd>" suggests names."
        </p>
    }
}
