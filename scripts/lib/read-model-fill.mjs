// Fills a migrated read model with generated history, fast (set-based INSERT … SELECT over generate_series),
// for the console and retention benches and the query-plan test: events spread evenly over a window, each
// fanned out to 0–3 of its tenant's subscriptions, each delivery with the attempts its outcome took (most
// delivered at once, some after retries, some failed after six, a few still retrying, pending or skipped),
// an audit row per attempt, a few deferrals, and the per-minute and per-hour statistics those attempts add up to.
// Choices are drawn from a multiplicative hash of the row number, so the same arguments give the same rows.
//
//   node scripts/lib/read-model-fill.mjs --url postgres://… --attempts 20000 [--days 3] [--ending-days-ago 0]
//        [--tenants 3] [--subscriptions-per-tenant 4] [--prefix fill] [--analyze]
import { pathToFileURL } from 'node:url';

/** Event types and their share in thousandths; the last one is rare on purpose (a selective filter). */
export const FILL_TYPES = [
  ['order.created', 300],
  ['order.paid', 200],
  ['invoice.paid', 150],
  ['customer.updated', 150],
  ['shipment.sent', 100],
  ['refund.created', 50],
  ['payout.sent', 48],
  ['audit.rare', 2],
];

/** Attempts per event on average with the shares below (fan-out 1.33 × attempts per delivery 1.19). */
const ATTEMPTS_PER_EVENT = 1.58;

/** Subscriptions named for a fill without real ones: `<prefix>_sub_<tenant>_<n>`, tenant '' first. */
export function generatedSubscriptions(prefix, tenants, perTenant) {
  return Array.from({ length: tenants }, (_, t) => (t === 0 ? '' : `${prefix}_t${t}`)).flatMap((tenant, t) =>
    Array.from({ length: perTenant }, (_, n) => ({ id: `${prefix}_sub_${t}_${n}`, tenant })),
  );
}

const literal = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * Writes about `attempts` attempts (and their events, deliveries, audit rows, deferrals and statistics) accepted
 * between `endingDaysAgo + days` and `endingDaysAgo` days before now. `subscriptions`: [{ id, tenant }] ('' for
 * none), at least one per tenant. Resolves to the row counts written.
 */
