// The Alertmanager lab in headless Chromium, with exact values: the seed's ConfigMap loads
// with Alertmanager 0.25's objection to its placeholder Slack URL, the routing tree is drawn,
// a label set is routed as `amtool config routes test` routes it (the path lit up), the seed's
// alerts over the dataset's 48 hours give 20 notifications with and without inhibition (the
// per-receiver counts asserted), a Slack notification opens with the seed's rendered text, a
// drill shows inhibition at work, a broken edit names its line, and an exercise is graded.
// Screenshots at 1280×900 and 390×844.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BOOT_TIMEOUT, openLabExercise, screenshot, siteAndBrowser, writeArtefact } from '../lib.mjs';

const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A 48-hour simulation takes well under a second natively; allow for a loaded CI machine. */
const RUN_TIMEOUT = 120_000;

const env = siteAndBrowser({}, WIDE);

async function counts(page) {
  return page.$$eval('[data-testid="receiver-count"]', (rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td')).slice(0, 3).map((td) => td.textContent.trim())),
  );
}

async function simulate(page) {
  const headline = page.locator('[data-testid="am-headline"]');
  const before = (await headline.count()) ? await headline.textContent() : null;
  await page.locator('[data-testid="simulate"]:not([disabled])').click();
  await page.waitForFunction(
    (prev) => {
      const h = document.querySelector('[data-testid="am-headline"]');
      const busy = document.querySelector('[data-testid="am-progress"]');
      return h && !busy && (prev === null || h.textContent !== prev || !document.querySelector('[data-testid="am-stale"]'));
    },
    before,
    { timeout: RUN_TIMEOUT },
  );
}

describe('alertmanager lab', { timeout: RUN_TIMEOUT * 4 }, () => {
  test('config, routing, simulation, notification text', { timeout: RUN_TIMEOUT * 3 }, async () => {
    const page = await env.browser.page();
    await page.goto(`${env.site.url}alertmanager`);
    const input = page.locator('[data-testid="alertmanager-lab"] [data-testid="rule-input"]');
    await input.waitFor({ timeout: BOOT_TIMEOUT });
    assert.match(await input.inputValue(), /kind: ConfigMap/, 'prefilled with the seed ConfigMap');

    // Alertmanager 0.25 refuses the placeholder Slack URL; the lab says so and goes on.
    const status = page.locator('[data-testid="am-check-status"]');
    await status.waitFor({ timeout: BOOT_TIMEOUT });
    assert.equal(
      await status.textContent(),
      "\u26a0 Alertmanager 0.25 refuses it as it is (see below), the lab goes on (the ConfigMap's alertmanager.yml): 4 routes, 4 receivers, 2 inhibit rules.",
    );
    const amtool = await page.locator('[data-testid="check-config-output"]').textContent();
    assert.equal(
      amtool,
      "Checking 'alertmanager-config.yaml'  FAILED: unsupported scheme \"\" for URL\n  at alertmanager-config.yaml:67:18 (in the ConfigMap's \"alertmanager.yml\")\n\n",
    );
    assert.equal(await page.locator('.gutter-line.warning').count(), 1);

    // The tree, and the default label set routed like amtool.
    const receivers = await page.locator('[data-testid="route-receiver"]').allTextContents();
    assert.deepEqual(receivers, ['\u2192 default', '\u2192 pagerduty', '\u2192 slack-warnings', '\u2192 email']);
    const output = page.locator('[data-testid="route-test-output"]');
    await output.waitFor();
    assert.equal(
      await output.textContent(),
      'Matching routes:\n.\n\u2514\u2500\u2500 default-route\n    \u2514\u2500\u2500 {severity="critical"}  receiver: pagerduty\n\n\npagerduty\n',
    );
    assert.equal(await page.locator('[data-testid="route-node"].final [data-testid="route-receiver"]').textContent(), '\u2192 pagerduty');
    await page.locator('[data-testid="route-test-labels"]').fill('alertname=PlatformTrafficAnomaly severity=warning component=platform');
    await page.waitForFunction(() => document.querySelector('[data-testid="route-test-output"]')?.textContent.endsWith('slack-warnings\n'));

    // The seed's alerts over the dataset: 20 notifications either way.
    await simulate(page);
    assert.equal(
      await page.locator('[data-testid="am-headline"]').textContent(),
      '20 notifications with the inhibit rules, 20 without: inhibition prevents none of them.',
    );
    assert.deepEqual(await counts(page), [
      ['default', '0', '0'],
      ['pagerduty', '3', '3'],
      ['slack-warnings', '13', '13'],
      ['email', '4', '4'],
    ]);
    assert.equal(await page.locator('[data-testid="log-row"]').count(), 20);
    assert.equal(await page.locator('[data-testid="chart-dot"]').count(), 20);
    await screenshot(page, 'alertmanager-lab-wide');

    // The fraud-detector warning on Slack, rendered with the seed's text template.
    const row = page.locator('[data-testid="log-row"]', { hasText: 'ModelHighErrorRate' });
    await row.click();
    const texts = page.locator('[data-testid="rendered-text"]');
    await texts.first().waitFor();
    assert.deepEqual(await texts.allTextContents(), [
      'ML Platform Alert',
      'Model fraud-detector has error rate of 7.727% (threshold: 5%)',
    ]);
    assert.match(await page.locator('[data-testid="notification-detail"]').textContent(), /Tue 09:08:00 \u2192 slack-warnings \(slack\)/);
    await page.locator('[data-testid="notification-detail"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'alertmanager-lab-notification');

    // A drill where inhibition matters: Slack gets 3 instead of 4.
    await page.locator('[data-testid="am-source"]').selectOption('1');
    await simulate(page);
    assert.equal(
      await page.locator('[data-testid="am-headline"]').textContent(),
      '5 notifications with the inhibit rules, 6 without: inhibition prevents 1 (17 %).',
    );
    assert.deepEqual((await counts(page))[2], ['slack-warnings', '3', '4']);
    await page.locator('[data-testid="show-without"]').click();
    assert.equal(await page.locator('[data-testid="log-row"]').count(), 6);

    // A broken edit: Alertmanager's message at its line, no simulation.
    const seed = await input.inputValue();
    await input.fill(seed.replace("receiver: 'pagerduty'", "receiver: 'pager'"));
    await page.waitForFunction(() => document.querySelector('[data-testid="am-check-status"]')?.textContent.startsWith('\u2717'));
    const diag = await page.locator('[data-testid="rule-diagnostic"]').first().textContent();
    assert.match(diag, /alertmanager-config\.yaml:\d+:\d+/);
    assert.match(diag, /undefined receiver "pager" used in route/);
    assert.ok(await page.locator('[data-testid="simulate"]').isDisabled());
    await page.locator('[data-testid="reset-config"]').click();
    assert.equal(await input.inputValue(), seed);

    await writeArtefact('alertmanager-lab.json', { seed: await counts(page) });
    await page.setViewportSize(PHONE);
    await screenshot(page, 'alertmanager-lab-phone');
    await page.setViewportSize(WIDE);
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });

  test('an exercise grades by routing', { timeout: RUN_TIMEOUT }, async () => {
    const page = await env.browser.page();
    await openLabExercise(page, env.site.url, 'alertmanager', 'am-4-2-critical-receivers');
    const answer = page.locator('[data-testid="am-answer"]');
    await answer.waitFor({ timeout: BOOT_TIMEOUT });
    await answer.fill('pagerduty,default');
    await page.locator('[data-testid="am-check"]').click();
    const headline = page.locator('[data-testid="feedback-headline"]');
    await headline.waitFor({ timeout: RUN_TIMEOUT });
    assert.equal(await headline.textContent(), '\u2717 Not quite.');
    assert.match(await page.locator('.feedback-items').textContent(), /Alertmanager notifies 1 receiver, not 2\./);
    await answer.fill('pagerduty');
    await page.locator('[data-testid="am-check"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="feedback-headline"]')?.textContent === '\u2713 Correct.');
    await page.locator('[data-testid="solved-badge"]').waitFor();
    await page.locator('[data-testid="explanation"]').waitFor();
    await screenshot(page, 'alertmanager-exercise-solved');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'alertmanager-exercise-phone');
    assert.deepEqual(env.browser.errors, []);
    await page.close();
  });
});
