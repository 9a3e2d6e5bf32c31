// The recording rules lab in headless Chromium: the seed's rules load, an invalid edit shows
// file:line errors inline, evaluation records series (and explains the seed's empty
// efficiency rules), the cost comparison fills a table of ratios against the 5× bar (printed
// to stdout and saved as an artefact), recorded series are queryable in the playground, and
// the page is screenshotted at laptop and phone widths, light and dark.
//
// RULES_LAB_DIST=path serves another build than dist/ (e.g. a private one while iterating).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  BOOT_TIMEOUT,
  LAPTOP,
  NARROW,
  openLabExercise,
  readTable,
  screenshot,
  siteAndBrowser,
  writeArtefact,
} from '../lib.mjs';

/** Evaluation plus measurement take tens of seconds in WebAssembly on a loaded machine. */
const LAB_TIMEOUT = 600_000;

const env = siteAndBrowser(process.env.RULES_LAB_DIST ? { dist: process.env.RULES_LAB_DIST } : {});

async function setTheme(page, theme) {
  await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
}

describe('recording rules lab', { timeout: LAB_TIMEOUT * 2 }, () => {
  test('check, evaluate, compare costs, query recorded series', { timeout: LAB_TIMEOUT * 2 }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}rules`);
    const input = page.locator('[data-testid="rule-input"]');
    await input.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await input.inputValue(), /kind: ConfigMap/, 'prefilled with the seed ConfigMap');
    assert.match(await page.locator('[data-testid="check-status"]').textContent(), /Valid: 16 recording rules in 3 groups/);

    // A broken expression: the message names file:line and the gutter marks the line.
    const seed = await input.inputValue();
    await input.fill(seed.replace('sum by (model, version) (rate(model_predictions_total[5m]))', 'sum by (model, version) (rate(model_predictions_total[5m])'));
    const diag = page.locator('[data-testid="rule-diagnostic"]').first();
    await diag.waitFor();
    const message = await diag.textContent();
    assert.match(message, /prometheus-recording-rules\.yaml:16:\d+/, message);
    assert.match(message, /could not parse expression/, message);
    assert.equal(await page.locator('.gutter-line.error').count(), 1);
    assert.ok(await page.locator('[data-testid="evaluate"]').isDisabled(), 'no evaluation of an invalid file');
    await screenshot(page, 'rules-lab-invalid');

    // The edit survives a reload (local storage); then back to the seed's rules.
    await page.reload();
    await input.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await input.inputValue(), /model_predictions_total\[5m\]\)\n/);
    await page.locator('[data-testid="reset-rules"]').click();
    assert.equal(await input.inputValue(), seed);

    // Evaluate: progress shows, then one card per rule.
    const evaluate = page.locator('[data-testid="evaluate"]:not([disabled])');
    await evaluate.waitFor({ timeout: BOOT_TIMEOUT });
    const started = Date.now();
    await evaluate.click();
    await page.locator('[data-testid="lab-progress"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="rule-cards"]').waitFor({ timeout: LAB_TIMEOUT });
    const evalSeconds = (Date.now() - started) / 1000;
    // The cards are drawn a few per frame.
    await page.locator('[data-testid="rule-card"]').nth(15).waitFor();
    assert.equal(await page.locator('[data-testid="rule-card"]').count(), 16);
    const empty = await page.$$eval('[data-testid="rule-card"].empty', (cards) => cards.map((c) => c.dataset.record));
    assert.deepEqual(empty.sort(), [
      'model:cost:per_1k_predictions',
      'model:efficiency:predictions_per_cpu',
      'model:efficiency:predictions_per_gb_memory',
    ]);
    const why = await page.locator('[data-record="model:efficiency:predictions_per_cpu"] [data-testid="why-empty"]').textContent();
    assert.match(why, /version/, why);
    assert.match(why, /on\(model\) group_left\(\)/, why);
    await screenshot(page, 'rules-lab-evaluated');

    // Compare costs: a table of ratios, printed like `promplay rules bench`.
    const compareStarted = Date.now();
    await page.locator('[data-testid="compare"]:not([disabled])').click();
    await page.locator('[data-testid="cost-table"]').waitFor({ timeout: LAB_TIMEOUT });
    const compareSeconds = (Date.now() - compareStarted) / 1000;
    const rows = await page.$$eval('[data-testid="cost-row"]', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())),
    );
    assert.ok(rows.length >= 2 * 16, `two rows per pair: ${rows.length}`);
    const ratios = await page.$$eval('[data-testid="ratio"]', (tds) => tds.map((td) => td.textContent.trim()));
    const measured = ratios.filter((r) => /^\d+(\.\d)?×$/.test(r)).map((r) => parseFloat(r));
    assert.ok(measured.length >= 2 * 13, `ratios for every non-empty pair: ${ratios.join(' ')}`);
    assert.ok(measured.every((r) => r > 0), 'positive ratios');
    const headline = await page.locator('[data-testid="cost-headline"]').textContent();
    assert.match(headline, /\d+ of \d+ pairs beat the seed's 5× target/);
    assert.match(await page.locator('[data-testid="storage-assumption"]').textContent(), /1\.3 bytes per sample/);
    await page.locator('[data-testid="speedup-chart"] rect.bar').first().waitFor();
    const text = await page.locator('[data-testid="cost-text"]').textContent();
    console.log(`\n=== Cost table in headless Chromium (evaluation ${evalSeconds.toFixed(1)} s, comparison ${compareSeconds.toFixed(1)} s) ===\n${text}`);
    await writeArtefact('rules-lab-costs.json', { evalSeconds, compareSeconds, headline, text });
    await screenshot(page, 'rules-lab-costs-laptop');
    await setTheme(page, 'dark');
    await screenshot(page, 'rules-lab-costs-dark');
    await setTheme(page, 'light');

    // Narrow width: the same page stays usable (tables scroll sideways).
    await page.setViewportSize(NARROW);
    await page.locator('[data-testid="cost-section"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'rules-lab-narrow');
    await page.setViewportSize(LAPTOP);

    // Recorded series are queryable in the playground (client-side navigation keeps them).
    await page.locator('.main-nav a', { hasText: 'Playground' }).click();
    const editor = page.locator('[data-testid="query-input"]');
    await editor.waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('[data-testid="mode-instant"]').click();
    await editor.fill('model:latency:p95');
    await editor.press('Control+Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="result-table"] tbody tr').length > 0, null, {
      timeout: BOOT_TIMEOUT,
    });
    const table = await readTable(page);
    assert.equal(table.length, 5, `one p95 series per model: ${JSON.stringify(table)}`);
    assert.ok(table.every(([series]) => series.startsWith('model:latency:p95{')), JSON.stringify(table));
    await page.close();
  });

  test('a rule exercise grades the learner\'s rules', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    await openLabExercise(page, env.site.url, 'rules', 'rules-3-1-efficiency-bug');
    const check = page.locator('[data-testid="check-rules"]:not([disabled])');
    await check.waitFor({ timeout: BOOT_TIMEOUT });
    await check.click();
    const headline = page.locator('[data-testid="feedback-headline"]');
    await headline.waitFor({ timeout: LAB_TIMEOUT });
    assert.match(await headline.textContent(), /Not quite/);
    const items = await page.locator('.feedback-items li').allTextContents();
    assert.ok(items.some((i) => /recorded nothing: .*version/.test(i)), `explains the empty rule: ${items}`);
    const input = page.locator('[data-testid="rule-input"]');
    const broken = await input.inputValue();
    // Each version divided by its own pods' CPU (the CPU series carry `version`).
    const fixed = broken.replace('sum by (model) (rate(container_cpu', 'sum by (model, version) (rate(container_cpu');
    assert.notEqual(fixed, broken, 'the starter has the seed\'s `sum by (model)` CPU');
    await input.fill(fixed);
    const previous = await headline.textContent();
    await check.click();
    // The verdict changes headline (Not quite -> Correct, or another failure).
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid="feedback-headline"]')?.textContent !== prev,
      previous,
      { timeout: LAB_TIMEOUT },
    );
    assert.match(await headline.textContent(), /Correct/);
    await page.locator('[data-testid="solved-badge"]').waitFor();
    await screenshot(page, 'rules-exercise-solved');
    await page.setViewportSize(NARROW);
    await screenshot(page, 'rules-exercise-narrow');
    await page.close();
  });
});
