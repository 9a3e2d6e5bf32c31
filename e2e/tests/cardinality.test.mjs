// The cardinality explorer in headless Chromium: the high-cardinality dataset's TSDB status
// (exact figures, the same promtool tsdb analyze reports), a selector and a grouping
// narrowing it, and a click-through that opens the playground with the query that shows a
// row; screenshots at laptop and phone widths.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, screenshot, siteAndBrowser } from '../lib.mjs';

const env = siteAndBrowser();
const text = async (page, id) => (await page.locator(`[data-testid="${id}"]`).first().textContent()).trim();

describe('cardinality explorer', { timeout: 300_000 }, () => {
  test('TSDB status, selector, grouping, click-through', { timeout: 300_000 }, async () => {
    const page = await env.browser.page();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${env.site.url}cardinality?dataset=high-cardinality`);
    const series = page.locator('[data-testid="num-series"]');
    await series.waitFor({ timeout: BOOT_TIMEOUT });
    await page.waitForFunction(() => document.querySelector('[data-testid="num-series"]')?.textContent === '33,100', null, { timeout: BOOT_TIMEOUT });
    assert.equal(await text(page, 'num-label-pairs'), '3,724');
    assert.match(await text(page, 'seed-line'), /33,100 series: under the seed's success line/);
    const metrics = page.locator('[data-testid="table-seriesCountByMetricName"] tbody tr');
    assert.equal(await metrics.count(), 10);
    assert.match(await metrics.nth(0).textContent(), /model_prediction_duration_seconds_bucket\s*7,700/);
    assert.match(await metrics.nth(1).textContent(), /go_gc_duration_seconds\s*3,500/);
    const labels = page.locator('[data-testid="table-labelValueCountByLabelName"] tbody tr');
    assert.match(await labels.nth(0).textContent(), /instance\s*740/);
    // The default grouping is by job.
    assert.equal(await text(page, 'grouping-count'), '2');
    await screenshot(page, 'cardinality-1280');

    // Narrow to the model metrics, group by model and version.
    await page.locator('[data-testid="cardinality-selector"]').fill('model_*');
    await page.locator('[data-testid="cardinality-selector"]').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="num-series"]')?.textContent === '13,300', null, { timeout: 30_000 });
    await page.locator('[data-testid="cardinality-by"]').fill('model, version');
    await page.locator('[data-testid="cardinality-by"]').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="grouping-count"]')?.textContent === '16', null, { timeout: 30_000 });
    await page.locator('[data-testid="cardinality-selector"]').fill('rate(x[5m])');
    await page.locator('[data-testid="cardinality-selector"]').press('Enter');
    await page.locator('[data-testid="cardinality-error"]').waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'cardinality-error'), /not a series selector/);
    await page.locator('[data-testid="cardinality-selector"]').fill('');
    await page.locator('[data-testid="cardinality-selector"]').press('Enter');
    await series.waitFor({ timeout: 30_000 });

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'cardinality-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A metric row opens the playground with its query, on the same dataset.
    await page.locator('[data-testid="table-seriesCountByMetricName"] tbody tr a').first().click();
    await page.waitForURL(/\/play\?/, { timeout: 30_000 });
    assert.match(decodeURIComponent(page.url()), /dataset=high-cardinality/);
    assert.match(decodeURIComponent(page.url()), /q=count\(\{__name__="model_prediction_duration_seconds_bucket"\}\)/);
    await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.deepEqual(env.browser.errors, []);
  });
});
