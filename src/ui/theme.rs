//! Light and dark mode: follows the system setting until the visitor picks one, remembers
//! the choice, and tells the chart which palette to draw with.

use leptos::prelude::*;

use super::browser;

const KEY: &str = "promql-playground-theme";

/// True while the dark theme is showing.
#[derive(Clone, Copy)]
pub struct Theme(pub RwSignal<bool>);

/// Decides the starting theme and provides it; keeps `<html data-theme>` in step.
pub fn provide_theme() {
    let dark = match browser::stored(KEY).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => system_prefers_dark(),
    };
    let theme = RwSignal::new(dark);
    provide_context(Theme(theme));
    Effect::new(move |_| {
        let name = if theme.get() { "dark" } else { "light" };
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", name);
        }
    });
}

/// Whether dark mode is on (false outside the app shell).
pub fn is_dark() -> Signal<bool> {
    match use_context::<Theme>() {
        Some(Theme(t)) => t.into(),
        None => Signal::stored(false),
    }
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The button that switches between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let Theme(theme) = use_context::<Theme>()?;
    let toggle = move |_| {
        let dark = !theme.get_untracked();
        theme.set(dark);
        browser::store(KEY, if dark { "dark" } else { "light" });
    };
    let label = move || if theme.get() { "Switch to light mode" } else { "Switch to dark mode" };
    Some(view! {
        <button class="icon-button theme-toggle" on:click=toggle title=label aria-label=label>
            {move || if theme.get() { "\u{2600}" } else { "\u{263E}" }}
        </button>
    })
}
