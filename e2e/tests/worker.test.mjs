// The engine in its Web Worker: the page's thread stays free (no long task over 50 ms, by a
// PerformanceObserver) while the rules lab evaluates the seed's rules, while a rate over 30
// days runs on the high-cardinality dataset and while an exercise grades; Stop ends a
// runaway query within 200 ms, the next query answers right, and the rules lab's recorded
// series survive the fresh worker. The playground runs the smallest engine module, an
// exercise moves the worker to the exercises' one and a lab to the labs' one, and a lab says
// the engine is loading until then.
// Prints the keystroke-to-chart time over the seed's queries (median and p95; saved as
// test-artefacts/keystroke-to-chart.json).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, checkAnswer, holdBack, launch, readTable, runQuery, screenshot, siteAndBrowser, waitForData, writeArtefact } from '../lib.mjs';

const LAB_TIMEOUT = 600_000;
const RUNAWAY = 'max_over_time(sum(rate(model_predictions_total[5m]))[30d:1s])';
const env = siteAndBrowser({});

/** Starts recording the page's long tasks (main-thread tasks of 50 ms or more). */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

/** The long tasks since the last call. */
async function takeLongTasks(page) {
  return page.evaluate(() => window.__longTasks.splice(0));
}

/** Starts `RUNAWAY`, waits for the Stop control, stops it; returns the ms to "Stopped: …". */
async function stopRunaway(page) {
  const editor = page.locator('[data-testid="query-input"]');
  await page.locator('[data-testid="mode-instant"]').click();
  await editor.fill(RUNAWAY);
  await editor.press('Control+Enter');
  await page.locator('[data-testid="stop"]').waitFor({ timeout: BOOT_TIMEOUT });
  const ms = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const t0 = performance.now();
        document.querySelector('[data-testid="stop"]').click();
        const look = () => {
          const e = document.querySelector('[data-testid="query-error"]');
          if (e && /Stopped/.test(e.textContent)) resolve(performance.now() - t0);
          else setTimeout(look, 1);
        };
        look();
      }),
  );
  await screenshot(page, 'worker-stopped');
  return ms;
}

