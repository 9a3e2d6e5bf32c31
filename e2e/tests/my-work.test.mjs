// "My work": solve two exercises and keep a rules-lab file, assemble the deliverables,
// preview them, download the .zip, open it again in the review panel (every answer re-graded
// in the browser), and check that `promplay grade` on the same download agrees item by item;
// a submission folder reviewed alike; then the alerting lab's runbook fields: typed, kept
// over a reload, exported and graded.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, LAPTOP, NARROW, ROOT, checkAnswer, screenshot, siteAndBrowser, typeQuery } from '../lib.mjs';

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

/** Clicks Download on the My work page and saves the .zip under test-artefacts/ as `name`. */
async function downloadZip(page, name) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: BOOT_TIMEOUT }),
    page.locator('[data-testid="my-work-download"]').click(),
  ]);
  await mkdir(ARTEFACTS, { recursive: true });
  const zip = join(ARTEFACTS, name);
  await download.saveAs(zip);
  return zip;
}

/** `promplay grade PATH --format json`, parsed (exit 1, a submission that does not pass, included). */
function gradeJson(path) {
  try {
    return JSON.parse(execFileSync(promplay(), ['grade', path, '--format', 'json'], { encoding: 'utf8' }));
  } catch (e) {
    assert.equal(e.status, 1, `promplay grade ${path}: ${e.stderr}`);
    return JSON.parse(e.stdout);
  }
}

