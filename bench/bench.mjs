// `npm run bench`: hookstream measured side by side with the raw HTTP client limit and a BullMQ baseline, on
// this machine, in one run. Prints one table and writes it to bench/results/<date>-<commit>.md.
// BENCH_QUICK=1 for a short run. Not a test: it reports figures, it does not judge them.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres, healthUrls, recreateDatabase, startApps, stopApps, systemEnv, waitHealthy } from '../scripts/lib/infra.mjs';
import { bullmqThroughput } from './bullmq-baseline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = QUICK ? 3 : 10;
const EVENTS = QUICK ? 3000 : 15000;
const CONCURRENCY = 64;
const RATES = QUICK ? [100, 500] : [100, 500, 1000];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startReceiver() {
  const child = fork(join(root, 'bench/receiver.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m) => new Promise((resolve) => child.once('message', resolve) && child.send(m));
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ url: `http://127.0.0.1:${port}/hook`, report: () => ask('report'), reset: () => ask('reset'), stop: () => child.send('exit'), pid: child.pid })));
}

/** Requests per second of one client driven closed-loop at CONCURRENCY for SECONDS. */
async function rawLimit(post) {
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      await post();
      done++;
    }
  }));
  return done / SECONDS;
}

function cpuAndRss(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, rssMb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 };
  } catch {
    return { cpu: NaN, rssMb: NaN };
  }
}

