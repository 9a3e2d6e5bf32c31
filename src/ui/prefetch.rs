//! Starts loading the engine module and the page's own code as soon as the learner shows the
//! intent to open a page that needs them (pointing at or focusing a link to the playground,
//! an exercise or a lab), so they are usually there by the time the page opens: the engine
//! build and the group of pages (src/ui/lazy_pages.rs) that page needs, the labs' for a lab.
//! The start page itself loads neither.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::paths::engine_route;
use super::{browser, engine_link, lazy_pages};

/// Listens, once for the page, for pointer and focus intents on such links.
pub fn on_link_intent() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        if let Some(route) = engine_page_route(&event) {
            prepare(route);
        }
    });
    for kind in ["pointerover", "focusin", "touchstart"] {
        let _ = document.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    listener.forget();
}

/// Starts the page at the app's own address on its engine module at once, when it needs one:
/// the page itself waits for its code first (src/ui/lazy_pages.rs), and the worker's start
/// need not wait with it.
pub fn for_current_page() {
    let route = engine_link::current_route();
    if engine_route(&route) {
        prepare(route);
    }
}

/// Fetches the code of the page at `route` and starts the engine module it needs.
fn prepare(route: String) {
    lazy_pages::preload_for(&route);
    if engine_link::must_prepare_for(&route) {
        leptos::task::spawn_local(async move {
            // A failure is reported by the page that needs the engine.
            let _ = engine_link::prepare_for(&route).await;
        });
    }
}

/// The route of the engine page of this site the event happened on a link to (or inside one).
fn engine_page_route(event: &web_sys::Event) -> Option<String> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let href = element.closest("a[href]").ok().flatten()?.get_attribute("href")?;
    let base = browser::base();
    let path = href.strip_prefix(base.as_str()).unwrap_or(&href);
    let route = path.split(['?', '#']).next().unwrap_or(path);
    engine_route(route).then(|| route.to_string())
}
