// Accessibility: axe-core (npm, pinned in e2e/package.json) runs on every page in both
// themes (home, the packs panel with a pack loaded, the playground with an instant and a
// range result, its table with a series' values open, an exercise before checking, after a
// wrong and after a right answer, and the rules lab). No serious or critical violation is
// allowed; every violation found, of any impact, is saved in test-artefacts/a11y.json.
// The result tabs are also driven from the keyboard (arrow keys, roving tabindex).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { BOOT_TIMEOUT, ROOT, launch, screenshot, siteAndBrowser, waitForData, writeArtefact } from '../lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const THEME_KEY = 'promql-playground-theme';
const EXERCISE = 'todo-1-3-sum-by';
const WRONG = 'sum(rate(model_predictions_total[5m]))';
const RIGHT = 'sum by (model) (rate(model_predictions_total[5m]))';

const env = siteAndBrowser({});
const found = {};

/** Runs axe on the page as it is; returns the serious and critical violations, readably. */
async function audit(page, name) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  found[name] = violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${name}: [${v.impact}] ${v.id} (${v.help}) at ${n.target}\n    ${n.summary}`));
}

/** Pages of the site in the state a learner sees them, each settled before the audit. */
const PAGES = [
  {
    name: 'home',
    async open(page, url) {
      await page.goto(url);
      await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'packs-panel',
    async open(page, url) {
      await page.goto(url);
      const dir = join(ROOT, 'e2e', 'fixtures', 'pack-ok');
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
      await page.locator('[data-testid="pack-files"]').setInputFiles(files);
      await page.locator('[data-testid="pack-checkout-course"]').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'playground-instant',
    async open(page, url) {
      await page.goto(`${url}play?mode=instant&q=${encodeURIComponent(RIGHT)}`);
      await waitForData(page);
      await page.locator('[data-testid="result-table"]').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'playground-range',
    async open(page, url) {
      await page.goto(`${url}play`);
      await waitForData(page);
      await page.locator('[data-testid="chart"] canvas').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'playground-range-table',
    async open(page, url) {
      await page.goto(`${url}play`);
      await waitForData(page);
      await page.locator('[data-testid="tab-table"]').click();
      await page.locator('[data-testid="series-values-toggle"]').first().click();
      await page.locator('[data-testid="series-values"]').waitFor();
    },
  },
  {
    name: 'exercise-before-check',
    async open(page, url) {
      await page.goto(`${url}exercise/${EXERCISE}`);
      await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'exercise-wrong-answer',
    async open(page, url) {
      await page.goto(`${url}exercise/${EXERCISE}`);
      await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('[data-testid="query-input"]').fill(WRONG);
      await page.locator('[data-testid="check"]').click();
      await page.locator('[data-testid="feedback"] [data-testid="chart"]').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'exercise-solved',
    async open(page, url) {
      await page.goto(`${url}exercise/${EXERCISE}`);
      await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('[data-testid="query-input"]').fill(RIGHT);
      await page.locator('[data-testid="check"]').click();
      await page.locator('[data-testid="solved-badge"]').waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('[data-testid="explanation"]').waitFor();
    },
  },
  {
    name: 'rules-lab',
    async open(page, url) {
      await page.goto(`${url}rules`);
      await page.locator('[data-testid="check-status"]').waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
  {
    name: 'library',
    async open(page, url) {
      await page.goto(`${url}library`);
      await page.locator('article.library-entry').first().waitFor({ timeout: BOOT_TIMEOUT });
    },
  },
];

describe('accessibility (axe-core)', () => {
  for (const theme of ['light', 'dark']) {
    test(`every page, ${theme} theme: no serious or critical violation`, async () => {
      // A fresh profile per theme: the exercise starts unsolved in both.
      const browser = await launch();
      try {
        const failures = [];
        for (const p of PAGES) {
          const page = await browser.page();
          await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [THEME_KEY, theme]);
          await p.open(page, env.site.url);
          assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
          failures.push(...(await audit(page, `${p.name} (${theme})`)));
          if (theme === 'dark') await screenshot(page, `a11y-${p.name}-dark`);
          await page.close();
        }
        await writeArtefact('a11y.json', found);
        assert.deepEqual(failures, [], failures.join('\n'));
        assert.deepEqual(browser.errors, []);
      } finally {
        await browser.close();
      }
    });
  }

  test('the result tabs are a keyboard-operable tab list', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const chart = page.locator('[data-testid="tab-chart"]');
    const table = page.locator('[data-testid="tab-table"]');
    await chart.waitFor({ timeout: BOOT_TIMEOUT });
    const state = async () => [
      await chart.getAttribute('aria-selected'),
      await chart.getAttribute('tabindex'),
      await table.getAttribute('aria-selected'),
      await table.getAttribute('tabindex'),
    ];
    assert.deepEqual(await state(), ['true', '0', 'false', '-1']);
    assert.equal(await page.locator('[role="tabpanel"]').getAttribute('aria-labelledby'), 'result-tab-chart');

    await chart.focus();
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await state(), ['false', '-1', 'true', '0']);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tab-table');
    await page.locator('[data-testid="result-table"]').waitFor();
    assert.equal(await page.locator('[role="tabpanel"]').getAttribute('aria-labelledby'), 'result-tab-table');

    // Arrow keys wrap around; Home and End go to the ends.
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await state(), ['true', '0', 'false', '-1']);
    await page.keyboard.press('End');
    assert.deepEqual(await state(), ['false', '-1', 'true', '0']);
    await page.keyboard.press('Home');
    assert.deepEqual(await state(), ['true', '0', 'false', '-1']);
    await page.locator('[data-testid="chart"] canvas').waitFor();
    await page.close();
  });
});
