// Query assistance in the playground, with exact values on the default dataset at its last
// sample (2026-01-07T00:00:00Z): Format lays a query out as Prometheus prints it (and leaves
// a broken one as typed, saying why), lint findings list and underline what they are about
// and fix it in one click, and the explain tree shows every part of the query with what it
// returned; clicking a part shows its own result in the result panel.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { NARROW, BOOT_TIMEOUT, launch, readTable, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

// The playground at the size the pages are reviewed at (and a phone, below).
const env = siteAndBrowser({}, { width: 1280, height: 900 });

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical axe-core violations of the page as it is. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const MISMATCH =
  'sum by (model, version) (rate(model_predictions_total[5m])) / sum by (model) (rate(container_cpu_usage_seconds_total[5m]))';

/** Opens the playground on an instant query at the data's last sample. */
async function open(page, q = 'up') {
  await page.goto(`${env.site.url}play?mode=instant&time=2026-01-07T00:00:00Z&q=${encodeURIComponent(q)}`);
  await waitForData(page);
  await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
}

/** Waits for the engine module's formatted text (it replies asynchronously) to start with `start`. */
async function formatted(page, start) {
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid="query-input"]').value.startsWith(s),
    start,
    { timeout: BOOT_TIMEOUT },
  );
}

/** The text of the stats line over the results. */
async function stats(page) {
  return (await page.locator('[data-testid="result-stats"]').textContent()).trim();
}

/** Each lint finding as [check, severity]. */
async function findings(page) {
  return page.$$eval('[data-testid="lint-finding"]', (els) =>
    els.map((e) => [e.dataset.check, e.querySelector('.lint-severity').textContent]),
  );
}