/** The builds of the engine module the page fetches (`promql-engine-play`, `promql-engine`, `promql-engine-labs`), as they finish. */
function watchEngineModules(page) {
  const engines = new Set();
  page.on('requestfinished', (r) => {
    const m = new URL(r.url()).pathname.match(/(promql-engine(?:-labs|-play)?)_bg\.wasm$/);
    if (m) engines.add(m[1]);
  });
  return engines;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('engine in a Web Worker', { timeout: LAB_TIMEOUT * 2 }, () => {
  test('a heavy query leaves the page responsive; Stop ends a runaway one', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play?dataset=high-cardinality&q=count(up)&mode=instant`);
    await waitForData(page);
    await page.locator('[data-testid="result-table"]').waitFor({ timeout: BOOT_TIMEOUT });
    const [[, upCount]] = await readTable(page);

    await watchLongTasks(page);
    await runQuery(page, 'sum(rate({__name__=~".+_total"}[30d]))');
    const heavy = await takeLongTasks(page);
    console.log(`long tasks while rate(...[30d]) ran on high-cardinality: ${JSON.stringify(heavy)}`);
    assert.ok(heavy.every((ms) => ms <= 50), `main-thread tasks over 50 ms: ${heavy}`);

    const stoppedIn = await stopRunaway(page);
    console.log(`Stop ended a runaway query in ${stoppedIn.toFixed(0)} ms`);
    assert.ok(stoppedIn < 200, `Stop took ${stoppedIn} ms`);
    assert.match(await page.locator('[data-testid="query-error"] .error-message').textContent(), /^Stopped: you pressed Stop\. Your dataset, packs and lab runs are kept/);
    assert.equal(await page.locator('[data-testid="query-input"]').inputValue(), RUNAWAY, 'the editor keeps its text');

    await runQuery(page, 'count(up)');
    assert.deepEqual((await readTable(page))[0][1], upCount, 'the next query answers as before');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('the rules lab evaluates off the page thread and its series survive Stop', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}rules`);
    const evaluate = page.locator('[data-testid="evaluate"]:not([disabled])');
    await evaluate.waitFor({ timeout: BOOT_TIMEOUT });
    await watchLongTasks(page);
    await evaluate.click();
    await page.locator('[data-testid="rule-card"]').nth(15).waitFor({ timeout: LAB_TIMEOUT });
    const lab = await takeLongTasks(page);
    console.log(`long tasks while the rules lab evaluated the seed's rules: ${JSON.stringify(lab)}`);
    assert.ok(lab.every((ms) => ms <= 50), `main-thread tasks over 50 ms: ${lab}`);

    await page.locator('.main-nav a', { hasText: 'Playground' }).click();
    await waitForData(page);
    await runQuery(page, 'count(model:latency:p95)');
    const before = await readTable(page);
    await stopRunaway(page);
    await runQuery(page, 'count(model:latency:p95)');
    assert.deepEqual(await readTable(page), before, 'recorded series answer after Stop');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('the playground runs the smallest engine module; an exercise, then a lab move to larger ones', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    const engines = watchEngineModules(page);
    await page.goto(`${env.site.url}play?q=count(up)&mode=instant`);
    await waitForData(page);
    await page.locator('[data-testid="result-table"]').waitFor({ timeout: BOOT_TIMEOUT });
    const [[, upCount]] = await readTable(page);
    assert.deepEqual([...engines], ['promql-engine-play'], 'the playground loads only its own engine module');

    // Client-side navigation to an exercise: its first message moves the worker to the
    // exercises' module, and the answer is checked there.
    await page.locator('.main-nav a', { hasText: 'Learn' }).click();
    await page.locator('a[href$="exercise/todo-1-1-label-filters"]').first().click();
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    await checkAnswer(page);
    assert.deepEqual([...engines], ['promql-engine-play', 'promql-engine'], 'the exercise moved to the exercises\' module');

    // Client-side navigation to a lab: its first message moves the worker to the labs' module.
    await page.locator('.main-nav a', { hasText: 'Rules lab' }).click();
    const evaluate = page.locator('[data-testid="evaluate"]:not([disabled])');
    await evaluate.waitFor({ timeout: BOOT_TIMEOUT });
    await evaluate.click();
    await page.locator('[data-testid="rule-card"]').nth(15).waitFor({ timeout: LAB_TIMEOUT });
    assert.ok(engines.has('promql-engine-labs'), `the lab loaded the labs' engine module: ${[...engines]}`);

    // Back on the playground, the labs' module answers: the same data, and the lab's series.
    await page.locator('.main-nav a', { hasText: 'Playground' }).click();
    await waitForData(page);
    await runQuery(page, 'count(up)');
    assert.deepEqual((await readTable(page))[0][1], upCount, 'the same data after the move');
    await runQuery(page, 'count(model:latency:p95)');
    assert.equal((await readTable(page))[0][1], '5', 'the recorded series are queryable');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('pointing at a lab\'s link on the start page starts the labs\' engine module only', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    const engines = watchEngineModules(page);
    await page.goto(env.site.url);
    await page.locator('[data-testid="series-count"]').waitFor({ timeout: BOOT_TIMEOUT });
    await page.locator('.main-nav a', { hasText: 'Alerting lab' }).hover();
    // The worker fetches the module on the hover alone, before any click.
    for (const deadline = Date.now() + BOOT_TIMEOUT; !engines.has('promql-engine-labs'); await page.waitForTimeout(100)) {
      assert.ok(Date.now() < deadline, 'pointing at the link fetched the labs\' engine module');
    }
    await page.locator('.main-nav a', { hasText: 'Alerting lab' }).click();
    await page.locator('[data-testid="check-status"]').waitFor({ timeout: BOOT_TIMEOUT });
    assert.deepEqual([...engines], ['promql-engine-labs'], 'only the labs\' engine module was fetched');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('a lab says the query engine is loading until its module is there', { timeout: LAB_TIMEOUT }, async () => {
    // A browser of its own: no service worker has cached the module yet.
    const browser = await launch();
    try {
      await holdBack(browser.context, '**/promql-engine-labs_bg.wasm*', 1500);
      const page = await browser.page();
      await page.goto(`${env.site.url}alerts`);
      const loading = page.locator('[data-testid="engine-loading"]');
      await loading.waitFor({ timeout: BOOT_TIMEOUT });
      assert.match(await loading.textContent(), /^Loading the query engine/);
      await page.locator('[data-testid="check-status"]').waitFor({ timeout: BOOT_TIMEOUT });
      assert.equal(await loading.count(), 0, 'the loading line gives way to the check');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });

  test('grading stays off the page thread; keystroke to chart is measured', { timeout: LAB_TIMEOUT }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}exercise/todo-1-1-label-filters`);
    await page.locator('[data-testid="check"]:not([disabled])').waitFor({ timeout: BOOT_TIMEOUT });
    await watchLongTasks(page);
    await checkAnswer(page);
    const grading = await takeLongTasks(page);
    console.log(`long tasks while an exercise graded: ${JSON.stringify(grading)}`);
    assert.ok(grading.every((ms) => ms <= 50), `main-thread tasks over 50 ms: ${grading}`);
    await page.close();

    // Keystroke to chart: the playground in range mode, each seed query changed by one
    // keystroke (a space) and run; from the key press to the frame after the chart redrew.
    const play = await env.browser.page();
    await play.goto(`${env.site.url}play`);
    await waitForData(play);
    await play.locator('[data-testid="mode-range"]').click();
    const queries = [
      'rate(model_predictions_total[5m])',
      'sum by (model) (rate(model_predictions_total[5m]))',
      'rate(model_prediction_errors_total[5m]) / rate(model_predictions_total[5m])',
      'histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m])))',
      'sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m]))',
      'avg_over_time(rate(model_predictions_total[5m])[1h:5m])',
      'predict_linear(model_predictions_total[1h], 3600)',
      'sum by (model) (increase(model_predictions_total[24h]))',
    ];
    const editor = play.locator('[data-testid="query-input"]');
    const times = [];
    for (const q of queries) {
      await runQuery(play, q, { mode: 'range' });
      // Arm the measurement: from the key press that runs the changed query to the frame
      // after the results (chart included) were replaced.
      await play.evaluate(() => {
        window.__keystroke = new Promise((resolve) => {
          const results = document.querySelector('.results');
          let t0 = 0;
          const observer = new MutationObserver(() => {
            const running = document.querySelector('[data-testid="execute"]')?.textContent.includes('Running');
            if (!t0 || running || !results.querySelector('canvas')) return;
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          });
          observer.observe(results, { childList: true, subtree: true, characterData: true });
          const input = document.querySelector('[data-testid="query-input"]');
          const onKey = (e) => {
            if (e.key === 'Enter' && e.ctrlKey) {
              t0 = performance.now();
              input.removeEventListener('keydown', onKey, true);
            }
          };
          input.addEventListener('keydown', onKey, true);
        });
      });
      await editor.press('End');
      await editor.pressSequentially(' ');
      await editor.press('Control+Enter');
      times.push(await play.evaluate(() => window.__keystroke));
    }
    await play.close();
    if (times.length) {
      const sorted = [...times].sort((a, b) => a - b);
      const summary = { queries: times.length, median_ms: Math.round(percentile(sorted, 50)), p95_ms: Math.round(percentile(sorted, 95)) };
      console.log(`keystroke to chart over ${summary.queries} seed queries: median ${summary.median_ms} ms, p95 ${summary.p95_ms} ms`);
      await writeArtefact('keystroke-to-chart.json', { ...summary, samples_ms: times.map(Math.round) });
    }
  });
});
