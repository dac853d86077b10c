// `npm run scenario`: hookstream's delivery targets (the table's "target" column), measured. Runs the
// whole system (own topic prefix and database) against a receiver that fails each first attempt with
// probability 0.3 and each later one with 0.1 (seeded), sends SCENARIO_EVENTS (1000) events, waits for
// terminal states, prints a table.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { retryAnnouncements } from './lib/retry-log.mjs';
import { ensureBuilt, ensureKafka, ensurePostgres, healthUrls, recreateDatabase, startApps, stopApps, systemEnv, waitHealthy } from './lib/infra.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = Number(process.env.SCENARIO_EVENTS ?? 1000);
const SEED = Number(process.env.SCENARIO_SEED ?? 42);
const RETRY_BASE_MS = process.env.SCENARIO_RETRY_BASE_MS ?? '100';
/** Offered load in events per second (open loop); 0 sends as fast as 20 concurrent publishers can. */
const RATE = Number(process.env.SCENARIO_RATE ?? 100);
const prefix = `scenario-${Date.now().toString(36)}`;

/** mulberry32: a small seeded PRNG, so a run can be repeated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CPU time (user + system) each app process has used so far, from /proc (Linux). */
function cpuSeconds(apps) {
  const ticks = 100;
  return Object.fromEntries(
    apps.map(({ app, child }) => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return [app, (Number(fields[11]) + Number(fields[12])) / ticks];
      } catch {
        return [app, NaN];
      }
    }),
  );
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

