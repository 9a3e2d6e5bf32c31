// The query library page in headless Chromium: the library loads before its costs, the
// costs fill in (exact series and sample counts of a known query and of the recorded series
// that replaces it), tasks collapse, and "Open in playground" opens the playground with the
// query and runs it; screenshots at laptop and phone widths.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, screenshot, siteAndBrowser } from '../lib.mjs';

const env = siteAndBrowser();
const QUERY = 'sum by (model) (rate(model_predictions_total[5m]))';
// What `promplay library --dataset ml-platform --format json` measures for QUERY and for
// model:predictions:rate5m (asserted natively in src/assist/library/tests.rs).
const RAW = { instantSeries: '5', instantSamples: '210', rangeSeries: '5', rangeSamples: '75810' };
// The recorded series keeps `version`: 7 series where the raw query has 5.
const RECORDED = { instantSeries: '7', instantSamples: '7', rangeSeries: '7', rangeSamples: '2527' };
const MEASURE_TIMEOUT = 240_000;

describe('query library', { timeout: 400_000 }, () => {
  test('costs fill in and a query opens in the playground', { timeout: 400_000 }, async () => {
    const page = await env.browser.page();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${env.site.url}library?dataset=ml-platform`);
    const entry = page.locator(`article[data-query="${QUERY}"]`).first();
    await entry.waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('article.library-entry').count(), 89);
    assert.equal(await page.locator('[data-testid="library-task"]').count(), 5);
    // Usable before costs arrive: the progress bar shows while the explanation is there.
    await page.locator('[data-testid="library-progress"]').waitFor({ timeout: 30_000 });
    assert.match(await entry.locator('.explain-sentence').first().textContent(), /Adds up/);

    const cell = (table, id) => entry.locator(`[data-testid="${table}"] [data-testid="${id}"]`);
    await page.waitForFunction(
      (q) => document.querySelector(`article[data-query="${q}"] [data-testid="recorded-cost"] [data-testid="range-samples"]`)?.textContent?.match(/^\d+$/),
      QUERY,
      { timeout: MEASURE_TIMEOUT },
    );
    for (const [table, want] of [['raw-cost', RAW], ['recorded-cost', RECORDED]]) {
      assert.equal(await cell(table, 'instant-series').textContent(), want.instantSeries, table);
      assert.equal(await cell(table, 'instant-samples').textContent(), want.instantSamples, table);
      assert.equal(await cell(table, 'range-series').textContent(), want.rangeSeries, table);
      assert.equal(await cell(table, 'range-samples').textContent(), want.rangeSamples, table);
    }
    assert.match(await entry.locator('[data-testid="samples-ratio"]').textContent(), /fewer samples over the range/);
    await entry.scrollIntoViewIfNeeded();
    await screenshot(page, 'library-1280');

    // Tasks collapse and open again. After the measuring ends: the progress line leaving
    // moves the tasks up, and a click aimed just before that lands on the wrong place.
    await page.locator('[data-testid="library-progress"]').waitFor({ state: 'detached', timeout: MEASURE_TIMEOUT });
    const firstTask = page.locator('[data-testid="library-task"]').first();
    await firstTask.locator(':scope > summary').click();
    assert.equal(await firstTask.evaluate((d) => d.open), false);
    await firstTask.locator(':scope > summary').click();
    assert.equal(await firstTask.evaluate((d) => d.open), true);

    await page.setViewportSize({ width: 390, height: 844 });
    await entry.scrollIntoViewIfNeeded();
    await screenshot(page, 'library-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // "Open in playground" loads the query there and runs it.
    await entry.locator('[data-testid="open-in-playground"]').click();
    await page.waitForURL(/\/play\?/, { timeout: 30_000 });
    assert.match(decodeURIComponent(page.url()), /dataset=ml-platform/);
    assert.ok(decodeURIComponent(page.url()).includes(`q=${QUERY}`), page.url());
    await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
    // The playground's own run of the query reads what the library measured.
    assert.match(await page.locator('[data-testid="result-stats"]').textContent(), /5 series · 210 samples read/);
    assert.deepEqual(env.browser.errors, []);
  });
});
