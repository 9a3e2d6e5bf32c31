// The playground's time controls: a dataset of one hour fits the range to its data, the time
// field and the link's time= read every RFC 3339 form, a date with a clock time and Unix
// seconds, the ± buttons move the window and run the query, the event menu frames a
// documented event, and a step too fine for the range names the field and the value to use.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, readTable, runQuery, screenshot, siteAndBrowser, waitForData } from '../lib.mjs';

const env = siteAndBrowser({});

/** The values of the time fields. */
async function fields(page) {
  const value = (id) => page.locator(`[data-testid="${id}"]`).inputValue();
  return { time: await value('time-input'), range: await value('range-input') };
}

/** Waits for the result panel to show a run made after `action`. */
async function afterRun(page, action) {
  await page.evaluate(() => {
    window.__ran = false;
    const panel = document.querySelector('.results');
    new MutationObserver((_, o) => {
      window.__ran = true;
      o.disconnect();
    }).observe(panel, { childList: true, subtree: true, characterData: true });
  });
  await action();
  await page.waitForFunction(() => window.__ran && !document.querySelector('.results.stale'), null, {
    timeout: BOOT_TIMEOUT,
  });
}

describe('time controls', () => {
  test('switching to the one-hour dataset fits the range to its data', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    assert.deepEqual(await fields(page), { time: '2026-01-07T00:00:00Z', range: '1d' });
    await page.locator('[data-testid="dataset-picker"]').selectOption('high-cardinality');
    await page.waitForFunction(() => location.search.includes('dataset=high-cardinality'), null, {
      timeout: BOOT_TIMEOUT,
    });
    await waitForData(page);
    assert.deepEqual(await fields(page), { time: '2026-01-05T13:00:00Z', range: '1h' });
    assert.match(page.url(), /range=1h/);
    // The chart spans the data: its first and last time labels are the hour's ends.
    const labels = (await page.locator('[data-testid="chart"] canvas').getAttribute('data-x-labels')).split('|');
    assert.equal(labels[0], '12:00');
    assert.equal(labels.at(-1), '13:00');
    await screenshot(page, 'time-controls-one-hour-dataset');
    await page.close();
  });

  test('the time field reads RFC 3339 in all its forms, dates with a clock time and Unix seconds', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const cases = [
      ['2026-01-06T23:00:07.5Z', '1767740407.5'],
      ['2026-01-06T23:00:07.123456Z', '1767740407.123'],
      ['2026-01-07T01:00:07+02:00', '1767740407'],
      ['2026-01-06 10:00', '1767693600'],
      ['1767693600', '1767693600'],
      ['1767693600.25', '1767693600.25'],
    ];
    for (const [time, want] of cases) {
      await runQuery(page, 'time()', { time });
      assert.deepEqual(await readTable(page), [['scalar', want]], time);
    }
    await runQuery(page, 'time()', { time: 'tomorrow' });
    assert.equal(
      await page.locator('[data-testid="query-error"]').textContent(),
      'Time: "tomorrow" is not a time; write it like 2026-01-06T10:00:00Z, 2026-01-06 10:00 (UTC), ' +
        '2026-01-06T12:00:00+02:00 or Unix seconds (1767693600)',
    );
    // The same forms in a link's time=.
    for (const [time, want] of [['2026-01-06 10:00', '1767693600'], ['2026-01-06T12:00:00%2B02:00', '1767693600']]) {
      await page.goto(`${env.site.url}play?mode=instant&q=time()&time=${time}`);
      await waitForData(page);
      await page.locator('[data-testid="result-table"]').waitFor({ timeout: BOOT_TIMEOUT });
      assert.deepEqual(await readTable(page), [['scalar', want]], time);
    }
    await page.close();
  });

  test('the ± buttons move the window by its range (an hour for instant queries) and run the query', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play?mode=range&q=vector(1)&time=2026-01-06T12:00:00Z&range=6h`);
    await waitForData(page);
    const back = page.locator('[data-testid="shift-back"]');
    const forward = page.locator('[data-testid="shift-forward"]');
    assert.equal(await back.textContent(), '\u22126h');
    assert.equal(await back.getAttribute('aria-label'), 'Earlier by 6h');
    assert.equal(await forward.textContent(), '+6h');
    await afterRun(page, () => back.click());
    assert.deepEqual(await fields(page), { time: '2026-01-06T06:00:00Z', range: '6h' });
    assert.match(page.url(), /time=2026-01-06T06%3A00%3A00Z/);

    // Forward stops at the end of the data, and then cannot move further.
    await afterRun(page, () => forward.click());
    await afterRun(page, () => forward.click());
    await afterRun(page, () => forward.click());
    assert.equal((await fields(page)).time, '2026-01-07T00:00:00Z');
    assert.ok(await forward.isDisabled(), 'nothing after the data');

    await page.locator('[data-testid="mode-instant"]').click();
    assert.equal(await back.textContent(), '\u22121h');
    await afterRun(page, () => back.click());
    assert.equal(await page.locator('[data-testid="time-input"]').inputValue(), '2026-01-06T23:00:00Z');
    await page.close();
  });

  test('the event menu frames a documented event of the dataset', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play`);
    await waitForData(page);
    const menu = page.locator('[data-testid="event-jump"]');
    const options = await menu.locator('option').allTextContents();
    assert.equal(options[0], 'Jump to an event\u2026');
    assert.ok(options.includes('01-06 09:00 \u00b7 fraud-detector v2 error incident'), options.join('\n'));
    await afterRun(page, () => menu.selectOption({ label: '01-06 09:00 \u00b7 fraud-detector v2 error incident' }));
    // 09:00-10:30 with half an hour on each side.
    assert.deepEqual(await fields(page), { time: '2026-01-06T11:00:00Z', range: '2h30m' });
    assert.equal(await menu.inputValue(), '', 'the menu shows its prompt again');
    await screenshot(page, 'time-controls-event');

    await page.locator('[data-testid="mode-instant"]').click();
    await afterRun(page, () => menu.selectOption({ label: '01-05 09:15 \u00b7 A fraud-detector v1 pod restarts' }));
    assert.equal(await page.locator('[data-testid="time-input"]').inputValue(), '2026-01-05T09:20:00Z');
    await page.close();
  });

  test('a step too fine for the range says which field to change, and to what', async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}play?mode=range&q=vector(1)&range=1d&step=1s`);
    await waitForData(page);
    const error = page.locator('[data-testid="query-error"]');
    await error.waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(
      await error.textContent(),
      'Step: 1s is too fine for a range of 1d: it asks for 86,401 points per series, and a range query ' +
        'may have at most 11,000 steps. Set Step to 8s or more, or shorten Range.',
    );
    await page.locator('[data-testid="step-input"]').fill('8s');
    await afterRun(page, () => page.locator('[data-testid="execute"]').click());
    assert.equal(await error.count(), 0);
    assert.match(await page.locator('[data-testid="result-stats"]').textContent(), /range query/);
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });
});
