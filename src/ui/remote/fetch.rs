//! The browser's GET to a remote API (gloo-net's fetch): the source's headers on every
//! request, a timeout through an abort signal, and the browser's failures told apart as far
//! as the browser lets a page tell them: a fetch that fails with no answer is retried in
//! `no-cors` mode, which succeeds (with an unreadable answer) exactly when the server is
//! there but does not allow this origin — CORS — and fails when nothing answers at all.

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, RequestMode};

use crate::link::remote::Fetched;
use crate::remote::{RemoteError, Source};

/// How long one request may take.
pub const TIMEOUT_SECS: u64 = 30;
/// Largest answer read (a long range over many series can be large).
const MAX_BODY: usize = 256 << 20;

/// GETs `url` (built by `source`) with the source's headers: the status and body, whatever
/// the status, or why there is none.
pub async fn get(source: &Source, url: &str) -> Result<Fetched, RemoteError> {
    let controller = AbortController::new().ok();
    let timer = controller.as_ref().and_then(|c| abort_after(c, TIMEOUT_SECS * 1000));
    let mut request = Request::get(url).abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    for (name, value) in &source.headers {
        request = request.header(name, value);
    }
    let sent = request.send().await;
    if let (Some(id), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    let response = match sent {
        Ok(r) => r,
        Err(_) if controller.as_ref().is_some_and(|c| c.signal().aborted()) => {
            return Err(RemoteError::Timeout { url: url.to_string(), seconds: TIMEOUT_SECS })
        }
        Err(e) => return Err(refused(url, &e.to_string()).await),
    };
    let status = response.status();
    let body = response.text().await.map_err(|e| RemoteError::NotPrometheus {
        url: url.to_string(),
        status,
        detail: format!("the body could not be read: {e}"),
    })?;
    if body.len() > MAX_BODY {
        return Err(RemoteError::TooLarge { what: format!("the answer of {url}"), limit: "256 MiB".into() });
    }
    Ok(Fetched { url: url.to_string(), status, body })
}

/// Aborts `controller` after `ms`; the timer's handle.
fn abort_after(controller: &AbortController, ms: u64) -> Option<i32> {
    let controller = controller.clone();
    let abort = Closure::once_into_js(move || controller.abort());
    let window = web_sys::window()?;
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    window.set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), ms).ok()
}

/// Why a fetch that got no answer failed: CORS when the server answers a `no-cors` request
/// (the answer is there, the browser only refuses to show it to this page), else
/// unreachable.
async fn refused(url: &str, detail: &str) -> RemoteError {
    let origin = page_origin();
    let probe = Request::get(url).mode(RequestMode::NoCors).send().await;
    if probe.is_ok() {
        return RemoteError::Blocked { url: url.to_string(), origin };
    }
    let mixed = origin.starts_with("https:") && url.starts_with("http:");
    let detail = if mixed {
        "this page is served over https, and browsers refuse plain-http requests from it: serve the API over https, or open this site over http".to_string()
    } else {
        format!("the browser says: {detail}")
    };
    RemoteError::Unreachable { url: url.to_string(), detail }
}

/// This page's origin (`http://127.0.0.1:8080`), which a CORS setting must allow.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
