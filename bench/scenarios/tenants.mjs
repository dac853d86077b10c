// Tenants scale: the bench's throughput (fan-out 1 straight to Kafka) and latency at a fixed rate on a system
// with one tenant and its one subscription ("plain") and on one with 1,000 tenants and 10,000 subscriptions
// registered through the API ("scaled"). Both run at once and are measured in turns (plain, scaled, scaled,
// plain, …), so the machine's drift weighs on both alike. Events carry the tenant id of the tenant whose
// subscription points at the receiver; every other subscription points at the receiver too, under its own
// path, so an event routed to another tenant (or past a filter) would show up.
import { latenciesOf, openLoop } from '../lib/load.mjs';
import { latencySummary, loadAverage, procStat, quantile, sleep, sustainedRate } from '../lib/stats.mjs';
import { startSystem } from '../lib/system.mjs';
import { compareSettings, CONCURRENCY, DEFAULT_CLIENT, warmUp } from './compare.mjs';

const TENANTS = 1000;
const SUBSCRIPTIONS = 10000;
const TENANT = 'bench_t0';
const LATENCY_RATE = 500;
/** Event types of a tenant's other subscriptions: some match the bench's type, one behind a filter. */
const OTHER_SUBSCRIPTIONS = [
  { events: ['one.*'] },
  { events: ['*'] },
  { events: ['one.event'], filter: { 'data.n': { gte: 100 } } },
  { events: ['order.created'] },
  { events: ['order.*', 'invoice.paid'] },
  { events: ['customer.*'] },
  { events: ['one.other'] },
  { events: ['shipment.*'], filter: { 'data.country': { in: ['DE', 'FR'] } } },
  { events: ['refund.created'] },
  { events: ['payout.*'] },
];
/** The bench tenant's own nine others: none may take the bench's events (one does by type, not by filter). */
const OWN_OTHERS = [{ events: ['one.event'], filter: { 'data.n': { gt: 1e12 } } }, { events: ['one.created'] }, ...OTHER_SUBSCRIPTIONS.slice(3)];

