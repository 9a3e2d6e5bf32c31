//! Small wrappers over browser APIs the components share: the document base, a clock for
//! timing queries, local storage, and yielding to the event loop.

use wasm_bindgen::prelude::*;

use super::paths;

thread_local! {
    static BASE: String = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .map(|uri| paths::base_from_uri(&uri))
        .unwrap_or_default();
}

/// The path prefix the site is served under (`""` or `/repo`), from the document's `<base>`.
pub fn base() -> String {
    BASE.with(Clone::clone)
}

/// An app path (`/play`) prefixed with the base.
pub fn href(path: &str) -> String {
    format!("{}{path}", base())
}

/// Milliseconds from a fixed origin, with sub-millisecond precision where available.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default()
}

/// Reads a local-storage entry (None when storage is unavailable, e.g. in private mode).
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Writes a local-storage entry, ignoring failures (the setting then lasts for the visit).
pub fn store(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// Resolves after the browser has had a chance to paint: long synchronous work started
/// after this does not delay the first render.
pub async fn next_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        if let Some(w) = web_sys::window() {
            // A frame callback runs just before the paint; a zero timeout queued from it
            // runs just after.
            let after = Closure::once_into_js(move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback(done.unchecked_ref());
                }
            });
            let _ = w.request_animation_frame(after.unchecked_ref());
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
