import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, stopApps } from '../../scripts/lib/infra.mjs';

export default async function globalTeardown() {
  const state = globalThis.__hookstream;
  if (!state) return;
  await stopApps(state.apps);
  // Apps that tests restarted themselves (after killing the originals) left their pids here.
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../.data/test-pids');
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    try {
      process.kill(Number(f), 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(join(dir, f));
  }
  await dropDatabase(state.postgres.url).catch(() => undefined);
  await state.postgres.stop();
  // The broker is left running when it was already up before the run (scripts/kafka.sh reuses it).
  if (process.env.CI) await state.kafka.stop();
}
