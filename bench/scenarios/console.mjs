// The operator console at scale (BENCH_SCENARIO=console): a read model filled with about 1,000,000 attempts
// (their events, deliveries, audit rows, deferrals and statistics; 5 tenants counting "none", 25 subscriptions,
// 4 days up to now) by set-based SQL (scripts/lib/read-model-fill.mjs), then every query shape of GET /events,
// GET /webhooks/:id/deliveries and GET /stats timed through the API: p50 / p95 over repeated calls, the first
// page and a later one reached by following cursors. Target: each under 100 ms.
import { fillReadModel } from '../../scripts/lib/read-model-fill.mjs';
import { loadAverage, quantile } from '../lib/stats.mjs';
import { startSystem } from '../lib/system.mjs';

const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];
const PER_TENANT = 5;
const DAYS = 4;
const TARGET_MS = 100;

export async function consoleScenario(ctx) {
  const { report } = ctx;
  const { row } = report;
  const attempts = ctx.quick ? 100_000 : 1_000_000;
  const calls = ctx.quick ? 10 : 40;
  const system = await startSystem(ctx, { name: 'console', basePort: 3560, database: 'hookstream_bench_console' });
  try {
    for (const id of TENANTS) await ok(system.api('POST', '/tenants', { id, name: id }), 201);
    const subscriptions = [];
    for (const tenant of ['', ...TENANTS]) {
      for (let n = 0; n < PER_TENANT; n++) {
        const id = await system.subscribe({ url: `${ctx.receiver.base}/console/${tenant}/${n}`, events: ['*'], ...(tenant ? { tenant_id: tenant } : {}) });
        subscriptions.push({ id, tenant });
      }
    }
    const filled = await timed(() => withClient(system, (c) => fillReadModel(c, { attempts, days: DAYS, subscriptions, prefix: 'console' })));
    // As autovacuum would by itself (it is off on some machines): statistics for the planner, a visibility map.
    const vacuumed = await timed(() => withClient(system, (c) => c.query('VACUUM ANALYZE')));
    const [sizes] = await system.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS db, (SELECT count(*) FROM attempts)::int AS attempts,
      (SELECT count(*) FROM deliveries)::int AS deliveries, (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM audit_log)::int AS audit`);
    report.note(`read model: ${sizes.attempts} attempts, ${sizes.deliveries} deliveries, ${sizes.events} events, ${sizes.audit} audit rows over ${DAYS} days, ${subscriptions.length} subscriptions in ${TENANTS.length + 1} tenants; database ${sizes.db}`);
    report.note(`filled in ${(filled.ms / 1000).toFixed(0)} s, VACUUM ANALYZE ${(vacuumed.ms / 1000).toFixed(0)} s; each shape called ${calls} times after 3 warm-up calls, one at a time; load average at start ${loadAverage()}`);

    const sub = subscriptions.find((s) => s.tenant === 'acme').id;
    const now = Date.now();
    const iso = (hoursAgo) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const shapes = [
      ['events', 'unfiltered, first page', '/events'],
      ['events', 'unfiltered, page 20', '/events', 20],
      ['events', 'tenant_id', '/events?tenant_id=acme'],
      ['events', 'tenant_id, page 20', '/events?tenant_id=acme', 20],
      ['events', 'status=failed', '/events?status=failed'],
      ['events', 'status=failed, page 10', '/events?status=failed', 10],
      ['events', 'status=retrying,pending', '/events?status=retrying,pending'],
      ['events', 'tenant_id + status=failed', '/events?tenant_id=acme&status=failed'],
      ['events', 'type (exact)', '/events?type=order.paid'],
      ['events', 'type (exact, rare: 0.2 %)', '/events?type=audit.rare'],
      ['events', 'type prefix order.*', '/events?type=order.*'],
      ['events', 'type prefix audit.* (rare)', '/events?type=audit.*'],
      ['events', 'since/until: one hour a day ago', `/events?since=${iso(25)}&until=${iso(24)}`],
      ['events', 'since/until, page 10', `/events?since=${iso(25)}&until=${iso(24)}`, 10],
      ['events', 'subscription_id', `/events?subscription_id=${sub}`],
      ['events', 'subscription_id, page 20', `/events?subscription_id=${sub}`, 20],
      ['events', 'subscription_id + status=failed', `/events?subscription_id=${sub}&status=failed`],
      ['deliveries', 'first page', `/webhooks/${sub}/deliveries`],
      ['deliveries', 'page 20', `/webhooks/${sub}/deliveries`, 20],
      ['deliveries', 'status=failed', `/webhooks/${sub}/deliveries?status=failed`],
      ['deliveries', 'status=failed, page 5', `/webhooks/${sub}/deliveries?status=failed`, 5],
      ['deliveries', 'since/until: one hour a day ago', `/webhooks/${sub}/deliveries?since=${iso(25)}&until=${iso(24)}`],
      ['stats', 'last hour (default)', '/stats'],
      ['stats', 'last 24 h (dashboard)', `/stats?since=${iso(24)}`],
      ['stats', 'last 24 h, tenant_id', `/stats?since=${iso(24)}&tenant_id=acme`],
      ['stats', 'last 24 h, subscription_id', `/stats?since=${iso(24)}&subscription_id=${sub}`],
      ['stats', `all ${DAYS} days, 1h buckets`, `/stats?since=${iso(DAYS * 24)}&bucket=1h`],
    ];
    let over = 0;
    for (const [section, name, path, page = 1] of shapes) {
      const { at, reached } = await pagePath(system, path, page);
      for (let i = 0; i < 3; i++) await ok(system.api('GET', at), 200);
      const ms = [];
      let items = 0;
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        const r = await ok(system.api('GET', at), 200);
        ms.push(performance.now() - started);
        items = (r.events ?? r.deliveries ?? r.buckets).length;
      }
      ms.sort((a, b) => a - b);
      const [p50, p95] = [quantile(ms, 0.5), quantile(ms, 0.95)];
      if (p95 >= TARGET_MS) over++;
      const shown = reached === page ? name : `${name} (only ${reached} pages)`;
      row(section, `${shown} (${items} ${section === 'stats' ? 'buckets' : 'rows'})`, `${p50.toFixed(1)} / ${p95.toFixed(1)}`, 'ms p50 / p95');
    }
    row('console', `shapes with p95 at or over ${TARGET_MS} ms`, `${over} of ${shapes.length}`, '');
    row('console', `every shape under ${TARGET_MS} ms`, over === 0 ? 'yes' : 'no', '');
  } finally {
    await system.stop();
  }
}

/** The path of page `page` of a list (page 1 is the path itself), reached by following next_cursor; the last page if it has fewer. */
async function pagePath(system, path, page) {
  let at = path;
  for (let p = 1; p < page; p++) {
    const r = await ok(system.api('GET', at), 200);
    if (!r.next_cursor) return { at, reached: p };
    at = `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(r.next_cursor)}`;
  }
  return { at, reached: page };
}

async function ok(call, status) {
  const r = await call;
  if (r.status !== status) throw new Error(`answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function timed(fn) {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

/** A connection of its own for long statements (the system's pool is for quick reads). */
export async function withClient(system, fn) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: system.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
