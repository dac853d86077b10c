// The comparison run (the bench's original measurements): the raw limit of both delivery HTTP clients, a
// BullMQ baseline with each, hookstream end to end with its default client (straight to Kafka at fan-out 1
// and 3, through POST /events, latency at fixed rates), then with the other client; ratios, CPU and memory.
import { startApp, stopApps, waitHealthy, healthUrls } from '../../scripts/lib/infra.mjs';
import { bullmqRun } from '../bullmq-baseline.mjs';
import { clients, rawLimit } from '../lib/http-clients.mjs';
import { latenciesOf, openLoop } from '../lib/load.mjs';
import { deferralDelta, endpointMetrics } from '../lib/observe.mjs';
import { latencySummary, pidsOf, procStat, sustainedRate } from '../lib/stats.mjs';
import { startSystem } from '../lib/system.mjs';

export const CONCURRENCY = 64;
export const DEFAULT_CLIENT = process.env.DELIVERY_CLIENT ?? 'undici';
const OTHER_CLIENT = DEFAULT_CLIENT === 'undici' ? 'got' : 'undici';

export const compareSettings = (quick) => ({
  seconds: quick ? 3 : 8,
  events: quick ? 4000 : 15000,
  warmup: quick ? 2000 : 4000,
  rates: quick ? [100, 500] : [100, 500, 1000],
});

/**
 * The system the comparison and the soak measure: DELIVERY_CONCURRENCY 256 (4 × the baseline's 64), one
 * subscription for `one.*` and three for `three.*` at the receiver, warmed up. The per-endpoint cap is lifted
 * to every slot, as it was before the cap existed, so the figures stay comparable with earlier runs: here one
 * endpoint takes the whole load on purpose. One run with the cap as shipped shows what it costs.
 */
export async function comparisonSystem(ctx, env = {}) {
  const { warmup } = compareSettings(ctx.quick);
  const system = await startSystem(ctx, {
    name: 'compare',
    basePort: 3500,
    database: 'hookstream_bench',
    env: { DELIVERY_CONCURRENCY: String(CONCURRENCY * 4), ENDPOINT_MAX_IN_FLIGHT: String(CONCURRENCY * 4), DELIVERY_CLIENT: DEFAULT_CLIENT, ...env },
  });
  await system.subscribe({ url: ctx.receiver.url, events: ['one.*'] });
  for (let i = 0; i < 3; i++) await system.subscribe({ url: ctx.receiver.url, events: ['three.*'] });
  await warmUp(ctx, system, 'warm', warmup);
  return system;
}

export async function warmUp(ctx, system, label, n, type = 'one.warm', fields = {}) {
  await ctx.receiver.reset();
  await system.produce(
    Array.from({ length: n }, (_, i) => `${label}_${i}`),
    type,
    fields,
  );
  await ctx.receiver.waitFor(n);
}

