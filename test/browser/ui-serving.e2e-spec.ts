import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { api } from '../support/api';
import { launchBrowser, openTab, screenshot, Tab, uiUrl } from '../support/browser';
import { testEnv } from '../support/env';
import { eventually } from '../support/eventually';
import { BUTTON_RADIUS, STORAGE_SNAPSHOT, StorageSnapshot, TRY_INJECTIONS } from '../support/in-page';

/** A GET without a key, as a browser loading the dashboard sends it. */
async function load(path: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${testEnv().apiUrl}${path}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** A request with the path sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(path: string): Promise<{ status: number; contentType: string }> {
  const url = new URL(testEnv().apiUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectUiHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  expect(directives.get('default-src')).toBe("'self'");
  expect(directives.get('script-src')).toBe("'self'");
  expect(directives.get('style-src')).toBe("'self'");
  expect(directives.get('connect-src')).toBe("'self'");
  expect(directives.get('frame-ancestors')).toBe("'none'");
  expect(directives.get('object-src')).toBe("'none'");
  expect(directives.get('require-trusted-types-for')).toBe("'script'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*|data:|blob:/);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describe('the dashboard is served at /ui', () => {
  it('answers the app without a key, with a strict Content-Security-Policy', async () => {
    const page = await load('/ui');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectUiHeaders(page.headers);
    // Nothing inline: one script and one stylesheet, both from /ui/assets.
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const script = /<script type="module" src="(\/ui\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    const style = /<link rel="stylesheet" href="(\/ui\/assets\/[^"]+\.css)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    for (const [path, type] of [
      [script!, /^text\/javascript/],
      [style!, /^text\/css/],
    ] as const) {
      const asset = await load(path);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
      expectUiHeaders(asset.headers);
    }
  });

  it('answers the app for every page address, so deep links open', async () => {
    const index = await load('/ui');
    for (const path of ['/ui/', '/ui/events/evt_deep_link_1', '/ui/events/evt_deep_link_1?tenant_id=acme', '/ui/endpoints/sub_x', '/ui/anything/else']) {
      const page = await load(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(page.body).toBe(index.body);
      expectUiHeaders(page.headers);
    }
  });

  it('answers 404 with the same headers for a file the build did not write', async () => {
    for (const path of ['/ui/assets/nope.js', '/ui/assets/..%2F..%2Fpackage.json', '/ui/assets/..%2Findex.html']) {
      const res = await load(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expectUiHeaders(res.headers);
    }
  });

  it('answers broken addresses under /ui with a 4xx or the app, never a 5xx', async () => {
    for (const path of ['/ui/%ZZ', '/ui/assets/%ZZ', '/ui/assets/%00', '/ui/events/%E0%A4%A', '/ui//assets//x.js']) {
      const res = await rawGet(path);
      expect({ path, ok: res.status < 500 }).toEqual({ path, ok: true });
    }
  });

  it('opens only the dashboard files: the API, other methods and look-alike paths still need a key', async () => {
    expect((await api('GET', '/webhooks', undefined, { key: null })).status).toBe(401);
    expect((await api('GET', '/docs', undefined, { key: null })).status).toBe(401);
    // Only GET is served; nothing else under /ui, nor a path that merely starts with "ui", answers 2xx.
    for (const [method, path] of [
      ['POST', '/ui'],
      ['DELETE', '/ui/events/x'],
      ['GET', '/uix'],
    ]) {
      const res = await api(method!, path!, undefined, { key: null });
      expect({ method, path, refused: [401, 404, 405].includes(res.status) }).toEqual({ method, path, refused: true });
    }
    // A path that climbs out of /ui reaches the app's index, never the API route it names.
    for (const path of ['/ui/../webhooks', '/ui/assets/../../../package.json']) {
      const climbed = await rawGet(path);
      expect({ path, status: climbed.status, html: /^text\/html/.test(climbed.contentType) }).toEqual({ path, status: 200, html: true });
    }
  });
});

describe('the Content-Security-Policy holds in a real browser', () => {
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
    await screenshot(tab.page, expect.getState().currentTestName ?? 'ui-serving');
    await tab.context.close();
  });

  it('runs the app without a single violation, and refuses inline script, eval and HTML strings', async () => {
    await tab.page.goto(uiUrl('/events/evt_not_signed_in'));
    // The sign-in form is drawn by the app's script: it ran, and its stylesheet applied.
    await tab.page.getByLabel('API key').waitFor();
    expect(await tab.page.evaluate<string>(BUTTON_RADIUS)).toBe('6px');
    expect(tab.cspViolations).toEqual([]);
    expect(tab.pageErrors).toEqual([]);

    const injected = await tab.page.evaluate<{ inlineRan: boolean; evalRan: boolean; htmlInserted: boolean }>(TRY_INJECTIONS);
    expect(injected).toEqual({ inlineRan: false, evalRan: false, htmlInserted: false });
    // One refusal each for the script, the eval and the HTML string (reported to the test asynchronously).
    await eventually(async () => (tab.cspViolations.length >= 3 ? true : undefined), 'three refusals', 5000);
  });

  it('shows the API message for a key it refuses, and keeps nothing', async () => {
    await tab.page.goto(uiUrl());
    await tab.page.getByLabel('API key').fill('not-a-valid-key');
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('alert').filter({ hasText: 'the API key is not valid' }).waitFor();
    expect(await tab.page.evaluate<StorageSnapshot>(STORAGE_SNAPSHOT)).toEqual({ session: [], local: 0, cookies: '' });
    expect(tab.requests.filter((u) => u.includes('not-a-valid-key'))).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
  });
});
