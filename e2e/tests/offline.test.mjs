// Offline after the first visit: once the start page has been seen online, the service
// worker serves the app, its pages loaded on demand, the engine module and the content with
// the network gone; a deep link into the playground reloads, runs a query, an exercise can
// be solved and a lab never opened online works. The same
// holds for the build served under a GitHub Pages sub-path (see subpath.test.mjs).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

/**
 * Waits until the service worker controls the page and has cached the shell, the app and the
 * engine module. Polled from here: `page.waitForFunction` does not await an async predicate
 * (its promise is truthy at once), which let the test go offline before anything was cached.
 */
async function waitForOfflineReady(page) {
  const ready = () =>
    page.evaluate(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const { scope } = await navigator.serviceWorker.ready;
      if (!(await (await caches.open('promplay-shell')).match(scope))) return false;
      const keys = (await (await caches.open('promplay-assets')).keys()).map((r) => r.url);
      const files = [
        /promql-playground-[0-9a-f]+_bg\.wasm/,
        /promql-engine-play_bg\.wasm/,
        /promql-engine-play\.js/,
        /promql-engine_bg\.wasm/,
        /promql-engine\.js/,
        /promql-engine-labs_bg\.wasm/,
        /promql-engine-labs\.js/,
        /engine-worker\.js/,
        // The app's pages loaded on demand: their loader and both groups.
        /__wasm_split-[0-9a-f]+\.js/,
        /split_playground-[0-9a-f]+\.wasm/,
        /split_labs-[0-9a-f]+\.wasm/,
      ];
      return files.every((f) => keys.some((u) => f.test(u)));
    });
  const deadline = Date.now() + BOOT_TIMEOUT;
  while (!(await ready())) {
    assert.ok(Date.now() < deadline, 'the service worker cached the site within the boot timeout');
    await page.waitForTimeout(250);
  }
}

/** Visits the start page once online, goes offline, then uses a deep link and an exercise. */
async function worksOffline(env, name) {
  const page = await env.browser.page();
  await page.goto(env.site.url);
  await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
  // The one visit installs the worker, which claims the page and caches what it loaded.
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

    // A lab never opened online: its pages and the labs' engine module come from the cache.
    await page.goto(`${env.site.url}alertmanager`);
    await page.locator('h1', { hasText: 'Alertmanager lab' }).waitFor({ timeout: BOOT_TIMEOUT });
    // Its check of the seed's config runs in the labs' engine module.
    await page.locator('[data-testid="am-check-status"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('[data-testid="page-not-loaded"]').count(), 0);
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
