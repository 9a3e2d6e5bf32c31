//! The editor's completion list: candidates from [`crate::assist::complete`] for the text
//! before the cursor (functions, aggregations, keywords, and the loaded dataset's metric
//! names, label names and values), shown under the editor while typing or on Ctrl-Space;
//! arrows move, Enter or Tab accepts, Escape closes.

use std::sync::Arc;

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;

use crate::assist::complete::utf16_to_byte;
use crate::assist::{complete, Catalog, Completion, ItemKind};

use super::data::{use_data, DataState};

/// The completion state of one editor.
#[derive(Clone, Copy)]
pub struct CompletionState {
    value: RwSignal<String>,
    input: NodeRef<Textarea>,
    /// Cursor position as a byte offset into the query.
    cursor: RwSignal<usize>,
    open: RwSignal<bool>,
    active: RwSignal<usize>,
    completion: Memo<Completion>,
}

impl CompletionState {
    /// Completion for the editor whose text is `value` and whose textarea is `input`.
    pub fn new(value: RwSignal<String>, input: NodeRef<Textarea>) -> Self {
        let data = use_data();
        // The catalogue is rebuilt only when the dataset changes (once per visit).
        let catalog = Memo::new(move |_| match data.get() {
            DataState::Ready(d) => Arc::new(d.info.catalog.clone()),
            _ => Arc::new(Catalog::default()),
        });
        let cursor = RwSignal::new(0usize);
        let completion = Memo::new(move |_| {
            let cat = catalog.get();
            value.with(|v| {
                let mut c = complete(v, cursor.get(), &cat);
                // A word typed out in full needs no list (Enter then keeps its usual meaning).
                let typed = v.get(c.from..c.to).unwrap_or("");
                if c.items.len() == 1 && c.items[0].insert == typed {
                    c.items.clear();
                }
                c
            })
        });
        CompletionState {
            value,
            input,
            cursor,
            open: RwSignal::new(false),
            active: RwSignal::new(0),
            completion,
        }
    }

    /// Reads the cursor from the textarea (call on input, click and key-up).
    pub fn sync_cursor(&self) {
        if let Some(el) = self.input.get_untracked() {
            let utf16 = el.selection_start().ok().flatten().unwrap_or(0) as usize;
            let text = el.value();
            self.cursor.set(utf16_to_byte(&text, utf16));
        }
    }

    /// After an input event: opens the list when the character just typed starts or
    /// continues something completable (not after spaces or operators).
    pub fn on_input(&self) {
        self.sync_cursor();
        let c = self.cursor.get_untracked();
        let last = self.value.with_untracked(|v| v.get(..c).and_then(|b| b.chars().next_back()));
        let opens = last.is_some_and(|ch| {
            ch.is_alphanumeric() || matches!(ch, '_' | ':' | '{' | '[' | '"' | '=' | ',' | '(')
        });
        self.open.set(opens);
        self.active.set(0);
    }

    /// Handles a key press; returns true when it was used (the caller then ignores it).
    pub fn on_keydown(&self, ev: &KeyboardEvent) -> bool {
        if ev.key() == " " && ev.ctrl_key() {
            ev.prevent_default();
            self.sync_cursor();
            self.open.set(true);
            self.active.set(0);
            return true;
        }
        let n = self.completion.with_untracked(|c| c.items.len());
        if !self.open.get_untracked() || n == 0 || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return false;
        }
        match ev.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % n),
            "ArrowUp" => self.active.update(|a| *a = (*a + n - 1) % n),
            "Enter" | "Tab" => self.accept(self.active.get_untracked()),
            "Escape" => self.open.set(false),
            _ => return false,
        }
        ev.prevent_default();
        true
    }

    /// Closes the list (when the editor loses focus).
    pub fn close(&self) {
        self.open.set(false);
    }

    /// Replaces the completed span with candidate `i` and puts the cursor after it.
    fn accept(&self, i: usize) {
        let c = self.completion.get_untracked();
        let Some(item) = c.items.get(i) else { return };
        let mut text = self.value.get_untracked();
        if c.from > c.to
            || c.to > text.len()
            || !text.is_char_boundary(c.from)
            || !text.is_char_boundary(c.to)
        {
            return;
        }
        text.replace_range(c.from..c.to, &item.insert);
        let pos = c.from + item.insert.len();
        let utf16 = text[..pos].encode_utf16().count() as u32;
        self.value.set(text.clone());
        self.cursor.set(pos);
        self.open.set(false);
        if let Some(el) = self.input.get_untracked() {
            // Set the DOM value now, so the selection lands in the new text.
            el.set_value(&text);
            let _ = el.set_selection_range(utf16, utf16);
            let _ = el.focus();
        }
    }
}

fn kind_mark(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Function => "f",
        ItemKind::Aggregation => "\u{3a3}",
        ItemKind::Keyword => "k",
        ItemKind::Metric => "m",
        ItemKind::LabelName => "l",
        ItemKind::LabelValue => "v",
        ItemKind::Duration => "d",
    }
}

/// The list, rendered under the editor.
#[component]
pub fn CompletionList(state: CompletionState) -> impl IntoView {
    move || {
        if !state.open.get() {
            return None;
        }
        let c = state.completion.get();
        if c.items.is_empty() {
            return None;
        }
        let active = state.active.get();
        let items = c
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                view! {
                    <li class="completion-item" class:active=i == active role="option" aria-selected=(i == active).to_string()
                        // mousedown, not click: the textarea must keep the focus.
                        on:mousedown=move |ev| { ev.prevent_default(); state.accept(i); }>
                        <span class="completion-kind">{kind_mark(it.kind)}</span>
                        <span class="completion-label">{it.label.clone()}</span>
                        <span class="completion-detail">{it.detail.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="completion">
                <ul class="completion-list" role="listbox" data-testid="completion-list">{items}</ul>
            </div>
        })
    }
}
