// The learner's work on exercise pages: drafts saved as they type (Next/Previous and a reload
// keep them), the solving answer kept apart from later attempts (with a way back to it),
// "Reset progress" with its confirmation, Run (the result without grading) and "Open in
// playground", and feedback that passes on the engine's warnings and names series by the
// labels that tell them apart; rule exercises say which series differ and chart them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, NARROW, checkAnswer, screenshot, siteAndBrowser, typeQuery } from '../lib.mjs';

const ID = 'todo-1-3-sum-by';
const RIGHT = 'sum by (model) (rate(model_predictions_total[5m]))';
const ONE_MISSING = 'sum by (model) (rate(model_predictions_total{model!="recommender"}[5m]))';
const LAPTOP_900 = { width: 1280, height: 900 };

const env = siteAndBrowser({}, LAPTOP_900);

async function waitForCheck(page) {
  await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
}

describe('exercise work', () => {
  test('drafts survive Next/Previous and reloads; the solution is kept apart', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/${ID}`);
    await waitForCheck(page);
    assert.equal(
      await page.locator('[data-testid="editor-hint"]').textContent(),
      'Ctrl+Enter (or ⌘+Enter) checks your answer (Run shows the result without grading). Ctrl+Space suggests names.',
    );

    // Typed, never checked, then Next and Previous: the draft is there.
    const editor = await typeQuery(page, 'sum(rate(model_predictions_total[5m]))');
    await page.locator('.exercise-nav a', { hasText: 'Next' }).click();
    await page.locator('.exercise-nav a', { hasText: 'Previous' }).click();
    await waitForCheck(page);
    assert.equal(await editor.inputValue(), 'sum(rate(model_predictions_total[5m]))');

    // Solve, then a wrong attempt: it stays solved and the solution can come back.
    await typeQuery(page, RIGHT);
    assert.match(await checkAnswer(page), /^✓ Correct/);
    await typeQuery(page, ONE_MISSING);
    assert.match(await checkAnswer(page), /^✗ Not quite/);
    const items = (await page.locator('.feedback-items li').allTextContents()).map((i) => i.trim());
    assert.equal(items[0], 'At 2026-01-05T03:00:00Z, 1 of the 5 expected series is missing: {model="recommender"}.');
    await page.reload();
    await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await editor.inputValue(), ONE_MISSING, 'the draft reopens');
    await page.locator('[data-testid="restore-solution"]').click();
    assert.equal(await editor.inputValue(), RIGHT);
    await page.close();
  });

  test('Run shows the result without grading; Open in playground carries query, dataset and time', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/${ID}`);
    await waitForCheck(page);
    await typeQuery(page, RIGHT);
    await page.locator('[data-testid="run"]').click();
    const stats = page.locator('[data-testid="run-panel"] [data-testid="result-stats"]');
    await stats.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await stats.textContent(), /^range query · matrix · 5 series · /);
    assert.equal(await page.locator('[data-testid="feedback"]').count(), 0, 'Run does not grade');
    await screenshot(page, 'exercise-run');
    await page.setViewportSize(NARROW);
    await screenshot(page, 'exercise-run-phone');
    await page.setViewportSize(LAPTOP_900);

    const link = page.locator('[data-testid="open-in-playground"]');
    const href = await link.getAttribute('href');
    assert.match(href, /\/play\?dataset=ml-platform&q=sum%20by%20%28model%29.*&mode=range&time=2026-01-0\dT.*&range=\d+h&step=\d+/);
    await link.click();
    await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('[data-testid="query-input"]').inputValue(), RIGHT);
    assert.match(await page.locator('[data-testid="result-stats"]').textContent(), /^range query · matrix · 5 series/);
    await page.close();
  });

  test('feedback passes on the engine warnings', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-2-1-p95`);
    await waitForCheck(page);
    await typeQuery(page, 'histogram_quantile(0.95, sum by (model) (rate(model_prediction_duration_seconds_bucket[5m])))');
    assert.match(await checkAnswer(page), /^✗ Not quite/);
    const warning = await page.locator('[data-testid="feedback"] [data-testid="note-warning"]').first().textContent();
    assert.match(warning, /^PromQL warning: bucket label "le" is missing or has a malformed value/);
    const items = (await page.locator('.feedback-items li').allTextContents()).map((i) => i.trim());
    assert.match(items[0], /^At 2026-\S+Z, histogram_quantile\(\) received 5 series \([\d,]+ samples read\) but returned nothing\./);
    await screenshot(page, 'exercise-feedback-warning');
    await page.close();
  });

  test('reset progress asks first, then clears solved marks, drafts and rule files', async () => {
    const page = await env.browser.page();
    // The store is written before the app starts (written after, it would race the app's first save).
    await page.addInitScript(() => {
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem(
        'promplay.progress.v1',
        JSON.stringify({ version: 1, solved: ['todo-1-3-sum-by'], drafts: { 'todo-1-2-rate': 'rate(x[5m])' }, solutions: {}, hints: {} }),
      );
      localStorage.setItem('promql-playground-rules-exercise-rules-3-1-request-rates', 'groups: []');
    });
    await page.goto(env.site.url);
    const count = page.locator('[data-testid="solved-count"]');
    await count.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await count.textContent(), /^1 of \d+ solved$/);
    await page.locator('[data-testid="reset-progress"]').click();
    assert.equal(
      await page.locator('[data-testid="reset-confirm"] p').textContent(),
      'Clear the saved progress of 2 exercises (solved marks, solutions, drafts, hints) and the rule files of 1 rule exercise? This cannot be undone.',
    );
    await screenshot(page, 'home-reset-confirm');
    await page.locator('[data-testid="reset-confirm-no"]').click();
    assert.match(await count.textContent(), /^1 of \d+ solved$/, 'Cancel keeps everything');
    await page.locator('[data-testid="reset-progress"]').click();
    await page.locator('[data-testid="reset-confirm-yes"]').click();
    await page.locator('[data-testid="reset-done"]').waitFor();
    assert.match(await count.textContent(), /^0 of \d+ solved$/);
    const stored = await page.evaluate(() => [
      JSON.parse(localStorage.getItem('promplay.progress.v1')),
      localStorage.getItem('promql-playground-rules-exercise-rules-3-1-request-rates'),
    ]);
    assert.deepEqual(stored, [{ version: 1, solved: [], drafts: {}, solutions: {}, hints: {} }, null]);
    await page.close();
  });

  test('a rule exercise names the series that differ and charts them', { timeout: 600_000 }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}rules/exercise/rules-3-1-request-rates`);
    const checkRules = page.locator('[data-testid="check-rules"]:not([disabled])');
    await checkRules.waitFor({ timeout: BOOT_TIMEOUT });
    const doubled = [
      'groups:',
      '- name: ml_model_serving_rules',
      '  interval: 30s',
      '  rules:',
      '  - record: model:predictions:rate5m',
      '    expr: 2 * sum by (model, version) (rate(model_predictions_total[5m]))',
      '  - record: model:errors:rate5m',
      '    expr: sum by (model, version) (rate(model_prediction_errors_total[5m]))',
    ].join('\n');
    await page.locator('[data-testid="rule-input"]').fill(doubled);
    await checkRules.click();
    const headline = page.locator('[data-testid="feedback-headline"]');
    await headline.waitFor({ timeout: 600_000 });
    assert.match(await headline.textContent(), /Not quite/);
    const items = (await page.locator('.feedback-items li').allTextContents()).map((i) => i.trim());
    assert.match(
      items[0],
      /^At 2026-01-05T06:00:00Z for model:predictions:rate5m, \d+ values differ: \{model="[a-z-]+"(, version="v\d")?\} is [\d.]+ \(expected [\d.]+\)/,
    );
    assert.match(items[1], /^model:predictions:rate5m also differs at 2 other instants\.$/);
    await page.locator('[data-testid="feedback"] [data-testid="chart"]').waitFor();
    await screenshot(page, 'rules-exercise-wrong-values');
    await page.close();
  });
});
