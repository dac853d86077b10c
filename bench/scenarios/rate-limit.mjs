// Rate limit: one subscription with rate_limit 20 under 200 events/s offered for 30 s, straight to Kafka.
// Measures the arrival rate at the receiver over the whole drain and over its steady middle, and checks
// that every event was delivered (deferred, never failed) and none twice.
import { openLoop } from '../lib/load.mjs';
import { deferralDelta, describeStates, endpointMetrics, waitForStates } from '../lib/observe.mjs';
import { startReceiver } from '../lib/receiver.mjs';
import { loadAverage, maxInWindow, sustainedRate, wholeRate } from '../lib/stats.mjs';
import { startSystem } from '../lib/system.mjs';

const LIMIT = 20;
const OFFERED = 200;

/**
 * Offers the load, then returns the drain (about 5 minutes at 20/s) as background work: the arrivals
 * follow reserved time slots, so the drain is measured correctly beside other work that leaves the
 * machine room to spare.
 */
export async function rateLimit(ctx) {
  const { report } = ctx;
  const { row } = report;
  const seconds = ctx.quick ? 10 : 30;
  const receiver = await startReceiver(ctx.root);
  // The shipped retry schedule (1, 4, 16, 64, 256 s): a deferred delivery may wait its 341 s plus 60 s, more
  // than the 270 s the last of 6,000 events waits for its slot at 20/s.
  const system = await startSystem(ctx, { name: 'ratelimit', basePort: 3520, database: 'hookstream_bench_ratelimit' });
  const stop = async () => {
    await system.stop();
    receiver.stop();
  };
  try {
    report.note(`shipped settings (retry schedule 1, 4, 16, 64, 256 s: a deferred delivery may wait 341 s + 60 s, longer than the ${Math.round((OFFERED * seconds) / LIMIT - seconds)} s the last event waits for its slot); one dispatcher; load average at start ${loadAverage()}`);
    await system.subscribe({ url: `${receiver.base}/warm`, events: ['warm.*'] });
    await system.produce(
      Array.from({ length: 1000 }, (_, i) => `warm_${i}`),
      'warm.event',
    );
    await receiver.waitFor(1000);
    await receiver.reset();
    const subId = await system.subscribe({ url: `${receiver.base}/limited`, events: ['rl.*'], rate_limit: LIMIT });
    const before = await endpointMetrics(system);
    const offered = await openLoop(system, { rate: OFFERED, seconds, event: (i) => ({ id: `rl_${i}`, type: 'rl.event', data: { n: i } }) });
    const offerEnded = Date.now();
    const drain = async () => {
      const r = await receiver.waitFor(offered.n, (offered.n / LIMIT) * 1000 + 120000);
      const times = r.times;
      row('rate limit', `offered: ${offered.n} events at ${OFFERED}/s for ${seconds} s to one subscription with rate_limit ${LIMIT}; publish failures`, String(offered.failed), '');
      row('rate limit', 'arrivals / distinct events arrived', `${r.count} / ${Object.keys(r.arrivals).length}`, '');
      const whole = wholeRate(times);
      const middle = sustainedRate(times);
      row('rate limit', 'arrival rate over the whole drain (first to last arrival)', whole.toFixed(2), '/s');
      row('rate limit', 'arrival rate over the steady middle (middle 80 % of arrivals)', middle.toFixed(2), '/s');
      row('rate limit', `both within 10 % of ${LIMIT}/s`, [whole, middle].every((x) => Math.abs(x / LIMIT - 1) <= 0.1) ? 'yes' : 'no', '');
      row('rate limit', 'most arrivals in any 1 s / any 10 s', `${maxInWindow(times, 1000)} / ${maxInWindow(times, 10000)}`, '');
      row('rate limit', 'drain: first arrival → last arrival / end of offer → last arrival', `${Math.round((Math.max(...times) - Math.min(...times)) / 1000)} / ${Math.round((Math.max(...times) - offerEnded) / 1000)}`, 's');
      const done = await waitForStates(system, [subId], (s) => (s.delivered ?? 0) + (s.failed ?? 0) >= offered.n, 60000);
      row('rate limit', `deliveries in the read model (${offered.n} events)`, describeStates(done.states), '');
      row('rate limit', 'nothing lost (all delivered, none twice)', (done.states.delivered ?? 0) === offered.n && r.count === offered.n ? 'yes' : 'no', '');
      row('rate limit', 'deferrals (dispatcher /metrics)', deferralDelta(before, await endpointMetrics(system)), '');
      const [deferrals] = await system.query('select count(*)::int as n, count(distinct event_id)::int as events from deferrals where subscription_id = $1', [subId]);
      row('rate limit', 'deferrals in the read model / events deferred', `${deferrals.n} / ${deferrals.events}`, '');
    };
    return { background: drain().finally(stop), steady: true };
  } catch (e) {
    await stop();
    throw e;
  }
}