export async function tenants(ctx) {
  const { report, receiver } = ctx;
  const { row } = report;
  const { events, warmup } = compareSettings(ctx.quick);
  const latencySeconds = ctx.quick ? 3 : 8;
  const rounds = ctx.quick ? ['plain', 'scaled'] : ['plain', 'scaled', 'scaled', 'plain', 'plain', 'scaled'];
  // The per-endpoint cap lifted to every slot: with it, one endpoint taking the whole bench load spends most of
  // the machine on deferrals (see the comparison run), and that noise would swamp what tenants cost.
  const env = { DELIVERY_CONCURRENCY: String(CONCURRENCY * 4), ENDPOINT_MAX_IN_FLIGHT: String(CONCURRENCY * 4), DELIVERY_CLIENT: DEFAULT_CLIENT };
  const [plain, scaled] = await Promise.all([
    startSystem(ctx, { name: 'tenants-plain', basePort: 3530, database: 'hookstream_bench_plain', env }),
    startSystem(ctx, { name: 'tenants-scaled', basePort: 3540, database: 'hookstream_bench_scaled', env }),
  ]);
  const systems = { plain, scaled };
  report.note(`both systems as the comparison run's (DELIVERY_CONCURRENCY ${CONCURRENCY * 4}, ${DEFAULT_CLIENT}) but with ENDPOINT_MAX_IN_FLIGHT ${CONCURRENCY * 4}, the cap lifted, since all the load goes to one endpoint; measured in turns ${rounds.join(', ')}; load average at start ${loadAverage()}`);
  try {
    for (const system of [plain, scaled]) {
      await created(system.api('POST', '/tenants', { id: TENANT, name: 'bench tenant' }));
      await system.subscribe({ url: receiver.url, events: ['one.*'], tenant_id: TENANT });
    }
    const registered = await register(scaled, receiver);
    row('setup', `scaled: ${TENANTS} tenants and ${SUBSCRIPTIONS} subscriptions registered through the API, 16 at a time`, `${(registered.ms / 1000).toFixed(0)} s (${Math.round(((TENANTS + SUBSCRIPTIONS) * 1000) / registered.ms)} requests/s)`, '');
    const listed = await readModelHolds(scaled);
    row('setup', 'scaled: subscriptions / tenants with subscriptions in the read model', `${listed.subs} / ${listed.tenants}`, '');
    const fields = { tenant_id: TENANT };
    await ctx.quiet();
    for (const [name, system] of Object.entries(systems)) await warmUp(ctx, system, `warm_${name}`, warmup, 'one.warm', fields);

    const results = { plain: [], scaled: [] };
    let stray = 0;
    for (const [i, name] of rounds.entries()) {
      const system = systems[name];
      const cpu = procStat(system.app('dispatcher').child.pid).cpu;
      await receiver.reset();
      await system.produce(
        Array.from({ length: events }, (_, k) => `tp${i}_${k}`),
        'one.event',
        fields,
      );
      const tp = await receiver.waitFor(events);
      const throughput = sustainedRate(tp.times);
      await receiver.reset();
      const offered = await openLoop(system, { rate: LATENCY_RATE, seconds: latencySeconds, event: (k) => ({ id: `lat${i}_${k}`, type: 'one.event', data: { n: k }, tenant_id: TENANT }) });
      const lat = await receiver.waitFor(offered.n);
      const latencies = latenciesOf(offered.sentAt, lat.arrivals);
      const dispatcherCpu = procStat(system.app('dispatcher').child.pid).cpu - cpu;
      // Anything but the bench tenant's one subscription is a stray delivery.
      stray += [tp, lat].reduce((s, r) => s + Object.entries(r.paths).reduce((n, [path, count]) => n + (path === '/hook' ? 0 : count), 0), 0);
      results[name].push({ throughput, latencies, dispatcherMsPerDelivery: (dispatcherCpu * 1000) / (events + offered.n) });
      row(`round ${i + 1}`, `${name}: fan-out 1 throughput / latency at ${LATENCY_RATE}/s p50 / p95 / p99 / max`, `${throughput.toFixed(0)} / ${latencySummary(latencies)}`, 'deliveries/s / ms');
    }

    const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const summary = Object.fromEntries(
      Object.entries(results).map(([name, rs]) => [
        name,
        {
          throughput: mean(rs.map((r) => r.throughput)),
          p50: quantile(rs.flatMap((r) => r.latencies).sort((a, b) => a - b), 0.5),
          p99: quantile(rs.flatMap((r) => r.latencies).sort((a, b) => a - b), 0.99),
          cpu: mean(rs.map((r) => r.dispatcherMsPerDelivery)),
        },
      ]),
    );
    for (const name of ['plain', 'scaled']) {
      const s = summary[name];
      const what = name === 'plain' ? 'plain (1 tenant, 1 subscription)' : `scaled (${TENANTS} tenants, ${SUBSCRIPTIONS} subscriptions)`;
      row('tenants', `${what}: fan-out 1 throughput, mean of ${results[name].length} runs of ${events} events`, s.throughput, 'deliveries/s');
      row('tenants', `${what}: latency at ${LATENCY_RATE}/s, p50 / p99 over all its runs`, `${Math.round(s.p50)} / ${Math.round(s.p99)}`, 'ms');
      row('tenants', `${what}: dispatcher CPU per delivery`, s.cpu, 'ms');
    }
    const ratio = summary.scaled.throughput / summary.plain.throughput;
    row('tenants', 'throughput scaled ÷ plain', ratio, '×');
    row('tenants', 'throughput drop at most 5 %', ratio >= 0.95 ? 'yes' : 'no', '');
    row('tenants', 'latency p99 scaled ÷ plain', summary.scaled.p99 / summary.plain.p99, '×');
    row('tenants', "deliveries to any subscription but the bench tenant's own (must be 0)", String(stray), '');
    for (const [name, system] of Object.entries(systems)) {
      row('tenants', `${name}: peak RSS of dispatcher / api`, `${procStat(system.app('dispatcher').child.pid).peakMb.toFixed(0)} / ${procStat(system.app('api').child.pid).peakMb.toFixed(0)}`, 'MB');
    }
  } finally {
    await Promise.all([plain.stop(), scaled.stop()]);
  }
}

/** Waits (up to a minute) until the projector has every subscription in the read model; resolves to what it has. */
async function readModelHolds(system) {
  for (let i = 0; ; i++) {
    const [listed] = await system.query('select count(*)::int as subs, count(distinct tenant_id)::int as tenants from subscriptions');
    if ((listed.subs >= SUBSCRIPTIONS && listed.tenants >= TENANTS) || i >= 60) return listed;
    await sleep(1000);
  }
}

async function created(call) {
  const r = await call;
  if (r.status !== 201) throw new Error(`answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The other 999 tenants, then 10 subscriptions per tenant (9 more for the bench tenant), 16 requests at a time. */
async function register(system, receiver) {
  const started = Date.now();
  const tenantIds = Array.from({ length: TENANTS - 1 }, (_, i) => `bench_t${i + 1}`);
  await inParallel(tenantIds, 16, (id) => created(system.api('POST', '/tenants', { id, name: `tenant ${id}` })));
  const perTenant = SUBSCRIPTIONS / TENANTS;
  const subs = [
    ...OWN_OTHERS.slice(0, perTenant - 1).map((s, k) => ({ ...s, tenant_id: TENANT, url: `${receiver.base}/t/${TENANT}/${k}` })),
    ...tenantIds.flatMap((id) => OTHER_SUBSCRIPTIONS.slice(0, perTenant).map((s, k) => ({ ...s, tenant_id: id, url: `${receiver.base}/t/${id}/${k}` }))),
  ];
  await inParallel(subs, 16, (s) => system.subscribe(s));
  return { ms: Date.now() - started };
}

async function inParallel(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