const pidOf = (pattern) => {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
};

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

  // 1. Raw limit of the delivery HTTP clients against the same receiver.
  const body = JSON.stringify({ id: 'evt_raw', type: 'bench.event', timestamp: new Date().toISOString(), data: { n: 1, text: 'x'.repeat(100) } });
  const headers = { 'content-type': 'application/json', 'webhook-id': 'raw' };
  const { default: got } = await import('got');
  const { Agent: HttpAgent } = await import('node:http');
  const gotClient = got.extend({ agent: { http: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }) }, retry: { limit: 0 }, followRedirect: false });
  const gotRate = await rawLimit(() => gotClient.post(receiver.url, { body, headers }));
  row('raw limit', `got, concurrency ${CONCURRENCY}`, gotRate, 'req/s');
  const undici = await import('undici');
  const agent = new undici.Agent({ connections: CONCURRENCY });
  const undiciRate = await rawLimit(async () => (await undici.request(receiver.url, { method: 'POST', body, headers, dispatcher: agent })).body.dump());
  row('raw limit', `undici, concurrency ${CONCURRENCY}`, undiciRate, 'req/s');

  // 3. The baseline a user might pick instead.
  const bullRate = await bullmqThroughput({ url: receiver.url, jobs: EVENTS, concurrency: CONCURRENCY });
  row('baseline', `BullMQ on Redis + got, concurrency ${CONCURRENCY}`, bullRate, 'deliveries/s');

  // 2. hookstream end to end.
  const prefix = `bench-${Date.now().toString(36)}`;
  const key = `bench-${Math.random().toString(36).slice(2)}`;
  const env = systemEnv(root, { prefix, key, basePort: 3500, kafka, postgres }, {
    DELIVERY_CONCURRENCY: String(CONCURRENCY * 4),
    DELIVERY_CLIENT: process.env.DELIVERY_CLIENT ?? 'got',
  });
  const apps = startApps(root, env, join(root, '.data', 'bench-logs', prefix));
  try {
    await waitHealthy(healthUrls(env));
    const api = (method, path, b) =>
      fetch(`http://127.0.0.1:${env.PORT}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: b && JSON.stringify(b) });
    const subscribe = async (events) => (await api('POST', '/webhooks', { url: receiver.url, events })).status;
    await subscribe(['one.*']);
    for (let i = 0; i < 3; i++) await subscribe(['three.*']);
    const { Kafka, logLevel, CompressionTypes } = (await import('kafkajs')).default;
    const producer = new Kafka({ brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const produce = async (ids, type) => {
      for (let i = 0; i < ids.length; i += 500) {
        await producer.send({ topic: `${prefix}.events`, compression: CompressionTypes.None, messages: ids.slice(i, i + 500).map((id) => ({ key: id, value: JSON.stringify({ id, type, data: { n: 1, text: 'x'.repeat(100) } }) })) });
      }
    };
    const waitFor = async (expected, timeoutMs = 600000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = await receiver.report();
        if (r.count >= expected || Date.now() > until) return r;
        await sleep(250);
      }
    };
    // Warm-up.
    await produce(Array.from({ length: 200 }, (_, i) => `warm_${i}`), 'one.warm');
    await waitFor(200);

    const cpuBefore = Object.fromEntries(apps.map((a) => [a.app, cpuAndRss(a.child.pid).cpu]));
    const brokerCpuBefore = cpuAndRss(pidOf('kafka.Kafka')[0] ?? 0).cpu;
    let delivered = 0;
    const throughput = async (label, fanout, type) => {
      await receiver.reset();
      const ids = Array.from({ length: EVENTS }, (_, i) => `${type}_${i}`);
      const t0 = Date.now();
      await produce(ids, `${type}.event`);
      const r = await waitFor(EVENTS * fanout);
      const times = Object.values(r.arrivals);
      delivered += r.count;
      const rate = (r.count / Math.max(1, Math.max(...times) - t0)) * 1000;
      row('hookstream', label, rate, 'deliveries/s');
      return rate;
    };
    const fan1 = await throughput(`straight to Kafka, fan-out 1, ${EVENTS} events`, 1, 'one');
    await throughput(`straight to Kafka, fan-out 3, ${EVENTS} events`, 3, 'three');

    // Through the API, closed loop at CONCURRENCY.
    await receiver.reset();
    let posted = 0;
    const apiEnd = Date.now() + SECONDS * 1000;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < apiEnd) {
        const res = await api('POST', '/events', { type: 'one.api', data: { n: posted } });
        await res.text();
        posted++;
      }
    }));
    const apiReport = await waitFor(posted);
    delivered += apiReport.count;
    row('hookstream', `via POST /events, concurrency ${CONCURRENCY}`, (apiReport.count / Math.max(1, Math.max(...Object.values(apiReport.arrivals)) - t0)) * 1000, 'deliveries/s');

    // Latency at fixed offered rates, open loop, straight to Kafka: publish → the receiver's arrival.
    for (const rate of RATES) {
      await receiver.reset();
      const sentAt = new Map();
      const n = rate * Math.min(SECONDS, 10);
      const start = Date.now();
      const sends = [];
      for (let i = 0; i < n; i++) {
        const wait = start + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        const id = `lat${rate}_${i}`;
        sentAt.set(id, Date.now());
        sends.push(producer.send({ topic: `${prefix}.events`, messages: [{ key: id, value: JSON.stringify({ id, type: 'one.lat', data: {} }) }] }));
      }
      await Promise.all(sends);
      const r = await waitFor(n);
      delivered += r.count;
      const lat = [...sentAt].map(([id, t]) => (r.arrivals[id] ?? Infinity) - t).sort((a, b) => a - b);
      const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
      row('hookstream', `latency at ${rate} events/s offered (p50 / p95 / p99)`, `${q(0.5)} / ${q(0.95)} / ${q(0.99)}`, 'ms');
    }
    await producer.disconnect();

    // 4. Ratios, 5. CPU and memory.
    row('ratio', 'hookstream fan-out 1 ÷ raw got', fan1 / gotRate, '×');
    row('ratio', 'hookstream fan-out 1 ÷ raw undici', fan1 / undiciRate, '×');
    row('ratio', 'hookstream fan-out 1 ÷ BullMQ baseline', fan1 / bullRate, '×');
    for (const a of apps) {
      const now = cpuAndRss(a.child.pid);
      row('cost', `${a.app}: CPU s per 1,000 deliveries / peak RSS`, `${(((now.cpu - cpuBefore[a.app]) * 1000) / delivered).toFixed(2)} / ${now.rssMb.toFixed(0)}`, 's / MB');
    }
    const brokerPid = pidOf('kafka.Kafka')[0];
    if (brokerPid) row('cost', 'kafka broker: CPU s per 1,000 deliveries', (((cpuAndRss(brokerPid).cpu - brokerCpuBefore) * 1000) / delivered).toFixed(2), 's');
    for (const [name, pattern] of [['kafka broker', 'kafka.Kafka'], ['postgres (largest process)', 'postgres']]) {
      const rss = Math.max(0, ...pidOf(pattern).map((pid) => cpuAndRss(pid).rssMb).filter((v) => Number.isFinite(v)));
      row('cost', `${name}: peak RSS`, rss, 'MB');
    }
  } finally {
    await stopApps(apps);
    receiver.stop();
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const date = new Date().toISOString().slice(0, 10);
  const table = [`# bench ${date} ${commit}${QUICK ? ' (BENCH_QUICK)' : ''}`, '', '| section | measure | value | unit |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(`\n${table}`);
  writeFileSync(join(root, 'bench/results', `${date}-${commit}${QUICK ? '-quick' : ''}.md`), `${table}\n`);
  await postgres.stop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
