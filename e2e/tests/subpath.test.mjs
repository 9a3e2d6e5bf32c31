// The site as GitHub Pages serves a project site: under /REPO/, with 404.html answering
// deep links. The build for this test uses the matching public URL (see scripts/test.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { ARTEFACTS, BOOT_TIMEOUT, readTable, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

export const PREFIX = '/promql-playground/';

const env = siteAndBrowser({ dist: join(ARTEFACTS, 'dist-subpath'), prefix: PREFIX });

test('a deep link under the sub-path boots the app on the right page', async () => {
  const page = await env.browser.page();
  // Served by the 404.html fallback, as on GitHub Pages.
  await page.goto(`${env.site.url}play?q=${encodeURIComponent('vector(3) + 4')}&mode=instant`);
  await waitForData(page);
  await page.locator('[data-testid="result-table"]').waitFor({ timeout: BOOT_TIMEOUT });
  assert.deepEqual(await readTable(page), [['{}', '7']]);
  await screenshot(page, 'subpath-deep-link');

  // In-app navigation stays under the prefix, and a reload of any page works.
  await page.locator('.main-nav a', { hasText: 'Learn' }).click();
  await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
  assert.equal(new URL(page.url()).pathname, PREFIX);
  await page.locator('.main-nav a', { hasText: 'Playground' }).click();
  await page.locator('[data-testid="query-input"]').waitFor();
  assert.equal(new URL(page.url()).pathname, `${PREFIX}play`);
  await page.reload();
  await waitForData(page);
  assert.equal(new URL(page.url()).pathname, `${PREFIX}play`);

  // Assets resolve under the prefix (the logo is a plain static file).
  const logo = await page.locator('.brand img').evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(logo, 'logo loaded');
  assert.deepEqual(env.browser.errors, []);
  await page.close();
});
