import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

export interface UiFile {
  body: Buffer;
  contentType: string;
  /** Hashed bundle names never change content, so browsers may keep them; index.html is asked again each time. */
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** dist/ui next to the compiled API (dist/apps/api/src/ui → dist/ui), or the checkout's dist/ui when run from source. */
export function defaultUiDir(): string {
  const top = resolve(__dirname, '../../../..');
  return basename(top) === 'dist' ? join(top, 'ui') : join(top, 'dist', 'ui');
}

/**
 * The built dashboard, read once into memory: a few hundred kilobytes. Only files that the build wrote
 * can be served — a request names a key of this map, never a path on disk, so `..` leads nowhere.
 */
export class UiAssets {
  readonly index: UiFile | null;
  private readonly assets = new Map<string, UiFile>();

  constructor(dir: string) {
    const indexPath = join(dir, 'index.html');
    this.index = existsSync(indexPath) ? { body: readFileSync(indexPath), contentType: CONTENT_TYPES['.html']!, cacheControl: 'no-cache' } : null;
    const assetsDir = join(dir, 'assets');
    if (!existsSync(assetsDir)) return;
    for (const name of readdirSync(assetsDir)) {
      const path = join(assetsDir, name);
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType || !statSync(path).isFile()) continue;
      this.assets.set(name, { body: readFileSync(path), contentType, cacheControl: 'public, max-age=31536000, immutable' });
    }
  }

  asset(name: string): UiFile | null {
    return this.assets.get(name) ?? null;
  }
}
