// Remote mode against the real thing: Debian's Prometheus 2.42 on 127.0.0.1, backfilled with
// two hours of the default dataset (`promplay export`, a few families, through promtool), and
// started with --web.cors.origin. The playground connects to it, runs seed queries (the table
// shows the remote's answer), and "Compare with the local engine" agrees for each; a pack is
// recorded from it and loaded. A second Prometheus whose --web.cors.origin names another
// site (Prometheus allows every origin by default) gets the CORS message. A third one scrapes
// itself every second, so its head block holds series: the cardinality explorer shows its TSDB
// status and breaks down the series its series API lists, as does the backfilled one (empty
// head). The rules labs fetch an hour of the series their rules read and evaluate over it:
// the recording rules record what `promplay rules eval` records on the default dataset over
// the same hour, and the alert fires when `promplay rules alerts` says it does. Every server
// is stopped at the end, also on failure.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BOOT_TIMEOUT, NARROW, launch, readTable, runQuery, screenshot, serveSite, waitForData, writeArtefact,
} from '../lib.mjs';
import { PROMPLAY, backfill, checkBinaries, exportWindow, startPrometheus, stopServers } from '../prometheus.mjs';

// The default dataset starts 2026-01-05T00:00Z; the export keeps 12:00–14:00 (seconds).
const FROM = Date.UTC(2026, 0, 5, 12) / 1000;
const TO = FROM + 2 * 3600;
const FAMILIES = new Set(['model_predictions', 'model_prediction_duration_seconds', 'up']);
// Between two 30 s scrapes, where Prometheus 2.42 and 3.x read the same samples.
const AT = '2026-01-05T13:30:07Z';
const QUERIES = [
  'sum by (model) (rate(model_predictions_total[5m]))',
  'up == 1',
  'histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))',
  'count by (model) (model_predictions_total)',
];

// The rules labs' window: the last hour of the backfilled data.
const WINDOW_START = '2026-01-05T13:00:00Z';
const WINDOW_END = '2026-01-05T14:00:00Z';
// Two recording rules, the second reading the first's output (evaluated, not fetched).
const RECORDING = `groups:
- name: window
  rules:
  - record: model:predictions:rate5m
    expr: sum by (model) (rate(model_predictions_total[5m]))
  - record: platform:predictions:rate5m
    expr: sum(model:predictions:rate5m)
`;
// Crosses its threshold at about 13:35 on the first day.
const ALERTING = `groups:
- name: window-alerts
  rules:
  - alert: RecommenderBusy
    expr: model:predictions:rate5m{model="recommender"} > 110
    for: 5m
`;

let dir;
let site;
let withCors;
let withoutCors;
let scraping;

