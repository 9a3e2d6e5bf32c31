//! The Chart / Table switch of a range result, as an ARIA tab list: the selected tab is
//! announced (`aria-selected`) and is the only one in the Tab order (roving tabindex); the
//! arrow keys, Home and End move between tabs, as in the WAI-ARIA authoring practices.

use leptos::ev::KeyboardEvent;
use leptos::html::Button;
use leptos::prelude::*;

/// Which view of a range query's result is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Chart,
    Table,
}

const TABS: [Tab; 2] = [Tab::Chart, Tab::Table];

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Chart => "Chart",
            Tab::Table => "Table",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Chart => "result-tab-chart",
            Tab::Table => "result-tab-table",
        }
    }
}

/// The id of the panel the tabs control (give it to the element showing the view).
pub const PANEL_ID: &str = "result-panel";

/// The id of the tab labelling the panel while `tab` shows.
pub fn tab_id(tab: Tab) -> &'static str {
    tab.id()
}

/// The tab list.
#[component]
pub fn ResultTabs(tab: RwSignal<Tab>) -> impl IntoView {
    let refs: [NodeRef<Button>; 2] = [NodeRef::new(), NodeRef::new()];
    let on_key = move |ev: KeyboardEvent| {
        let current = TABS.iter().position(|t| *t == tab.get_untracked()).unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1) % TABS.len(),
            "ArrowLeft" | "ArrowUp" => (current + TABS.len() - 1) % TABS.len(),
            "Home" => 0,
            "End" => TABS.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        tab.set(TABS[next]);
        if let Some(button) = refs[next].get_untracked() {
            let _ = button.focus();
        }
    };
    let buttons = TABS
        .iter()
        .zip(refs)
        .map(|(&t, node)| {
            let selected = move || tab.get() == t;
            view! {
                <button
                    type="button"
                    role="tab"
                    node_ref=node
                    id=t.id()
                    class="tab"
                    class:active=selected
                    aria-selected=move || selected().to_string()
                    aria-controls=PANEL_ID
                    tabindex=move || if selected() { "0" } else { "-1" }
                    data-testid=format!("tab-{}", t.label().to_lowercase())
                    on:click=move |_| tab.set(t)
                    on:keydown=on_key
                >
                    {t.label()}
                </button>
            }
        })
        .collect_view();
    view! { <div class="tabs" role="tablist" aria-label="Result view">{buttons}</div> }
}
