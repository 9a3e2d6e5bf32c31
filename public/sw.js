// The service worker: the site keeps working offline after the first visit (a classroom
// with bad Wi-Fi). Registered from index.html with the site's base as its scope, so it works
// at the root and under a GitHub Pages sub-path alike.
//
// - Pages (navigations): network first, so a new deployment is picked up on the next online
//   visit; offline, the last app shell is served (every page is the same app: index.html and
//   404.html are one file).
// - Versioned files (Trunk's hashed app files, the engine module tagged `?v=<app hash>`):
//   cache first, since their URL changes with their content. When a new shell arrives, the
//   engine module of its build is fetched ahead (a deep link into the playground then works
//   offline even if only the start page was visited) and other builds' files are dropped.
// - Anything else fetched with GET (packs, icons, the manifest): network first, the cached
//   copy when offline.

const SHELL = 'promplay-shell';
const ASSETS = 'promplay-assets';
const OTHER = 'promplay-other';
const SCOPE = self.registration.scope;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (!url.protocol.startsWith('http')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.origin === location.origin && buildTag(url)) {
    event.respondWith(versioned(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});

/**
 * The build a file belongs to: Trunk's `-<hash>` before the extension (a 64-bit hash in hex,
 * without leading zeros), or `?v=<hash>`.
 */
function buildTag(url) {
  const v = url.searchParams.get('v');
  if (v) return v;
  const m = url.pathname.match(/-([0-9a-f]{12,16})(?:_bg)?\.(?:js|wasm|css)$/);
  return m ? m[1] : null;
}

async function page(request) {
  try {
    const response = await fetch(request);
    const html = await response.clone().text();
    const tag = (html.match(/-([0-9a-f]{12,16})_bg\.wasm/) || [])[1];
    if (tag) {
      const shell = await caches.open(SHELL);
      await shell.put(SCOPE, response.clone());
      // Not awaited by the page: the engine module is fetched in the background.
      prepareBuild(tag);
    }
    return response;
  } catch (offline) {
    const cached = await caches.match(SCOPE, { cacheName: SHELL });
    if (cached) return cached;
    throw offline;
  }
}

/** Caches build `tag`'s engine module and drops other builds' files. */
async function prepareBuild(tag) {
  const assets = await caches.open(ASSETS);
  for (const request of await assets.keys()) {
    const old = buildTag(new URL(request.url));
    if (old && old !== tag) await assets.delete(request);
  }
  for (const file of ['engine-worker.js', 'promql-engine.js', 'promql-engine_bg.wasm']) {
    const url = `${SCOPE}${file}?v=${tag}`;
    if (await assets.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.ok) await assets.put(url, response);
    } catch (e) {
      // Offline again: the next online visit tries again.
    }
  }
}

async function versioned(request) {
  const cached = await caches.match(request, { cacheName: ASSETS });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const assets = await caches.open(ASSETS);
    await assets.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const other = await caches.open(OTHER);
      await other.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const cached = await caches.match(request, { cacheName: OTHER });
    if (cached) return cached;
    throw offline;
  }
}
