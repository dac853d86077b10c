// `npm run bench`: hookstream measured side by side with the raw HTTP client limit and a BullMQ baseline, on
// this machine, in one run. Prints one table and writes it to bench/results/<date>-<commit>.md.
// BENCH_QUICK=1 for a short run; BENCH_SOAK=1 for the 5-minute memory run at 500 events/s instead.
// Not a test: it reports figures, it does not judge them.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres, healthUrls, recreateDatabase, startApp, startApps, stopApps, systemEnv, waitHealthy } from '../scripts/lib/infra.mjs';
import { bullmqRun } from './bullmq-baseline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const SOAK = process.env.BENCH_SOAK === '1';
const SECONDS = QUICK ? 3 : 8;
const EVENTS = QUICK ? 4000 : 15000;
const WARMUP = QUICK ? 2000 : 4000;
const CONCURRENCY = 64;
const RATES = QUICK ? [100, 500] : [100, 500, 1000];
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const SOAK_RATE = 500;
const DEFAULT_CLIENT = process.env.DELIVERY_CLIENT ?? 'undici';
const OTHER_CLIENT = DEFAULT_CLIENT === 'undici' ? 'got' : 'undici';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startReceiver() {
  const child = fork(join(root, 'bench/receiver.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m) => new Promise((resolve) => child.once('message', resolve) && child.send(m));
  return new Promise((resolve) =>
    child.once('message', ({ port }) =>
      resolve({ url: `http://127.0.0.1:${port}/hook`, count: () => ask('count'), report: () => ask('report'), reset: () => ask('reset'), stop: () => child.send('exit'), pid: child.pid }),
    ),
  );
}

/**
 * Sustained deliveries/s from the receiver's arrival times: the middle 80 % of the arrivals over the time
 * they took, so start-up (JIT, first fetch) and the drain at the end weigh on no system's figure.
 */
function sustainedRate(arrivalTimes) {
  const times = [...arrivalTimes].sort((a, b) => a - b);
  if (times.length < 10) return NaN;
  const lo = Math.floor(times.length * 0.1);
  const hi = Math.floor(times.length * 0.9);
  return ((hi - lo) / Math.max(1, times[hi] - times[lo])) * 1000;
}

/** Requests per second of one client driven closed-loop at CONCURRENCY for SECONDS. */
async function rawLimit(post) {
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await post(`raw_${done}`);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, peakMb: kb('VmHWM'), rssMb: kb('VmRSS') };
  } catch {
    return { cpu: 0, peakMb: 0, rssMb: 0 };
  }
}

const pidsOf = (pattern) => {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
};

/** The two delivery clients, configured as hookstream's are, posting one bench body. */
async function clients(url) {
  const body = JSON.stringify({ id: 'evt_raw', type: 'bench.event', timestamp: new Date().toISOString(), data: { n: 1, text: 'x'.repeat(100) } });
  const headers = (id) => ({ 'content-type': 'application/json', 'webhook-id': id });
  const { default: got } = await import('got');
  const { Agent: HttpAgent } = await import('node:http');
  const gotClient = got.extend({ agent: { http: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }) }, retry: { limit: 0 }, followRedirect: false });
  const undici = await import('undici');
  const agent = new undici.Agent({ connections: CONCURRENCY });
  return {
    got: (id) => gotClient.post(url, { body, headers: headers(id) }),
    undici: async (id) => (await undici.request(url, { method: 'POST', body, headers: headers(id), dispatcher: agent })).body.dump(),
  };
}

