// A real Prometheus 2.42 for the remote-mode tests and benchmarks: a window of a built-in
// dataset exported by `promplay export` and backfilled with promtool, and servers started on
// 127.0.0.1 on a free port (the caller kills them: `servers` lists every one started).

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ROOT } from './lib.mjs';

export const PROMETHEUS = process.env.PROMETHEUS_BIN || '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL_BIN || '/usr/bin/promtool';
export const PROMPLAY = process.env.PROMPLAY_BIN || join(ROOT, 'target', 'debug', 'promplay');

/** Every server started, to kill at the end (also on failure). */
export const servers = [];

/** Fails early, with what to do, when a binary the servers need is missing. */
export function checkBinaries() {
  for (const bin of [PROMETHEUS, PROMTOOL, PROMPLAY]) {
    if (!existsSync(bin)) throw new Error(`${bin} missing (scripts/test.sh e2e installs prometheus and builds promplay)`);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Writes `dataset`'s export cut to `from..to` (Unix seconds) into `file`, only the families
 * in `families` unless it is null (every family).
 */
export async function exportWindow(file, { dataset = 'ml-platform', from, to, families = null }) {
  const child = spawn(PROMPLAY, ['export', '--dataset', dataset], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = createWriteStream(file);
  let keep = false;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('# TYPE ') || line.startsWith('# HELP ') || line.startsWith('# UNIT ')) {
      keep = families === null || families.has(line.split(' ')[2]);
      if (keep) out.write(line + '\n');
    } else if (keep && !line.startsWith('#')) {
      const t = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (t >= from && t <= to) out.write(line + '\n');
    }
  }
  out.write('# EOF\n');
  await new Promise((resolve) => out.end(resolve));
}

/** Backfills the OpenMetrics file `om` into a new TSDB folder `data`. */
export async function backfill(om, data) {
  await mkdir(data, { recursive: true });
  const run = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', om, data], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`promtool backfill failed: ${run.stderr}`);
}

/**
 * Starts Prometheus on `data` (extra flags in `flags`; `configOf(port)` its configuration,
 * by default one that scrapes nothing), its files in `dir`, and waits until it is ready.
 */
export async function startPrometheus(dir, name, data, flags = [], configOf = () => 'global:\n  scrape_interval: 1h\n') {
  const port = await freePort();
  const config = join(dir, `${name}.yml`);
  await writeFile(config, configOf(port));
  const child = spawn(PROMETHEUS, [
    `--config.file=${config}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`, ...flags,
  ], { stdio: 'ignore' });
  servers.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus ${name} exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return url;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`prometheus ${name} not ready after 90 s`);
}

/** Kills every server started. */
export function stopServers() {
  for (const s of servers) s.kill('SIGKILL');
}
