import type { Browser } from 'playwright-core';
import { launchBrowser, openSignedIn, openTab, screenshot, Tab, uiUrl, untilVisible } from '../support/browser';
import { testEnv, uniqueId } from '../support/env';
import { Receiver } from '../support/receiver';
import { endpointFor, eventReaches, publishEvent, sameOriginOnly } from '../support/ui-fixtures';

const adminKey = () => testEnv().env.API_KEYS ?? '';
// The run's RETRY_MAX: a delivery that keeps failing makes this many attempts before it ends failed.
const attemptsUntilFailed = () => 1 + Number(testEnv().env.RETRY_MAX ?? '3');
// After a run of failures the endpoint's circuit may be open for a cool-down before the recovered or
// retried delivery goes out, so these waits are longer than a delivery takes on its own.
const RECOVERY_WAIT_MS = 60000;
const FLOW_TIMEOUT_MS = 150000;

describe('finding and recovering failed deliveries in the dashboard', () => {
  let browser: Browser;
  let tab: Tab;
  let receiver: Receiver;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    receiver = await new Receiver().start();
    receiver.respond = () => 500;
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await screenshot(tab.page, expect.getState().currentTestName ?? 'recovery');
    await tab.context.close();
    await receiver.stop();
  });

  it('registers an endpoint, shows a failing event with its attempts, recovers it from the endpoint page and shows it delivered', async () => {
    const { page } = tab;
    const type = `${uniqueId('ui_recover')}.created`;
    await openSignedIn(tab, adminKey());

    // Register the endpoint through the form; its secret is shown once.
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByText('Register an endpoint').click();
    const form = page.getByRole('form', { name: 'Register an endpoint' });
    await form.getByLabel('URL').fill(receiver.url());
    await form.getByLabel('Event types').fill(type);
    await form.getByLabel('Description').fill('recovery flow');
    await form.getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('shown-once-value').filter({ hasText: /^whsec_/ }).waitFor();
    await page.getByRole('link', { name: 'Open the new endpoint' }).click();
    await page.getByTestId('endpoint-facts').waitFor();
    const endpointId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(endpointId).not.toBe('');

    // The event fails at every attempt; its page shows it failed, with each attempt's answer.
    const eventId = await publishEvent(type);
    await page.goto(uiUrl(`/events/${eventId}`));
    await page.getByTestId('event-status').filter({ hasText: 'failed' }).waitFor({ timeout: 30000 });
    // As many attempts as the API counted (a circuit that opened may have spared some), each answered 500.
    const failedAttempts = (await eventReaches(eventId, ['failed'])).attempts;
    expect(failedAttempts).toBeGreaterThanOrEqual(1);
    expect(failedAttempts).toBeLessThanOrEqual(attemptsUntilFailed());
    const attempts = page.getByTestId('attempts').locator('li');
    await expect(attempts.count()).resolves.toBe(failedAttempts);
    for (const code of await page.getByTestId('attempt-status-code').allInnerTexts()) expect(code).toBe('500');
    await screenshot(page, 'event-page-failed');

    // The receiver is healthy again: recover the last hour from the endpoint's page.
    receiver.respond = () => 200;
    await page.locator(`section.delivery[data-subscription-id="${endpointId}"] h3 a`).click();
    await page.getByTestId('endpoint-facts').waitFor();
    const recover = page.getByRole('form', { name: 'Recover failed deliveries' });
    await recover.getByRole('button', { name: 'Recover' }).click();
    await page.getByTestId('recovered').filter({ hasText: /^[1-9]\d* deliver(y|ies) sent again\.$/ }).waitFor();

    const row = page.locator(`[data-testid="endpoint-deliveries"] tr[data-event-id="${eventId}"]`);
    await untilVisible(row.filter({ hasText: 'delivered' }), () => page.getByRole('button', { name: 'Refresh' }).click(), 'the delivery to show delivered on the endpoint page', RECOVERY_WAIT_MS);
    await screenshot(page, 'endpoint-page-recovered');

    await row.getByRole('link', { name: eventId }).click();
    await untilVisible(page.getByTestId('event-status').filter({ hasText: 'delivered' }), () => page.reload(), 'the event page to show delivered', RECOVERY_WAIT_MS);
    await page.locator('li[data-outcome="delivered"]').filter({ hasText: '200' }).first().waitFor();
    expect(receiver.byEvent(eventId).length).toBe(failedAttempts + 1);

    expect(sameOriginOnly(tab.requests, testEnv().apiUrl, adminKey())).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  it('retries a failed event from its page', async () => {
    const { page } = tab;
    const type = `${uniqueId('ui_retry')}.created`;
    await endpointFor(receiver.url(), [type]);
    const eventId = await publishEvent(type);
    await eventReaches(eventId, ['failed']);
    receiver.respond = () => 200;

    await openSignedIn(tab, adminKey(), `/events/${eventId}`);
    await page.getByTestId('event-status').filter({ hasText: 'failed' }).waitFor();
    await page.getByRole('button', { name: 'Retry failed deliveries' }).click();
    await page.getByTestId('retried').waitFor();
    // The page refreshes by itself while a delivery is under way.
    await untilVisible(page.getByTestId('event-status').filter({ hasText: 'delivered' }), () => page.getByRole('button', { name: 'Refresh' }).click(), 'the retried event to show delivered', RECOVERY_WAIT_MS);
    await page.locator('li[data-outcome="delivered"]').first().waitFor();
    expect(tab.cspViolations).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  it('sends a test event, disables and enables the endpoint, and shows a rotated secret once', async () => {
    const { page } = tab;
    receiver.respond = () => 200;
    const endpoint = await endpointFor(receiver.url(), [`${uniqueId('ui_actions')}.*`]);
    await openSignedIn(tab, adminKey(), `/endpoints/${endpoint.id}`);

    await page.getByRole('button', { name: 'Send test event' }).click();
    const sent = page.getByTestId('test-sent');
    await sent.waitFor();
    const testEventId = await sent.getByRole('link').innerText();
    await eventReaches(testEventId, ['delivered']);
    expect(receiver.byEvent(testEventId).map((r) => JSON.parse(r.body) as { type: string })[0]?.type).toBe('hookstream.test');

    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByTestId('endpoint-state').filter({ hasText: 'disabled' }).waitFor();
    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await page.getByTestId('endpoint-state').filter({ hasText: 'enabled' }).waitFor();

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const secret = await page.getByTestId('shown-once-value').innerText();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    // Shown once: gone after leaving the page and coming back.
    await page.reload();
    await page.getByTestId('endpoint-facts').waitFor();
    expect(await page.getByTestId('shown-once-value').count()).toBe(0);
    expect(tab.cspViolations).toEqual([]);
  });
});
