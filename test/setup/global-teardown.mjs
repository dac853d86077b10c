import { stopApps } from '../../scripts/lib/infra.mjs';

export default async function globalTeardown() {
  const state = globalThis.__hookstream;
  if (!state) return;
  await stopApps(state.apps);
  await state.postgres.stop();
  // The broker is left running when it was already up before the run (scripts/kafka.sh reuses it).
  if (process.env.CI) await state.kafka.stop();
}
