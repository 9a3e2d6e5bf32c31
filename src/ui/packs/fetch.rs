//! Fetching one pack file over the network: a GET with a timeout, refusing bodies larger
//! than a pack file may be (by `Content-Length` before reading, by size after), and returning
//! the status and text for `loader::check_response` to judge.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::super::browser::abort_after;
use crate::content::dataset::MAX_FILE_BYTES;

/// How long one file may take to arrive.
pub const TIMEOUT_MS: u64 = 20_000;

/// A fetched response: its HTTP status (0 when the request failed) and body text.
pub struct Fetched {
    pub status: u16,
    pub body: String,
}

/// GETs `url`. Network failures come back as status 0 (what `check_response` explains);
/// a timeout, an oversized body or a body that is not text come back as the error.
pub async fn fetch_text(url: &str) -> Result<Fetched, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let controller = web_sys::AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timer = controller.as_ref().and_then(|c| abort_after(c, TIMEOUT_MS));
    let result = read(&window, url, &init).await;
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    match result {
        _ if controller.as_ref().is_some_and(|c| c.signal().aborted()) => {
            Err(format!("no answer within {} s", TIMEOUT_MS / 1000))
        }
        Ok(f) => Ok(f),
        Err(Failure::Network) => Ok(Fetched { status: 0, body: String::new() }),
        Err(Failure::Other(e)) => Err(e),
    }
}

enum Failure {
    Network,
    Other(String),
}

async fn read(window: &web_sys::Window, url: &str, init: &web_sys::RequestInit) -> Result<Fetched, Failure> {
    let response =
        JsFuture::from(window.fetch_with_str_and_init(url, init)).await.map_err(|_| Failure::Network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| Failure::Network)?;
    let status = response.status();
    let too_big = || Failure::Other(format!("larger than {MAX_FILE_BYTES} bytes"));
    let declared =
        response.headers().get("content-length").ok().flatten().and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES as u64) {
        return Err(too_big());
    }
    let buffer = response.array_buffer().map_err(|_| Failure::Network)?;
    let buffer = JsFuture::from(buffer).await.map_err(|_| Failure::Network)?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    if bytes.length() as usize > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let body = String::from_utf8(bytes.to_vec())
        .map_err(|_| Failure::Other("not a text file (not UTF-8)".into()))?;
    Ok(Fetched { status, body })
}
