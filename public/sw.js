// The service worker: the site keeps working offline after the first visit (a classroom
// with bad Wi-Fi). Registered from index.html with the site's base as its scope, so it works
// at the root and under a GitHub Pages sub-path alike.
//
// - Pages (navigations): network first, so a new deployment is picked up on the next online
//   visit; offline, the last app shell is served (every page is the same app: index.html and
//   404.html are one file).
// - Versioned files (Trunk's hashed app files, the app's lazily loaded chunks and their
//   loader, tagged `-<app hash>`, the engine module tagged `?v=<app hash>`):
//   cache first, since their URL changes with their content. When a new shell arrives, the
//   files it links to and the engine module of its build are fetched ahead (a deep link into
//   the playground then works offline after a single visit of the start page) and other
//   builds' files are dropped.
// - Anything else fetched with GET (packs, icons, the manifest): network first, the cached
//   copy when offline.

const SHELL = 'promplay-shell';
const ASSETS = 'promplay-assets';
const OTHER = 'promplay-other';
const SCOPE = self.registration.scope;

// The app shell is cached at install as well as on each online navigation: the page that
// registered the worker was loaded before it, so without this a learner who went offline
// after a single visit (the worker claims that page, but never saw its navigation) would
// have no shell to be served.
self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(fetch(SCOPE).then(keepShell).catch(() => {}));
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (!url.protocol.startsWith('http')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
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

async function page(event) {
  try {
    const response = await fetch(event.request);
    // The page is answered at once; the worker is kept alive until the build is cached.
    event.waitUntil(keepShell(response.clone()).catch(() => {}));
    return response;
  } catch (offline) {
    const cached = await caches.match(SCOPE, { cacheName: SHELL });
    if (cached) return cached;
    throw offline;
  }
}

/**
 * Keeps `response` as the app shell when it is one (a page of a build: it names the build's
 * app module), then caches the files it loads and that build's engine module.
 */
async function keepShell(response) {
  // Not `response.ok`: GitHub Pages serves a deep link as 404.html with status 404.
  const html = await response.clone().text();
  const tag = (html.match(/-([0-9a-f]{12,16})_bg\.wasm/) || [])[1];
  if (!tag) return;
  const shell = await caches.open(SHELL);
  await shell.put(SCOPE, response);
  await prepareBuild(tag, shellFiles(html));
}

/** The same-origin files the shell `html` links to: the app module, styles, snippets, icons. */
function shellFiles(html) {
  const files = [];
  for (const [, ref] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
    const url = new URL(ref, SCOPE);
    if (url.origin === location.origin && url.href !== SCOPE) files.push(url.href);
  }
  return files;
}

/**
 * Caches build `tag`'s files (`files`, the shell's, and the engine module) and drops other
 * builds' files, so one online visit is enough for every page to work offline.
 */
async function prepareBuild(tag, files) {
  // The three builds of the engine module: the playground's, the exercises' and the labs'.
  const engine = ['engine-worker.js', ...['promql-engine-play', 'promql-engine', 'promql-engine-labs'].flatMap((m) => [`${m}.js`, `${m}_bg.wasm`])].map(
    (f) => `${SCOPE}${f}?v=${tag}`,
  );
  const wanted = [...files, ...engine, ...(await splitFiles(tag))];
  // By URL, not by tag: each style sheet carries its own content hash, not the app's.
  const build = new Set(wanted.filter((url) => buildTag(new URL(url))));
  const assets = await caches.open(ASSETS);
  for (const request of await assets.keys()) {
    if (!build.has(request.url)) await assets.delete(request);
  }
  const other = await caches.open(OTHER);
  for (const url of wanted) {
    const cache = buildTag(new URL(url)) ? assets : other;
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    } catch (e) {
      // Offline again: the next online visit tries again.
    }
  }
}

/**
 * Build `tag`'s lazily loaded parts of the app module (scripts/wasm-split-stage.mjs): their
 * loader, kept here, and the chunks it names.
 */
async function splitFiles(tag) {
  const loader = `${SCOPE}__wasm_split-${tag}.js`;
  try {
    const assets = await caches.open(ASSETS);
    let response = await assets.match(loader);
    if (!response) {
      response = await fetch(loader);
      if (!response.ok) return [];
      await assets.put(loader, response.clone());
    }
    const text = await response.text();
    return [loader, ...Array.from(text.matchAll(/"\.\/([^"/]+\.wasm)"/g), (m) => SCOPE + m[1])];
  } catch (e) {
    return [];
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
