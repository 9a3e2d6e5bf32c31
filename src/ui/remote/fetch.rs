//! The browser's GET to a remote API (the browser's fetch): the source's headers on every
//! request, a timeout through an abort signal, and the browser's failures told apart as far
//! as the browser lets a page tell them: a fetch that fails with no answer is retried in
//! `no-cors` mode, which succeeds (with an unreadable answer) exactly when the server is
//! there but does not allow this origin — CORS — and fails when nothing answers at all.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestInit, RequestMode, Response};

use super::super::browser::abort_after;
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
    let init = RequestInit::new();
    init.set_method("GET");
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    if let Ok(headers) = web_sys::Headers::new() {
        for (name, value) in &source.headers {
            let _ = headers.append(name, value);
        }
        init.set_headers(&headers);
    }
    let sent = send(url, &init).await;
    if let (Some(id), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    let response = match sent {
        Ok(r) => r,
        Err(_) if controller.as_ref().is_some_and(|c| c.signal().aborted()) => {
            return Err(RemoteError::Timeout { url: url.to_string(), seconds: TIMEOUT_SECS })
        }
        Err(e) => return Err(refused(url, &e).await),
    };
    let status = response.status();
    let unreadable = |detail: String| RemoteError::NotPrometheus { url: url.to_string(), status, detail };
    let text = response.text().map_err(|_| unreadable("the body could not be read".into()))?;
    let body = JsFuture::from(text).await.map_err(|e| unreadable(format!("the body could not be read: {}", message(&e))))?;
    let body = body.as_string().unwrap_or_default();
    if body.len() > MAX_BODY {
        return Err(RemoteError::TooLarge { what: format!("the answer of {url}"), limit: "256 MiB".into() });
    }
    Ok(Fetched { url: url.to_string(), status, body })
}

/// Sends the request: the response, or the browser's words for why there is none.
async fn send(url: &str, init: &RequestInit) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let response = JsFuture::from(window.fetch_with_str_and_init(url, init)).await.map_err(|e| message(&e))?;
    response.dyn_into::<Response>().map_err(|_| "not a response".to_string())
}

/// The message of a JS error value.
fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{e:?}"))
}

/// Why a fetch that got no answer failed: CORS when the server answers a `no-cors` request
/// (the answer is there, the browser only refuses to show it to this page), else
/// unreachable.
async fn refused(url: &str, detail: &str) -> RemoteError {
    let origin = page_origin();
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    if send(url, &init).await.is_ok() {
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
