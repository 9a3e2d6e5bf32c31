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

/// Loads the page again (the learner's work is in local storage and the address).
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
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

/// Keeps `size` at the CSS box (width, height) of `el` as laid out, from a ResizeObserver: it
/// reports after layout, once at the start and at every change (a window resize, a panel
/// opening), so reading the size never forces a layout of its own, as reading `clientWidth`
/// right after the page changed does. The observer stops with the calling component.
pub fn watch_size(el: &web_sys::Element, size: leptos::prelude::RwSignal<Option<(f64, f64)>>) {
    use leptos::prelude::{on_cleanup, Set};
    let report = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
            let r = entry.content_rect();
            size.try_set(Some((r.width(), r.height())));
        }
    });
    let Ok(observer) = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()) else { return };
    observer.observe(el);
    // The callback lives as long as the observer; both are the page thread's only.
    let kept = send_wrapper::SendWrapper::new((observer, report));
    on_cleanup(move || kept.0.disconnect());
}

/// Aborts `controller` (a fetch's) after `ms` milliseconds; the timer's handle, to clear when
/// the answer came first. `controller.signal().aborted()` then tells a timeout apart.
pub fn abort_after(controller: &web_sys::AbortController, ms: u64) -> Option<i32> {
    let controller = controller.clone();
    let abort = Closure::once_into_js(move || controller.abort());
    let window = web_sys::window()?;
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    window.set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), ms).ok()
}