async function main() {
  ensureBuilt(root);
  const kafka = await ensureKafka(root);
  const postgres = await ensurePostgres(root, 'hookstream_scenario');
  await recreateDatabase(postgres.url);
  const pg = (await import('pg')).default;

  // The receiver: per event id, the n-th request fails with probability 0.3 (n = 1) or 0.1 (n > 1).
  const random = rng(SEED);
  const arrivals = new Map();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      const list = arrivals.get(id) ?? [];
      list.push(Date.now());
      arrivals.set(id, list);
      const fail = !id.startsWith('warmup_') && random() < (list.length === 1 ? 0.3 : 0.1);
      res.writeHead(fail ? 500 : 200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

  const key = `scenario-${Math.random().toString(36).slice(2)}`;
  const env = systemEnv(root, { prefix, key, basePort: 3200, kafka, postgres }, {
    RETRY_BASE_MS,
    RETRY_MULTIPLIER: '4',
    RETRY_MAX: '5',
    LOG_LEVEL: 'info',
    // SCENARIO_PROFILE=1 writes a V8 CPU profile of every app into the logs folder (what bounds it).
    ...(process.env.SCENARIO_PROFILE ? { HOOKSTREAM_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${join(root, '.data', 'scenario-logs', prefix)}` } : {}),
  });
  const logsDir = join(root, '.data', 'scenario-logs', prefix);
  const apps = startApps(root, env, logsDir);
  try {
    await waitHealthy(healthUrls(env));
    const api = (method, path, body) =>
      fetch(`http://127.0.0.1:${env.PORT}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    const sub = await api('POST', '/webhooks', { url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['scenario.*'] });
    if (sub.status !== 201) throw new Error(`subscription failed: ${sub.status} ${await sub.text()}`);

    // Warm-up, not measured: consumer groups joined, connections open, code compiled.
    const warmup = Array.from({ length: 50 }, (_, i) => `warmup_${prefix}_${i}`);
    for (const id of warmup) await api('POST', '/events', { id, type: 'scenario.warmup', data: {} });
    while (!warmup.every((id) => arrivals.has(id))) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));

    console.log(`scenario: ${EVENTS} events at ${RATE > 0 ? `${RATE}/s` : 'full speed'}, seed ${SEED}, retries after ${RETRY_BASE_MS} ms × 4^(n-1), up to 5`);
    const published = new Map();
    const send = async (n) => {
      const id = `evt_scn_${prefix}_${n}`;
      published.set(id, Date.now());
      const res = await api('POST', '/events', { id, type: 'scenario.created', data: { n } });
      if (res.status !== 202) throw new Error(`publish failed: ${res.status}`);
    };
    const cpuBefore = cpuSeconds(apps);
    const sendStart = Date.now();
    if (RATE > 0) {
      // Open loop: event n is sent at start + n / RATE whatever happened to the ones before it.
      const sends = [];
      for (let n = 0; n < EVENTS; n++) {
        const wait = sendStart + (n * 1000) / RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sends.push(send(n));
      }
      await Promise.all(sends);
    } else {
      let next = 0;
      const worker = async () => {
        while (next < EVENTS) await send(next++);
      };
      await Promise.all(Array.from({ length: 20 }, worker));
    }
    console.log(`scenario: sent in ${Date.now() - sendStart} ms`);

    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const deadline = Date.now() + 10 * 60 * 1000;
    let terminal = 0;
    while (Date.now() < deadline) {
      const r = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status IN ('delivered', 'failed') AND event_id LIKE 'evt_scn_%'`);
      terminal = r.rows[0].n;
      if (terminal >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const cpuAfter = cpuSeconds(apps);
    const deliveries = (await db.query(`SELECT event_id, status, attempts FROM deliveries WHERE event_id LIKE 'evt_scn_%'`)).rows;
    const attempts = (await db.query(`SELECT event_id, attempt, started_at, outcome FROM attempts WHERE event_id LIKE 'evt_scn_%'`)).rows;
    await db.end();
    await new Promise((r) => setTimeout(r, 1500)); // the apps write their logs in chunks at least every 500 ms

    // Retry lateness: each retry's start against the due time its failed attempt announced.
    const { failed: loggedFailures, due } = retryAnnouncements(readFileSync(join(logsDir, 'dispatcher.log'), 'utf8'));
    const started = new Map(attempts.map((a) => [`${a.event_id}#${a.attempt}`, a.started_at.getTime()]));
    const lateness = [];
    for (const [key, dueAt] of due) {
      const s = started.get(key);
      if (s === undefined) continue;
      lateness.push(s - dueAt);
      if (process.env.SCENARIO_DEBUG && s - dueAt > 200) console.log(`late: ${key} by ${s - dueAt} ms, due ${new Date(dueAt).toISOString()}`);
    }
    lateness.sort((a, b) => a - b);

    const failedAttempts = attempts.filter((a) => a.outcome === 'failed');
    const logged = failedAttempts.filter((a) => loggedFailures.has(`${a.event_id}#${a.attempt}`)).length;
    const firstFailed = new Set(failedAttempts.filter((a) => a.attempt === 1).map((a) => a.event_id));
    const recoveredWithin3 = deliveries.filter((d) => firstFailed.has(d.event_id) && d.status === 'delivered' && d.attempts <= 3).length;
    const firstOk = attempts.filter((a) => a.attempt === 1 && a.outcome === 'delivered');
    const byIndex = firstOk.map((a) => [Number(a.event_id.split('_').pop()), arrivals.get(a.event_id)[0] - published.get(a.event_id)]);
    if (process.env.SCENARIO_DEBUG) {
      for (let b = 0; b < EVENTS; b += 100) {
        const xs = byIndex.filter(([n]) => n >= b && n < b + 100).map(([, l]) => l);
        console.log(`events ${b}-${b + 99}: mean first-attempt latency ${(xs.reduce((s, v) => s + v, 0) / xs.length).toFixed(0)} ms`);
      }
    }
    const latencies = byIndex.map(([, l]) => l).sort((a, b) => a - b);
    const avg = latencies.reduce((s, v) => s + v, 0) / latencies.length;
    const delivered = deliveries.filter((d) => d.status === 'delivered').length;

    const rows = [
      ['events sent / terminal', `${EVENTS} / ${terminal}`, ''],
      ['delivered', `${((100 * delivered) / EVENTS).toFixed(2)} %`, '≥ 99.9 %', delivered / EVENTS >= 0.999],
      ['initially failed, delivered within 3 attempts', `${((100 * recoveredWithin3) / firstFailed.size).toFixed(2)} % of ${firstFailed.size}`, '≥ 95 %', recoveredWithin3 / firstFailed.size >= 0.95],
      ['first-attempt latency, publish → 2xx: average', `${avg.toFixed(1)} ms`, '< 500 ms', avg < 500],
      ['first-attempt latency, publish → 2xx: p99', `${quantile(latencies, 0.99)} ms`, ''],
      ['failed attempts with an error log line', `${((100 * logged) / failedAttempts.length).toFixed(1)} % of ${failedAttempts.length}`, '100 %', logged === failedAttempts.length],
      ['retry lateness after due: min / median / p99 / max', `${lateness[0]} / ${quantile(lateness, 0.5)} / ${quantile(lateness, 0.99)} / ${lateness[lateness.length - 1]} ms (${lateness.length} retries)`, '≥ 0, ≤ 250 ms', lateness[0] >= 0 && lateness[lateness.length - 1] <= 250],
    ];
    console.log('\n| measure | result | target | met |\n|---|---|---|---|');
    for (const [m, r, t, ok] of rows) console.log(`| ${m} | ${r} | ${t} | ${ok === undefined ? '' : ok ? 'yes' : 'NO'} |`);
    console.log(`\nCPU seconds per 1,000 events, publish to terminal: ${Object.keys(cpuAfter).map((a) => `${a} ${(((cpuAfter[a] - cpuBefore[a]) * 1000) / EVENTS).toFixed(2)}`).join(', ')}`);
    process.exitCode = rows.every((r) => r[3] !== false) ? 0 : 1;
  } finally {
    await stopApps(apps);
    receiver.close();
    await postgres.stop();
    await kafka.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
