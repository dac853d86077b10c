// What the bench watches inside a system while a scenario runs: the dispatcher's deferral and circuit
// metrics, its consumer lag, the apps' CPU, and the read model's delivery states.
import { procStat, sleep } from './stats.mjs';
import { metricBy, metricValue } from './system.mjs';

/** Deferrals by reason and circuits open, from the dispatcher's /metrics. */
export async function endpointMetrics(system) {
  const text = await system.metrics('dispatcher');
  return {
    deferred: metricBy(text, 'hookstream_deliveries_deferred_total', 'reason'),
    circuitsOpen: metricValue(text, 'hookstream_circuits_open'),
    eventsLag: sumWhere(text, 'hookstream_consumer_lag', `topic="${system.prefix}.events"`),
    deliveriesLag: sumWhere(text, 'hookstream_consumer_lag', `topic="${system.prefix}.deliveries"`),
    loopDelayMaxMs: metricValue(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

const sumWhere = (text, name, labelText) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labelText))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

/** "reason n, reason n" of the deferral counts between two snapshots. */
export function deferralDelta(before, after) {
  const reasons = ['in_flight_cap', 'circuit_open', 'rate_limit'];
  return reasons.map((r) => `${r} ${Math.round((after.deferred[r] ?? 0) - (before.deferred[r] ?? 0))}`).join(', ');
}

/** Samples the endpoint metrics every second until stopped; resolves to the samples with their time. */
export function sampleEndpointMetrics(system) {
  const samples = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      samples.push({ at, ...(await endpointMetrics(system)) });
      await sleep(Math.max(0, 1000 - (Date.now() - at)));
    }
    return samples;
  })();
  return {
    samples,
    stop: () => {
      running = false;
      return loop;
    },
  };
}

/** CPU seconds each app used between two calls of the returned function. */
export function cpuMeter(system) {
  const before = Object.fromEntries(system.apps.map((a) => [a.app, procStat(a.child.pid).cpu]));
  return () => Object.fromEntries(system.apps.map((a) => [a.app, procStat(a.child.pid).cpu - before[a.app]]));
}

/** Delivery rows of the given subscriptions by status. */
export async function deliveryStates(system, subscriptionIds) {
  const rows = await system.query('select status, count(*)::int as n from deliveries where subscription_id = any($1) group by status', [subscriptionIds]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Polls the read model until `done(states)` holds or `timeoutMs` passes; resolves to the last states and
 * how long it took.
 */
export async function waitForStates(system, subscriptionIds, done, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const states = await deliveryStates(system, subscriptionIds);
    if (done(states)) return { states, ms: Date.now() - started, reached: true };
    if (Date.now() - started > timeoutMs) return { states, ms: Date.now() - started, reached: false };
    await sleep(2000);
  }
}

export const describeStates = (states) =>
  Object.entries(states)
    .sort()
    .map(([s, n]) => `${s} ${n}`)
    .join(', ') || 'none';
