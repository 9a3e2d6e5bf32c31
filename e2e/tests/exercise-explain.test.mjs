// Query assistance on exercise pages: the seed's Task 5.1 exercises open with the lint finding
// their anti-pattern is about (exact check and message) and its one-click fix, which edits the
// learner's query in place (Ctrl+Z brings it back) and runs it without grading; an empty editor
// shows no finding (a query not yet written is not a syntax error); the explain
// tree reads the exercise's own data (its recorded series), and a clicked part shows its result
// in Run's panel while the editor keeps the whole query. Screenshots at desktop and phone width.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, NARROW, launch, screenshot, siteAndBrowser } from '../lib.mjs';

const env = siteAndBrowser({}, { width: 1280, height: 900 });

/** The seed's five anti-patterns of TODO 5.1: the exercise, its starting query, the finding
 * it opens with (check and message, backticks shown as code) and the query its fix gives. */
const TASK_5_1 = [
  {
    id: 'todo-5-1-counter-without-rate',
    starter: 'sum(model_predictions_total)',
    check: 'promql/counter',
    severity: 'warning',
    message:
      "model_predictions_total is a counter according to the dataset's metadata, it can be dangerous to use its value directly: it only grows, and drops to zero when a pod restarts. Calculate the rate of events with rate() first.",
    fixed: 'sum(rate(model_predictions_total[5m]))',
  },
  {
    id: 'todo-5-1-too-many-labels',
    starter: 'sum by (model, version, namespace, pod, node, cluster) (rate(model_predictions_total[5m]))',
    check: 'promql/aggregate',
    severity: 'warning',
    message:
      'pod label should be removed when aggregating: it has 21 values among the 21 input series, so sum by (...) keeps about one series per pod instead of aggregating them.',
    fixed: 'sum by (model, version, namespace, node, cluster) (rate(model_predictions_total[5m]))',
  },
  {
    id: 'todo-5-1-short-range',
    starter: 'rate(model_predictions_total[30s])',
    check: 'promql/rate',
    severity: 'bug',
    message:
      'Duration for rate() must be at least 2 x scrape_interval, the dataset is using 30s scrape_interval: a [30s] window holds at most one sample, so it returns nothing.',
    fixed: 'rate(model_predictions_total[5m])',
  },
  {
    id: 'bug-recorded-p95-per-platform',
    starter: 'model:latency:p95 / platform:predictions:rate5m',
    check: 'promql/vector_matching',
    severity: 'bug',
    message:
      "The left hand side returns series with the labels model, which don't match the right hand side's series with no labels: no pair of series has the same labels, so / returns nothing on this dataset. Match on the labels both sides have: / on() group_left.",
    fixed: 'model:latency:p95 / on() group_left platform:predictions:rate5m',
  },
  {
    id: 'todo-5-1-long-range',
    starter: 'sum by (model) (increase(model_predictions_total[24h]))',
    check: 'query/cost',
    severity: 'information',
    message:
      'Use model:predictions:daily here instead to speed up the query: the recording rule model:predictions:daily records sum by (model) (increase(model_predictions_total[1d])).',
    fixed: 'model:predictions:daily',
  },
];

/** Opens exercise `id` and waits for the lint findings of its starting query. */
async function open(page, id) {
  await page.goto(`${env.site.url}exercise/${id}`);
  await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
  await page.locator('[data-testid="lint-finding"]').first().waitFor({ timeout: BOOT_TIMEOUT });
}

/** Opens exercise `id` with its starting query in the editor (whatever an earlier test left). */
async function openAtStarter(page, id) {
  await page.goto(`${env.site.url}exercise/${id}`);
  await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
  await page.locator('[data-testid="reset-starter"]').click();
}

/** The first finding of `check`: [severity, message]. */
async function finding(page, check) {
  const f = page.locator(`[data-testid="lint-finding"][data-check="${check}"]`).first();
  return [await f.locator('.lint-severity').textContent(), await f.locator('.lint-message').textContent()];
}

