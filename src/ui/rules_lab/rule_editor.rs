//! The rule-file editor: a plain textarea (no wrapping) beside a line-number gutter that
//! marks the lines the check complains about, and the check's messages as `line:col`
//! entries that move the cursor to the place they name.

use leptos::html::Textarea;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::link::rules::CheckRules;
use crate::rules::{Diagnostic, Severity};

use super::super::engine_link;

/// The findings on the rule file in `text`, checked by the engine module whenever it changes
/// (a late answer never replaces a newer one). If the engine module broke, `verdict` says so,
/// where grading says what went wrong.
pub fn checked_as_typed<T: Send + Sync + 'static>(
    text: RwSignal<String>,
    verdict: RwSignal<Option<Result<T, String>>>,
) -> RwSignal<Vec<Diagnostic>> {
    let diagnostics = RwSignal::new(Vec::new());
    let checks = engine_link::Latest::new();
    Effect::new(move |_| {
        checks.send(CheckRules { text: text.get() }, move |reply| match reply {
            Ok(c) => diagnostics.set(c.diagnostics),
            Err(e) => verdict.set(Some(Err(e))),
        });
    });
    diagnostics
}

/// The editor.
#[component]
pub fn RuleEditor(
    /// The rule file's text.
    value: RwSignal<String>,
    /// The check's findings on the text as last checked.
    #[prop(into)]
    diagnostics: Signal<Vec<Diagnostic>>,
    /// The file name shown in messages.
    #[prop(into)]
    file_name: String,
    /// The text area's accessible name (default: a rule file).
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    let input = NodeRef::<Textarea>::new();
    let lines = move || value.with(|v| v.lines().count().max(1) + usize::from(v.ends_with('\n')));
    let gutter = move || {
        let marks = diagnostics.get();
        (1..=lines())
            .map(|n| {
                let severity = marks
                    .iter()
                    .filter(|d| d.line == n)
                    .map(|d| d.severity)
                    .min_by_key(|s| *s != Severity::Error);
                let class = match severity {
                    Some(Severity::Error) => "gutter-line error",
                    Some(_) => "gutter-line warning",
                    None => "gutter-line",
                };
                view! { <span class=class>{n}</span> }
            })
            .collect_view()
    };
    let jump = move |line: usize, col: usize| {
        let Some(el) = input.get() else { return };
        let text = value.get_untracked();
        let offset: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(|l| l.encode_utf16().count())
            .sum::<usize>()
            + col.saturating_sub(1);
        let html: &web_sys::HtmlElement = el.unchecked_ref();
        let _ = html.focus();
        let _ = el.set_selection_range(offset as u32, offset as u32);
    };
    let messages = move || {
        let name = file_name.clone();
        diagnostics
            .get()
            .into_iter()
            .map(|d| {
                let (line, col) = (d.line, d.col);
                let class =
                    if d.severity == Severity::Error { "diagnostic error" } else { "diagnostic warning" };
                let kind = if d.severity == Severity::Error { "error" } else { "lint" };
                view! {
                    <li class=class data-testid="rule-diagnostic">
                        <button type="button" class="diagnostic-pos" title="Go to this line"
                            on:click=move |_| jump(line, col)>
                            {format!("{name}:{line}:{col}")}
                        </button>
                        <span class="diagnostic-kind">{kind}</span>
                        <span class="diagnostic-message">{d.message.clone()}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="rule-editor">
            <pre class="rule-gutter" aria-hidden="true">{gutter}</pre>
            <textarea
                class="rule-input"
                data-testid="rule-input"
                aria-label=label.unwrap_or("Rule file (YAML)")
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                rows=lines
                prop:value=move || value.get()
                node_ref=input
                on:input=move |ev| value.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    // Tab inserts two spaces: YAML forbids tabs, and leaving the editor by
                    // Tab mid-edit is rarely what is meant here (Esc then Tab leaves it).
                    if ev.key() == "Tab" && !ev.shift_key() {
                        if let Some(el) = input.get() {
                            ev.prevent_default();
                            let start = el.selection_start().ok().flatten().unwrap_or(0) as usize;
                            let text = value.get_untracked();
                            let at = utf16_to_byte(&text, start);
                            let mut next = text.clone();
                            next.insert_str(at, "  ");
                            value.set(next);
                            let _ = el.set_selection_range(start as u32 + 2, start as u32 + 2);
                        }
                    }
                }
            ></textarea>
        </div>
        <ul class="diagnostics" data-testid="rule-diagnostics">{messages}</ul>
    }
}

/// The byte offset of a UTF-16 offset (what the DOM's selection reports) in `text`.
fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        if seen >= utf16 {
            return i;
        }
        seen += c.len_utf16();
    }
    text.len()
}
