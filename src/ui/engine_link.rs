//! The app's end of the wire to the engine module (see [`crate::link`]): starts the engine's
//! Web Worker when a page first needs it, sends it requests and awaits the replies, and stops
//! it on demand (Stop) or when it trapped, starting a fresh one that replays the learner's
//! state (see [`crate::link::replay`]).
//!
//! The engine module is a second WebAssembly module next to the app's (Trunk builds it as
//! `promql-engine.js` + `promql-engine_bg.wasm`, unhashed), in three builds, each answering
//! what the one before it does ([`EngineModule`]): the playground's (the engine, datasets,
//! packs and assistance: `promql-engine-play`), the query exercises' (`promql-engine`) and
//! the labs' (the rules, alerting, Alertmanager and relabeling labs, grading and
//! deliverables: `promql-engine-labs`, half as big again). A page starts the one its route
//! needs; the first message a smaller build cannot answer moves the worker to the build that
//! can, which is told the learner's state by the same replay as after Stop. It runs in a
//! dedicated module worker (`engine-worker.js`, plain JS: it imports the module and answers
//! `{id, bytes}` messages with bytes, buffers transferred), so a heavy query never blocks the
//! page. The worker and every build are loaded with the app's build hash as a query string,
//! so a browser never pairs a fresh app with a stale cached engine; the first request checks
//! the wire version as well.
//!
//! gloo-worker was weighed for the transport and not used: it wants the worker to be a Rust
//! entry point built around its own registrar, codec and message protocol, while the engine
//! module already is an entry point whose one export maps request bytes to reply bytes; it
//! would add a second serialization layer (its codec around our postcard bytes, copying
//! instead of transferring buffers) and has no terminate-and-restart, which Stop is built on.
//! Twenty lines of JS do the whole job.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::link::replay::ReplayLog;
use crate::link::{decode, encode, Answer, Call, EngineModule, Hello, Request, WIRE_VERSION};
use crate::ui::paths::engine_module_for;

#[wasm_bindgen(inline_js = r#"
let worker = null;
let starting = null;
let pending = new Map();
let nextId = 1;

function settleAll(prefix, why) {
  for (const p of pending.values()) p.reject(new Error(prefix + why));
  pending.clear();
}
function answered(event) {
  const m = event.data;
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.bytes) p.resolve(m.bytes);
  else p.reject(new Error("trap:" + m.error));
}
function post(bytes) {
  return new Promise((resolve, reject) => {
    if (!worker) { reject(new Error("stopped:the engine is restarting")); return; }
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, bytes }, [bytes.buffer]);
  });
}
// Starts the worker (concurrent callers share one start), then sends `hello` and the replayed
// requests ahead of anything else; resolves with hello's reply.
let abandonStart = null;
export function start_worker(workerUrl, engineUrl, hello, replay) {
  if (!starting) {
    starting = new Promise((resolve, reject) => {
      let w;
      const fail = (why) => {
        if (w) w.terminate();
        starting = null;
        abandonStart = null;
        reject(new Error(why));
      };
      abandonStart = (why) => fail("stopped:" + why);
      try { w = new Worker(workerUrl, { type: "module" }); } catch (e) { fail(String(e && e.message || e)); return; }
      w.onerror = (e) => { e.preventDefault(); fail(e.message || "the engine worker did not start"); };
      w.onmessage = (event) => {
        if (event.data.failed) { fail(event.data.failed); return; }
        worker = w;
        abandonStart = null;
        w.onmessage = answered;
        // The worker itself died (out of memory): like a trap.
        w.onerror = (e) => { e.preventDefault(); settleAll("trap:", e.message || "the engine worker stopped"); };
        const first = post(hello);
        for (const r of replay) post(r).catch(() => {});
        first.then(resolve, reject);
      };
      w.postMessage({ load: engineUrl });
    });
  }
  return starting;
}
export function send_bytes(bytes) { return post(bytes); }
// Ends the worker at once: every request still waiting fails with `why`.
export function stop_worker(why) {
  if (abandonStart) abandonStart(why);
  if (worker) worker.terminate();
  worker = null;
  starting = null;
  settleAll("stopped:", why);
}
export function worker_started() { return worker !== null || starting !== null; }
export function build_tag() {
  const link = document.querySelector('link[href*="_bg.wasm"]');
  const m = link && link.getAttribute("href").match(/-([0-9a-f]+)_bg\.wasm/);
  return m ? m[1] : "";
}
"#)]
extern "C" {
    fn start_worker(worker_url: &str, engine_url: &str, hello: js_sys::Uint8Array, replay: js_sys::Array) -> js_sys::Promise;
    fn send_bytes(bytes: js_sys::Uint8Array) -> js_sys::Promise;
    fn stop_worker(why: &str);
    fn worker_started() -> bool;
    fn build_tag() -> String;
}