/** An item's status as the review shows it. */
const reviewLabel = (i) => (i.status === 'missing' && !i.required ? 'optional' : i.status);

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

    const zip = await downloadZip(page, 'my-work-submission.zip');

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
    const cli = gradeJson(zip);
    assert.deepEqual(Object.fromEntries(cli.items.map((i) => [i.id, reviewLabel(i)])), site);
    assert.match(await score.textContent(), new RegExp(`^Score ${cli.score.toFixed(2)} / 100`));
  });

  test('a submission folder is reviewed in the browser as promplay grade grades it', async () => {
    const page = await env.browser.page();
    const dir = join(ARTEFACTS, 'my-work-folder', 'learner');
    await mkdir(dir, { recursive: true });
    const answer = (exercise, text) => ({ exercise, kind: 'query', pack: 'builtin-exercises', text, claimed_solved: true });
    // Two right answers and a tampered one: "solved" in the browser, wrong in fact.
    const answers = [...SOLVE.map(([id, text]) => answer(id, text)), answer('todo-1-1-offset', 'up')];
    await writeFile(join(dir, 'answers.json'), JSON.stringify({ format: 'promplay-submission/1', answers }));
    await writeFile(join(dir, 'recording_rules.yml'), RULES);
    await page.goto(`${env.site.url}my-work`);
    await page.locator('[data-testid="review-folder"]').setInputFiles(dir);
    const score = page.locator('[data-testid="review-score"]');
    await score.waitFor({ timeout: BOOT_TIMEOUT });
    const site = await page.locator('[data-testid="review-item"]').evaluateAll((items) =>
      Object.fromEntries(items.map((i) => [i.dataset.id, i.dataset.status])),
    );
    assert.equal(site['query/todo-1-2-rate'], 'passed');
    assert.equal(site['query/todo-1-1-offset'], 'failed');
    assert.equal(site['file/recording_rules.yml'], 'passed');
    const cli = gradeJson(dir);
    assert.deepEqual(Object.fromEntries(cli.items.map((i) => [i.id, reviewLabel(i)])), site);
    assert.match(await score.textContent(), new RegExp(`^Score ${cli.score.toFixed(2)} / 100`));
    await page.locator('[data-testid="review-item"][data-id="query/todo-1-1-offset"] summary').click();
    // The tampered answer drawn over the reference, at the opened item's width (not the
    // collapsed item's empty box).
    const chart = page.locator('[data-testid="review-item"][data-id="query/todo-1-1-offset"] [data-testid="review-chart"] canvas');
    await chart.waitFor({ timeout: BOOT_TIMEOUT });
    await page.waitForFunction((c) => c.width > 300, await chart.elementHandle(), { timeout: BOOT_TIMEOUT });
    await screenshot(page, 'my-work-review-chart');
    await page.setViewportSize(NARROW);
    await page.locator('[data-testid="review-item"][data-id="query/todo-1-1-offset"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'my-work-review-folder-phone');
    await page.setViewportSize(LAPTOP);
  });

  test('runbook fields write the alert annotations, survive a reload and are graded', async () => {
    const page = await env.browser.page();
    const RUNBOOK = 'https://wiki/runbooks/model-high-errors';
    const WHY = 'Five per cent is ten times the error rate of a normal week.';
    await page.goto(`${env.site.url}alerts`);
    await page.locator('[data-testid="tab-runbooks"]').click();
    const row = page.locator('[data-testid="runbook-row"][data-alert="ModelHighErrorRate"]');
    await row.waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await page.locator('[data-testid="runbook-row"]').count(), 11, 'one row per seed alert');
    // The seed's ModelCriticalErrorRate already has a `runbook` annotation: the field shows it.
    const critical = page.locator('[data-testid="runbook-row"][data-alert="ModelCriticalErrorRate"] [data-testid="runbook-input"]');
    assert.equal(await critical.inputValue(), 'https://wiki/runbooks/model-high-errors');
    const stored = () => page.evaluate(() => localStorage.getItem('promql-playground-alerts-lab-alerting') || '');
    await row.locator('[data-testid="runbook-input"]').fill(RUNBOOK);
    // Moving to the next field writes the runbook; the learner types on while it is written.
    await row.locator('[data-testid="threshold-input"]').focus();
    await row.locator('[data-testid="threshold-input"]').fill(WHY);
    await page.waitForFunction(
      () => (localStorage.getItem('promql-playground-alerts-lab-alerting') || '').includes('runbook_url'),
      null,
      { timeout: BOOT_TIMEOUT },
    );
    // The file was read again after the write: the field being typed in kept its text.
    assert.equal(await row.locator('[data-testid="threshold-input"]').inputValue(), WHY);
    await row.locator('[data-testid="threshold-input"]').press('Tab');
    await page.waitForFunction(
      () => (localStorage.getItem('promql-playground-alerts-lab-alerting') || '').includes('threshold_justification'),
      null,
      { timeout: BOOT_TIMEOUT },
    );
    const yaml = await stored();
    assert.match(yaml, /runbook_url: "https:\/\/wiki\/runbooks\/model-high-errors"/);
    assert.match(yaml, /threshold_justification: "Five per cent/);
    await screenshot(page, 'alerts-runbooks');
    await page.setViewportSize(NARROW);
    await screenshot(page, 'alerts-runbooks-phone');
    await page.setViewportSize(LAPTOP);

    // A reload shows them again, from the stored YAML.
    await page.reload();
    await page.locator('[data-testid="tab-runbooks"]').click();
    await row.waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(await row.locator('[data-testid="runbook-input"]').inputValue(), RUNBOOK);
    assert.equal(await row.locator('[data-testid="threshold-input"]').inputValue(), WHY);

    // Exported: alert_rules.yml carries the annotations, and promplay grade counts them.
    await page.goto(`${env.site.url}my-work`);
    await page.locator('[data-testid="my-work-assemble"]').click();
    const preview = page.locator('[data-testid="my-work-preview"]');
    await preview.waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('.my-work-file', { hasText: 'alert_rules.yml' }).first().click();
    assert.match(await preview.textContent(), /threshold_justification: "Five per cent/);
    const zip = await downloadZip(page, 'my-work-runbooks.zip');
    const item = gradeJson(zip).items.find((i) => i.id === 'alert/ModelHighErrorRate');
    assert.ok(item, 'the alert is graded');
    assert.ok(!item.findings.some((f) => /runbook|threshold/.test(f)), JSON.stringify(item.findings));
    assert.equal(item.status, 'passed', JSON.stringify(item.findings));
  });
});