describe('query assistance on exercise pages', () => {
  for (const ex of TASK_5_1) {
    test(`${ex.id} opens with its anti-pattern's lint, and the fix applies in place`, async () => {
      const page = await env.browser.page();
      await open(page, ex.id);
      const editor = page.locator('[data-testid="query-input"]');
      assert.equal(await editor.inputValue(), ex.starter);
      assert.deepEqual(await finding(page, ex.check), [ex.severity, ex.message]);
      // The squiggle is there before anything runs.
      assert.ok((await page.locator('.editor-highlight [class*="lint-"]').count()) > 0, 'a squiggle');
      if (ex.id === 'todo-5-1-counter-without-rate') await screenshot(page, 'exercise-task-5-1-lint');

      await page.locator(`[data-check="${ex.check}"] [data-testid="lint-fix"]`).first().click();
      assert.equal(await editor.inputValue(), ex.fixed);
      // The fixed query runs (not graded), and the finding is gone.
      await page.locator('[data-testid="run-panel"] [data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
      await page.waitForFunction(
        ([check, message]) =>
          ![...document.querySelectorAll(`[data-testid="lint-finding"][data-check="${check}"] .lint-message`)].some(
            (m) => m.textContent === message,
          ),
        [ex.check, ex.message],
      );
      assert.equal(await page.locator('[data-testid="feedback-headline"]').count(), 0, 'nothing was graded');

      // Ctrl+Z in the editor brings back the query as it was before the fix.
      await editor.focus();
      await page.keyboard.press('Control+z');
      assert.equal(await editor.inputValue(), ex.starter);
      assert.deepEqual(env.browser.errors, []);
    });
  }

  test('an empty editor shows no finding; a broken query run does, until the editor is run empty', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-1-2-rate`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    const editor = page.locator('[data-testid="query-input"]');
    assert.equal(await editor.inputValue(), '', 'the exercise has no starting query');
    const findings = page.locator('[data-testid="lint-finding"]');
    await page.waitForTimeout(1000);
    assert.equal(await findings.count(), 0, 'no finding on opening the exercise');
    // The lint runs when the page opens and after each run.
    await editor.fill('rate(');
    await page.locator('[data-testid="run"]').click();
    await page.locator('[data-testid="lint-finding"][data-check="promql/syntax"]').waitFor({ timeout: BOOT_TIMEOUT });
    await editor.fill('');
    await page.locator('[data-testid="run"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="lint-finding"]').length === 0, null, {
      timeout: BOOT_TIMEOUT,
    });
    // Nothing comes back once the lint has had time to answer.
    await page.waitForTimeout(500);
    assert.equal(await findings.count(), 0, 'no finding for an empty editor');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('the explain tree reads the exercise data, and a part shows in Run', async () => {
    const page = await env.browser.page();
    await openAtStarter(page, 'bug-recorded-p95-per-platform');
    await page.locator('[data-testid="explain-toggle"]').click();
    const panel = page.locator('[data-testid="explain-panel"]');
    await panel.locator('[data-testid="explain-node"]').first().waitFor({ timeout: BOOT_TIMEOUT });
    const nodes = await panel.locator('[data-testid="explain-node"]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('aria-level'), e.querySelector('.explain-kind').textContent, e.querySelector('.explain-text').textContent]),
    );
    assert.deepEqual(nodes, [
      ['1', 'arithmetic', 'model:latency:p95 / platform:predictions:rate5m'],
      ['2', 'instant selector', 'model:latency:p95'],
      ['2', 'instant selector', 'platform:predictions:rate5m'],
    ]);
    const node = (i) => panel.locator('[data-testid="explain-node"]').nth(i);
    assert.equal(
      await node(1).locator('.explain-sentence').textContent(),
      'Selects every series named model:latency:p95, each at its latest sample in the 5 minutes before the evaluation time.',
    );
    // The recorded series exist in the exercise's data only (the playground's dataset has none).
    assert.match(
      await node(1).locator('.explain-details').textContent(),
      /^5 series instant vector · labels __name__ \(1\), model \(5\) · e\.g\. model:latency:p95\{model="churn-predictor"\} = 0\.0942401 · 5 samples read/,
    );
    assert.match(await node(2).locator('.explain-details').textContent(), /^1 series instant vector/);
    assert.match(await node(0).locator('.explain-details').textContent(), /^0 series instant vector/);
    assert.match(await node(0).locator('.explain-details').textContent(), /fix: match with \/ on\(\) group_left/);
    await screenshot(page, 'exercise-explain');

    // The left side's own result in Run's panel; the editor keeps the whole query.
    await node(1).locator('.explain-node').click();
    await page.locator('[data-testid="part-banner"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await page.locator('[data-testid="part-banner"]').textContent(), /The results show the part model:latency:p95/);
    // The banner shows at the click; the part's result follows from the engine module.
    await page.waitForFunction(
      () => /· 5 series ·/.test(document.querySelector('[data-testid="run-panel"] [data-testid="result-stats"]')?.textContent ?? ''),
      null,
      { timeout: BOOT_TIMEOUT },
    );
    assert.equal(
      await page.locator('[data-testid="query-input"]').inputValue(),
      'model:latency:p95 / platform:predictions:rate5m',
    );
    await screenshot(page, 'exercise-explain-part');
    await page.locator('[data-testid="part-banner"] button').click();
    await page.waitForFunction(() => /· 0 series ·/.test(document.querySelector('[data-testid="run-panel"] [data-testid="result-stats"]')?.textContent ?? ''), null, { timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('[data-testid="part-banner"]').count(), 0);
    assert.deepEqual(env.browser.errors, []);
  });

  test('the exercise page with its explain tree fits a phone', async () => {
    const phone = await launch(NARROW);
    try {
      const page = await phone.page();
      await page.goto(`${env.site.url}exercise/todo-5-1-too-many-labels`);
      await page.locator('[data-testid="lint-finding"]').first().waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('[data-testid="explain-toggle"]').click();
      await page.locator('[data-testid="explain-node"]').first().waitFor({ timeout: BOOT_TIMEOUT });
      await screenshot(page, 'exercise-explain-phone');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((e) => `${e.tagName}.${e.className}`),
      );
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px: ${wide.join(', ')}`);
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.close();
    }
  });
});
