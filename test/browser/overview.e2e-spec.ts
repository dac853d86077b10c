import type { Browser } from 'playwright-core';
import { api } from '../support/api';
import { launchBrowser, openSignedIn, openTab, screenshot, Tab } from '../support/browser';
import { testEnv, uniqueId } from '../support/env';
import { CANVAS_HAS_INK } from '../support/in-page';
import { Receiver } from '../support/receiver';
import { endpointFor, eventReaches, publishEvent } from '../support/ui-fixtures';

describe('the overview', () => {
  let browser: Browser;
  let tab: Tab;
  let healthy: Receiver;
  let failing: Receiver;
  beforeAll(async () => {
    browser = await launchBrowser();
    healthy = await new Receiver().start();
    failing = await new Receiver().start();
    failing.respond = () => 503;
  });
  afterAll(async () => {
    await browser?.close();
    await healthy.stop();
    await failing.stop();
  });
  beforeEach(async () => {
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await screenshot(tab.page, expect.getState().currentTestName ?? 'overview');
    await tab.context.close();
  });

  it('charts deliveries and failures, and ranks the failing endpoint worst', async () => {
    // A tenant of its own, so the page can be narrowed to this test's endpoints.
    const tenant = uniqueId('ui_overview');
    expect((await api('POST', '/tenants', { id: tenant, name: 'Overview test' })).status).toBe(201);
    const type = `${uniqueId('ui_overview')}.created`;
    await endpointFor(healthy.url('/good'), [type], { tenant_id: tenant, description: 'healthy' });
    await endpointFor(failing.url('/bad'), [type], { tenant_id: tenant, description: 'failing' });
    const events = await Promise.all([1, 2, 3].map(() => publishEvent(type, tenant)));
    for (const id of events) await eventReaches(id, ['failed'], tenant);

    await openSignedIn(tab, testEnv().env.API_KEYS ?? '', `?tenant_id=${tenant}`);
    const { page } = tab;
    const card = (testId: string) => page.getByTestId(testId).locator('dd');
    await card('card-failed').filter({ hasText: /^3$/ }).waitFor();
    await card('card-delivered').filter({ hasText: /^3$/ }).waitFor();
    const worst = page.getByTestId('worst-endpoints').locator('tbody tr');
    await worst.first().filter({ hasText: failing.url('/bad') }).waitFor();
    await worst.first().filter({ hasText: '0 %' }).waitFor();
    await page.getByTestId('worst-endpoints').locator('tbody tr').filter({ hasText: healthy.url('/good') }).filter({ hasText: '100 %' }).waitFor();
    for (const testId of ['card-circuits-open', 'card-disabled']) await card(testId).filter({ hasText: /^\d+$/ }).waitFor();
    for (const chart of ['chart-hour', 'chart-day', 'chart-latency']) {
      expect({ chart, drawn: await page.evaluate<boolean>(CANVAS_HAS_INK(chart)) }).toEqual({ chart, drawn: true });
    }
    await screenshot(page, 'overview');
    expect(tab.cspViolations).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
  });
});