before(async () => {
  checkBinaries();
  dir = await mkdtemp(join(tmpdir(), 'promql-playground-remote-'));
  const om = join(dir, 'data.om');
  await exportWindow(om, { from: FROM, to: TO, families: FAMILIES });
  const data = join(dir, 'data');
  await backfill(om, data);
  withCors = await startPrometheus(dir, 'cors', data, ['--web.cors.origin=.*']);
  await mkdir(join(dir, 'empty'));
  // Prometheus allows every origin by default: this one allows only another site.
  withoutCors = await startPrometheus(dir, 'nocors', join(dir, 'empty'), ['--web.cors.origin=https://elsewhere\\.example']);
  // A live server: its head block holds its own metrics, scraped every second.
  await mkdir(join(dir, 'live'));
  scraping = await startPrometheus(dir, 'live', join(dir, 'live'), [], (port) =>
    `scrape_configs:\n  - job_name: self\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
  site = await serveSite();
}, { timeout: 240_000 });

after(async () => {
  stopServers();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Switches the page's data source to `url` and waits for the connection's outcome. */
async function switchSource(page, url) {
  await page.locator('[data-testid="source-mode"]').selectOption('url');
  await page.locator('[data-testid="source-url"]').fill(url);
  await page.locator('[data-testid="source-connect"]').click();
  await page.locator('[data-testid="source-status"], [data-testid="source-error"]').first().waitFor({ timeout: BOOT_TIMEOUT });
}

/** Opens the playground, switches the source to a URL and connects; returns the page. */
async function connect(browser, url) {
  const page = await browser.page();
  await page.goto(`${site.url}play`);
  await waitForData(page);
  await switchSource(page, url);
  // Connecting runs the query again on the new source: let that run finish first.
  await page.waitForTimeout(200);
  await page.locator('[data-testid="execute"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
  await page.waitForFunction(() => !document.querySelector('[data-testid="execute"]')?.textContent.includes('Running'),
    null, { timeout: BOOT_TIMEOUT });
  return page;
}

/** Runs promplay and returns its standard output. */
function promplay(args) {
  const run = spawnSync(PROMPLAY, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `promplay ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** What each recording rule of RECORDING records on the default dataset over the window, locally. */
async function localRecorded() {
  const rules = join(dir, 'window-rules.yml');
  const summary = join(dir, 'window-summary.txt');
  await writeFile(rules, RECORDING);
  promplay(['rules', 'eval', rules, '--dataset', 'ml-platform', '--start', WINDOW_START, '--end', WINDOW_END,
    '--output', '/dev/null', '--summary', summary]);
  const text = await readFile(summary, 'utf8');
  return Object.fromEntries([...text.matchAll(/^(\S+)\s+every \S+\s+\d+ ms\s+(\d+) series\s+(\d+) samples/gm)]
    .map((m) => [m[1], `${m[2]} series, ${m[3]} samples`]));
}

/** When RecommenderBusy first fires in the window on the default dataset, locally (`HH:MM`). */
async function localFiring() {
  const recording = join(dir, 'window-recording.yml');
  const alerting = join(dir, 'window-alerting.yml');
  await writeFile(recording, RECORDING);
  await writeFile(alerting, ALERTING);
  const table = promplay(['rules', 'alerts', recording, alerting, '--dataset', 'ml-platform']);
  const starts = [...table.matchAll(/^\s+(2026-01-05T(\d\d:\d\d):00Z)\s+2026/gm)]
    .filter((m) => m[1] >= WINDOW_START && m[1] < WINDOW_END);
  assert.ok(starts.length > 0, table);
  return starts[0][2];
}

/** Chooses the URL source on a lab page and connects to `url`. */
async function connectLab(page, url) {
  await switchSource(page, url);
  await page.locator('[data-testid="source-status"]').waitFor({ timeout: BOOT_TIMEOUT });
}

/** Fetches the series the lab's rules read over the hour ending at `end`; the summary or error. */
async function fetchWindow(page, end) {
  await page.locator('[data-testid="window-length"]').selectOption('60');
  await page.locator('[data-testid="window-end"]').fill(end);
  await page.locator('[data-testid="window-fetch"]').click();
  const done = page.locator('[data-testid="window-summary"], [data-testid="window-error"]').first();
  await done.waitFor({ timeout: BOOT_TIMEOUT });
  return done.textContent();
}

/** Screenshots of the page from its top at desktop width, then as NAME-phone at phone width. */
async function screenshotBothWidths(page, name) {
  for (const [size, suffix] of [[null, ''], [NARROW, '-phone']]) {
    if (size) await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, name + suffix);
  }
}

describe('remote mode against Prometheus 2.42', () => {
  test('seed queries run remotely and agree with the local engine; a recorded pack loads', { timeout: 300_000 }, async () => {
    const browser = await launch();
    try {
      const page = await connect(browser, withCors);
      const status = await page.locator('[data-testid="source-status"]').textContent();
      assert.match(status, /version 2\.42/, status);
      assert.ok(page.url().includes(`source=${encodeURIComponent(withCors)}`), page.url());
      const verdicts = [];
      for (const query of QUERIES) {
        await runQuery(page, query, { mode: 'instant', time: AT });
        const rows = await readTable(page);
        assert.ok(rows.length > 0, `${query}: no rows from the remote`);
        // The server reports the samples it read (`stats=all`).
        const stats = await page.locator('[data-testid="result-stats"]').textContent();
        assert.match(stats, /[1-9][0-9]* samples read by http:\/\/127\.0\.0\.1:/, stats);
        await page.locator('[data-testid="compare-local"]').click();
        const verdict = page.locator('[data-testid="compare-verdict"]');
        await page.waitForFunction(() => {
          const v = document.querySelector('[data-testid="compare-verdict"]');
          return v && !v.textContent.startsWith('Fetching');
        }, null, { timeout: BOOT_TIMEOUT });
        const text = await verdict.textContent();
        verdicts.push({ query, rows: rows.length, verdict: text });
        assert.match(text, /^(Agree|Documented difference)/, `${query}: ${text}`);
      }
      // The explain tree reads the server's raw samples; a part's own result comes from the server.
      await runQuery(page, QUERIES[0], { mode: 'instant', time: AT });
      const models = (await readTable(page)).length;
      await page.locator('[data-testid="explain-toggle"]').click();
      const panel = page.locator('[data-testid="explain-panel"]');
      await panel.locator('[data-testid="explain-node"]').first().waitFor({ timeout: BOOT_TIMEOUT });
      const root = await panel.locator('[data-testid="explain-node"]').first().locator('.explain-details').textContent();
      assert.match(root, new RegExp(`^${models} series instant vector`), root);
      const explained = await panel.locator('[data-testid="explain-summary"]').textContent();
      assert.match(explained, /of http:\/\/127\.0\.0\.1:\d+'s raw samples read locally/, explained);
      const selector = await panel.locator('[data-testid="explain-node"]').nth(2).locator('.explain-details').textContent();
      const stored = await (await fetch(`${withCors}/api/v1/query?query=count(model_predictions_total)&time=${Date.parse(AT) / 1000}`)).json();
      assert.match(selector, new RegExp(`^${stored.data.result[0].value[1]} series range vector`), selector);
      await panel.locator('.explain-node').nth(1).click();
      await page.locator('[data-testid="part-banner"]').waitFor({ timeout: BOOT_TIMEOUT });
      await page.waitForFunction(() => /samples read by http/.test(document.querySelector('[data-testid="result-stats"]')?.textContent),
        null, { timeout: BOOT_TIMEOUT });
      await screenshot(page, 'remote-explain');
      await page.locator('[data-testid="part-banner"] button').click();
      await page.locator('[data-testid="explain-toggle"]').click();
      await runQuery(page, QUERIES[0], { mode: 'range', time: AT });
      await screenshot(page, 'remote-connected');
      // The lint reads the local dataset (its recording rules): no finding speaks for the server.
      assert.equal(await page.locator('[data-testid="lint-finding"]').count(), 0);
      await writeArtefact('remote-agreement.json', verdicts);

      await page.locator('[data-testid="record-pack"] summary').click();
      await page.locator('[data-testid="record-selectors"]').fill('model_predictions_total\nup');
      const started = Date.now();
      await page.locator('[data-testid="record-run"]').click();
      const summary = page.locator('[data-testid="record-summary"], [data-testid="record-error"]').first();
      await summary.waitFor({ timeout: BOOT_TIMEOUT });
      const recorded = await summary.textContent();
      assert.match(recorded, /^Recorded \d+ series, \d+ samples/, recorded);
      await screenshot(page, 'remote-recorded');
      await page.locator('[data-testid="record-load"]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="dataset-picker"]')?.value === 'recorded',
        null, { timeout: BOOT_TIMEOUT });
      await writeArtefact('remote-record.json', { summary: recorded, ms: Date.now() - started });
      assert.equal(await page.locator('[data-testid="source-mode"]').inputValue(), 'builtin');
      await runQuery(page, 'count(up)', { mode: 'instant', time: AT });
      assert.ok((await readTable(page)).length === 1, 'the recorded pack answers a query');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });

  test('a server that does not allow this origin gets the CORS message, on a phone', { timeout: 120_000 }, async () => {
    const browser = await launch(NARROW);
    try {
      const page = await connect(browser, withoutCors);
      const error = await page.locator('[data-testid="source-error"]').textContent();
      assert.match(error, /--web\.cors\.origin/, error);
      assert.match(error, /CORS/, error);
      await screenshot(page, 'remote-cors-phone');
      const hostile = await browser.page();
      await hostile.goto(`${site.url}play?source=${encodeURIComponent('javascript:alert(1)')}`);
      await waitForData(hostile);
      const bad = await hostile.locator('[data-testid="source-error"]').textContent({ timeout: BOOT_TIMEOUT });
      assert.match(bad, /http:\/\/ or https:\/\//, bad);
    } finally {
      await browser.close();
    }
  });

  test('the cardinality explorer shows what the server reports and breaks its series down', { timeout: 180_000 }, async () => {
    const api = async (server, path) => (await (await fetch(`${server}/api/v1/${path}`)).json()).data;
    // A few scrapes in, the live server's head holds its own series.
    const deadline = Date.now() + 60_000;
    while ((await api(scraping, 'status/tsdb')).headStats.numSeries < 100 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const text = async (page, id) => page.locator(`[data-testid="${id}"]`).textContent();
    const number = async (page, id) => Number((await text(page, id)).replace(/,/g, ''));
    const settle = (page, wanted) => page.waitForFunction((w) => {
      const o = document.querySelector('[data-testid="remote-origin"]');
      return o && o.textContent.includes(w);
    }, wanted, { timeout: BOOT_TIMEOUT });
    const browser = await launch();
    try {
      const page = await browser.page();
      await page.goto(`${site.url}cardinality`);
      await page.locator('[data-testid="num-series"]').waitFor({ timeout: BOOT_TIMEOUT });
      // The server's own figures (its series count grows while it scrapes: bracket the
      // page's one fetch between two of ours).
      const before = (await api(scraping, 'status/tsdb')).headStats.numSeries;
      await switchSource(page, scraping);
      await settle(page, '/api/v1/status/tsdb');
      const shown = await number(page, 'num-series');
      const after = (await api(scraping, 'status/tsdb')).headStats.numSeries;
      // Prometheus 2.42 answers 10 rows a list.
      assert.equal(await page.locator('[data-testid="table-seriesCountByMetricName"] tbody tr').count(), 10);
      assert.ok(shown >= Math.min(before, after) - 5 && shown <= Math.max(before, after) + 5, `${shown} vs ${before}..${after}`);
      const top = await page.locator('[data-testid="table-seriesCountByMetricName"] tbody tr td.stat-name').first().textContent();
      const serverTop = (await api(scraping, 'status/tsdb')).seriesCountByMetricName.map((r) => r.name);
      assert.ok(serverTop.includes(top), `${top} not in ${serverTop}`);
      // A selector: the series API's label sets, broken down and grouped here.
      await page.locator('[data-testid="cardinality-selector"]').fill('go_*');
      await page.locator('[data-testid="cardinality-selector"]').press('Enter');
      await page.locator('[data-testid="cardinality-by"]').fill('__name__');
      await page.locator('[data-testid="cardinality-by"]').press('Enter');
      await settle(page, '/api/v1/series');
      const listed = await api(scraping, `series?match[]=${encodeURIComponent('{__name__=~"go_.*"}')}`);
      await page.waitForFunction((n) => document.querySelector('[data-testid="num-series"]')?.textContent === n.toLocaleString('en-US'),
        listed.length, { timeout: BOOT_TIMEOUT });
      const names = new Set(listed.map((l) => l.__name__));
      await page.waitForFunction((n) => document.querySelector('[data-testid="grouping-count"]')?.textContent === String(n),
        names.size, { timeout: BOOT_TIMEOUT });
      await screenshot(page, 'remote-cardinality');
      // A figure's query opens in the playground on the same source.
      const href = await page.locator('[data-testid="table-seriesCountByMetricName"] tbody a').first().getAttribute('href');
      assert.ok(href.includes(`source=${encodeURIComponent(scraping)}`), href);

      // A server whose head is empty (backfilled blocks only): the selector counts the store.
      await switchSource(page, withCors);
      await page.locator('[data-testid="cardinality-selector"]').fill('model_predictions_total');
      await page.locator('[data-testid="cardinality-selector"]').press('Enter');
      await page.locator('[data-testid="cardinality-by"]').fill('model');
      await page.locator('[data-testid="cardinality-by"]').press('Enter');
      const stored = await api(withCors, 'series?match[]=model_predictions_total');
      assert.ok(stored.length > 0);
      await page.waitForFunction((n) => document.querySelector('[data-testid="num-series"]')?.textContent === n.toLocaleString('en-US'),
        stored.length, { timeout: BOOT_TIMEOUT });
      const models = new Set(stored.map((l) => l.model));
      await page.waitForFunction((n) => document.querySelector('[data-testid="grouping-count"]')?.textContent === String(n),
        models.size, { timeout: BOOT_TIMEOUT });
      await writeArtefact('remote-cardinality.json', { live: { shown, before, after, top, goSeries: listed.length, goNames: names.size },
        backfilled: { series: stored.length, models: models.size } });
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });

  test('the recording-rules lab evaluates over an hour fetched from the server', { timeout: 180_000 }, async () => {
    const browser = await launch();
    try {
      const page = await browser.page();
      await page.goto(`${site.url}rules`);
      const input = page.locator('[data-testid="rule-input"]');
      await input.waitFor({ timeout: BOOT_TIMEOUT });
      await input.fill(RECORDING);
      await page.waitForFunction(() => /Valid: 2 recording rules/.test(document.querySelector('[data-testid="check-status"]')?.textContent),
        null, { timeout: BOOT_TIMEOUT });
      await connectLab(page, withCors);
      assert.equal(await page.locator('[data-testid="evaluate"]').textContent(), 'Fetch the series first');
      // Ending now, the window holds none of the backfilled data: the message says what to do.
      const empty = await fetchWindow(page, '');
      assert.match(empty, /no samples of these series in the window ending at \d{4}-\d\d-\d\dT.*needs the end typed/, empty);
      const started = Date.now();
      const fetched = await fetchWindow(page, WINDOW_END);
      const fetchMs = Date.now() - started;
      assert.match(fetched, new RegExp(`^Fetched \\d+ series, \\d+ samples \\([\\d.]+ KiB\\) for ${WINDOW_START} to ${WINDOW_END}`), fetched);
      await page.locator('[data-testid="evaluate"]:not([disabled])').click();
      await page.locator('[data-testid="rule-card"]').nth(1).waitFor({ timeout: BOOT_TIMEOUT });
      const cards = await page.$$eval('[data-testid="rule-card"]', (cards) => cards.map((c) => [c.dataset.record, c.querySelector('.rule-meta').textContent]));
      const remote = Object.fromEntries(cards.map(([record, meta]) => {
        const m = meta.match(/(\d+) series · ([\d,]+) samples/);
        return [record, m ? `${m[1]} series, ${m[2].replaceAll(',', '')} samples` : meta];
      }));
      const local = await localRecorded();
      assert.deepEqual(remote, local);
      assert.equal(Object.keys(remote).length, 2);
      assert.equal(await page.locator('[data-testid="open-in-playground"]').count(), 0, 'a window is not the playground\'s data');
      await writeArtefact('remote-rules-window.json', { fetched, fetchMs, remote, local });
      await screenshotBothWidths(page, 'remote-rules-lab');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });

  test('the alerting lab fires over an hour fetched from the server when the local engine does', { timeout: 180_000 }, async () => {
    const browser = await launch();
    try {
      const page = await browser.page();
      await page.goto(`${site.url}alerts`);
      const input = page.locator('[data-testid="rule-input"]');
      await input.waitFor({ timeout: BOOT_TIMEOUT });
      await input.fill(ALERTING);
      await page.locator('[data-testid="tab-recording"]').click();
      await input.fill(RECORDING);
      await page.waitForFunction(() => /alert rules: 1 alerting and 0 recording rules.*recording rules: 0 alerting and 2 recording rules/.test(document.querySelector('[data-testid="check-status"]')?.textContent),
        null, { timeout: BOOT_TIMEOUT });
      await connectLab(page, withCors);
      const fetched = await fetchWindow(page, WINDOW_END);
      assert.match(fetched, /^Fetched \d+ series/, fetched);
      await page.locator('[data-testid="evaluate"]:not([disabled])').click();
      const rule = page.locator('[data-rule="RecommenderBusy"]');
      await rule.locator('[data-testid="span-firing"]').first().waitFor({ state: 'attached', timeout: BOOT_TIMEOUT });
      const firing = await rule.locator('[data-testid="firing-row"] td').first().textContent();
      const local = await localFiring();
      assert.equal(firing, `Mon ${local}`);
      const until = await rule.locator('[data-testid="firing-row"] td').nth(1).textContent();
      await writeArtefact('remote-alerts-window.json', { fetched, firing, until, local });
      await screenshotBothWidths(page, 'remote-alerts-lab');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });
});
