// BENCH_SOAK=1 (or BENCH_SCENARIO=soak): SOAK_RATE events/s for SOAK_SECONDS on the comparison system, each
// app's resident memory sampled every 5 s. Memory is flat when the last minute's average is within 20 % of
// the first minute's.
import { latenciesOf, openLoop } from '../lib/load.mjs';
import { procStat, quantile } from '../lib/stats.mjs';
import { metricValue } from '../lib/system.mjs';
import { comparisonSystem } from './compare.mjs';

const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const SOAK_RATE = 500;

export async function soak(ctx) {
  const { row } = ctx.report;
  const system = await comparisonSystem(ctx);
  try {
    await ctx.receiver.reset();
    await run(ctx, system);
    const ids = metricValue(await system.metrics('dispatcher'), 'hookstream_idempotency_ids');
    row('soak', 'dispatcher: event ids held for the idempotency window at the end (grows with the window by design)', String(ids), '');
  } finally {
    await system.stop();
  }
}

async function run(ctx, system) {
  const { row } = ctx.report;
  const { apps } = system;
  const samples = Object.fromEntries(apps.map((a) => [a.app, []]));
  const started = Date.now();
  // Resident memory, and the V8 heap in use from each app's /metrics (its low points show what survives GC).
  const memoryMb = async (app) => {
    const text = await system.metrics(app);
    return { heap: metricValue(text, 'nodejs_heap_size_used_bytes') / 1048576, external: metricValue(text, 'nodejs_external_memory_bytes') / 1048576 };
  };
  const sample = () => {
    for (const a of apps) {
      const entry = { t: (Date.now() - started) / 1000, mb: procStat(a.child.pid).rssMb, heap: NaN, external: NaN };
      samples[a.app].push(entry);
      void memoryMb(a.app).then((m) => Object.assign(entry, m));
    }
  };
  sample();
  const timer = setInterval(sample, 5000);
  const r = await openLoop(system, {
    rate: SOAK_RATE,
    seconds: SOAK_SECONDS,
    event: (i) => ({ id: `soak_${i}`, type: 'one.lat', data: {} }),
    onTick: (i) => i % (SOAK_RATE * 30) === 0 && console.log(`soak: ${Math.round(i / SOAK_RATE)} s`),
  });
  const arrived = await ctx.receiver.waitFor(r.n);
  clearInterval(timer);
  sample();
  const latencies = latenciesOf(r.sentAt, arrived.arrivals);
  row('soak', `events offered at ${SOAK_RATE}/s for ${SOAK_SECONDS} s / delivered / publish failures`, `${r.n} / ${arrived.count} / ${r.failed}`, '');
  row('soak', 'latency p50 / p99 / max', [0.5, 0.99, 1].map((p) => quantile(latencies, p)).join(' / '), 'ms');
  const avg = (xs) => xs.reduce((s, x) => s + x.mb, 0) / Math.max(1, xs.length);
  const low = (xs, field) => Math.min(...xs.map((x) => x[field]).filter((h) => Number.isFinite(h)));
  for (const [app, xs] of Object.entries(samples)) {
    const firstMinute = xs.filter((x) => x.t <= 60);
    const lastMinute = xs.filter((x) => x.t >= SOAK_SECONDS - 60);
    const [first, last] = [avg(firstMinute), avg(lastMinute)];
    const growth = (last / first - 1) * 100;
    row('soak', `${app}: RSS first minute → last minute (max)`, `${first.toFixed(0)} → ${last.toFixed(0)} (${Math.max(...xs.map((x) => x.mb)).toFixed(0)})`, 'MB');
    row('soak', `${app}: RSS growth, at most 20 %`, `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % ${growth <= 20 ? 'yes' : 'no'}`, '');
    row(
      'soak',
      `${app}: V8 heap in use / external (Buffers), lowest sample of first minute → of last minute`,
      `${low(firstMinute, 'heap').toFixed(0)} → ${low(lastMinute, 'heap').toFixed(0)} / ${low(firstMinute, 'external').toFixed(0)} → ${low(lastMinute, 'external').toFixed(0)}`,
      'MB',
    );
  }
}
