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
        let Some(route) = engine_page_route(&event) else { return };
        lazy_pages::preload_for(&route);
        if engine_link::must_prepare_for(&route) {
            leptos::task::spawn_local(async move {
                // A failure is reported by the page that needs the engine.
                let _ = engine_link::prepare_for(&route).await;
            });
        }
    });
    for kind in ["pointerover", "focusin", "touchstart"] {
        let _ = document.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    listener.forget();
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
