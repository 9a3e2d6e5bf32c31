// Shared helpers of the browser tests: the system Chromium driven by playwright-core, the
// built site served locally, and the artefacts folder (screenshots, timings).

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

import { serve } from './serve.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARTEFACTS = join(ROOT, 'test-artefacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The viewports the site must work in. */
export const LAPTOP = { width: 1280, height: 800 };
export const NARROW = { width: 390, height: 844 };

/** How long the app may take to boot and load its dataset on a slow CI machine. */
export const BOOT_TIMEOUT = 60_000;

/**
 * Serves the site and starts a browser for a whole test file (node:test `before`/`after`
 * hooks). `serveOptions` may be a function (awaited in `before`) for files that prepare a
 * folder first. The returned object's `site` and `browser` are set once `before` has run.
 */
export function siteAndBrowser(serveOptions = {}, viewport = LAPTOP) {
  const env = { site: undefined, browser: undefined };
  before(async () => {
    env.site = await serveSite(typeof serveOptions === 'function' ? await serveOptions() : serveOptions);
    env.browser = await launch(viewport);
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}

/**
 * Starts the system Chromium with a fresh profile. Playwright never downloads a browser
 * here: the executable is Debian's.
 */
export async function launch(viewport = LAPTOP) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup.sh --test`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'promql-playground-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  // Uncaught exceptions, console errors and failed sub-resources. A deep link is answered
  // by 404.html with status 404, as on GitHub Pages: that document response is expected,
  // and Chromium's console line about it is covered by the response check instead.
  const errors = [];
  return {
    context,
    errors,
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400 && r.request().resourceType() !== 'document') errors.push(`${r.status()} ${r.url()}`);
      });
      page.on('requestfailed', (r) => {
        // Leaving a page cancels what it was still loading; that is not a failure.
        const why = r.failure()?.errorText ?? '';
        if (!why.includes('ERR_ABORTED')) errors.push(`failed ${r.url()}: ${why}`);
      });
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Holds back every request of `context` matching `pattern` by `ms` (one slow download). */
export async function holdBack(context, pattern, ms) {
  await context.route(pattern, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Serves a built site (dist/ by default) under `prefix` on 127.0.0.1 at a free port. */
export async function serveSite({ dist = join(ROOT, 'dist'), prefix = '/' } = {}) {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html missing: run \`trunk build --release\` first`);
  }
  return serve({ root: dist, prefix });
}

/** Saves a screenshot as test-artefacts/screenshots/NAME.png. */
export async function screenshot(page, name) {
  const dir = join(ARTEFACTS, 'screenshots');
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Writes a JSON artefact. */
export async function writeArtefact(name, value) {
  await mkdir(ARTEFACTS, { recursive: true });
  await writeFile(join(ARTEFACTS, name), JSON.stringify(value, null, 2) + '\n');
}

/** Waits until the dataset is loaded (the Execute button becomes enabled). */
export async function waitForData(page) {
  await page.locator('[data-testid="execute"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
}

/**
 * Replaces the query in the editor by typing it, runs it with Ctrl+Enter and waits for the
 * result panel to show this run (the stats line or an error).
 */
export async function runQuery(page, query, { mode = 'instant', time } = {}) {
  await page.locator(`[data-testid="mode-${mode}"]`).click();
  if (time !== undefined) {
    await page.locator('[data-testid="time-input"]').fill(time);
  }
  const editor = page.locator('[data-testid="query-input"]');
  await editor.click();
  await editor.press('Control+A');
  await editor.press('Delete');
  await editor.pressSequentially(query);
  const before = await resultMarker(page);
  await editor.press('Control+Enter');
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector('[data-testid="result-stats"], [data-testid="query-error"]');
      const running = document.querySelector('[data-testid="execute"]')?.textContent.includes('Running');
      return el && !running && el.closest('.results') && window.__lastResult !== prev;
    },
    before,
    { timeout: BOOT_TIMEOUT },
  );
}

/** Marks the current result panel so the next run can be told apart from it. */
async function resultMarker(page) {
  return page.evaluate(() => {
    const stamp = Math.random().toString(36).slice(2);
    window.__lastResult = stamp;
    const panel = document.querySelector('.results');
    // Any re-render of the panel's content replaces these nodes; watch for that.
    const observer = new MutationObserver(() => {
      window.__lastResult = `changed-${stamp}`;
      observer.disconnect();
    });
    if (panel) observer.observe(panel, { childList: true, subtree: true, characterData: true });
    return stamp;
  });
}

/** The result table as rows of [series, value] strings. */
export async function readTable(page) {
  return page.$$eval('[data-testid="result-table"] tbody tr', (rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent.trim())),
  );
}

/**
 * Clicks an exercise's Check button and waits for a new verdict (its headline changes);
 * returns the headline.
 */
export async function checkAnswer(page) {
  const headline = page.locator('[data-testid="feedback-headline"]');
  const before = (await headline.count()) ? await headline.textContent() : null;
  await page.locator('[data-testid="check"]').click();
  await page.waitForFunction(
    (prev) => {
      const h = document.querySelector('[data-testid="feedback-headline"]');
      const busy = document.querySelector('[data-testid="check"]')?.textContent?.includes('Checking');
      return h && !busy && h.textContent !== prev;
    },
    before,
    { timeout: BOOT_TIMEOUT },
  );
  return headline.textContent();
}

/** Replaces the query in an exercise's editor by typing it (so drafts see keystrokes). */
export async function typeQuery(page, query) {
  const editor = page.locator('[data-testid="query-input"]');
  await editor.click();
  await editor.press('Control+A');
  await editor.press('Delete');
  await editor.pressSequentially(query);
  await page.keyboard.press('Escape');
  return editor;
}

/**
 * Opens exercise `id` of the lab at `lab` (`rules`, `alerts`, `alertmanager`, `relabel`) the
 * way a learner does: from the lab page's list of its exercises.
 */
export async function openLabExercise(page, siteUrl, lab, id) {
  await page.goto(`${siteUrl}${lab}`);
  const link = page.locator(`[data-testid="lab-exercises"] [data-testid="lab-exercise-link"] a[href$="/${lab}/exercise/${id}"]`);
  await link.waitFor({ timeout: BOOT_TIMEOUT });
  await link.click();
  await page.waitForURL(`**/${lab}/exercise/${id}`);
}
