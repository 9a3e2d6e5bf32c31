// The query editor and the playground's feedback, driven by real keystrokes: completion never
// eats Enter (multi-line queries type naturally; Tab, arrows, Escape and Ctrl+Space behave as
// in the Prometheus 3 editor), completion shows the dataset's metric types, an empty result
// says why (with a jump into the data when the time misses it), and a counter function over a
// gauge gets a note from the dataset's metadata.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, NARROW, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({});

/** Opens the playground and empties its editor, leaving the focus in it. */
async function emptyEditor(page) {
  const editor = page.locator('[data-testid="query-input"]');
  await editor.click();
  await editor.press('Control+A');
  await editor.press('Delete');
  return editor;
}

/** Types `lines` one key at a time, pressing Enter between them. */
async function typeLines(page, lines) {
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Enter');
    await page.keyboard.type(line, { delay: 5 });
  }
}

describe('query editor', () => {
  test('Enter is a newline unless the learner moved into the list', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const editor = await emptyEditor(page);
    const list = page.locator('[data-testid="completion-list"]');

    // The seed's multi-line query, typed as a learner types it.
    const seed = ['sum by (model) (', '  rate(model_predictions_total[5m])', ')'];
    await typeLines(page, seed);
    assert.equal(await editor.inputValue(), seed.join('\n'));

    await emptyEditor(page);
    await page.keyboard.type('sum by (model) (');
    assert.equal(await list.count(), 0, 'no list opens on "("');
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'sum by (model) (\n');

    await emptyEditor(page);
    await page.keyboard.type('up');
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'up\n');

    // Tab accepts the first entry of a list that opened by itself.
    await emptyEditor(page);
    await page.keyboard.type('model_predictions_t');
    await list.waitFor();
    assert.match(await page.locator('[data-testid="completion-how"]').textContent(), /Enter is a new line/);
    await page.keyboard.press('Tab');
    assert.equal(await editor.inputValue(), 'model_predictions_total');

    // Arrows move into the list; then Enter accepts.
    await page.keyboard.type('[');
    await list.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await screenshot(page, 'editor-completion-moved-in');
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'model_predictions_total[5m');

    // Escape closes; Enter is a newline again.
    await emptyEditor(page);
    await page.keyboard.type('model_p');
    await list.waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await list.count(), 0);
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'model_p\n');

    // Ctrl+Space asks on purpose: the first entry is selected and Enter takes it.
    await emptyEditor(page);
    await page.keyboard.type('sum(model_memory_usage_b');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    await list.waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await editor.inputValue(), 'sum(model_memory_usage_bytes');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('completion shows metric types from the dataset metadata', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    await emptyEditor(page);
    await page.keyboard.type('model_input_f');
    const item = page.locator('[data-testid="completion-list"] .completion-item').first();
    await item.waitFor();
    assert.equal(await item.locator('.completion-label').textContent(), 'model_input_features_count');
    assert.match(await item.locator('.completion-detail').textContent(), /^gauge: /);
    await screenshot(page, 'editor-completion-types');
    await page.close();
  });
});

describe('playground feedback', () => {
  test('an empty result says why, and a gauge under rate() gets a metadata note', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play?mode=instant`);
    await waitForData(page);
    const reasons = () => page.locator('[data-testid="why-empty-reason"]').allTextContents();

    await runQuery(page, 'rate(model_predictions_total{model="fraud_detector"}[5m])');
    assert.match((await reasons())[0], /Did you mean "fraud-detector"\?$/);

    await runQuery(page, 'histogram_quantile(0.95, sum by (model) (rate(model_prediction_duration_seconds_bucket[5m])))');
    assert.match((await reasons())[0], /^At 2026-\S+Z, histogram_quantile\(\) received 5 series \([\d,]+ samples read\) but returned nothing\. Its input has no le label/);
    assert.match(await page.locator('[data-testid="note-warning"]').first().textContent(), /bucket label "le" is missing/);

    // The same explanations for a range query.
    await runQuery(page, 'rate(model_predictions_total{model="fraud_detector"}[5m])', { mode: 'range' });
    assert.match((await reasons())[0], /Did you mean "fraud-detector"\?$/);

    await runQuery(page, 'rate(model_input_features_count[5m])', { mode: 'instant' });
    const note = await page.locator('[data-testid="note-metadata"]').textContent();
    assert.match(note, /^From the dataset’s metadata: model_input_features_count is a gauge, but rate\(\) is meant for counters/);
    await screenshot(page, 'playground-metadata-note');
    await page.close();
  });

  test('a time after the data says where the data is and jumps there', async () => {
    for (const [name, viewport] of [['laptop', { width: 1280, height: 900 }], ['phone', NARROW]]) {
      const page = await env.browser.page();
      await page.setViewportSize(viewport);
      await page.goto(`${env.site.url}play?q=sum(model_predictions_total)&mode=instant&time=2026-02-01T00:00:00Z`);
      await page.locator('[data-testid="why-empty-reason"]').first().waitFor({ timeout: BOOT_TIMEOUT });
      const reason = await page.locator('[data-testid="why-empty-reason"]').first().textContent();
      assert.match(reason, /^The selector looks at 2026-01-31T23:55:00Z to 2026-02-01T00:00:00Z, but the data spans 2026-01-05T00:00:00Z to 2026-01-0\dT\d\d:\d\d:\d\dZ\.$/);
      const jump = page.locator('[data-testid="jump-to-data"]');
      const label = await jump.textContent();
      const end = label.match(/\((.*)\)/)[1];
      await screenshot(page, `playground-why-empty-${name}`);
      await jump.click();
      await page.locator('[data-testid="result-table"] tbody tr').first().waitFor({ timeout: BOOT_TIMEOUT });
      assert.equal(await page.locator('[data-testid="time-input"]').inputValue(), end);
      await page.close();
    }
  });
});
