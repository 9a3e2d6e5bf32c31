// The app's pages loaded on demand (src/ui/lazy_pages.rs): the playground's group and the
// labs' group are fetched when first needed, ahead of a click when the learner points at a
// link, a bar shows while one loads, and a group that cannot be fetched shows a page that
// says so, with the app alive.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, holdBack, launch, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({});

/** The group files (`split_<group>-<tag>.wasm`) the page fetched, by group name. */
function watchGroups(page) {
  const groups = new Set();
  page.on('requestfinished', (r) => {
    const m = new URL(r.url()).pathname.match(/\/split_(\w+)-[0-9a-f]+\.wasm$/);
    if (m) groups.add(m[1]);
  });
  return groups;
}

async function until(what, condition) {
  for (const deadline = Date.now() + BOOT_TIMEOUT; !condition(); await new Promise((r) => setTimeout(r, 100))) {
    assert.ok(Date.now() < deadline, what);
  }
}

describe('pages loaded on demand', () => {
  test('pointing at a link fetches its group ahead of the click, and only that group', async () => {
    const page = await env.browser.page();
    const groups = watchGroups(page);
    await page.goto(env.site.url);
    await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.deepEqual([...groups], [], 'the start page fetched no group');
    await page.locator('.main-nav a', { hasText: 'Playground' }).hover();
    await until('pointing at the playground fetched its group', () => groups.has('playground'));
    assert.deepEqual([...groups], ['playground']);
    await page.locator('.main-nav a', { hasText: 'Playground' }).click();
    await waitForData(page);
    await page.locator('.main-nav a', { hasText: 'Rules lab' }).hover();
    await until('pointing at the rules lab fetched the labs\' group', () => groups.has('labs'));
    await page.locator('.main-nav a', { hasText: 'Rules lab' }).click();
    await page.locator('[data-testid="evaluate"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('while a page\'s code loads, a bar at the top says so', async () => {
    // A browser of its own: no service worker has cached the group.
    const browser = await launch();
    try {
      await holdBack(browser.context, '**/split_labs-*.wasm', 1500);
      const page = await browser.page();
      await page.goto(env.site.url);
      await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
      const bar = page.locator('[data-testid="route-loading"]');
      assert.equal(await bar.count(), 0);
      await page.locator('.main-nav a', { hasText: 'Relabel' }).click();
      await bar.waitFor({ timeout: BOOT_TIMEOUT });
      assert.equal(await bar.getAttribute('role'), 'progressbar');
      await screenshot(page, 'route-loading');
      await page.locator('h1', { hasText: 'Relabel' }).waitFor({ timeout: BOOT_TIMEOUT });
      await bar.waitFor({ state: 'detached', timeout: BOOT_TIMEOUT });
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });

  test('a group that cannot be fetched shows a page that says so; Try again loads it', async () => {
    // A browser of its own: no service worker has cached the group.
    const browser = await launch();
    try {
      let blocked = true;
      await browser.context.route('**/split_labs-*.wasm', (route) => (blocked ? route.abort() : route.continue()));
      const page = await browser.page();
      await page.goto(env.site.url);
      await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
      await page.locator('.main-nav a', { hasText: 'Alertmanager' }).click();
      const notLoaded = page.locator('[data-testid="page-not-loaded"]');
      await notLoaded.waitFor({ timeout: BOOT_TIMEOUT });
      assert.match(await notLoaded.textContent(), /could not be loaded/);
      await screenshot(page, 'page-not-loaded');
      // The app is alive: another page still opens.
      await page.locator('.main-nav a', { hasText: 'Playground' }).click();
      await waitForData(page);
      await page.goBack();
      await notLoaded.waitFor({ timeout: BOOT_TIMEOUT });
      blocked = false;
      await notLoaded.getByRole('button', { name: 'Try again' }).click();
      await page.locator('h1', { hasText: 'Alertmanager' }).waitFor({ timeout: BOOT_TIMEOUT });
      assert.equal(await notLoaded.count(), 0);
      // Only the blocked downloads failed (the request, and the loader saying why).
      assert.ok(browser.errors.length > 0 && browser.errors.every((e) => /split_labs|Failed to fetch/.test(e)), browser.errors.join('\n'));
    } finally {
      await browser.close();
    }
  });
});
