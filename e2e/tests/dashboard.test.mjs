// The dashboard page: the seed's panels render with data, "Record the seed's rules" switches
// them to recorded series (other queries, fewer samples read per refresh), the 24 h window
// re-evaluates, and the Grafana export downloads exactly what `promplay dashboard --recorded
// --window 24h` prints (its golden file).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, NARROW, ROOT, screenshot, siteAndBrowser } from '../lib.mjs';

const PANELS = 8;
const GOLDEN = readFileSync(join(ROOT, 'tests/golden/dashboard/recorded_24h.json'), 'utf8');

const env = siteAndBrowser();

/** The samples one refresh reads with the panels as currently switched. */
async function shownSamples(page) {
  return Number(await page.locator('[data-testid="current-cost"]').getAttribute('data-samples'));
}

async function firstQuery(page) {
  return (await page.locator('[data-testid="dashboard-panel"]').first().locator('[data-testid="panel-query"]').first().textContent()).trim();
}

describe('dashboard', () => {
  test('panels, recorded series, cost and Grafana export', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}dashboard`);
    const panels = page.locator('[data-testid="dashboard-panel"]');
    await page.locator('[data-testid="raw-samples"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await panels.count(), PANELS);
    assert.equal(await page.locator('[data-testid="dashboard-panel"] [data-testid="chart"]').count(), PANELS, 'every panel has data');
    assert.equal(await page.locator('[data-testid="panel-empty"]').count(), 0);
    const rawQuery = await firstQuery(page);
    assert.equal(rawQuery, 'sum by (model) (rate(model_predictions_total[5m]))');
    const rawSamples = await shownSamples(page);
    assert.ok(rawSamples > 1_000_000, `raw refresh reads ${rawSamples} samples`);
    assert.equal(Number(await page.locator('[data-testid="raw-samples"]').getAttribute('data-samples')), rawSamples);
    assert.ok(await page.locator('[data-testid="mode-recorded"]').isDisabled(), 'nothing recorded yet');
    await screenshot(page, 'dashboard-raw');

    // One click records the seed's rules and switches to the recorded series.
    await page.locator('[data-testid="record-seed-rules"]').click();
    await page.locator('[data-testid="mode-recorded"][aria-pressed="true"]').waitFor({ timeout: 4 * BOOT_TIMEOUT });
    assert.equal(await firstQuery(page), 'model:predictions:rate5m');
    const recordedSamples = await shownSamples(page);
    assert.ok(recordedSamples < rawSamples, `recorded ${recordedSamples} < raw ${rawSamples}`);
    assert.equal(Number(await page.locator('[data-testid="recorded-samples"]').getAttribute('data-samples')), recordedSamples);
    assert.equal(await page.locator('[data-testid="dashboard-panel"] [data-testid="chart"]').count(), PANELS);
    await screenshot(page, 'dashboard-recorded');

    // Back to raw and forth again, without re-evaluating.
    await page.locator('[data-testid="mode-raw"]').click();
    assert.equal(await shownSamples(page), rawSamples);
    assert.equal(await firstQuery(page), rawQuery);
    await page.locator('[data-testid="mode-recorded"]').click();
    assert.equal(await shownSamples(page), recordedSamples);

    // The 24 h window: evaluated again, panels stay on their recorded series.
    await page.locator('[data-testid="window-24h"]').click();
    await page.locator('[data-testid="window-24h"][aria-pressed="true"]').waitFor();
    await page.waitForFunction(
      (before) => {
        const el = document.querySelector('[data-testid="current-cost"]');
        return el && Number(el.dataset.samples) !== before && !document.querySelector('[data-testid="dashboard-progress"]');
      },
      recordedSamples,
      { timeout: BOOT_TIMEOUT },
    );
    assert.equal(await firstQuery(page), 'model:predictions:rate5m');

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: BOOT_TIMEOUT }),
      page.locator('[data-testid="export-grafana"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'ml-platform-dashboard-recorded-24h.json');
    await mkdir(ARTEFACTS, { recursive: true });
    const file = join(ARTEFACTS, 'dashboard-grafana.json');
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    const json = JSON.parse(text);
    assert.equal(json.panels.length, PANELS);
    assert.equal(json.panels[0].targets[0].expr, 'model:predictions:rate5m');
    assert.deepEqual(json.panels[5].targets.map((t) => t.legendFormat), ['p50', 'p95', 'p99']);
    assert.equal(json.templating.list[0].type, 'datasource');
    assert.equal(json.panels[0].datasource.uid, '${datasource}');
    assert.equal(text, GOLDEN, 'the same dashboard as promplay dashboard --recorded --window 24h');

    await page.setViewportSize(NARROW);
    await page.locator('[data-testid="dashboard-grid"]').waitFor();
    await screenshot(page, 'dashboard-phone');
  });
});