export async function fillReadModel(client, { attempts, days = 3, endingDaysAgo = 0, subscriptions, prefix = 'fill', now = Date.now() }) {
  const events = Math.max(1, Math.round(attempts / ATTEMPTS_PER_EVENT));
  const byTenant = new Map();
  for (const s of subscriptions) byTenant.set(s.tenant, [...(byTenant.get(s.tenant) ?? []), s.id]);
  const tenants = [...byTenant.entries()];
  const end = new Date(now - endingDaysAgo * 86_400_000);
  const start = new Date(end.getTime() - days * 86_400_000);
  const typeCase = caseOf('(h / 7) % 1000', FILL_TYPES.map(([t, share]) => [share, literal(t)]));
  await client.query('DROP TABLE IF EXISTS fill_t, fill_e, fill_d, fill_a');
  await client.query(`CREATE TEMP TABLE fill_t AS SELECT * FROM (VALUES ${tenants.map(([t, ids], i) => `(${i}, ${literal(t)}, ARRAY[${ids.map(literal).join(', ')}]::text[])`).join(', ')}) AS v(tn, tenant, subs)`);
  // Events: even spacing over the window, the tenant and type from the hash.
  await client.query(
    `CREATE TEMP TABLE fill_e AS
     SELECT i, h, t.tenant, t.subs, ${literal(prefix)} || '_evt_' || i AS id, ${typeCase} AS type,
            $1::timestamptz + (i::float8 / $3) * ($2::timestamptz - $1::timestamptz) AS accepted_at,
            CASE WHEN (h / 13) % 100 < 2 THEN 0 WHEN (h / 13) % 100 < 70 THEN 1 WHEN (h / 13) % 100 < 95 THEN 2 ELSE 3 END AS fanout
       FROM generate_series(0, $3 - 1) AS i
       CROSS JOIN LATERAL (SELECT (i::bigint * 2654435761) % 4294967296 AS h) AS hash
       JOIN fill_t t ON t.tn = hash.h % ${tenants.length}`,
    [start.toISOString(), end.toISOString(), events],
  );
  // Deliveries: distinct subscriptions of the event's tenant; the outcome from the delivery's own hash.
  await client.query(
    `CREATE TEMP TABLE fill_d AS
     SELECT e.i, e.tenant, e.id AS event_id, e.accepted_at, e.subs[1 + (e.i + k) % cardinality(e.subs)] AS subscription_id, o.*
       FROM fill_e e
       CROSS JOIN LATERAL generate_series(0, LEAST(e.fanout, cardinality(e.subs)) - 1) AS k
       CROSS JOIN LATERAL (SELECT ((e.i * 4 + k)::bigint * 2246822519) % 4294967296 % 1000 AS r) AS rr
       CROSS JOIN LATERAL (SELECT rr.r,
         CASE WHEN r < 950 THEN 'delivered' WHEN r < 970 THEN 'failed' WHEN r < 980 THEN 'retrying' WHEN r < 985 THEN 'pending' ELSE 'skipped' END AS status,
         CASE WHEN r < 880 THEN 1 WHEN r < 930 THEN 2 WHEN r < 950 THEN 3 WHEN r < 970 THEN 6 WHEN r < 980 THEN 2 ELSE 0 END AS attempts) AS o`,
  );
  // Attempt j starts 20 ms after acceptance plus the retry delays before it (1 s, 4 s, 16 s …).
  await client.query(
    `CREATE TEMP TABLE fill_a AS
     SELECT d.*, j, a.started_at, a.duration_ms, a.started_at + a.duration_ms * interval '1 ms' AS ended_at,
            (j = d.attempts AND d.status = 'delivered') AS ok, (j < d.attempts OR d.status = 'retrying') AS more
       FROM fill_d d
       CROSS JOIN LATERAL generate_series(1, d.attempts) AS j
       CROSS JOIN LATERAL (SELECT d.accepted_at + interval '20 ms' + ((power(4, j - 1) - 1) / 3) * interval '1 s' AS started_at, 15 + (d.r * 7 + j) % 60 AS duration_ms) AS a`,
  );
  await client.query(`
    INSERT INTO attempts (tenant_id, event_id, subscription_id, attempt, url, started_at, duration_ms, status_code, error, outcome, next_attempt_at)
    SELECT tenant, event_id, subscription_id, j, 'http://127.0.0.1:9/hook', started_at, duration_ms, CASE WHEN ok THEN 200 ELSE 500 END,
           CASE WHEN ok THEN NULL ELSE 'HTTP 500' END, CASE WHEN ok THEN 'delivered' ELSE 'failed' END,
           CASE WHEN more THEN ended_at + power(4, j - 1) * interval '1 s' END
      FROM fill_a`);
  await client.query(`
    INSERT INTO deliveries (tenant_id, event_id, subscription_id, url, status, attempts, last_attempt_at, last_status_code, last_error, next_attempt_at, accepted_at, updated_at)
    SELECT d.tenant, d.event_id, d.subscription_id, 'http://127.0.0.1:9/hook', d.status, d.attempts, l.ended_at,
           CASE WHEN l.ok THEN 200 WHEN l.j IS NOT NULL THEN 500 END, CASE WHEN d.status = 'skipped' THEN 'subscription disabled' WHEN l.j IS NOT NULL AND NOT l.ok THEN 'HTTP 500' END,
           CASE WHEN d.status = 'retrying' THEN l.ended_at + interval '4 s' END, d.accepted_at, coalesce(l.ended_at, d.accepted_at)
      FROM fill_d d LEFT JOIN fill_a l ON l.event_id = d.event_id AND l.subscription_id = d.subscription_id AND l.j = d.attempts`);
  await client.query(`
    INSERT INTO events (tenant_id, id, type, data, occurred_at, accepted_at, subscriber_count, status, attempts, last_attempt_at,
                        deliveries_total, deliveries_pending, deliveries_retrying, deliveries_delivered, deliveries_failed, deliveries_skipped)
    SELECT e.tenant, e.id, e.type, jsonb_build_object('n', e.i, 'text', repeat('x', 100)), e.accepted_at, e.accepted_at, coalesce(d.n, 0),
           CASE WHEN d.n IS NULL THEN 'no_subscribers' WHEN d.retrying > 0 THEN 'retrying' WHEN d.pending > 0 THEN 'pending' WHEN d.delivered = d.n THEN 'delivered' ELSE 'failed' END,
           coalesce(d.attempts, 0), d.last, coalesce(d.n, 0), coalesce(d.pending, 0), coalesce(d.retrying, 0), coalesce(d.delivered, 0), coalesce(d.failed, 0), coalesce(d.skipped, 0)
      FROM fill_e e LEFT JOIN (
        SELECT d.i, count(*) AS n, sum(d.attempts) AS attempts, max(a.ended_at) AS last,
               count(*) FILTER (WHERE d.status = 'pending') AS pending, count(*) FILTER (WHERE d.status = 'retrying') AS retrying,
               count(*) FILTER (WHERE d.status = 'delivered') AS delivered, count(*) FILTER (WHERE d.status = 'failed') AS failed,
               count(*) FILTER (WHERE d.status = 'skipped') AS skipped
          FROM fill_d d LEFT JOIN fill_a a ON a.event_id = d.event_id AND a.subscription_id = d.subscription_id AND a.j = d.attempts
         GROUP BY d.i) AS d USING (i)`);
  await client.query(`
    INSERT INTO audit_log (source, at, kind, method, path, status, subscription_id, event_id, detail, tenant_id)
    SELECT 'fill:' || tenant || ':' || event_id || ':' || subscription_id || ':' || j, started_at, 'delivery.attempt', 'POST', 'http://127.0.0.1:9/hook',
           CASE WHEN ok THEN 200 ELSE 500 END, subscription_id, event_id,
           jsonb_build_object('attempt', j, 'outcome', CASE WHEN ok THEN 'delivered' ELSE 'failed' END, 'duration_ms', duration_ms), nullif(tenant, '')
      FROM fill_a ORDER BY started_at`);
  await client.query(`
    INSERT INTO deferrals (source, tenant_id, event_id, subscription_id, attempt, reason, at, next_attempt_at)
    SELECT 'fill:' || tenant || ':' || event_id || ':' || subscription_id, tenant, event_id, subscription_id, 1, 'in_flight_cap',
           accepted_at + interval '10 ms', accepted_at + interval '1 s'
      FROM fill_d WHERE r % 33 = 0`);
  await client.query(statsInsert('delivery_stats', 'minute'));
  await client.query(statsInsert('delivery_stats_hourly', 'hour'));
  const counts = await client.query(`SELECT (SELECT count(*) FROM fill_e)::int AS events, (SELECT count(*) FROM fill_d)::int AS deliveries, (SELECT count(*) FROM fill_a)::int AS attempts`);
  await client.query('DROP TABLE fill_t, fill_e, fill_d, fill_a');
  return { ...counts.rows[0], from: start.toISOString(), to: end.toISOString() };
}