/// Where the link stands.
#[derive(Clone)]
enum State {
    NotLoaded,
    Ready,
    /// The engine module failed the version check; the message says what to do. Final.
    Broken(String),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::NotLoaded) };
    static LOG: RefCell<ReplayLog> = RefCell::new(ReplayLog::default());
    static BUSY: Cell<u32> = const { Cell::new(0) };
    static BUSY_SINCE: Cell<u64> = const { Cell::new(0) };
    static STOPPABLE: RwSignal<bool> = RwSignal::new(false);
    /// Which build of the engine module the worker runs, once a page has needed one. Only
    /// ever moves to a larger build.
    static MODULE: Cell<Option<EngineModule>> = const { Cell::new(None) };
    /// Requests sent and not yet answered.
    static IN_FLIGHT: Cell<u32> = const { Cell::new(0) };
}

/// How long work runs before the Stop control shows (shorter work would only flicker it).
const STOP_AFTER_MS: u64 = 250;

/// True once the engine module answers requests.
pub fn is_ready() -> bool {
    STATE.with(|s| matches!(*s.borrow(), State::Ready))
}

/// Starts the engine's worker unless it runs (concurrent callers share one start); a fresh
/// worker first replays the learner's state.
pub async fn ready() -> Result<(), String> {
    match STATE.with(|s| s.borrow().clone()) {
        State::Ready => return Ok(()),
        State::Broken(e) => return Err(e),
        State::NotLoaded => {}
    }
    let replay = js_sys::Array::new();
    LOG.with(|l| {
        for r in l.borrow().requests() {
            replay.push(&js_sys::Uint8Array::from(r));
        }
    });
    let hello = js_sys::Uint8Array::from(encode(&Hello.into_request()).as_slice());
    let (worker, module) = urls();
    let reply = match JsFuture::from(start_worker(&worker, &module, hello, replay)).await {
        Ok(bytes) => js_sys::Uint8Array::new(&bytes).to_vec(),
        Err(e) if describe(&e).starts_with("stopped:") => {
            return Err(format!("Stopped: {}.", &describe(&e)["stopped:".len()..]));
        }
        Err(e) => {
            return Err(format!(
                "The query engine could not be loaded ({}). Check the connection and reload the page; your queries and progress are saved.",
                describe(&e)
            ))
        }
    };
    if is_ready() {
        return Ok(());
    }
    match decode::<Answer<u32>>(&reply) {
        Ok(Ok(v)) if v == WIRE_VERSION => {
            STATE.with(|s| *s.borrow_mut() = State::Ready);
            Ok(())
        }
        _ => {
            let e = "The page and its query engine come from different versions of the site (a stale cached copy). Reload the page.".to_string();
            STATE.with(|s| *s.borrow_mut() = State::Broken(e.clone()));
            Err(e)
        }
    }
}

/// Sends one request once the engine module is loaded and awaits its reply (never in the
/// same turn as the caller). A request that builds state is logged for replay once answered.
pub async fn ask<C: Call>(message: C) -> Result<C::Reply, String> {
    let reply = exchange(message.into_request()).await?;
    decode::<Answer<C::Reply>>(&reply).and_then(|answer| answer)
}

