// "Record a pack" timed against a real Prometheus 2.42: backfills a window of the default
// dataset (`promplay export` through promtool), then records the same selectors over the
// same window twice — with the command line (`promplay record --remote`) and in Chromium
// (the playground's Record a pack: fetch, build the files, then load them as a pack) — and
// prints series, samples, size and times.
//
//   node e2e/bench-record.mjs [--hours 6] [--match SEL]...   (default: every series)

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BOOT_TIMEOUT, launch, runQuery, serveSite, waitForData } from './lib.mjs';
import { PROMPLAY, backfill, checkBinaries, exportWindow, startPrometheus, stopServers } from './prometheus.mjs';

const args = process.argv.slice(2);
const hours = Number(args[args.indexOf('--hours') + 1] || 0) || 6;
const matches = args.flatMap((a, i) => (a === '--match' && args[i + 1] ? [args[i + 1]] : []));
const selectors = matches.length ? matches : ['{__name__=~".+"}'];
// The default dataset starts 2026-01-05T00:00Z; the window ends at 18:00 that day.
const END = Date.UTC(2026, 0, 5, 18) / 1000;
const START = END - hours * 3600;

checkBinaries();
const dir = await mkdtemp(join(tmpdir(), 'promql-playground-bench-record-'));
let site;
let browser;
try {
  const om = join(dir, 'data.om');
  let t = Date.now();
  // Five minutes more than the window: the first instant's lookback.
  await exportWindow(om, { from: START - 300, to: END });
  await backfill(om, join(dir, 'data'));
  console.log(`backfilled ${hours} h of ml-platform in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const url = await startPrometheus(dir, 'bench', join(dir, 'data'), ['--web.cors.origin=.*']);

  const out = join(dir, 'cli-pack');
  t = Date.now();
  const cli = spawnSync(PROMPLAY, ['record', '--remote', url, ...selectors.flatMap((s) => ['--match', s]),
    '--start', String(START), '--end', String(END), '--out', out], { encoding: 'utf8' });
  const cliMs = Date.now() - t;
  let cliBytes = 0;
  for (const f of await readdir(out).catch(() => [])) cliBytes += (await stat(join(out, f))).size;
  console.log(`cli:     ${cli.status === 0 ? 'ok' : `failed (${cli.status})`} in ${(cliMs / 1000).toFixed(2)} s, ${(cliBytes / 1024).toFixed(1)} KiB on disk`);
  if (cli.status !== 0) console.log(cli.stderr.trim());
  else console.log(cli.stdout.trim());

  site = await serveSite();
  browser = await launch();
  const page = await browser.page();
  await page.goto(`${site.url}play`);
  await waitForData(page);
  await page.locator('[data-testid="source-mode"]').selectOption('url');
  await page.locator('[data-testid="source-url"]').fill(url);
  await page.locator('[data-testid="source-connect"]').click();
  await page.locator('[data-testid="source-status"]').waitFor({ timeout: BOOT_TIMEOUT });
  await runQuery(page, 'count(up)', { mode: 'instant', time: new Date(END * 1000).toISOString().replace('.000', '') });
  await page.locator('[data-testid="record-pack"] summary').click();
  await page.locator('[data-testid="record-selectors"]').fill(selectors.join('\n'));
  await page.locator('[data-testid="record-window"]').selectOption(String(hours * 60));
  t = Date.now();
  await page.locator('[data-testid="record-run"]').click();
  const result = page.locator('[data-testid="record-summary"], [data-testid="record-error"]').first();
  await result.waitFor({ timeout: 600_000 });
  const recordMs = Date.now() - t;
  const text = await result.textContent();
  console.log(`browser: ${text} in ${(recordMs / 1000).toFixed(2)} s (fetch and build)`);
  if (text.startsWith('Recorded')) {
    t = Date.now();
    await page.locator('[data-testid="record-load"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="dataset-picker"]')?.value === 'recorded',
      null, { timeout: 600_000 });
    console.log(`browser: loaded as a pack in ${((Date.now() - t) / 1000).toFixed(2)} s`);
  }
  const memory = await page.evaluate(() => performance.memory?.usedJSHeapSize);
  if (memory) console.log(`page JS heap after: ${(memory / 1048576).toFixed(0)} MiB`);
} finally {
  await browser?.close();
  await site?.close();
  stopServers();
  await rm(dir, { recursive: true, force: true });
}
