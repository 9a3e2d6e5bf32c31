// Trunk's post-build hook (Trunk.toml): puts the app module's lazily loaded chunks into the
// site. scripts/wasm-link.sh split them off the app when it was linked (the labs' pages, the
// playground and the exercise page: src/ui/lazy_pages.rs) and left them, with their loader
// `__wasm_split.js`, in `wasm-split/` beside the build's output.
//
// Every file gets the app's build tag (Trunk's hash in `promql-playground-<tag>.js`), as the
// engine module does with `?v=<tag>`: a new deployment never pairs an app with another
// build's chunks, and the service worker (public/sw.js) treats them as files of that build.
// The loader, the chunks' names and the app's import of the loader are renamed to match, and
// since the app's JS changes, so does its integrity hash in the page. In a release build the
// chunks are optimised as Trunk's files are (`wasm-opt -Oz`).

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOADER = '__wasm_split.js';

const staging = process.env.TRUNK_STAGING_DIR;
const release = process.env.TRUNK_PROFILE === 'release';
const target = process.env.CARGO_TARGET_DIR || join(process.env.TRUNK_SOURCE_DIR, 'target');
// Cargo profiles as index.html names them: wasm-release for release, dev (`debug/`) otherwise.
const splitDir = join(target, 'wasm32-unknown-unknown', release ? 'wasm-release' : 'debug', 'wasm-split');

function fail(message) {
  console.error(`wasm-split-stage: ${message}`);
  process.exit(1);
}

if (!staging) fail('TRUNK_STAGING_DIR is not set: run this as a Trunk hook');
if (!existsSync(join(splitDir, LOADER))) {
  fail(`no ${LOADER} in ${splitDir}: the app was not linked through scripts/wasm-link.sh`);
}

const appJs = readdirSync(staging).find((f) => /^promql-playground-[0-9a-f]+\.js$/.test(f));
if (!appJs) fail(`no promql-playground-<hash>.js in ${staging}`);
const tag = appJs.match(/-([0-9a-f]+)\.js$/)[1];
// The groups share the main module's function table: without its export (wasm-bindgen drops
// it unless scripts/bin/wasm-bindgen adds --keep-lld-exports) every page loaded on demand
// would fail in the browser. Say so here instead.
const appWasm = readFileSync(join(staging, appJs.replace(/\.js$/, '_bg.wasm')));
if (!appWasm.includes('__indirect_function_table')) {
  fail('the app module does not export its function table: wasm-bindgen ran without --keep-lld-exports (run Trunk with the PATH scripts/setup.sh sets, scripts/bin first)');
}
const tagged = (name) => name.replace(/(\.[a-z]+)$/, `-${tag}$1`);

// The chunks. binaryen's JS API rather than its `wasm-opt` (the same npm package, which
// starts a node process per file), with the optimisation `wasm-opt -Oz` applies to the main
// module.
const chunks = readdirSync(splitDir).filter((f) => f.endsWith('.wasm'));
const optimise = release ? await optimiser() : null;
for (const chunk of chunks) {
  const from = join(splitDir, chunk);
  const to = join(staging, tagged(chunk));
  if (optimise) writeFileSync(to, optimise(readFileSync(from), chunk));
  else copyFileSync(from, to);
}

/**
 * The files each split module (group of pages, src/ui/lazy_pages.rs) loads, read from the
 * loader wasm-split wrote: its own file, if any, and the chunks it shares with other groups.
 */
function groupFiles(loader) {
  const fileOf = (fetcher) => (fetcher.match(/new URL\("\.\/([^"]+)"/) || [])[1];
  const chunks = {};
  for (const m of loader.matchAll(/const (__chunk_\d+) = makeLoad\(([\s\S]*?), \[\]\);/g)) chunks[m[1]] = fileOf(m[2]);
  const groups = {};
  for (const m of loader.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?), \[([^\]]*)\]\)\);/g)) {
    const deps = m[3].split(',').map((d) => d.trim()).filter(Boolean);
    if (deps.some((d) => !chunks[d])) fail(`${LOADER}: group ${m[1]} needs a chunk it does not define`);
    groups[m[1]] = [fileOf(m[2]), ...deps.map((d) => chunks[d])].filter(Boolean);
  }
  for (const group of ['playground', 'labs']) {
    if (!groups[group]?.length) fail(`${LOADER} loads no files for the ${group} pages`);
  }
  return groups;
}

/**
 * `wasm-opt -Oz` in this process: a function from a chunk's bytes to the optimised bytes.
 * `readBinary` enables binaryen's default wasm features, the ones `wasm-opt` uses.
 */
async function optimiser() {
  const { default: binaryen } = await import(join(process.env.TRUNK_SOURCE_DIR, '.tools/node_modules/binaryen/index.js'));
  binaryen.setOptimizeLevel(2);
  binaryen.setShrinkLevel(2);
  binaryen.setDebugInfo(false);
  return (bytes, name) => {
    const module = binaryen.readBinary(bytes);
    try {
      if (!module.validate()) fail(`${name} is not a valid module`);
      module.optimize();
      return module.emitBinary();
    } finally {
      module.dispose();
    }
  };
}

// The loader: it imports the app's module and fetches the chunks by name.
let loader = readFileSync(join(splitDir, LOADER), 'utf8');
if (!loader.includes('"./promql-playground.js"')) fail(`${LOADER} does not import ./promql-playground.js`);
loader = loader.replaceAll('"./promql-playground.js"', `"./${appJs}"`);
for (const chunk of chunks) loader = loader.replaceAll(`"./${chunk}"`, `"./${tagged(chunk)}"`);
writeFileSync(join(staging, tagged(LOADER)), loader);

// The app's module imports the loader. Only the import statements change: the module name
// the wasm imports from (the keys of wasm-bindgen's imports object) stays.
const appPath = join(staging, appJs);
const app = readFileSync(appPath, 'utf8');
const importLoader = (name) => `from "./${name}"`;
if (!app.includes(importLoader(LOADER))) fail(`${appJs} does not import ./${LOADER}`);
const newApp = app.replaceAll(importLoader(LOADER), importLoader(tagged(LOADER)));
writeFileSync(appPath, newApp);

// The page: the app's new integrity hash (Trunk's modulepreload link), and which files each
// group of pages needs, for index.html's script to fetch a deep link's group alongside the
// app instead of after it has started.
const integrity = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const htmlPath = join(staging, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
if (!html.includes(integrity(app))) fail(`index.html has no integrity hash for ${appJs}`);
html = html.replaceAll(integrity(app), integrity(newApp));
const groups = JSON.stringify(groupFiles(loader));
html = html.replace('</head>', `<script id="lazy-pages" type="application/json">${groups}</script>\n</head>`);
writeFileSync(htmlPath, html);

console.log(`wasm-split-stage: ${chunks.length} chunks of build ${tag} staged`);
