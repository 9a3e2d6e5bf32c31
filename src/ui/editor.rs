//! The query editor: a textarea over a syntax-highlighted copy of the query (the same text,
//! font and wrapping, so colours line up with what is typed), with the parse error's span
//! underlined, completion as the learner types, and Ctrl/Cmd-Enter for the page's action (run
//! the query in the playground, check the answer on an exercise page), which the hint under
//! the editor names. Text put in from outside (a lint fix, Format, Reset) goes in as an edit
//! the browser can undo, so Ctrl/Cmd-Z brings back what the learner had.

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;

use super::autocomplete::{CompletionList, CompletionState, LIST_ID};
use super::highlight::{runs_marked, Mark};
use super::query_assist::changed_range;

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
    // True while a change from outside is being typed in: its input event is no typing.
    let replacing = StoredValue::new(false);
    Effect::new(move |_| {
        let text = value.get();
        if let Some(el) = input.get() {
            if el.value() != text {
                replacing.set_value(true);
                replace_undoably(&el, &text);
                replacing.set_value(false);
            }
        }
    });
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
                // Later changes go in through `replace_undoably` (setting the value would
                // clear the browser's undo history).
                prop:value=value.get_untracked()
                node_ref=input
                aria-autocomplete="list"
                aria-controls=move || completion.showing().then_some(LIST_ID)
                aria-activedescendant=move || completion.active_id()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let deleted = value.with_untracked(|v| text.len() < v.len());
                    value.set(text);
                    if !replacing.get_value() {
                        completion.on_input(deleted);
                    }
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

/// Replaces the textarea's text with `text` as if typed: only the part that differs is
/// selected and replaced through the browser's `insertText` command, which keeps the undo
/// history and leaves the caret after the change. The focus goes back where it was. Where the
/// command is missing or refused, the value is set (undo then cannot bring it back).
fn replace_undoably(el: &web_sys::HtmlTextAreaElement, text: &str) {
    use wasm_bindgen::JsCast;
    let old: Vec<u16> = el.value().encode_utf16().collect();
    let new: Vec<u16> = text.encode_utf16().collect();
    let (start, old_end, new_end) = changed_range(&old, &new);
    let document = web_sys::window().and_then(|w| w.document());
    let focused = document.as_ref().and_then(|d| d.active_element());
    let exec = document.as_ref().and_then(|d| {
        let f = js_sys::Reflect::get(d, &"execCommand".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
        Some((d.clone(), f))
    });
    if let Some((d, exec)) = exec {
        let _ = el.focus();
        let _ = el.set_selection_range(start as u32, old_end as u32);
        let inserted = String::from_utf16_lossy(&new[start..new_end]);
        let command = if inserted.is_empty() { "delete" } else { "insertText" };
        let _ = exec.call3(&d, &command.into(), &false.into(), &inserted.into());
        if let Some(f) = focused.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = f.focus();
        }
    }
    if el.value() != text {
        el.set_value(text);
    }
}
