// Instructor packs: a pack picked as local files, and one loaded with ?pack=<url>, show their
// dataset and exercise next to the built-in ones; a query over the pack's dataset works and
// its exercise is graded; the pack URL is remembered across a reload. A broken pack, a URL
// that 404s and a hostile ?pack= value get a clear error while the built-in data still works.
//
// The fixture packs (e2e/fixtures/pack-ok, pack-bad) are served next to a copy of dist/, so
// dist/ itself never holds them.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BOOT_TIMEOUT, ROOT, readTable, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const FIXTURES = join(ROOT, 'e2e', 'fixtures');
const DIST = process.env.E2E_DIST || join(ROOT, 'dist');

let dir;

const env = siteAndBrowser(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promql-playground-packs-'));
  await cp(DIST, dir, { recursive: true });
  await cp(join(FIXTURES, 'pack-ok'), join(dir, 'packs', 'ok'), { recursive: true });
  await cp(join(FIXTURES, 'pack-bad'), join(dir, 'packs', 'bad'), { recursive: true });
  return { dist: dir };
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every file of a fixture pack, as a learner would pick them (no folders). */
async function fixtureFiles(name) {
  const entries = await readdir(join(FIXTURES, name), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** The text of the pack errors shown under the header. */
async function packErrors(page) {
  await page.locator('[data-testid="pack-error"]').first().waitFor({ timeout: BOOT_TIMEOUT });
  return (await page.locator('[data-testid="pack-error"]').allTextContents()).join('\n');
}

describe('instructor packs', () => {
  test('a pack picked as local files shows its dataset and exercise, and can be removed', async () => {
    const page = await env.browser.page();
    await page.goto(env.site.url);
    await page.locator('[data-testid="pack-files"]').setInputFiles(await fixtureFiles('pack-ok'));
    const card = page.locator('[data-testid="pack-checkout-course"]');
    await card.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await card.textContent(), /files picked on this computer/);
    await card.locator('[data-testid="pack-dataset-checkout"]').waitFor();
    await card.locator('[data-testid="pack-exercise-checkout-error-rate"]').waitFor();
    await card.locator('[data-testid="pack-remove"]').click();
    await card.waitFor({ state: 'detached' });
    await page.close();
  });

  test('?pack=<url> adds the dataset and exercise; queries and grading work; a reload restores it', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}?pack=packs/ok/pack.yaml`);
    const card = page.locator('[data-testid="pack-checkout-course"]');
    await card.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await card.textContent(), /packs\/ok\/pack\.yaml/);
    assert.match(await card.locator('[data-testid="pack-dataset-checkout"]').textContent(), /2 series, 242 samples/);
    await card.locator('[data-testid="pack-exercise-checkout-error-rate"]').waitFor();
    // The built-in catalogue is still there next to it.
    await page.locator('[data-testid="catalogue-todo-1-3-sum-by"]').waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'packs-loaded');

    await card.locator('[data-testid="pack-dataset-open"]').click();
    await page.waitForURL(/\/play\?/);
    await waitForData(page);
    assert.match(await page.locator('[data-testid="dataset-picker"]').inputValue(), /checkout/);
    assert.match(page.url(), /dataset=[^&]*checkout/);
    // 2 failures every 30 s: 1/15 per second.
    await runQuery(page, 'sum(rate(checkout_requests_total{code="500"}[5m]))');
    const rows = await readTable(page);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.ok(Math.abs(Number(rows[0][1]) - 1 / 15) < 1e-3, JSON.stringify(rows));
    await screenshot(page, 'packs-playground');

    // A fresh page load: the remembered pack comes back and its exercise is graded on its
    // own dataset.
    await page.goto(`${env.site.url}exercise/checkout-error-rate`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('h1', { hasText: 'Failed checkouts per second' }).waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('[data-testid="query-input"]').fill('rate(checkout_requests_total{code="500"}[5m])');
    await page.locator('[data-testid="check"]').click();
    await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await page.locator('[data-testid="feedback-headline"]').textContent(), /Correct/);
    await screenshot(page, 'packs-exercise-solved');

    // A built-in exercise still runs on the built-in dataset.
    await page.goto(`${env.site.url}exercise/todo-1-3-sum-by`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('[data-testid="query-input"]').fill('sum by (model) (rate(model_predictions_total[5m]))');
    await page.locator('[data-testid="check"]').click();
    await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
    await page.close();
  });

  test('a broken pack, a 404 and a hostile URL get clear errors; the built-in data still works', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}?pack=packs/bad/pack.yaml`);
    const bad = await packErrors(page);
    assert.match(bad, /broken\.yaml:4: unknown field `colour`/);
    await screenshot(page, 'packs-broken');

    await page.locator('[data-testid="pack-error-dismiss"]').first().click();
    await page.locator('[data-testid="pack-url"]').fill('packs/nope/pack.yaml');
    await page.locator('[data-testid="pack-load"]').click();
    assert.match(await packErrors(page), /packs\/nope\/pack\.yaml: not found \(HTTP 404\)/);

    await page.goto(`${env.site.url}play?pack=${encodeURIComponent('javascript:alert(1)')}`);
    assert.match(await packErrors(page), /only http:\/\/ and https:\/\/ pack URLs/);
    await waitForData(page);
    await runQuery(page, 'count(model_predictions_total)');
    const rows = await readTable(page);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.ok(Number(rows[0][1]) > 0, JSON.stringify(rows));
    await screenshot(page, 'packs-errors-builtin-works');
    await page.close();
  });

  test('no errors were logged (the deliberate 404 aside)', () => {
    assert.deepEqual(
      env.browser.errors.filter((e) => !e.includes('/packs/nope/')),
      [],
    );
  });
});
