// A phone-wide window (390 × 844): no page scrolls sideways, the exercise navigation keeps
// "Next →" on screen, the home page's metrics table stays compact, and the chart's tooltip
// stays inside the window at the right edge. Screenshots of each page at this width.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, NARROW, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({}, NARROW);

/** How many pixels the page is wider than the window (0 or less: it fits). */
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const PAGES = [
  ['home', '', '[data-testid="series-count"]'],
  ['playground', 'play', '[data-testid="chart"] canvas'],
  ['exercise', 'exercise/todo-1-3-sum-by', '[data-testid="check"]:not([disabled])'],
  ['rules-lab', 'rules', '[data-testid="check-status"]'],
];

describe('phone width', () => {
  for (const [name, path, ready] of PAGES) {
    test(`${name} does not scroll sideways`, async () => {
      const page = await env.browser.page();
      await page.goto(`${env.site.url}${path}`);
      await page.locator(ready).first().waitFor({ timeout: BOOT_TIMEOUT });
      assert.ok((await overflow(page)) <= 0, `${name} is ${await overflow(page)}px wider than the window`);
      await screenshot(page, `phone-${name}`);
      await page.close();
    });
  }

  test('the exercise navigation keeps Next on screen', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-1-3-sum-by`);
    const next = page.locator('.exercise-nav a', { hasText: 'Next \u2192' });
    await next.waitFor({ timeout: BOOT_TIMEOUT });
    const box = await next.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= NARROW.width, `Next at ${JSON.stringify(box)}`);
    await page.close();
  });

  test('the metrics table rows stay compact', async () => {
    const page = await env.browser.page();
    await page.goto(env.site.url);
    await page.locator('.metrics-table tbody tr').first().waitFor({ timeout: BOOT_TIMEOUT });
    const heights = await page.$$eval('.metrics-table tbody tr', (rows) => rows.map((r) => r.getBoundingClientRect().height));
    const tallest = Math.max(...heights);
    assert.ok(tallest <= 80, `row heights: ${heights.map(Math.round)}`);
    await page.close();
  });

  test('the chart tooltip flips to stay inside the window at the right edge', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const canvas = page.locator('[data-testid="chart"] canvas');
    await canvas.waitFor({ timeout: BOOT_TIMEOUT });
    const box = await canvas.boundingBox();
    const tooltip = page.locator('[data-testid="chart-tooltip"]');
    // Sweep down near the right edge of the plot until a line is under the pointer.
    for (let y = 10; y < box.height - 10 && (await tooltip.count()) === 0; y += 4) {
      await canvas.hover({ position: { x: box.width - 22, y } });
    }
    const tip = await tooltip.boundingBox();
    assert.ok(tip, 'a tooltip appeared');
    assert.ok(tip.x >= 0 && tip.x + tip.width <= NARROW.width, `tooltip at ${JSON.stringify(tip)}`);
    await screenshot(page, 'phone-chart-tooltip');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });
});
