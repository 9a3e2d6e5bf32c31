// The exercise player: a wrong answer gets feedback (and a chart overlay), a hint is
// revealed, the right answer solves the exercise, and the progress (solved mark, last query)
// survives a reload; a corrupt progress store resets with a notice.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, checkAnswer, screenshot, siteAndBrowser } from '../lib.mjs';

const ID = 'todo-1-3-sum-by';
const WRONG = 'sum(rate(model_predictions_total[5m]))';
const RIGHT = 'sum by (model) (rate(model_predictions_total[5m]))';

const env = siteAndBrowser({});

/** Waits until the dataset is loaded and the Check button is enabled. */
async function waitForCheck(page) {
  await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
}

/** Types `query` into the editor, checks it and returns the (new) feedback headline. */
async function answer(page, query) {
  await page.locator('[data-testid="query-input"]').fill(query);
  // Each check of this test changes the headline, so a new text means a new verdict.
  return checkAnswer(page);
}

describe('exercise player', () => {
  test('feedback, hints, solving, and progress across a reload', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/${ID}`);
    await waitForCheck(page);
    assert.match(await page.locator('h1').first().textContent(), /Sum by a label/);

    const wrong = await answer(page, WRONG);
    assert.match(wrong, /Not quite|Close/);
    const items = await page.locator('.feedback-items li').allTextContents();
    assert.ok(items.some((i) => /missing/.test(i)), `feedback names the missing series: ${items}`);
    await page.locator('[data-testid="chart"]').waitFor({ timeout: BOOT_TIMEOUT });

    await page.locator('[data-testid="reveal-hint"]').click();
    assert.equal(await page.locator('[data-testid="hint"]').count(), 1);
    await screenshot(page, 'exercise-wrong-answer');

    const right = await answer(page, RIGHT);
    assert.match(right, /Correct/);
    await page.locator('[data-testid="solved-badge"]').waitFor();
    await page.locator('[data-testid="explanation"]').waitFor();
    await screenshot(page, 'exercise-solved');

    await page.reload();
    await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('[data-testid="query-input"]').inputValue(), RIGHT);
    assert.equal(await page.locator('[data-testid="hint"]').count(), 1, 'the revealed hint stays revealed');

    await page.goto(env.site.url);
    const item = page.locator(`[data-testid="catalogue-${ID}"]`);
    await item.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await item.getAttribute('class'), /solved/);
    assert.match(await page.locator('[data-testid="solved-count"]').textContent(), /^1 of \d+ solved$/);
    await screenshot(page, 'home-catalogue');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('a spot-the-bug exercise explains the empty result', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/bug-histogram-bare-name`);
    await waitForCheck(page);
    const starter = await page.locator('[data-testid="query-input"]').inputValue();
    assert.equal(starter, 'max by (model) (model_prediction_duration_seconds)');
    await page.locator('[data-testid="check"]').click();
    await page.locator('[data-testid="feedback-headline"]').waitFor({ timeout: BOOT_TIMEOUT });
    const items = (await page.locator('.feedback-items li').allTextContents()).join('\n');
    assert.match(items, /classic histogram/);
    await screenshot(page, 'exercise-spot-the-bug');
    await page.close();
  });

  test('a corrupt progress store resets with a notice', async () => {
    const page = await env.browser.page();
    // Corrupt the store before the app starts: written after, it would race the app's first save.
    await page.addInitScript(() => {
      if (!sessionStorage.getItem('corrupted')) {
        sessionStorage.setItem('corrupted', '1');
        localStorage.setItem('promplay.progress.v1', '{"version":1,"solved":');
      }
    });
    await page.goto(env.site.url);
    await page.locator('[data-testid="progress-notice"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await page.locator('[data-testid="solved-count"]').textContent(), /^0 of \d+ solved$/);
    const stored = await page.evaluate(() => localStorage.getItem('promplay.progress.v1'));
    assert.deepEqual(JSON.parse(stored).solved, []);
    await page.close();
  });
});

describe('editor completion', () => {
  test('offers metric names and label values from the dataset', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-1-1-label-filters`);
    await waitForCheck(page);
    const editor = page.locator('[data-testid="query-input"]');
    await editor.fill('');
    await editor.pressSequentially('model_predictions_t');
    const list = page.locator('[data-testid="completion-list"]');
    await list.waitFor();
    assert.match(await list.textContent(), /model_predictions_total/);
    await page.keyboard.press('Tab');
    assert.equal(await editor.inputValue(), 'model_predictions_total');
    await editor.pressSequentially('{model="');
    await list.waitFor();
    assert.match(await list.textContent(), /fraud-detector/);
    await screenshot(page, 'editor-completion');
    // The list opened by itself: Enter takes an entry only once the learner moved into it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'model_predictions_total{model="churn-predictor"');
    await page.close();
  });
});
