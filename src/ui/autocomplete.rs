//! The editor's completion list: candidates from [`crate::assist::complete`] for the text
//! before the cursor (functions, aggregations, keywords, and the loaded dataset's metric
//! names, label names and values), shown under the editor while typing or on Ctrl-Space.
//! The keys follow [`crate::assist::popup`]: a list that opened by itself leaves Enter to the
//! editor until the learner moves into it with the arrows; Tab accepts; Escape closes.

use std::sync::Arc;

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::assist::complete::utf16_to_byte;
use crate::assist::{complete, Catalog, Completion, ItemKind, Key, KeyOutcome, Popup, Typed};

use super::data::{use_data, DataState};

/// The completion state of one editor.
#[derive(Clone, Copy)]
pub struct CompletionState {
    value: RwSignal<String>,
    input: NodeRef<Textarea>,
    /// Cursor position as a byte offset into the query.
    cursor: RwSignal<usize>,
    popup: RwSignal<Popup>,
    completion: Memo<Completion>,
}

impl CompletionState {
    /// Completion for the editor whose text is `value` and whose textarea is `input`.
    pub fn new(value: RwSignal<String>, input: NodeRef<Textarea>) -> Self {
        let data = use_data();
        // A connected remote source's names, where the playground has one.
        let remote = super::remote::use_remote().map(|r| r.catalog);
        // The catalogue is rebuilt only when the dataset (or source) changes.
        let catalog = Memo::new(move |_| match (remote.and_then(|r| r.get()), data.get()) {
            (Some(c), _) => c,
            (None, DataState::Ready(d)) => Arc::new(d.info.catalog.clone()),
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
            popup: RwSignal::new(Popup::default()),
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

    /// After an input event: `deleted` when the text got shorter. The list opens, stays or
    /// closes according to what was typed just before the cursor (see [`Popup::typed`]).
    pub fn on_input(&self, deleted: bool) {
        self.sync_cursor();
        let c = self.cursor.get_untracked();
        let last = self.value.with_untracked(|v| v.get(..c).and_then(|b| b.chars().next_back()));
        let typed = match (deleted, last) {
            (false, Some(ch)) => Typed::Char(ch),
            (false, None) => Typed::Char('\n'),
            (true, _) => Typed::Deleted,
        };
        self.popup.update(|p| p.typed(typed));
    }

    /// Handles a key press; returns true when it was used (the caller then ignores it).
    pub fn on_keydown(&self, ev: &KeyboardEvent) -> bool {
        if ev.key() == " " && ev.ctrl_key() {
            ev.prevent_default();
            self.sync_cursor();
            self.popup.update(Popup::invoke);
            return true;
        }
        let n = self.completion.with_untracked(|c| c.items.len());
        let modified = ev.ctrl_key() || ev.meta_key() || ev.alt_key();
        let key = Key::from_dom(&ev.key());
        let before = self.popup.get_untracked();
        let mut popup = before;
        let outcome = popup.key(key, n, modified);
        if popup != before {
            self.popup.set(popup);
        }
        match outcome {
            KeyOutcome::PassOn => false,
            KeyOutcome::Used => {
                ev.prevent_default();
                if let Some(i) = popup.selected() {
                    // After the list has redrawn with the new highlight.
                    request_animation_frame(move || scroll_into_list(i));
                }
                true
            }
            KeyOutcome::Accept(i) => {
                ev.prevent_default();
                self.accept(i);
                true
            }
        }
    }

    /// Closes the list (when the editor loses focus).
    pub fn close(&self) {
        self.popup.update(Popup::close);
    }

    /// True while the list is showing entries (for the textarea's `aria-expanded`).
    pub fn showing(&self) -> bool {
        self.popup.with(Popup::is_open) && self.completion.with(|c| !c.items.is_empty())
    }

    /// The id of the highlighted entry (for the textarea's `aria-activedescendant`).
    pub fn active_id(&self) -> Option<String> {
        self.showing().then(|| self.popup.with(Popup::selected).map(option_id)).flatten()
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
        self.popup.update(Popup::close);
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

/// Scrolls the list so that entry `i` is visible (the arrows can move past its bottom).
fn scroll_into_list(i: usize) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let entry = doc.get_element_by_id(&option_id(i)).and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let list = doc.get_element_by_id(LIST_ID).and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let (Some(entry), Some(list)) = (entry, list) else { return };
    let (top, bottom) = (entry.offset_top(), entry.offset_top() + entry.offset_height());
    if top < list.scroll_top() {
        list.set_scroll_top(top);
    } else if bottom > list.scroll_top() + list.client_height() {
        list.set_scroll_top(bottom - list.client_height());
    }
}

/// The DOM id of entry `i` of the list.
fn option_id(i: usize) -> String {
    format!("completion-option-{i}")
}

/// The id of the list (the textarea's `aria-controls`).
pub const LIST_ID: &str = "completion-list";

/// The list, rendered under the editor, with a line saying how to use it.
#[component]
pub fn CompletionList(state: CompletionState) -> impl IntoView {
    move || {
        if !state.showing() {
            return None;
        }
        let c = state.completion.get();
        let active = state.popup.with(Popup::selected);
        let items = c
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let is_active = active == Some(i);
                view! {
                    <li class="completion-item" class:active=is_active role="option" id=option_id(i)
                        aria-selected=is_active.to_string()
                        // mousedown, not click: the textarea must keep the focus.
                        on:mousedown=move |ev| { ev.prevent_default(); state.accept(i); }>
                        <span class="completion-kind">{kind_mark(it.kind)}</span>
                        <span class="completion-label">{it.label.clone()}</span>
                        <span class="completion-detail">{it.detail.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        let how = if active.is_some() {
            "Enter or Tab inserts \u{b7} Esc closes"
        } else {
            "\u{2193} to choose \u{b7} Tab inserts the first \u{b7} Enter is a new line \u{b7} Esc closes"
        };
        Some(view! {
            <div class="completion">
                <div class="completion-popup">
                    <ul class="completion-list" role="listbox" id=LIST_ID aria-label="Completions" data-testid="completion-list">{items}</ul>
                    <p class="completion-how" data-testid="completion-how">{how}</p>
                </div>
            </div>
        })
    }
}
