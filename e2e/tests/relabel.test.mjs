// The relabeling simulator in headless Chromium: the seed's config loads and is checked as
// it is typed (an unknown action is reported at its line), one series is followed through
// the rules, the whole high-cardinality dataset is relabeled (the seed's config stores
// nothing; the fixed one halves the series) with the time it took recorded, and the relabeled
// dataset opens in the playground; screenshots at laptop and phone widths.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, screenshot, siteAndBrowser, writeArtefact } from '../lib.mjs';

const env = siteAndBrowser();
const text = async (page, id) => (await page.locator(`[data-testid="${id}"]`).first().textContent()).trim();

const FIXED = `metric_relabel_configs:
- regex: container_id
  action: labeldrop
- source_labels: [version]
  regex: '(v\\d+)\\.\\d+\\.\\d+'
  target_label: version
- source_labels: [__name__]
  regex: 'go_.*|process_.*|promhttp_.*'
  action: drop
- regex: 'pod_template_hash|controller_revision_hash'
  action: labeldrop
`;

/** Relabels the open dataset; returns the engine's time and the wall time, in ms. */
async function relabel(page) {
  const run = page.locator('[data-testid="relabel-run"]:not([disabled])');
  await run.waitFor({ timeout: BOOT_TIMEOUT });
  const previous = await page.locator('[data-testid="relabel-time"]').count();
  const started = Date.now();
  await run.click();
  await page.waitForFunction(
    (prev) => {
      const b = document.querySelector('[data-testid="relabel-run"]');
      return b && !b.disabled && document.querySelectorAll('[data-testid="relabel-time"]').length > 0 && (prev === 0 || true);
    },
    previous,
    { timeout: 120_000 },
  );
  const wall = Date.now() - started;
  const reported = Number((await text(page, 'relabel-time')).match(/in (\d+) ms/)[1]);
  return { reported, wall };
}

describe('relabeling simulator', { timeout: 400_000 }, () => {
  test('check, trace, relabel the dataset, open it in the playground', { timeout: 400_000 }, async () => {
    const page = await env.browser.page();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${env.site.url}relabel`);
    const input = page.locator('[data-testid="rule-input"]');
    await input.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await input.inputValue(), /__meta_kubernetes_pod_uid/, 'prefilled with the seed config');
    await page.waitForFunction(() => /Valid: 5 rules/.test(document.querySelector('[data-testid="relabel-status"]')?.textContent || ''), null, { timeout: BOOT_TIMEOUT });
    assert.match(await text(page, 'relabel-status'), /Valid: 5 rules in metric_relabel_configs of job model-serving/);

    // A typo: the message names the file, line and column, with Prometheus's wording.
    const seed = await input.inputValue();
    await input.fill(seed.replace('regex: \'(go_.*|process_.*|promhttp_.*)\'\n    action: drop', 'regex: \'(go_.*|process_.*|promhttp_.*)\'\n    action: dropp'));
    const diag = page.locator('[data-testid="rule-diagnostic"]').first();
    await diag.waitFor();
    assert.match(await diag.textContent(), /prometheus-relabeling\.yaml:26:13/);
    assert.match(await diag.textContent(), /unknown relabel action "dropp"/);
    await page.locator('[data-testid="reset-relabel"]').click();
    assert.equal(await input.inputValue(), seed);

    // The high-cardinality dataset; the first model series is dropped by rule 1.
    await page.locator('[data-testid="dataset-picker"]').selectOption('high-cardinality');
    await page.waitForFunction(() => /high-cardinality/.test(document.querySelector('[data-testid="relabel-run"]')?.textContent || ''), null, { timeout: BOOT_TIMEOUT });
    await page.locator('[data-testid="trace-outcome"]').waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'trace-outcome'), /Dropped by rule 1/);
    assert.equal(await page.locator('[data-testid="trace-step"].skipped, tr.trace-row.skipped').count(), 4);

    // The seed's config stores nothing it scrapes: only the 3,700 series Prometheus writes
    // itself (up, scrape_*), which metric relabeling never sees.
    const seedRun = await relabel(page);
    assert.equal(await text(page, 'series-after'), '3,700');
    assert.match(await page.locator('[data-testid="rule-effect"]').nth(0).textContent(), /dropped 29,400 of the 29,400 series/);
    assert.match(await page.locator('[data-testid="rule-effect"]').nth(1).textContent(), /never reached/);
    await screenshot(page, 'relabel-seed-1280');

    // The fixed config: half the series, the trace keeps the series with a major version.
    await input.fill(FIXED);
    await page.waitForFunction(() => /Valid: 4 rules/.test(document.querySelector('[data-testid="relabel-status"]')?.textContent || ''));
    await page.waitForFunction(() => /Stored as/.test(document.querySelector('[data-testid="trace-outcome"]')?.textContent || ''));
    assert.match(await text(page, 'trace-outcome'), /version="v\d+"/);
    const fixedRun = await relabel(page);
    await page.waitForFunction(() => document.querySelector('[data-testid="series-after"]')?.textContent === '18,400', null, { timeout: 60_000 });
    await writeArtefact('relabel-timings.json', { seed: seedRun, fixed: fixedRun, series: 33100 });
    console.log(`relabel high-cardinality in Chromium: seed config ${seedRun.reported} ms (wall ${seedRun.wall} ms), fixed config ${fixedRun.reported} ms (wall ${fixedRun.wall} ms)`);
    await screenshot(page, 'relabel-fixed-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'relabel-fixed-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The relabeled dataset opens in the playground.
    await page.locator('[data-testid="open-playground"]').click();
    await page.waitForURL(/\/play\?/, { timeout: 30_000 });
    assert.match(decodeURIComponent(page.url()), /dataset=high-cardinality-relabeled/);
    await page.locator('[data-testid="result-stats"]').waitFor({ timeout: BOOT_TIMEOUT });
    const rows = await page.locator('[data-testid="result-table"] tbody tr').count();
    assert.ok(rows > 0, 'the relabeled dataset answers the query');
    assert.equal(await page.locator('text=go_gc_duration_seconds').count(), 0, 'runtime metrics are gone');
    assert.deepEqual(env.browser.errors, []);
  });
});