export async function compare(ctx) {
  const { receiver, report } = ctx;
  const { row } = report;
  const { seconds, events, warmup, rates } = compareSettings(ctx.quick);
  const post = await clients(receiver.url, CONCURRENCY);
  const measured = {};

  // 1. Raw limit of the delivery HTTP clients against the same receiver.
  for (const kind of ['got', 'undici']) {
    await rawLimit(post[kind], { concurrency: CONCURRENCY, seconds }); // warm-up
    measured[`raw ${kind}`] = await rawLimit(post[kind], { concurrency: CONCURRENCY, seconds });
    row('raw limit', `${kind}, concurrency ${CONCURRENCY}`, measured[`raw ${kind}`], 'req/s');
  }
  // 3. The baseline a user might pick instead, with each client.
  for (const kind of ['got', 'undici']) {
    await bullmqRun({ post: post[kind], jobs: warmup, concurrency: CONCURRENCY, label: `bullwarm_${kind}` });
    await receiver.reset();
    await bullmqRun({ post: post[kind], jobs: events, concurrency: CONCURRENCY, label: `bull_${kind}` });
    measured[`bullmq ${kind}`] = sustainedRate((await receiver.waitFor(events)).times);
    row('baseline', `BullMQ on Redis + ${kind}, concurrency ${CONCURRENCY}, ${events} jobs`, measured[`bullmq ${kind}`], 'deliveries/s');
  }

  // 2. hookstream end to end.
  const system = await comparisonSystem(ctx);
  const { apps, env } = system;
  try {
    const cpuBefore = Object.fromEntries(apps.map((a) => [a.app, procStat(a.child.pid).cpu]));
    const others = () => ({
      'kafka broker': pidsOf('kafka.Kafka').reduce((s, p) => s + procStat(p).cpu, 0),
      postgres: pidsOf('postgres').reduce((s, p) => s + procStat(p).cpu, 0),
      receiver: procStat(receiver.pid).cpu,
    });
    const othersBefore = others();
    let delivered = 0;
    const throughput = async (label, fanout, type, idPrefix = type, timeoutMs = 600000) => {
      await receiver.reset();
      const before = await endpointMetrics(system);
      await system.produce(
        Array.from({ length: events }, (_, i) => `${idPrefix}_${i}`),
        `${type}.event`,
      );
      const r = await receiver.waitFor(events * fanout, timeoutMs);
      if (r.count < events * fanout) row('hookstream', `… only ${r.count} of ${events * fanout} deliveries arrived within ${timeoutMs / 1000} s`, 'incomplete', '');
      delivered += r.count;
      const rate = sustainedRate(r.times);
      row('hookstream', label, rate, 'deliveries/s');
      row('hookstream', '… deliveries deferred during it', deferralDelta(before, await endpointMetrics(system)), '');
      return rate;
    };
    measured[`hookstream ${DEFAULT_CLIENT}`] = await throughput(`${DEFAULT_CLIENT}, straight to Kafka, fan-out 1, ${events} events`, 1, 'one');
    await throughput(`${DEFAULT_CLIENT}, straight to Kafka, fan-out 3, ${events} events`, 3, 'three');

    // Through the API, closed loop at CONCURRENCY.
    await receiver.reset();
    let posted = 0;
    const apiEnd = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < apiEnd) {
          await system.api('POST', '/events', { type: 'one.api', data: { n: posted } });
          posted++;
        }
      }),
    );
    const apiReport = await receiver.waitFor(posted);
    delivered += apiReport.count;
    row('hookstream', `${DEFAULT_CLIENT}, via POST /events, concurrency ${CONCURRENCY}`, sustainedRate(apiReport.times), 'deliveries/s');

    // Latency at fixed offered rates, open loop, straight to Kafka: publish → the receiver's arrival.
    const latencyAt = async (rate, label, idPrefix = 'lat') => {
      await receiver.reset();
      const before = await endpointMetrics(system);
      const r = await openLoop(system, { rate, seconds: Math.min(seconds, 10), event: (i) => ({ id: `${idPrefix}${rate}_${i}`, type: 'one.lat', data: {} }) });
      const arrived = await receiver.waitFor(r.n, 240000);
      delivered += arrived.count;
      row('hookstream', `${label}, latency at ${rate} events/s offered (p50 / p95 / p99 / max)`, latencySummary(latenciesOf(r.sentAt, arrived.arrivals)), 'ms');
      row('hookstream', '… deliveries deferred during it', deferralDelta(before, await endpointMetrics(system)), '');
    };
    for (const rate of rates) await latencyAt(rate, DEFAULT_CLIENT);
    const othersAfter = others();
    const cost = apps.map((a) => [a.app, procStat(a.child.pid)]);

    // The same system with the other client: only the dispatcher restarts.
    const restartDispatcher = async (changes, warmLabel) => {
      const dispatcher = system.app('dispatcher');
      await stopApps([dispatcher]);
      apps[apps.indexOf(dispatcher)] = startApp(ctx.root, 'dispatcher', { ...env, ...changes }, system.logsDir);
      await waitHealthy(healthUrls(env));
      await warmUp(ctx, system, warmLabel, warmup);
    };
    await restartDispatcher({ DELIVERY_CLIENT: OTHER_CLIENT }, 'warm2');
    measured[`hookstream ${OTHER_CLIENT}`] = await throughput(`${OTHER_CLIENT}, straight to Kafka, fan-out 1, ${events} events`, 1, 'one', 'other');
    // The cost figures divide by the deliveries up to here, as they always have.
    const deliveredForCost = delivered;

    // The default client again with the per-endpoint cap rule as shipped (an eighth of the slots, an eighth of that
    // while slow): what it costs one endpoint that takes the whole load, first on these 256 slots (cap 32), then
    // with DELIVERY_CONCURRENCY as shipped too (1,024, cap 128). Up to a cap's worth wait in the dispatcher for a
    // place; a burst beyond that is deferred, each delivery to the next place the endpoint is expected to free.
    await restartDispatcher({ DELIVERY_CLIENT: DEFAULT_CLIENT, ENDPOINT_MAX_IN_FLIGHT: '0' }, 'warm3');
    const capped = `${DEFAULT_CLIENT}, ENDPOINT_MAX_IN_FLIGHT as shipped (${(CONCURRENCY * 4) / 8}, ${(CONCURRENCY * 4) / 64} while slow)`;
    await throughput(`${capped}: straight to Kafka, fan-out 1, ${events} events`, 1, 'one', 'capped', 240000);
    await latencyAt(1000, capped, 'capped');
    await restartDispatcher({ DELIVERY_CLIENT: DEFAULT_CLIENT, ENDPOINT_MAX_IN_FLIGHT: '0', DELIVERY_CONCURRENCY: '1024' }, 'warm4');
    const shipped = `${DEFAULT_CLIENT}, DELIVERY_CONCURRENCY and ENDPOINT_MAX_IN_FLIGHT as shipped (1024; 128, 16 while slow)`;
    await throughput(`${shipped}: straight to Kafka, fan-out 1, ${events} events`, 1, 'one', 'shipped', 240000);
    await latencyAt(1000, shipped, 'shipped');

    // 4. Ratios, same client on both sides, 5. CPU and memory.
    for (const kind of [DEFAULT_CLIENT, OTHER_CLIENT]) {
      row('ratio', `hookstream fan-out 1 ÷ raw ${kind} (both ${kind})`, measured[`hookstream ${kind}`] / measured[`raw ${kind}`], '×');
      row('ratio', `hookstream fan-out 1 ÷ BullMQ baseline (both ${kind})`, measured[`hookstream ${kind}`] / measured[`bullmq ${kind}`], '×');
    }
    row('ratio', `hookstream as shipped (${DEFAULT_CLIENT}) ÷ BullMQ + ${OTHER_CLIENT}`, measured[`hookstream ${DEFAULT_CLIENT}`] / measured[`bullmq ${OTHER_CLIENT}`], '×');
    const per1000 = (cpuSeconds) => ((cpuSeconds * 1000) / deliveredForCost).toFixed(2);
    for (const [app, now] of cost) row('cost', `${app}: CPU s per 1,000 deliveries / peak RSS`, `${per1000(now.cpu - cpuBefore[app])} / ${now.peakMb.toFixed(0)}`, 's / MB');
    for (const name of Object.keys(othersAfter)) row('cost', `${name}: CPU s per 1,000 deliveries`, per1000(othersAfter[name] - othersBefore[name]), 's');
    const total = cost.reduce((s, [app, now]) => s + now.cpu - cpuBefore[app], 0) + Object.keys(othersAfter).reduce((s, k) => s + othersAfter[k] - othersBefore[k], 0);
    row('cost', 'whole machine (apps, broker, Postgres, receiver): CPU s per 1,000 deliveries', per1000(total), 's');
    for (const [name, pattern] of [['kafka broker', 'kafka.Kafka'], ['postgres (largest process)', 'postgres']]) {
      row('cost', `${name}: peak RSS`, Math.max(0, ...pidsOf(pattern).map((pid) => procStat(pid).peakMb)), 'MB');
    }
  } finally {
    await system.stop();
  }
}