/// The untyped part of [`ask`] (kept out of the generic function so that each message type
/// does not carry its own copy): sends the encoded request, returns the reply's bytes.
async fn exchange(request: Request) -> Result<Vec<u8>, String> {
    use_module(request.module()).await?;
    ready().await?;
    let _busy = Busy::start();
    let replay = request.replay();
    let bytes = encode(&request);
    IN_FLIGHT.with(|n| n.set(n.get() + 1));
    let reply = JsFuture::from(send_bytes(js_sys::Uint8Array::from(bytes.as_slice()))).await;
    IN_FLIGHT.with(|n| n.set(n.get() - 1));
    match reply {
        Ok(reply) => {
            LOG.with(|l| l.borrow_mut().record(replay, &bytes));
            Ok(js_sys::Uint8Array::new(&reply).to_vec())
        }
        Err(e) => {
            let why = describe(&e);
            match why.split_once(':') {
                Some(("stopped", why)) => {
                    Err(format!("Stopped: {why}. Your dataset, packs and lab runs are kept; change the query or run it again."))
                }
                Some(("trap", why)) => {
                    restart("the engine restarted after an internal error");
                    Err(format!(
                        "The query engine stopped on an internal error ({why}). It was restarted with your dataset, packs and lab runs; your queries and progress are saved."
                    ))
                }
                _ => Err(format!("The query engine could not answer ({why}).")),
            }
        }
    }
}

/// True when the worker runs (or will start) build `needed` or a larger one.
fn runs_at_least(needed: EngineModule) -> bool {
    MODULE.with(|m| m.get()).is_some_and(|m| m >= needed)
}

/// Makes the worker run build `needed` of the engine module, or a larger one, before a
/// message that needs it is sent. When a smaller build runs, it first answers what it was
/// asked (so the replay log holds all the state it built), then the larger build takes its
/// place with that state replayed.
async fn use_module(needed: EngineModule) -> Result<(), String> {
    if MODULE.with(|m| m.get()).is_none() {
        // No worker yet: the first one starts with the larger of the route's build and this.
        MODULE.with(|m| m.set(Some(needed.max(engine_module_for(&current_route())))));
    }
    if runs_at_least(needed) {
        return Ok(());
    }
    if worker_started() {
        ready().await?;
        while IN_FLIGHT.with(|n| n.get()) > 0 {
            sleep_ms(5).await;
        }
    }
    // Another message may have moved on while this one waited.
    if runs_at_least(needed) {
        return Ok(());
    }
    MODULE.with(|m| m.set(Some(needed)));
    end_worker("a larger build of the engine is starting");
    Ok(())
}

/// Build `needed` of the engine module (or a larger one), started or moved to, and ready.
async fn module_ready(needed: EngineModule) -> Result<(), String> {
    use_module(needed).await?;
    ready().await
}

/// Loads the labs' engine module for a lab's page, which needs it from the start (checking
/// what is typed): `None` while it loads, or while the playground's module hands over to it
/// (the page shows that the engine is loading), then whether it is there. Already `Ok` when
/// an earlier page loaded it.
pub fn use_labs_engine() -> RwSignal<Option<Result<(), String>>> {
    let loaded = is_ready() && runs_at_least(EngineModule::Labs);
    let engine = RwSignal::new(loaded.then_some(Ok(())));
    if !loaded {
        leptos::task::spawn_local(async move { engine.set(Some(module_ready(EngineModule::Labs).await)) });
    }
    engine
}

/// Starts the worker a page at `route` needs, ahead of it (the learner pointed at a link to
/// it): its route's build, moving to it if a smaller one runs.
pub async fn prepare_for(route: &str) -> Result<(), String> {
    module_ready(engine_module_for(route)).await
}

/// True when a page at `route` would have to wait for the worker: none is ready, or a build
/// smaller than the page's runs.
pub fn must_prepare_for(route: &str) -> bool {
    !is_ready() || !runs_at_least(engine_module_for(route))
}

/// Which build a worker started now runs: the one decided, else the one the current route
/// needs (the playground's on the playground and the start page).
fn module_to_start() -> EngineModule {
    MODULE.with(|m| {
        let module = m.get().unwrap_or_else(|| engine_module_for(&current_route()));
        m.set(Some(module));
        module
    })
}

/// The page's path after the site's base (`/play`).
pub fn current_route() -> String {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let base = crate::ui::browser::base();
    path.strip_prefix(base.as_str()).unwrap_or(&path).to_string()
}

