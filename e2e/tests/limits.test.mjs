// Query limits on the playground: the Limits panel shows Prometheus's defaults; a lowered
// max samples, points cap or time budget stops a query with an error naming the limit and the
// field that changes it; the setting survives a reload.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({});

describe('query limits', () => {
  test('a lowered limit stops a query and says which field to change', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const summary = page.locator('[data-testid="limits-summary"]');
    assert.match(await summary.textContent(), /50,000,000 samples/);
    await summary.click();
    await page.locator('[data-testid="limit-max-samples"]').fill('100');
    await page.locator('[data-testid="limit-max-samples"]').press('Tab');
    assert.match(await summary.textContent(), /100 samples/);

    await runQuery(page, 'count({__name__=~".+"})');
    const hint = page.locator('[data-testid="limit-hint"]');
    await hint.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await page.locator('[data-testid="query-error"]').textContent(), /too many samples/);
    assert.match(await hint.textContent(), /at most 100 samples.*--query\.max-samples.*Max samples/);
    await screenshot(page, 'limits-max-samples');

    // The points cap: a day at a 1 m step is 1,441 points per series, over a cap of 500.
    await page.locator('[data-testid="limits-reset"]').click();
    await page.locator('[data-testid="limit-max-points"]').fill('500');
    await page.locator('[data-testid="limit-max-points"]').press('Tab');
    await page.locator('[data-testid="mode-range"]').click();
    await page.locator('[data-testid="range-input"]').fill('1d');
    await page.locator('[data-testid="step-input"]').fill('1m');
    await runQuery(page, 'up', { mode: 'range' });
    assert.match(
      await page.locator('[data-testid="query-error"]').textContent(),
      /1,441 points per series.*at most 500 steps \(“Max points per series” under Limits\)\. Set Step to 2m53s or more/,
    );
    await screenshot(page, 'limits-max-points');

    // The time budget: a subquery at a 1 s resolution over 30 days cannot finish in 1 s.
    await page.locator('[data-testid="limits-reset"]').click();
    await page.locator('[data-testid="limit-timeout"]').fill('1');
    await page.locator('[data-testid="limit-timeout"]').press('Tab');
    await runQuery(page, 'max_over_time(sum(rate(model_predictions_total[5m]))[30d:1s])');
    await hint.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await hint.textContent(), /time budget of 1s.*--query\.timeout.*Timeout/);
    await page.locator('[data-testid="limit-max-points"]').fill('500');
    await page.locator('[data-testid="limit-max-points"]').press('Tab');

    await page.reload();
    await waitForData(page);
    assert.match(await page.locator('[data-testid="limits-summary"]').textContent(), /500 points/);
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });
});
