// Offered load: events written straight to Kafka one at a time at a fixed rate, open loop.
import { sleep } from './stats.mjs';

/**
 * Sends `rate` events per second for `seconds`, each at its planned time whether or not earlier sends have
 * finished. `event(i)` makes the i-th event. Resolves once every send settled, with each id's send time.
 */
export async function openLoop(system, { rate, seconds, event, onTick }) {
  const sentAt = new Map();
  const n = Math.round(rate * seconds);
  const start = Date.now();
  const sends = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    const e = event(i);
    sentAt.set(e.id, Date.now());
    sends.push(system.send(e).catch(() => failed++));
    onTick?.(i);
  }
  await Promise.all(sends);
  return { n, sentAt, failed };
}

/** Publish → first arrival of each of `ids` (all sent ids when absent), ascending; a lost one counts as Infinity. */
export function latenciesOf(sentAt, arrivals, ids = [...sentAt.keys()]) {
  return ids.map((id) => (arrivals[id] ?? Infinity) - sentAt.get(id)).sort((a, b) => a - b);
}
