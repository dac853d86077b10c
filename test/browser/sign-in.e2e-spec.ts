import type { Browser } from 'playwright-core';
import { api } from '../support/api';
import { launchBrowser, openSignedIn, openTab, screenshot, signIn, Tab, uiUrl } from '../support/browser';
import { testEnv, uniqueId } from '../support/env';
import { STORAGE_SNAPSHOT, StorageSnapshot } from '../support/in-page';
import { endpointFor, eventReaches, publishEvent, sameOriginOnly } from '../support/ui-fixtures';

const adminKey = () => testEnv().env.API_KEYS ?? '';

describe('signing in to the dashboard', () => {
  let browser: Browser;
  let tab: Tab;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await screenshot(tab.page, expect.getState().currentTestName ?? 'sign-in');
    await tab.context.close();
  });

  it('signs in with the admin key, shows who it is, and keeps the key only in this tab until sign-out', async () => {
    const key = adminKey();
    const me = await api<{ key_id: string; role: string }>('GET', '/me');
    expect(me.status).toBe(200);

    await openSignedIn(tab, key);
    const who = tab.page.getByTestId('who');
    await expect(who.innerText()).resolves.toContain(me.body.key_id);
    await expect(who.innerText()).resolves.toMatch(/admin/i);
    // Admin keys see the tenants section.
    await tab.page.getByRole('link', { name: 'Tenants' }).waitFor();

    const storage = await tab.page.evaluate<StorageSnapshot>(STORAGE_SNAPSHOT);
    expect(storage).toEqual({ session: [key], local: 0, cookies: '' });
    expect(tab.page.url()).not.toContain(key);

    // A reload keeps the session; another tab does not share it.
    await tab.page.reload();
    await who.waitFor();
    const other = await tab.context.newPage();
    await other.goto(uiUrl());
    await other.getByLabel('API key').waitFor();
    await other.close();

    await tab.page.getByRole('button', { name: 'Sign out' }).click();
    await tab.page.getByLabel('API key').waitFor();
    expect(await tab.page.evaluate<StorageSnapshot>(STORAGE_SNAPSHOT)).toEqual({ session: [], local: 0, cookies: '' });
    await tab.page.reload();
    await tab.page.getByLabel('API key').waitFor();

    expect(sameOriginOnly(tab.requests, testEnv().apiUrl, key)).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
  });

  it('opens a deep link to an event page after signing in there', async () => {
    const eventId = await publishEvent(`${uniqueId('ui_nobody')}.created`);
    await eventReaches(eventId, ['no_subscribers']);
    await tab.page.goto(uiUrl(`/events/${eventId}`));
    await signIn(tab.page, adminKey());
    expect(new URL(tab.page.url()).pathname).toBe(`/ui/events/${eventId}`);
    await tab.page.getByRole('heading', { name: `Event ${eventId}` }).waitFor();
    await tab.page.getByTestId('event-status').filter({ hasText: 'no subscribers' }).waitFor();
    expect(tab.cspViolations).toEqual([]);
  });

  it('shows what the API returns as text, never as markup', async () => {
    const marker = uniqueId('xss');
    const description = `<img src="/ui/assets/${marker}" data-marker="${marker}"><script>window.pwned=1</script>`;
    const endpoint = await endpointFor(`http://127.0.0.1:9/${marker}`, [`${marker}.*`], { description });
    await openSignedIn(tab, adminKey(), '/endpoints');
    const row = tab.page.locator(`tr[data-endpoint-id="${endpoint.id}"]`);
    await row.getByText(description, { exact: true }).waitFor();
    expect(await tab.page.locator(`[data-marker="${marker}"]`).count()).toBe(0);
    expect(await tab.page.evaluate<unknown>('window.pwned')).toBeUndefined();
    expect(tab.requests.filter((u) => u.includes(marker) && !u.includes('/webhooks'))).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
  });
});
