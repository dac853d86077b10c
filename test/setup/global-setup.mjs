// Once per test run: a real Kafka broker and Postgres, a fresh topic prefix and database, and the four
// apps started from dist/ as separate processes. Tests find everything in .data/test-env.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureBuilt, ensureKafka, ensurePostgres, startApps, waitHealthy } from '../../scripts/lib/infra.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export default async function globalSetup() {
  const prefix = `test-${Date.now().toString(36)}`;
  const kafka = await ensureKafka(root);
  const postgres = await ensurePostgres(root, 'hookstream_test');
  await recreateDatabase(postgres.url);
  if (process.env.HOOKSTREAM_SKIP_BUILD !== '1') ensureBuilt(root);
  const ports = { api: 3100, dispatcher: 3101, scheduler: 3102, projector: 3103 };
  const env = {
    NODE_ENV: 'test',
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: postgres.url,
    API_KEYS: `test-key-${prefix}`,
    PORT: String(ports.api),
    DISPATCHER_PORT: String(ports.dispatcher),
    RETRY_SCHEDULER_PORT: String(ports.scheduler),
    STATUS_PROJECTOR_PORT: String(ports.projector),
    ALLOW_INSECURE_HTTP: 'true',
    ALLOW_PRIVATE_TARGETS: 'true',
    RETRY_BASE_MS: '100',
    RETRY_MULTIPLIER: '2',
    RETRY_MAX: '3',
    DELIVERY_TIMEOUT_MS: '2000',
    HOOKSTREAM_DATA_DIR: join(root, '.data', prefix),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'info',
  };
  const logsDir = join(root, '.data', 'test-logs', prefix);
  const apps = startApps(root, env, logsDir);
  globalThis.__hookstream = { apps, kafka, postgres };
  await waitHealthy([
    `http://127.0.0.1:${ports.api}/health`,
    `http://127.0.0.1:${ports.dispatcher}/health`,
    `http://127.0.0.1:${ports.scheduler}/health`,
    `http://127.0.0.1:${ports.projector}/health`,
  ]);
  mkdirSync(join(root, '.data'), { recursive: true });
  writeFileSync(join(root, '.data', 'test-env.json'), JSON.stringify({ root, prefix, env, logsDir, apiUrl: `http://127.0.0.1:${ports.api}` }, null, 2));
}

async function recreateDatabase(url) {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
