import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { testEnv } from './env';
import { REPORT_CSP_VIOLATIONS } from './in-page';

/** Debian's Chromium; Playwright never downloads a browser of its own here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
// Without the networking switches Chromium keeps trying to reach update and sync hosts.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`the browser tests need Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh browser profile (its own sessionStorage) with what the page did recorded for the test to check. */
export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** What the Content-Security-Policy (Trusted Types included) refused on the page. */
  cspViolations: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
}

export async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const cspViolations: string[] = [];
  // Chromium reports violations to DevTools' issues rather than the console; the page's own
  // securitypolicyviolation event sees each one.
  await context.exposeBinding('reportCspViolation', (_source, text: string) => cspViolations.push(text));
  await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  const page = await context.newPage();
  const tab: Tab = { context, page, requests: [], cspViolations, pageErrors: [] };
  page.on('request', (r) => tab.requests.push(r.url()));
  page.on('pageerror', (e) => tab.pageErrors.push(e.message));
  page.setDefaultTimeout(15000);
  return tab;
}

export function uiUrl(path = ''): string {
  return `${testEnv().apiUrl}/ui${path}`;
}

/** Signs in on the page it is on (it shows the sign-in form when no key is stored) and waits for the app. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const who = page.getByTestId('who');
  await who.or(page.getByRole('alert')).first().waitFor();
  if (!(await who.isVisible())) throw new Error(`sign-in refused: ${await page.getByRole('alert').first().innerText()}`);
}

/** Opens the dashboard at `path` and signs in there (deep links keep their page through the sign-in). */
export async function openSignedIn(tab: Tab, key: string, path = ''): Promise<void> {
  await tab.page.goto(uiUrl(path));
  await signIn(tab.page, key);
}

export function screenshotDir(): string {
  const dir = join(testEnv().root, '.data', 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves the page as .data/test-output/screenshots/<name>.png (full page). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(screenshotDir(), `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Waits until `locator` is visible, calling `refresh` between looks (pages that do not poll by themselves),
 * or fails after `timeoutMs` naming `what`.
 */
export async function untilVisible(locator: Locator, refresh: () => Promise<unknown>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: 1500 });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
    await refresh();
  }
}