/// Resolves after `ms` milliseconds (a timer: unlike animation frames, it runs in a
/// background tab too).
async fn sleep_ms(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(wait).await;
}

/// Stops whatever the engine is computing (Stop): its worker ends at once, requests waiting
/// on it fail with "Stopped: …", and a fresh worker starts with the learner's state replayed.
pub fn stop() {
    restart("you pressed Stop");
}

/// Replaces the worker; runs under way are dropped from the replay log.
fn restart(why: &str) {
    LOG.with(|l| l.borrow_mut().abandon_runs());
    end_worker(why);
    leptos::task::spawn_local(async {
        let _ = ready().await;
    });
}

/// Ends the worker (requests waiting on it fail with `why`); the next request starts one.
fn end_worker(why: &str) {
    stop_worker(why);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if matches!(*s, State::Ready) {
            *s = State::NotLoaded;
        }
    });
}

/// A multi-step run finished: its requests now stand for the slot in the replay log.
pub fn finish_runs() {
    LOG.with(|l| l.borrow_mut().finish_runs());
}

/// True while engine work has been running for a while (the Stop control shows).
pub fn stoppable() -> Signal<bool> {
    STOPPABLE.with(|s| (*s).into())
}

/// Engine work under way, counted while alive: a request, or a multi-step run as a whole.
pub struct Busy(());

impl Busy {
    /// Counts work as started; the Stop control shows if work is still going after a moment.
    pub fn start() -> Busy {
        if BUSY.with(|b| b.get()) == 0 {
            // A new stretch of work: show Stop if this very stretch is still going later.
            let epoch = BUSY_SINCE.with(|e| {
                e.set(e.get() + 1);
                e.get()
            });
            set_timeout(
                move || {
                    if BUSY.with(|b| b.get()) > 0 && BUSY_SINCE.with(|e| e.get()) == epoch {
                        STOPPABLE.with(|s| s.set(true));
                    }
                },
                std::time::Duration::from_millis(STOP_AFTER_MS),
            );
        }
        BUSY.with(|b| b.set(b.get() + 1));
        Busy(())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let left = BUSY.with(|b| {
            b.set(b.get().saturating_sub(1));
            b.get()
        });
        if left == 0 {
            STOPPABLE.with(|s| s.set(false));
        }
    }
}

/// Sends one request and hands its reply to `then` when it arrives (on a later turn, once
/// the engine module is loaded).
pub fn send<C: Call + 'static>(message: C, then: impl FnOnce(Result<C::Reply, String>) + 'static) {
    send_request(message.into_request(), None, typed(then));
}

/// A reply handler that decodes the reply as `T` first.
type Handler = Box<dyn FnOnce(Result<Vec<u8>, String>)>;

fn typed<T: serde::de::DeserializeOwned + 'static>(then: impl FnOnce(Result<T, String>) + 'static) -> Handler {
    Box::new(move |reply: Result<Vec<u8>, String>| {
        then(reply.and_then(|bytes| decode::<Answer<T>>(&bytes).and_then(|answer| answer)))
    })
}

/// Sends a request and hands the reply to `then`, unless `stream` has moved on to a newer
/// request by then (one copy of this for every message type: the typed part is `then`).
fn send_request(request: Request, stream: Option<(Latest, u64)>, then: Handler) {
    leptos::task::spawn_local(async move {
        let reply = exchange(request).await;
        if stream.is_none_or(|(latest, generation)| latest.is_current(generation)) {
            then(reply);
        }
    });
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
        send_request(message.into_request(), Some((self, generation)), typed(then));
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

/// `engine-worker.js` and the engine module's script next to the page's base, tagged with the app's
/// build hash (absolute: the worker imports the module by this URL).
fn urls() -> (String, String) {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let dir = base.rfind('/').map_or(base.as_str(), |i| &base[..=i]);
    let tag = build_tag();
    let module = module_to_start().file_stem();
    (format!("{dir}engine-worker.js?v={tag}"), format!("{dir}{module}.js?v={tag}"))
}

/// A JS error's message (or its string form).
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
