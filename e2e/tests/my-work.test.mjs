// "My work": solve two exercises and keep a rules-lab file, assemble the deliverables,
// preview them, download the .zip, open it again in the review panel (every answer re-graded
// in the browser), and check that `promplay grade` on the same download agrees item by item.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, ROOT, checkAnswer, screenshot, siteAndBrowser, typeQuery } from '../lib.mjs';

const SOLVE = [
  ['todo-1-1-label-filters', 'model_predictions_total{model="fraud-detector", version="v2"}'],
  ['todo-1-2-rate', 'rate(model_predictions_total{model="fraud-detector"}[5m])'],
];
const RULES = readFileSync(join(ROOT, 'tests/rules/seed_recording_rules.configmap.yaml'), 'utf8');

/** The CLI the unit and fuzz steps build (release when there is one). */
function promplay() {
  // The most recently built of the two, so a stale release build never answers for the code
  // under test.
  const [found] = ['target/release/promplay', 'target/debug/promplay']
    .map((p) => join(ROOT, p))
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  assert.ok(found, 'no target/*/promplay: run `cargo build --bin promplay` first');
  return found;
}

const env = siteAndBrowser();

describe('my work', () => {
  test('export, re-import and promplay grade agree', async () => {
    const page = await env.browser.page();
    for (const [id, answer] of SOLVE) {
      await page.goto(`${env.site.url}exercise/${id}`);
      await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
      await typeQuery(page, answer);
      assert.match(await checkAnswer(page), /^✓ Correct/, id);
    }
    await page.evaluate((rules) => localStorage.setItem('promql-playground-rules-lab', rules), RULES);

    await page.goto(`${env.site.url}my-work`);
    await page.locator('[data-testid="my-work-assemble"]').click();
    const preview = page.locator('[data-testid="my-work-preview"]');
    await preview.waitFor({ timeout: BOOT_TIMEOUT });
    const names = (await page.locator('.my-work-file .name').allTextContents()).map((n) => n.trim());
    for (const n of ['answers.json', 'PROMQL_QUERIES.md', 'recording_rules.yml', 'RECORDING_RULES.md', 'PERFORMANCE_ANALYSIS.md']) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    await page.locator('.my-work-file', { hasText: 'PROMQL_QUERIES.md' }).click();
    assert.match(await preview.textContent(), /## TODO 1\.2 · step 1[\s\S]*Measured cost/);
    await screenshot(page, 'my-work-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await screenshot(page, 'my-work-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: BOOT_TIMEOUT }),
      page.locator('[data-testid="my-work-download"]').click(),
    ]);
    await mkdir(ARTEFACTS, { recursive: true });
    const zip = join(ARTEFACTS, 'my-work-submission.zip');
    await download.saveAs(zip);

    // Re-import: the same download graded in the browser.
    await page.locator('[data-testid="review-file"]').setInputFiles(zip);
    const score = page.locator('[data-testid="review-score"]');
    await score.waitFor({ timeout: BOOT_TIMEOUT });
    const site = await page.locator('[data-testid="review-item"]').evaluateAll((items) =>
      Object.fromEntries(items.map((i) => [i.dataset.id, i.dataset.status])),
    );
    for (const [id] of SOLVE) {
      assert.equal(site[`query/${id}`], 'passed', id);
    }
    assert.equal(site['file/recording_rules.yml'], 'passed');
    await page.locator('[data-testid="review-item"][data-id="query/todo-1-2-rate"] summary').click();
    await screenshot(page, 'my-work-review');

    // The CLI on the same file: same score, same status per item.
    let out;
    try {
      out = execFileSync(promplay(), ['grade', zip, '--format', 'json'], { encoding: 'utf8' });
    } catch (e) {
      assert.equal(e.status, 1, 'a partial submission exits 1');
      out = e.stdout;
    }
    const cli = JSON.parse(out);
    const label = (i) => (i.status === 'missing' && !i.required ? 'optional' : i.status);
    assert.deepEqual(Object.fromEntries(cli.items.map((i) => [i.id, label(i)])), site);
    assert.match(await score.textContent(), new RegExp(`^Score ${cli.score.toFixed(2)} / 100`));
  });
});