describe('query assistance', () => {
  test('Format lays the query out as Prometheus does, and keeps a broken query', async () => {
    const page = await env.browser.page();
    await open(page);
    const editor = page.locator('[data-testid="query-input"]');
    await editor.fill('sum(rate(model_predictions_total[5m]))by(model)');
    await page.locator('[data-testid="format-button"]').click();
    await formatted(page, 'sum by (model) (rate(model_predictions_total[5m]))');
    assert.equal(await editor.inputValue(), 'sum by (model) (rate(model_predictions_total[5m]))');

    await editor.fill(MISMATCH);
    await page.locator('[data-testid="format-button"]').click();
    await formatted(page, '  sum by');
    assert.equal(
      await editor.inputValue(),
      [
        '  sum by (model, version) (rate(model_predictions_total[5m]))',
        '/',
        '  sum by (model) (rate(container_cpu_usage_seconds_total[5m]))',
      ].join('\n'),
    );

    await editor.fill('sum(rate(x[5m])');
    await page.locator('[data-testid="format-button"]').click();
    assert.equal(await editor.inputValue(), 'sum(rate(x[5m])', 'a broken query stays as typed');
    assert.match(await page.locator('[data-testid="format-status"]').textContent(), /^Cannot format: .*unclosed left parenthesis/);
  });

  test('lint findings are listed, underlined and fixed in one click', async () => {
    const page = await env.browser.page();
    await open(page);
    await runQuery(page, 'sum(model_predictions_total)');
    assert.deepEqual(await findings(page), [['promql/counter', 'warning']]);
    assert.match(
      await page.locator('[data-testid="lint-finding"] .lint-message').textContent(),
      /^model_predictions_total is a counter according to the dataset's metadata/,
    );
    // The squiggle sits under the counter's name only.
    const underlined = await page.$$eval('.editor-highlight .lint-warning', (els) => els.map((e) => e.textContent));
    assert.deepEqual(underlined, ['model_predictions_total']);
    await screenshot(page, 'lint-counter');

    await page.locator('[data-testid="lint-fix"]').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="lint-finding"][data-check="promql/counter"]'));
    assert.equal(await page.locator('[data-testid="query-input"]').inputValue(), 'sum(rate(model_predictions_total[5m]))');
    assert.deepEqual(await findings(page), []);
    assert.equal(await page.$$eval('.editor-highlight .lint-warning', (els) => els.length), 0);

    // The empty match: the matching fix makes the division return one series per version.
    await runQuery(page, MISMATCH);
    assert.deepEqual(await findings(page), [
      ['query/cost', 'information'],
      ['promql/vector_matching', 'bug'],
    ]);
    assert.match(await stats(page), /· 0 series ·/);
    await page.locator('[data-check="promql/vector_matching"] [data-testid="lint-fix"]').click();
    await page.waitForFunction(() => /· 7 series ·/.test(document.querySelector('[data-testid="result-stats"]')?.textContent ?? ''));
    assert.equal(
      await page.locator('[data-testid="query-input"]').inputValue(),
      'sum by (model, version) (rate(model_predictions_total[5m])) / on(model) group_left sum by (model) (rate(container_cpu_usage_seconds_total[5m]))',
    );
    assert.equal((await readTable(page)).length, 7);
  });

  test('the explain tree shows every part, and a click shows its result', async () => {
    const page = await env.browser.page();
    await open(page, MISMATCH);
    await page.locator('[data-testid="explain-toggle"]').click();
    const panel = page.locator('[data-testid="explain-panel"]');
    await panel.locator('[data-testid="explain-node"]').first().waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(
      await page.locator('[data-testid="explain-toggle"]').getAttribute('aria-expanded'),
      'true',
    );
    const nodes = await panel.locator('[data-testid="explain-node"]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('aria-level'), e.querySelector('.explain-kind').textContent, e.querySelector('.explain-text').textContent]),
    );
    assert.deepEqual(nodes, [
      ['1', 'arithmetic', MISMATCH],
      ['2', 'aggregation', 'sum by (model, version) (rate(model_predictions_total[5m]))'],
      ['3', 'function', 'rate(model_predictions_total[5m])'],
      ['4', 'range selector', 'model_predictions_total[5m]'],
      ['2', 'aggregation', 'sum by (model) (rate(container_cpu_usage_seconds_total[5m]))'],
      ['3', 'function', 'rate(container_cpu_usage_seconds_total[5m])'],
      ['4', 'range selector', 'container_cpu_usage_seconds_total[5m]'],
    ]);
    const root = await panel.locator('[data-testid="explain-node"]').first().locator('.explain-details').textContent();
    assert.match(root, /^0 series instant vector · 420 samples read/);
    assert.match(root, /matched 0 of 7 left and 0 of 5 right series \(one-to-one\)/);
    assert.match(root, /fix: match with \/ on\(model\) group_left/);
    const left = await panel.locator('[data-testid="explain-node"]').nth(1).locator('.explain-details').textContent();
    assert.match(left, /^7 series instant vector · labels model \(5\), version \(5\) · e\.g\. \{model="fraud-detector", version="v2"\} = 22\.0111 · 210 samples read/);
    assert.match(left, /7 groups from 21 input series \(1 to 5 each\)/);
    assert.match(await panel.textContent(), /At 2026-01-07T00:00:00Z · 420 samples read/);
    await screenshot(page, 'explain-tree');
    assert.deepEqual(await axeViolations(page), [], 'the open panel and the findings pass axe-core');

    // A part's own result, then back to the whole query.
    await panel.locator('.explain-node').nth(2).click();
    await page.locator('[data-testid="part-banner"]').waitFor();
    assert.match(await page.locator('[data-testid="part-banner"]').textContent(), /rate\(model_predictions_total\[5m\]\)/);
    // The banner shows at the click; the part's result follows from the engine module.
    await page.waitForFunction(() => /· 21 series ·/.test(document.querySelector('[data-testid="result-stats"]')?.textContent ?? ''));
    assert.equal((await readTable(page)).length, 21);
    assert.equal(await page.locator('[data-testid="query-input"]').inputValue(), MISMATCH, 'the editor keeps the query');
    await screenshot(page, 'explain-part');
    await page.locator('[data-testid="part-banner"] button').click();
    await page.waitForFunction(() => /· 0 series ·/.test(document.querySelector('[data-testid="result-stats"]')?.textContent ?? ''));
    assert.equal(await page.locator('[data-testid="part-banner"]').count(), 0);
    assert.deepEqual(env.browser.errors, []);
  });

  test('an exercise page lints after Run, and a fix runs without grading', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-1-3-sum-by`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    const editor = page.locator('[data-testid="query-input"]');
    await editor.fill('sum by (model) (model_predictions_total)');
    await page.locator('[data-testid="run"]').click();
    // The page lints its starting query on opening: wait for the findings of the new text.
    const want = JSON.stringify([['promql/counter', 'warning']]);
    for (const deadline = Date.now() + BOOT_TIMEOUT; Date.now() < deadline; ) {
      if (JSON.stringify(await findings(page)) === want) break;
      await page.waitForTimeout(50);
    }
    assert.deepEqual(await findings(page), [['promql/counter', 'warning']]);
    assert.equal(await page.locator('[data-testid="explain-toggle"]').count(), 1, 'exercise pages explain too');
    await page.locator('[data-testid="lint-fix"]').click();
    assert.equal(await editor.inputValue(), 'sum by (model) (rate(model_predictions_total[5m]))');
    // The counter finding is gone; the recorded alternative remains (information only).
    await page.waitForFunction(() => !document.querySelector('[data-check="promql/counter"]'));
    assert.deepEqual(await findings(page), [['query/cost', 'information']]);
    assert.equal(await page.locator('[data-testid="feedback-headline"]').count(), 0, 'nothing was graded');
    await screenshot(page, 'exercise-lint-fixed');
  });

  test('the panels fit a phone', async () => {
    const phone = await launch(NARROW);
    try {
      const page = await phone.page();
      await page.goto(`${env.site.url}play?mode=instant&time=2026-01-07T00:00:00Z&q=${encodeURIComponent(MISMATCH)}`);
      await waitForData(page);
      await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('[data-testid="explain-toggle"]').click();
      await page.locator('[data-testid="explain-node"]').first().waitFor({ timeout: BOOT_TIMEOUT });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      await screenshot(page, 'explain-phone');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.close();
    }
  });
});
