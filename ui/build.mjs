// Builds the dashboard into dist/ui: one script bundle and one stylesheet, named by their content hash so
// they can be cached for good, and index.html pointing at them. The API serves this folder at /ui.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'ui');
const assets = join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: { app: join(here, 'src', 'main.tsx'), style: join(here, 'styles.css') },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  entryNames: '[name]-[hash]',
  outdir: assets,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const pick = (prefix, ext) => {
  const name = outputs.find((f) => f.startsWith(prefix) && f.endsWith(ext));
  if (!name) throw new Error(`the build wrote no ${prefix}*${ext}`);
  return name;
};
const html = readFileSync(join(here, 'index.html'), 'utf8').replace('{{js}}', pick('app-', '.js')).replace('{{css}}', pick('style-', '.css'));
writeFileSync(join(out, 'index.html'), html);
