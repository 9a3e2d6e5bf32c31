//! The app's end of the wire to the engine module (see [`crate::link`]): loads the module
//! when a page first needs it and sends it requests.
//!
//! The engine module is a second WebAssembly module next to the app's (Trunk builds it as
//! `promql-engine.js` + `promql-engine_bg.wasm`, unhashed). It is imported with the app's own
//! build hash as a query string, so a browser never pairs a fresh app with a stale cached
//! engine; the first call checks the wire version as well. Calls are synchronous: the engine
//! runs on the page's thread, as the whole app did before the split.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::link::{decode, encode, Answer, Call, Hello, WIRE_VERSION};

#[wasm_bindgen(inline_js = r#"
let engine = null;
let loading = null;
export function load_engine(jsUrl) {
  if (!loading) {
    loading = import(jsUrl).then(async (m) => {
      await m.default({ module_or_path: jsUrl.replace(/\.js(\?|$)/, "_bg.wasm$1") });
      engine = m;
    });
    // A failed download may be retried by the next caller.
    loading.catch(() => { loading = null; });
  }
  return loading;
}
export function engine_call(bytes) {
  if (!engine) throw new Error("the engine module is not loaded");
  return engine.call(bytes);
}
export function build_tag() {
  const link = document.querySelector('link[href*="_bg.wasm"]');
  const m = link && link.getAttribute("href").match(/-([0-9a-f]+)_bg\.wasm/);
  return m ? m[1] : "";
}
"#)]
extern "C" {
    fn load_engine(js_url: &str) -> js_sys::Promise;
    #[wasm_bindgen(catch)]
    fn engine_call(request: &[u8]) -> Result<Vec<u8>, JsValue>;
    fn build_tag() -> String;
}

/// Where the link stands.
#[derive(Clone)]
enum State {
    NotLoaded,
    Ready,
    /// The engine module failed to load or stopped on an internal error; the message says
    /// what to do. A trapped WebAssembly module cannot be trusted again, so this is final.
    Broken(String),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::NotLoaded) };
}

/// True once the engine module answers calls.
pub fn is_ready() -> bool {
    STATE.with(|s| matches!(*s.borrow(), State::Ready))
}

/// Loads the engine module unless it is loaded (concurrent callers share one download).
pub async fn ready() -> Result<(), String> {
    match STATE.with(|s| s.borrow().clone()) {
        State::Ready => return Ok(()),
        State::Broken(e) => return Err(e),
        State::NotLoaded => {}
    }
    let url = module_url();
    if let Err(e) = JsFuture::from(load_engine(&url)).await {
        return Err(format!(
            "The query engine could not be loaded ({}). Check the connection and reload the page; your queries and progress are saved.",
            describe(&e)
        ));
    }
    if is_ready() {
        return Ok(());
    }
    STATE.with(|s| *s.borrow_mut() = State::Ready);
    match call(Hello) {
        Ok(v) if v == WIRE_VERSION => Ok(()),
        Ok(_) | Err(_) => {
            let e = "The page and its query engine come from different versions of the site (a stale cached copy). Reload the page.".to_string();
            STATE.with(|s| *s.borrow_mut() = State::Broken(e.clone()));
            Err(e)
        }
    }
}

/// Sends one request and returns the engine module's reply. Fails when the module is not
/// loaded yet or has broken.
fn call<C: Call>(message: C) -> Result<C::Reply, String> {
    match STATE.with(|s| s.borrow().clone()) {
        State::Ready => {}
        State::NotLoaded => return Err("The query engine is still loading.".into()),
        State::Broken(e) => return Err(e),
    }
    match engine_call(&encode(&message.into_request())) {
        Ok(bytes) => decode::<Answer<C::Reply>>(&bytes).and_then(|answer| answer),
        Err(e) => {
            let msg = format!(
                "The query engine stopped on an internal error ({}). Reload the page; your queries and progress are saved.",
                describe(&e)
            );
            STATE.with(|s| *s.borrow_mut() = State::Broken(msg.clone()));
            Err(msg)
        }
    }
}

/// Sends one request once the engine module is loaded and awaits its reply (never in the
/// same turn as the caller: pages do not assume the engine answers on their thread).
pub async fn ask<C: Call>(message: C) -> Result<C::Reply, String> {
    ready().await?;
    call(message)
}

/// Sends one request and hands its reply to `then` when it arrives (on a later turn, once
/// the engine module is loaded).
pub fn send<C: Call + 'static>(message: C, then: impl FnOnce(Result<C::Reply, String>) + 'static) {
    leptos::task::spawn_local(async move { then(ask(message).await) });
}

/// A stream of requests where each supersedes the one before (typing, hovering a timeline,
/// switching datasets): only the newest request's reply is delivered, so a late answer to an
/// older one never overwrites newer state. Replies after the owning view is gone are dropped.
#[derive(Clone, Copy)]
pub struct Latest(leptos::prelude::StoredValue<u64>);

impl Latest {
    /// A new stream, owned by the current reactive owner (the component creating it).
    pub fn new() -> Self {
        Latest(leptos::prelude::StoredValue::new(0))
    }

    /// Supersedes every earlier request of this stream (their replies will be dropped) and
    /// returns the new generation.
    pub fn next(self) -> Option<u64> {
        use leptos::prelude::*;
        let generation = self.0.try_get_value()? + 1;
        self.0.try_set_value(generation);
        Some(generation)
    }

    /// True while `generation` is the newest request of this stream.
    pub fn is_current(self, generation: u64) -> bool {
        use leptos::prelude::*;
        self.0.try_get_value() == Some(generation)
    }

    /// Sends `message`, superseding earlier requests of this stream; `then` gets the reply
    /// only if no newer request was sent meanwhile.
    pub fn send<C: Call + 'static>(self, message: C, then: impl FnOnce(Result<C::Reply, String>) + 'static) {
        let Some(generation) = self.next() else { return };
        leptos::task::spawn_local(async move {
            let reply = ask(message).await;
            if self.is_current(generation) {
                then(reply);
            }
        });
    }
}

/// A reply kept in step with reactive inputs: `message` is run in an effect (so it tracks
/// what it reads), and the signal holds the reply to the newest message, or None when
/// `message` gives none. The previous reply stays shown while a new one is on its way.
pub fn follow<C, M>(message: M) -> leptos::prelude::RwSignal<Option<Result<C::Reply, String>>>
where
    C: Call + 'static,
    C::Reply: Send + Sync + 'static,
    M: Fn() -> Option<C> + 'static,
{
    use leptos::prelude::*;
    let reply = RwSignal::new(None);
    let latest = Latest::new();
    Effect::new(move |_| match message() {
        Some(m) => latest.send(m, move |r| reply.set(Some(r))),
        None => {
            latest.next();
            reply.set(None);
        }
    });
    reply
}

impl Default for Latest {
    fn default() -> Self {
        Self::new()
    }
}

/// `promql-engine.js` next to the page's base, tagged with the app's build hash.
fn module_url() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let dir = base.rfind('/').map_or(base.as_str(), |i| &base[..=i]);
    format!("{dir}promql-engine.js?v={}", build_tag())
}

/// A JS error's message (or its string form).
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