/** CASE over `expr` (0–999) for choices with shares in thousandths. */
function caseOf(expr, choices) {
  let upTo = 0;
  const arms = choices.slice(0, -1).map(([share, value]) => `WHEN ${expr} < ${(upTo += share)} THEN ${value}`);
  return `CASE ${arms.join(' ')} ELSE ${choices[choices.length - 1][1]} END`;
}

/** The per-minute (or per-hour) statistics of the filled attempts, as the projector's rollups would have added them. */
function statsInsert(table, period) {
  const bounds = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
  const latency = (lo, hi) => `count(*) FILTER (WHERE j = 1 AND ${lo === null ? 'true' : `lat > ${lo}`} AND ${hi === null ? 'true' : `lat <= ${hi}`})`;
  const columns = [...bounds.map((b) => `latency_le_${b}`), 'latency_over_30000'];
  const values = [...bounds.map((b, i) => latency(i === 0 ? null : bounds[i - 1], b)), latency(30000, null)];
  return `
    INSERT INTO ${table} (${period}, subscription_id, tenant_id, attempts, retries, delivered, failed, deferred, last_error, last_error_at, ${columns.join(', ')})
    SELECT date_trunc('${period}', ended_at), subscription_id, tenant, count(*), count(*) FILTER (WHERE j > 1), count(*) FILTER (WHERE ok),
           count(*) FILTER (WHERE NOT ok AND NOT more), 0, CASE WHEN bool_and(ok) THEN NULL ELSE 'HTTP 500' END, max(ended_at) FILTER (WHERE NOT ok),
           ${values.join(', ')}
      FROM (SELECT *, extract(epoch FROM ended_at - accepted_at) * 1000 AS lat FROM fill_a) AS a
     GROUP BY 1, 2, 3
    ON CONFLICT (${period}, subscription_id) DO UPDATE SET ${['attempts', 'retries', 'delivered', 'failed', ...columns].map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ')}`;
}

function argsOf(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const name = argv[i].slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[name] = argv[i + 1] === undefined || argv[i + 1].startsWith('--') ? true : argv[++i];
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const a = argsOf(process.argv.slice(2));
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: a.url });
  await client.connect();
  try {
    const prefix = a.prefix ?? 'fill';
    const subscriptions = generatedSubscriptions(prefix, Number(a.tenants ?? 3), Number(a.subscriptionsPerTenant ?? 4));
    const started = Date.now();
    const written = await fillReadModel(client, { attempts: Number(a.attempts), days: Number(a.days ?? 3), endingDaysAgo: Number(a.endingDaysAgo ?? 0), subscriptions, prefix });
    if (a.analyze) await client.query('VACUUM ANALYZE');
    console.log(JSON.stringify({ ...written, subscriptions: subscriptions.length, ms: Date.now() - started }));
  } finally {
    await client.end();
  }
}
