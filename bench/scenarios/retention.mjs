// Read-model retention under load (BENCH_SCENARIO=retention): a day of about 1,000,000 attempts (with their
// events, deliveries, audit rows, deferrals and statistics) 31–32 days old, beside a month of newer history,
// is pruned by the status projector (READ_MODEL_RETENTION_DAYS 30) while 500 events/s go to one subscription
// at the receiver (500 deliveries/s). Probes, one after another, time how long the newest event sent takes to
// appear in the read model and how long its attempt takes from its end to its row; before, during and after
// the pruning run. Target: projection lag under 2 s throughout the run.
import { startApp, stopApps, waitHealthy } from '../../scripts/lib/infra.mjs';
import { fillReadModel, generatedSubscriptions } from '../../scripts/lib/read-model-fill.mjs';
import { openLoop } from '../lib/load.mjs';
import { loadAverage, quantile, sleep } from '../lib/stats.mjs';
import { startSystem } from '../lib/system.mjs';
import { withClient } from './console.mjs';
import { pruningRun, sampleLag } from './retention-probes.mjs';

const RATE = 500;
const TARGET_MS = 2000;

export async function retention(ctx) {
  const { report, receiver } = ctx;
  const { row } = report;
  const oldAttempts = ctx.quick ? 100_000 : 1_000_000;
  // The first run comes one interval after the projector's start: after the load's warm-up and a baseline.
  const intervalS = ctx.quick ? 45 : 60;
  const warmUpMs = 20_000;
  const system = await startSystem(ctx, { name: 'retention', basePort: 3580, database: 'hookstream_bench_retention', env: { READ_MODEL_PRUNE_INTERVAL: '24h' } });
  try {
    const subscriptionId = await system.subscribe({ url: receiver.url, events: ['ret.*'] });
    const started = Date.now();
    const old = await withClient(system, (c) => fillReadModel(c, { attempts: oldAttempts, days: 1, endingDaysAgo: 31, subscriptions: generatedSubscriptions('old', 5, 5), prefix: 'old' }));
    const recent = await withClient(system, (c) => fillReadModel(c, { attempts: oldAttempts / 10, days: 29, endingDaysAgo: 0.5, subscriptions: generatedSubscriptions('recent', 5, 5), prefix: 'recent' }));
    await withClient(system, (c) => c.query('VACUUM ANALYZE'));
    report.note(`old: ${old.attempts} attempts, ${old.deliveries} deliveries, ${old.events} events accepted ${old.from} – ${old.to}; newer: ${recent.attempts} attempts over 29 days; filled and vacuumed in ${Math.round((Date.now() - started) / 1000)} s`);

    // The projector again, now pruning: its first run comes one interval after it started, under load by then.
    const index = system.apps.findIndex((a) => a.app === 'status-projector');
    await stopApps([system.apps[index]]);
    system.apps[index] = startApp(ctx.root, 'status-projector', { ...system.env, READ_MODEL_PRUNE_INTERVAL: `${intervalS}s` }, system.logsDir);
    const projectorStarted = Date.now();
    await waitHealthy([`http://127.0.0.1:${system.env.STATUS_PROJECTOR_PORT}/health`]);
    report.note(`READ_MODEL_RETENTION_DAYS 30 (default), the projector restarted with READ_MODEL_PRUNE_INTERVAL ${intervalS}s; ${RATE} events/s from then on, the first ${warmUpMs / 1000} s a warm-up left out of the figures; load average at start ${loadAverage()}`);

    const loadStarted = Date.now();
    const sent = { id: null, at: 0 };
    const lag = sampleLag(system, sent, subscriptionId);
    const latencies = [];
    let run = null;
    let segment = 0;
    for (const deadline = Date.now() + 20 * 60_000; Date.now() < deadline; segment++) {
      await receiver.reset();
      const r = await openLoop(system, {
        rate: RATE,
        seconds: 5,
        event: (i) => ({ id: `ret_${segment}_${i}`, type: 'ret.event', data: { n: i } }),
        onTick: (i) => Object.assign(sent, { id: `ret_${segment}_${i}`, at: Date.now() }),
      });
      const arrived = await receiver.waitFor(r.n, 60_000);
      for (const [id, at] of r.sentAt) latencies.push({ at, ms: (arrived.arrivals[id] ?? Infinity) - at });
      run ??= pruningRun(system.logsDir);
      // 15 s of load after the run ended, to see the lag settle.
      if (run && Date.now() > run.end + 15_000) break;
    }
    const probes = await lag.stop();
    if (!run) throw new Error('the pruning run did not end within 20 minutes');

    const total = Object.values(run.pruned).reduce((a, b) => a + b, 0);
    row('pruning', 'rows pruned: attempts / audit_log / deliveries / events / deferrals / delivery_stats', ['attempts', 'audit_log', 'deliveries', 'events', 'deferrals', 'delivery_stats'].map((t) => run.pruned[t] ?? 0).join(' / '), 'rows');
    row('pruning', 'rows pruned in all / run time / rate', `${total} / ${((run.end - run.start) / 1000).toFixed(0)} s / ${Math.round(total / ((run.end - run.start) / 1000))}`, 'rows / s / rows per s');
    row('pruning', 'the run began after the projector started', ((run.start - projectorStarted) / 1000).toFixed(0), 's');
    const phase = (at) => (at < loadStarted + warmUpMs ? 'warm-up' : at < run.start ? 'before' : at <= run.end ? 'during' : 'after');
    const summary = (xs) => (xs.length === 0 ? 'none' : `${Math.round(quantile(xs, 0.5))} / ${Math.round(quantile(xs, 0.95))} / ${Math.round(xs[xs.length - 1])}`);
    let worst = 0;
    for (const p of ['before', 'during', 'after']) {
      const mine = probes.filter((x) => phase(x.sentAt) === p);
      const events = mine.map((x) => x.eventMs).sort((a, b) => a - b);
      const attempts = mine.map((x) => x.attemptMs).sort((a, b) => a - b);
      const delivery = latencies.filter((l) => phase(l.at) === p).map((l) => l.ms).sort((a, b) => a - b);
      if (p === 'during') worst = Math.max(events[events.length - 1] ?? Infinity, attempts[attempts.length - 1] ?? Infinity);
      row(p, `event sent → its row (${events.length} probes), p50 / p95 / max`, summary(events), 'ms');
      row(p, 'attempt ended → its row, p50 / p95 / max', summary(attempts), 'ms');
      row(p, `publish → receiver (${delivery.length} deliveries), p50 / p99 / max`, delivery.length ? [0.5, 0.99, 1].map((q) => Math.round(quantile(delivery, q))).join(' / ') : 'none', 'ms');
      row(p, 'projector consumer lag, most records behind', String(Math.max(0, ...mine.map((x) => x.consumerLag))), 'records');
    }
    row('retention', `projection lag during pruning under ${TARGET_MS} ms (event and attempt rows, max)`, `${worst < TARGET_MS ? 'yes' : 'no'} (${Math.round(worst)} ms)`, '');
    row('retention', 'rows older than 30 days left after the run', String((await system.query(`SELECT (SELECT count(*) FROM attempts WHERE started_at < now() - interval '30 days')::int
      + (SELECT count(*) FROM events WHERE accepted_at < now() - interval '30 days')::int + (SELECT count(*) FROM deliveries WHERE accepted_at < now() - interval '30 days')::int AS n`))[0].n), '');
  } finally {
    await system.stop();
    await sleep(500);
  }
}
