import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UiAssets } from './ui-assets';

describe('UiAssets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookstream-ui-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the built files by name, with their content type and caching', () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'app-ABC.js'), 'export {}');
    writeFileSync(join(dir, 'assets', 'style-DEF.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'notes.exe'), 'MZ');
    mkdirSync(join(dir, 'assets', 'nested.js'));
    const files = new UiAssets(dir);
    expect(files.index).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(files.asset('app-ABC.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    expect(files.asset('style-DEF.css')?.body.toString()).toBe('body{}');
    // Only files of the kinds the build writes, and never a folder.
    expect(files.asset('notes.exe')).toBeNull();
    expect(files.asset('nested.js')).toBeNull();
  });

  it('never reads a path from the request: names outside the assets folder are unknown', () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'secret.js'), 'nope');
    const files = new UiAssets(join(dir));
    for (const name of ['../secret.js', '../index.html', '..', '', 'assets/../secret.js']) expect(files.asset(name)).toBeNull();
  });

  it('knows when the dashboard was not built', () => {
    const files = new UiAssets(join(dir, 'missing'));
    expect(files.index).toBeNull();
    expect(files.asset('app.js')).toBeNull();
  });
});