async function main() {
  ensureBuilt(root);
  const kafka = await ensureKafka(root);
  const postgres = await ensurePostgres(root, 'hookstream_bench');
  await recreateDatabase(postgres.url);
  const receiver = await startReceiver();
  const rows = [];
  const row = (section, what, value, unit = '') => {
    rows.push([section, what, typeof value === 'number' ? value.toFixed(value < 10 ? 2 : 0) : value, unit]);
    console.log(`${section} | ${what}: ${rows[rows.length - 1][2]} ${unit}`);
  };
  const waitFor = async (expected, timeoutMs = 600000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { count } = await receiver.count();
      if (count >= expected || Date.now() > until) return receiver.report();
      await sleep(200);
    }
  };
  const post = await clients(receiver.url);
  const measured = {};

  if (!SOAK) {
    // 1. Raw limit of the delivery HTTP clients against the same receiver.
    for (const kind of ['got', 'undici']) {
      await rawLimit(post[kind]); // warm-up
      measured[`raw ${kind}`] = await rawLimit(post[kind]);
      row('raw limit', `${kind}, concurrency ${CONCURRENCY}`, measured[`raw ${kind}`], 'req/s');
    }
    // 3. The baseline a user might pick instead, with each client.
    for (const kind of ['got', 'undici']) {
      await bullmqRun({ post: post[kind], jobs: WARMUP, concurrency: CONCURRENCY, label: `bullwarm_${kind}` });
      await receiver.reset();
      await bullmqRun({ post: post[kind], jobs: EVENTS, concurrency: CONCURRENCY, label: `bull_${kind}` });
      measured[`bullmq ${kind}`] = sustainedRate((await waitFor(EVENTS)).times);
      row('baseline', `BullMQ on Redis + ${kind}, concurrency ${CONCURRENCY}, ${EVENTS} jobs`, measured[`bullmq ${kind}`], 'deliveries/s');
    }
  }

  // 2. hookstream end to end.
  const prefix = `bench-${Date.now().toString(36)}`;
  const key = `bench-${Math.random().toString(36).slice(2)}`;
  const env = systemEnv(root, { prefix, key, basePort: 3500, kafka, postgres }, { DELIVERY_CONCURRENCY: String(CONCURRENCY * 4), DELIVERY_CLIENT: DEFAULT_CLIENT });
  const logsDir = join(root, '.data', 'bench-logs', prefix);
  const apps = startApps(root, env, logsDir);
  const { Kafka, logLevel, CompressionTypes } = (await import('kafkajs')).default;
  const producer = new Kafka({ brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
  try {
    await waitHealthy(healthUrls(env));
    const api = (method, path, b) =>
      fetch(`http://127.0.0.1:${env.PORT}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: b && JSON.stringify(b) });
    const subscribe = async (events) => (await api('POST', '/webhooks', { url: receiver.url, events })).status;
    await subscribe(['one.*']);
    for (let i = 0; i < 3; i++) await subscribe(['three.*']);
    await producer.connect();
    const produce = async (ids, type) => {
      for (let i = 0; i < ids.length; i += 500) {
        await producer.send({
          topic: `${prefix}.events`,
          compression: CompressionTypes.None,
          messages: ids.slice(i, i + 500).map((id) => ({ key: id, value: JSON.stringify({ id, type, data: { n: 1, text: 'x'.repeat(100) } }) })),
        });
      }
    };
    /** Publishes one event at a time at `rate` per second, open loop; returns publish → arrival per event, sorted. */
    const offer = async (rate, seconds, label, onTick) => {
      const sentAt = new Map();
      const n = Math.round(rate * seconds);
      const start = Date.now();
      let failed = 0;
      for (let i = 0; i < n; i++) {
        const wait = start + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        const id = `${label}_${i}`;
        sentAt.set(id, Date.now());
        producer.send({ topic: `${prefix}.events`, messages: [{ key: id, value: JSON.stringify({ id, type: 'one.lat', data: {} }) }] }).catch(() => failed++);
        onTick?.(i);
      }
      const r = await waitFor(n);
      return { n, failed, count: r.count, latencies: [...sentAt].map(([id, t]) => (r.arrivals[id] ?? Infinity) - t).sort((a, b) => a - b) };
    };
    const q = (lat, p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    const warmUp = async (label) => {
      await receiver.reset();
      await produce(Array.from({ length: WARMUP }, (_, i) => `${label}_${i}`), 'one.warm');
      await waitFor(WARMUP);
    };
    await warmUp('warm');

    if (SOAK) {
      await receiver.reset();
      await soak({ apps, env, offer, q, row });
      const metrics = await fetch(`http://127.0.0.1:${env.DISPATCHER_PORT}/metrics`).then((r) => r.text(), () => '');
      const ids = /^hookstream_idempotency_ids(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? '?';
      row('soak', 'dispatcher: event ids held for the idempotency window at the end (grows with the window by design)', ids, '');
    } else {
      const cpuBefore = Object.fromEntries(apps.map((a) => [a.app, procStat(a.child.pid).cpu]));
      const others = () => ({
        'kafka broker': pidsOf('kafka.Kafka').reduce((s, p) => s + procStat(p).cpu, 0),
        postgres: pidsOf('postgres').reduce((s, p) => s + procStat(p).cpu, 0),
        receiver: procStat(receiver.pid).cpu,
      });
      const othersBefore = others();
      let delivered = 0;
      const throughput = async (label, fanout, type, idPrefix = type) => {
        await receiver.reset();
        await produce(Array.from({ length: EVENTS }, (_, i) => `${idPrefix}_${i}`), `${type}.event`);
        const r = await waitFor(EVENTS * fanout);
        delivered += r.count;
        const rate = sustainedRate(r.times);
        row('hookstream', label, rate, 'deliveries/s');
        return rate;
      };
      measured[`hookstream ${DEFAULT_CLIENT}`] = await throughput(`${DEFAULT_CLIENT}, straight to Kafka, fan-out 1, ${EVENTS} events`, 1, 'one');
      await throughput(`${DEFAULT_CLIENT}, straight to Kafka, fan-out 3, ${EVENTS} events`, 3, 'three');

      // Through the API, closed loop at CONCURRENCY.
      await receiver.reset();
      let posted = 0;
      const apiEnd = Date.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < apiEnd) {
            const res = await api('POST', '/events', { type: 'one.api', data: { n: posted } });
            await res.text();
            posted++;
          }
        }),
      );
      const apiReport = await waitFor(posted);
      delivered += apiReport.count;
      row('hookstream', `${DEFAULT_CLIENT}, via POST /events, concurrency ${CONCURRENCY}`, sustainedRate(apiReport.times), 'deliveries/s');

      // Latency at fixed offered rates, open loop, straight to Kafka: publish → the receiver's arrival.
      for (const rate of RATES) {
        await receiver.reset();
        const r = await offer(rate, Math.min(SECONDS, 10), `lat${rate}`);
        delivered += r.count;
        row('hookstream', `${DEFAULT_CLIENT}, latency at ${rate} events/s offered (p50 / p95 / p99 / max)`, [0.5, 0.95, 0.99, 1].map((p) => q(r.latencies, p)).join(' / '), 'ms');
      }
      const othersAfter = others();
      const cost = apps.map((a) => [a.app, procStat(a.child.pid)]);

      // The same system with the other client: only the dispatcher restarts.
      const dispatcher = apps.find((a) => a.app === 'dispatcher');
      await stopApps([dispatcher]);
      const other = startApp(root, 'dispatcher', { ...env, DELIVERY_CLIENT: OTHER_CLIENT }, logsDir);
      apps[apps.indexOf(dispatcher)] = other;
      await waitHealthy(healthUrls(env));
      await warmUp('warm2');
      measured[`hookstream ${OTHER_CLIENT}`] = await throughput(`${OTHER_CLIENT}, straight to Kafka, fan-out 1, ${EVENTS} events`, 1, 'one', 'other');

      // 4. Ratios, same client on both sides, 5. CPU and memory.
      for (const kind of [DEFAULT_CLIENT, OTHER_CLIENT]) {
        row('ratio', `hookstream fan-out 1 ÷ raw ${kind} (both ${kind})`, measured[`hookstream ${kind}`] / measured[`raw ${kind}`], '×');
        row('ratio', `hookstream fan-out 1 ÷ BullMQ baseline (both ${kind})`, measured[`hookstream ${kind}`] / measured[`bullmq ${kind}`], '×');
      }
      row('ratio', `hookstream as shipped (${DEFAULT_CLIENT}) ÷ BullMQ + ${OTHER_CLIENT}`, measured[`hookstream ${DEFAULT_CLIENT}`] / measured[`bullmq ${OTHER_CLIENT}`], '×');
      const per1000 = (seconds) => ((seconds * 1000) / delivered).toFixed(2);
      for (const [app, now] of cost) row('cost', `${app}: CPU s per 1,000 deliveries / peak RSS`, `${per1000(now.cpu - cpuBefore[app])} / ${now.peakMb.toFixed(0)}`, 's / MB');
      for (const name of Object.keys(othersAfter)) row('cost', `${name}: CPU s per 1,000 deliveries`, per1000(othersAfter[name] - othersBefore[name]), 's');
      const total = cost.reduce((s, [app, now]) => s + now.cpu - cpuBefore[app], 0) + Object.keys(othersAfter).reduce((s, k) => s + othersAfter[k] - othersBefore[k], 0);
      row('cost', 'whole machine (apps, broker, Postgres, receiver): CPU s per 1,000 deliveries', per1000(total), 's');
      for (const [name, pattern] of [['kafka broker', 'kafka.Kafka'], ['postgres (largest process)', 'postgres']]) {
        row('cost', `${name}: peak RSS`, Math.max(0, ...pidsOf(pattern).map((pid) => procStat(pid).peakMb)), 'MB');
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stopApps(apps);
    receiver.stop();
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const date = new Date().toISOString().slice(0, 10);
  const mode = SOAK ? ' (BENCH_SOAK)' : QUICK ? ' (BENCH_QUICK)' : '';
  const table = [`# bench ${date} ${commit}${mode}`, '', '| section | measure | value | unit |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(`\n${table}`);
  writeFileSync(join(root, 'bench/results', `${date}-${commit}${SOAK ? '-soak' : QUICK ? '-quick' : ''}.md`), `${table}\n`);
  await postgres.stop();
  process.exit(0);
}

/**
 * BENCH_SOAK: SOAK_RATE events/s for SOAK_SECONDS, each app's resident memory sampled every 5 s. Memory is
 * flat when the last minute's average is within 20 % of the first minute's.
 */
async function soak({ apps, env, offer, q, row }) {
  const samples = Object.fromEntries(apps.map((a) => [a.app, []]));
  const ports = { api: env.PORT, dispatcher: env.DISPATCHER_PORT, 'retry-scheduler': env.RETRY_SCHEDULER_PORT, 'status-projector': env.STATUS_PROJECTOR_PORT };
  const started = Date.now();
  // Resident memory, and the V8 heap in use from each app's /metrics (its low points show what survives GC).
  const memoryMb = async (app) => {
    const text = await fetch(`http://127.0.0.1:${ports[app]}/metrics`, { headers: { authorization: `Bearer ${env.API_KEYS}` } }).then((r) => r.text(), () => '');
    const metric = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
    return { heap: metric('nodejs_heap_size_used_bytes'), external: metric('nodejs_external_memory_bytes') };
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
  const r = await offer(SOAK_RATE, SOAK_SECONDS, 'soak', (i) => i % (SOAK_RATE * 30) === 0 && console.log(`soak: ${Math.round(i / SOAK_RATE)} s`));
  clearInterval(timer);
  sample();
  row('soak', `events offered at ${SOAK_RATE}/s for ${SOAK_SECONDS} s / delivered / publish failures`, `${r.n} / ${r.count} / ${r.failed}`, '');
  row('soak', 'latency p50 / p99 / max', [0.5, 0.99, 1].map((p) => q(r.latencies, p)).join(' / '), 'ms');
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
