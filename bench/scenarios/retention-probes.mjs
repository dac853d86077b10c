// What the retention scenario watches: how far the read model trails the load (probes), and the pruning run
// the projector logged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../lib/stats.mjs';

/**
 * Probes one after another until stopped: the newest event sent (`sent`, updated by the load) is polled every
 * 20 ms until its row is there (event lag, from its send) and its delivery is `delivered` (attempt lag, from the
 * end of the attempt the row records); with the projector's consumer lag in records at that moment.
 */
export function sampleLag(system, sent, subscriptionId) {
  const samples = [];
  let running = true;
  const group = `${system.prefix}.status-projector`;
  const loop = (async () => {
    while (running) {
      if (!sent.id) {
        await sleep(100);
        continue;
      }
      const { id, at } = sent;
      let eventMs = Infinity;
      let attemptMs = Infinity;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && (eventMs === Infinity || attemptMs === Infinity); await sleep(20)) {
        const [r] = await system.query(
          `SELECT (SELECT true FROM events WHERE tenant_id = '' AND id = $1) AS seen,
                  (SELECT last_attempt_at FROM deliveries WHERE tenant_id = '' AND event_id = $1 AND subscription_id = $2 AND status = 'delivered') AS ended`,
          [id, subscriptionId],
        );
        const now = Date.now();
        if (eventMs === Infinity && r.seen) eventMs = now - at;
        if (attemptMs === Infinity && r.ended) attemptMs = now - r.ended.getTime();
      }
      samples.push({ sentAt: at, eventMs, attemptMs, consumerLag: consumerLag(await system.metrics('status-projector'), group) });
      await sleep(200);
    }
    return samples;
  })();
  return {
    stop: () => {
      running = false;
      return loop;
    },
  };
}

const consumerLag = (text, group) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('hookstream_consumer_lag{') && l.includes(`group="${group}"`))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

/** The first pruning run that deleted something, from the projector's log: its start, end and rows by table; null before. */
export function pruningRun(logsDir) {
  const file = join(logsDir, 'status-projector.log');
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"read model pruned"')) continue;
    const l = JSON.parse(line);
    if (!(l['read_model.pruned_total'] > 0)) continue;
    const end = Date.parse(l['@timestamp']);
    return { start: end - l['event.duration'] / 1e6, end, pruned: l['read_model.pruned'] };
  }
  return null;
}
