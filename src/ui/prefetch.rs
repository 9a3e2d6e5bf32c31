//! Starts loading the engine module as soon as the learner shows the intent to open a page
//! that needs it (pointing at or focusing a link to the playground, an exercise or a lab),
//! so the module is usually there by the time the page opens. The start page itself never
//! loads it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{browser, engine_link};

/// Paths (after the site's base) of the pages that query the engine.
const ENGINE_PAGES: &[&str] =
    &["/play", "/exercise/", "/rules", "/cardinality", "/relabel", "/alerts", "/alertmanager", "/library"];

/// Listens, once for the page, for pointer and focus intents on such links.
pub fn on_link_intent() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        if !engine_link::is_ready() && targets_engine_page(&event) {
            leptos::task::spawn_local(async {
                // A failure is reported by the page that needs the engine.
                let _ = engine_link::ready().await;
            });
        }
    });
    for kind in ["pointerover", "focusin", "touchstart"] {
        let _ = document.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    listener.forget();
}

/// True when the event happened on (or inside) a link to an engine page of this site.
fn targets_engine_page(event: &web_sys::Event) -> bool {
    let Some(element) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let Some(href) = element.closest("a[href]").ok().flatten().and_then(|a| a.get_attribute("href")) else {
        return false;
    };
    let base = browser::base();
    let path = href.strip_prefix(base.as_str()).unwrap_or(&href);
    ENGINE_PAGES.iter().any(|p| path.starts_with(p))
}
