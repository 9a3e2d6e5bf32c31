// Offline after the first visit: once the start page has been seen online, the service
// worker serves the app, the engine module and the content with the network gone; a deep
// link into the playground reloads, runs a query, and an exercise can be solved. The same
// holds for the build served under a GitHub Pages sub-path (see subpath.test.mjs).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

/** Waits until the service worker controls the page and has cached the engine module. */
async function waitForOfflineReady(page) {
  await page.waitForFunction(
    async () => {
      if (!navigator.serviceWorker.controller) return false;
      const assets = await caches.open('promplay-assets');
      const keys = (await assets.keys()).map((r) => r.url);
      return ['promql-engine_bg.wasm', 'promql-engine.js', 'engine-worker.js'].every((f) => keys.some((u) => u.includes(f)));
    },
    null,
    { timeout: BOOT_TIMEOUT, polling: 250 },
  );
}

/** Visits the start page online, goes offline, then uses a deep link and an exercise. */
async function worksOffline(env, name) {
  const page = await env.browser.page();
  await page.goto(env.site.url);
  await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
  // The first visit installs the worker; the next load is controlled by it.
  await page.reload();
  await waitForOfflineReady(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, env.site.url, 'the worker is scoped to the site, not the server root');

  await env.browser.context.setOffline(true);
  try {
    const q = 'sum by (model) (rate(model_predictions_total[5m]))';
    await page.goto(`${env.site.url}play?q=${encodeURIComponent(q)}&mode=instant`);
    await waitForData(page);
    await runQuery(page, 'count by (model) (model_predictions_total)');
    assert.match(await page.locator('[data-testid="result-stats"]').textContent(), /5 series/);
    await screenshot(page, `offline-playground${name}`);

    await page.goto(`${env.site.url}exercise/todo-1-3-sum-by`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('[data-testid="query-input"]').fill('sum by (model) (rate(model_predictions_total[5m]))');
    await page.locator('[data-testid="check"]').click();
    await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
  } finally {
    await env.browser.context.setOffline(false);
  }
  await page.close();
}

describe('offline', () => {
  const env = siteAndBrowser({});
  test('a deep link reloads, queries and grades with the network gone', () => worksOffline(env, ''));
});

describe('offline under a sub-path', () => {
  const env = siteAndBrowser({ dist: join(ARTEFACTS, 'dist-subpath'), prefix: '/promql-playground/' });
  test('the sub-path build works offline too', () => worksOffline(env, '-subpath'));
});
