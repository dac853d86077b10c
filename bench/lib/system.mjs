// One hookstream system for a bench scenario: the four apps with their own topic prefix, database, API key
// and ports, a Kafka producer to write events straight to the events topic, the API, the workers'
// /metrics and the read model.
import { join } from 'node:path';
import { dropDatabase, healthUrls, portOpen, startApps, stopApps, systemEnv, waitHealthy } from '../../scripts/lib/infra.mjs';

/** The first base port from `from` (in steps of 10) whose four ports are all free. */
async function freeBasePort(from) {
  for (let base = from; base < from + 500; base += 10) {
    const taken = await Promise.all([0, 1, 2, 3].map((i) => portOpen(base + i, '127.0.0.1', 300)));
    if (!taken.some(Boolean)) return base;
  }
  throw new Error(`no four free ports from ${from}`);
}

/** The URL of another database on the same server. */
function databaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Starts a system and resolves once every app answers /health. `env` adds or overrides variables;
 * `database` names its read model (dropped first, so each run starts empty).
 */
export async function startSystem(ctx, { name, basePort, database, env: extra = {} }) {
  const prefix = `bench-${name}-${Date.now().toString(36)}`;
  const key = `bench-${Math.random().toString(36).slice(2)}`;
  const postgres = { url: databaseUrl(ctx.postgres.url, database) };
  await dropDatabase(postgres.url);
  const logsDir = join(ctx.root, '.data', 'bench-logs', prefix);
  // BENCH_PROFILE=1: a V8 CPU profile of every app, written into its logs folder when it stops.
  const profile = process.env.BENCH_PROFILE === '1' ? { HOOKSTREAM_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${logsDir}` } : {};
  const env = systemEnv(ctx.root, { prefix, key, basePort: await freeBasePort(basePort), kafka: ctx.kafka, postgres }, { ...profile, ...extra });
  const apps = startApps(ctx.root, env, logsDir);
  const { Kafka, logLevel, CompressionTypes } = (await import('kafkajs')).default;
  const producer = new Kafka({ brokers: ctx.kafka.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const system = {
    name,
    env,
    prefix,
    key,
    apps,
    logsDir,
    app: (name) => apps.find((a) => a.app === name),
    /** An API call; resolves to the status and the parsed body. */
    api: async (method, path, body) => {
      const res = await fetch(`http://127.0.0.1:${env.PORT}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    /** Registers a subscription; resolves to its id. */
    subscribe: async (body) => {
      const r = await system.api('POST', '/webhooks', body);
      if (r.status !== 201) throw new Error(`POST /webhooks answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body.id;
    },
    /** Writes events straight to the events topic, 500 per request. */
    produce: async (ids, type, fields = {}) => {
      for (let i = 0; i < ids.length; i += 500) {
        await producer.send({
          topic: `${prefix}.events`,
          compression: CompressionTypes.None,
          messages: ids.slice(i, i + 500).map((id) => ({ key: id, value: JSON.stringify({ id, type, data: { n: 1, text: 'x'.repeat(100) }, ...fields }) })),
        });
      }
    },
    /** Writes one event straight to the events topic. */
    send: (event) => producer.send({ topic: `${prefix}.events`, messages: [{ key: event.id, value: JSON.stringify(event) }] }),
    /** Prometheus text of one app's /metrics. */
    metrics: async (app = 'dispatcher') => {
      const port = { api: env.PORT, dispatcher: env.DISPATCHER_PORT, 'retry-scheduler': env.RETRY_SCHEDULER_PORT, 'status-projector': env.STATUS_PROJECTOR_PORT }[app];
      return fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.text(), () => '');
    },
    /** Rows of a read-model query. */
    query: async (sql, params = []) => (await pool.query(sql, params)).rows,
    stop: async () => {
      await producer.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await stopApps(apps);
    },
  };
  try {
    await waitHealthy(healthUrls(env));
    await producer.connect();
  } catch (e) {
    await system.stop();
    throw e;
  }
  return system;
}

/**
 * Values of one Prometheus series family by one label, e.g. deferrals by reason. Values of the same label
 * value are summed (other labels ignored).
 */
export function metricBy(text, name, label) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? '';
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/** The value of a series without the label split (summed over its labels). */
export const metricValue = (text, name) => Object.values(metricBy(text, name, '')).reduce((s, v) => s + v, 0);
