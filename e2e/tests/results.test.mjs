// The result of a range query: the chart's axes (every time label inside the canvas, values
// in the metric's unit), a legend that lists every series with a filter and click-to-hide,
// drag-to-zoom with a reset, and the table, whose rows open to list all of a series' values.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, readTable, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({});

/** The canvas and the axis labels it drew. */
async function axes(page) {
  const canvas = page.locator('[data-testid="chart"] canvas');
  await canvas.waitFor({ timeout: BOOT_TIMEOUT });
  await page.waitForFunction(() => document.querySelector('[data-testid="chart"] canvas')?.dataset.yLabels);
  const split = async (name) => (await canvas.getAttribute(name)).split('|');
  return { canvas, x: await split('data-x-labels'), y: await split('data-y-labels') };
}

/** Opens the playground on a range query over the whole two days of the default dataset. */
async function rangeQuery(page, query, range = '2d') {
  const q = encodeURIComponent(query);
  await page.goto(`${env.site.url}play?mode=range&q=${q}&time=2026-01-07T00:00:00Z&range=${range}`);
  await waitForData(page);
  await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
}

describe('range results', () => {
  test('the last time label of a two-day chart is drawn whole', async () => {
    const page = await env.browser.page();
    await rangeQuery(page, 'sum by (model) (rate(model_predictions_total[5m]))');
    const { x } = await axes(page);
    assert.equal(x.at(-1), '01-07 00:00');
    assert.equal(x[0], '01-05 00:00');
    await page.close();
  });

  test('values carry the unit of the metric', async () => {
    const page = await env.browser.page();
    await rangeQuery(page, 'max by (model) (model_memory_usage_bytes)');
    const memory = (await axes(page)).y;
    assert.ok(memory.every((l) => /^(0 B|\d+(\.\d+)? (MiB|GiB))$/.test(l)), `memory axis: ${memory}`);
    const canvas = page.locator('[data-testid="chart"] canvas');
    assert.match(await canvas.getAttribute('aria-label'), /^Line chart of \d+ series from 2026-01-05T00:00:00Z to 2026-01-07T00:00:00Z, values from \S+ (MiB|GiB) to \S+ (MiB|GiB)\./);
    await screenshot(page, 'chart-unit-bytes');

    await rangeQuery(
      page,
      'histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))',
    );
    const latency = (await axes(page)).y;
    assert.ok(latency.every((l) => /^(0s|\d+(\.\d+)?(ms|s))$/.test(l)), `latency axis: ${latency}`);

    await rangeQuery(
      page,
      'sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))',
    );
    const ratio = (await axes(page)).y;
    assert.ok(ratio.every((l) => /^\d+(\.\d+)?%$/.test(l)), `ratio axis: ${ratio}`);

    // The tooltip gives the value in its unit and as the API writes it.
    const { canvas: c } = await axes(page);
    const box = await c.boundingBox();
    const tooltip = page.locator('[data-testid="chart-tooltip"]');
    for (let y = 10; y < box.height - 10 && (await tooltip.count()) === 0; y += 5) {
      await c.hover({ position: { x: box.width / 3, y } });
    }
    assert.match(await tooltip.textContent(), /\d+(\.\d+)?% \(0\.\d+\) at 2026-/);
    await page.close();
  });

  test('a legend of 231 series lists them all, filters them and hides them', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    await runQuery(page, 'count(model_prediction_duration_seconds_bucket)');
    const [[, total]] = await readTable(page);
    await runQuery(page, 'model_prediction_duration_seconds_bucket', { mode: 'range' });
    const items = page.locator('[data-testid="legend"] .legend-item');
    assert.equal(await items.count(), Number(total), 'every series is in the legend');
    const count = page.locator('[data-testid="legend-count"]');
    assert.equal(await count.textContent(), `${total} of ${total} series shown`);

    await page.locator('[data-testid="legend-filter"]').fill('fraud v2 le="0.1"');
    const kept = await page.$$eval('[data-testid="legend"] .legend-label', (els) => els.map((e) => e.textContent));
    assert.ok(kept.length > 0 && kept.length < 10, `filtered: ${kept}`);
    assert.ok(kept.every((l) => l.includes('fraud') && l.includes('v2') && l.includes('le="0.1"')), `filtered: ${kept}`);
    assert.equal(await count.textContent(), `${kept.length} of ${total} series shown`);

    await items.first().click();
    assert.equal(await items.first().getAttribute('aria-pressed'), 'false');
    assert.equal(await count.textContent(), `${kept.length - 1} of ${total} series shown`);
    await page.locator('[data-testid="legend-hide-all"]').click();
    assert.equal(await count.textContent(), `0 of ${total} series shown`);
    await page.locator('[data-testid="legend-show-all"]').click();
    assert.equal(await count.textContent(), `${kept.length} of ${total} series shown`);

    await page.locator('[data-testid="legend-filter"]').fill('no-such-model');
    assert.equal(await page.locator('.legend-empty').textContent(), 'No series matches \u201cno-such-model\u201d.');
    await page.locator('[data-testid="legend-filter"]').fill('');
    await screenshot(page, 'chart-legend-231');
    await page.close();
  });

  test('dragging across the chart zooms into that time window; reset goes back', async () => {
    const page = await env.browser.page();
    await rangeQuery(page, 'sum by (model) (rate(model_predictions_total[5m]))');
    const { canvas, x: before } = await axes(page);
    const state = page.locator('[data-testid="zoom-state"]');
    assert.equal(await state.textContent(), 'Drag across the chart to zoom in.');
    // The pointer only reaches what is on screen: the chart sits below the editor's panels.
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.match(await state.textContent(), /^Zoomed to 2026-01-0\dT\d\d:\d\d:\d\dZ \u2192 2026-01-0\dT\d\d:\d\d:\d\dZ$/);
    const zoomed = (await axes(page)).x;
    assert.notDeepEqual(zoomed, before);
    assert.ok(zoomed.every((l) => /^\d\d:\d\d$/.test(l)), `a window under a day shows clock times: ${zoomed}`);
    await screenshot(page, 'chart-zoomed');
    await page.locator('[data-testid="zoom-reset"]').click();
    assert.equal(await state.textContent(), 'Drag across the chart to zoom in.');
    assert.deepEqual((await axes(page)).x, before);
    await page.close();
  });

  test('the table opens a series to list all its values', async () => {
    const page = await env.browser.page();
    await page.goto(
      `${env.site.url}play?mode=range&q=${encodeURIComponent('sum by (model) (rate(model_predictions_total[5m]))')}` +
        '&time=2026-01-06T12:00:00Z&range=1h&step=5m',
    );
    await waitForData(page);
    await page.locator('[data-testid="tab-table"]').click();
    const rows = await readTable(page);
    assert.match(rows[0][1], /^[\d.]+ @ 2026-01-06T12:00:00Z\u25b8All 13 values$/);
    const toggle = page.locator('[data-testid="series-values-toggle"]').first();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await toggle.textContent(), '\u25beHide the 13 values');
    const values = page.locator('[data-testid="series-values"] li');
    assert.equal(await values.count(), 13);
    assert.match(await values.first().textContent(), /^2026-01-06T11:00:00Z[\d.]+$/);
    assert.match(await values.last().textContent(), /^2026-01-06T12:00:00Z[\d.]+$/);
    await screenshot(page, 'table-series-values');
    await toggle.click();
    assert.equal(await page.locator('[data-testid="series-values"]').count(), 0);
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });
});
