// A tiny static file server for the built site (dist/), bound to 127.0.0.1.
//
// Serves the site under an optional path prefix (GitHub Pages serves a project site under
// /REPO/), and answers unknown paths under the prefix with 404.html when the build has one
// (what GitHub Pages does) or index.html, so deep links and reloads reach the app.
//
// Library use: `const srv = await serve({ root, prefix }); srv.url; await srv.close();`
// Command line: `node e2e/serve.mjs [dist] [--prefix /repo/] [--port 8080]`.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Normalises a prefix to `/` or `/a/b/`. */
function normalisePrefix(prefix) {
  const trimmed = (prefix || '/').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Starts the server; resolves once it listens. */
export async function serve({ root, prefix = '/', port = 0 } = {}) {
  const base = resolve(root);
  const pre = normalisePrefix(prefix);
  const fallback = (await isFile(join(base, '404.html'))) ? '404.html' : 'index.html';

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === pre.slice(0, -1)) {
      res.writeHead(301, { Location: pre }).end();
      return;
    }
    if (!path.startsWith(pre)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not under the site prefix');
      return;
    }
    const rel = normalize(path.slice(pre.length) || 'index.html');
    let file = join(base, rel);
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    let status = 200;
    if (!(await isFile(file))) {
      if (await isFile(join(file, 'index.html'))) {
        file = join(file, 'index.html');
      } else {
        // Like GitHub Pages: 404.html answers with status 404, but the app still boots.
        status = fallback === '404.html' ? 404 : 200;
        file = join(base, fallback);
      }
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] || 'application/octet-stream';
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e));
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}${pre}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : dflt;
  };
  const prefix = opt('--prefix', '/');
  const port = Number(opt('--port', '8080'));
  const root = args[0] || fileURLToPath(new URL('../dist', import.meta.url));
  const srv = await serve({ root, prefix, port });
  console.log(`serving ${root} at ${srv.url}`);
}
