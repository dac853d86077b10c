import type { Browser } from 'playwright-core';
import { launchBrowser, openSignedIn, openTab, screenshot, Tab, uiUrl } from '../support/browser';
import { testEnv, uniqueId } from '../support/env';
import { Receiver } from '../support/receiver';
import { endpointFor, eventReaches, publishEvent, sameOriginOnly, tenantWithKey, TenantWithKey } from '../support/ui-fixtures';

interface TenantSetup extends TenantWithKey {
  endpointId: string;
  url: string;
  type: string;
  eventId: string;
}

describe('a tenant key in the dashboard', () => {
  let browser: Browser;
  let tab: Tab;
  let receiver: Receiver;
  let a: TenantSetup;
  let b: TenantSetup;

  /** A tenant with its key, one endpoint and one delivered event (set up by an admin). */
  async function setUpTenant(label: string): Promise<TenantSetup> {
    const tenant = await tenantWithKey(label);
    const type = `${uniqueId(label)}.created`;
    const url = receiver.url(`/${tenant.id}`);
    const endpoint = await endpointFor(url, [type], { tenant_id: tenant.id });
    const eventId = await publishEvent(type, tenant.id);
    await eventReaches(eventId, ['delivered'], tenant.id);
    return { ...tenant, endpointId: endpoint.id, url, type, eventId };
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    receiver = await new Receiver().start();
    a = await setUpTenant('ui_tenant_a');
    b = await setUpTenant('ui_tenant_b');
  });
  afterAll(async () => {
    await browser?.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await screenshot(tab.page, expect.getState().currentTestName ?? 'tenant-portal');
    await tab.context.close();
  });

  it("sees its own endpoints and events and none of another tenant's", async () => {
    const { page } = tab;
    await openSignedIn(tab, a.key);
    await expect(page.getByTestId('who-tenant').innerText()).resolves.toBe(a.id);
    expect(await page.getByRole('link', { name: 'Tenants' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.locator(`tr[data-endpoint-id="${a.endpointId}"]`).waitFor();
    expect(await page.locator(`tr[data-endpoint-id="${b.endpointId}"]`).count()).toBe(0);
    expect(await page.getByText(b.url).count()).toBe(0);
    // No tenant field: the tenant is the key's.
    expect(await page.getByRole('search', { name: 'Tenant' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Events' }).click();
    await page.locator(`tr[data-event-id="${a.eventId}"]`).waitFor();
    expect(await page.locator(`tr[data-event-id="${b.eventId}"]`).count()).toBe(0);
    const search = page.getByRole('search', { name: 'Search events' });
    await search.getByLabel('Type').fill(b.type);
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No events match.').waitFor();
    await screenshot(page, 'tenant-events-search-other-tenant');

    // Another tenant's pages answer as if they did not exist.
    await page.goto(uiUrl(`/events/${b.eventId}`));
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('event-facts').count()).toBe(0);
    await page.goto(uiUrl(`/endpoints/${b.endpointId}`));
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('endpoint-facts').count()).toBe(0);
    await page.goto(uiUrl('/'));
    await page.getByTestId('card-failed').waitFor();
    expect(await page.getByText(b.url).count()).toBe(0);

    // Its own event opens, without naming the tenant.
    await page.goto(uiUrl(`/events/${a.eventId}`));
    await page.getByTestId('event-status').filter({ hasText: 'delivered' }).waitFor();
    expect(sameOriginOnly(tab.requests, testEnv().apiUrl, a.key)).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
  });

  it("lets an admin narrow to a tenant and open that tenant's event", async () => {
    const { page } = tab;
    await openSignedIn(tab, testEnv().env.API_KEYS ?? '', `/events?tenant_id=${a.id}`);
    const row = page.locator(`tr[data-event-id="${a.eventId}"]`);
    await row.waitFor();
    expect(await page.locator(`tr[data-event-id="${b.eventId}"]`).count()).toBe(0);
    await row.getByRole('link').first().click();
    expect(new URL(page.url()).search).toBe(`?tenant_id=${a.id}`);
    await page.getByTestId('event-status').filter({ hasText: 'delivered' }).waitFor();
    expect(tab.cspViolations).toEqual([]);
  });
});
