// The engine module's Web Worker: the query engine runs here, off the page's thread, so the
// page never freezes and a runaway query can be stopped (the app terminates this worker and
// starts a fresh one; src/ui/engine_link.rs).
//
// Messages from the app: {load: "<absolute url of promql-engine.js?v=…>"} once, then
// {id, bytes} per request (postcard-encoded src/link messages, the buffer transferred).
// Answers: {loaded: true} or {failed: "<why>"} for the load, {id, bytes} or {id, error} per
// request (bytes transferred back).

let engine = null;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.load) {
    try {
      const m = await import(message.load);
      await m.default({ module_or_path: message.load.replace(/\.js(\?|$)/, '_bg.wasm$1') });
      engine = m;
      self.postMessage({ loaded: true });
    } catch (e) {
      self.postMessage({ failed: String((e && e.message) || e) });
    }
    return;
  }
  try {
    const bytes = engine.call(message.bytes);
    self.postMessage({ id: message.id, bytes }, [bytes.buffer]);
  } catch (e) {
    // A trap (a panic in the engine): this worker cannot be trusted again; the app replaces it.
    self.postMessage({ id: message.id, error: String((e && e.message) || e) });
  }
};
