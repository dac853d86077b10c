// Once per test run: a real Kafka broker and Postgres, a fresh topic prefix and database, and the four
// apps started from dist/ as separate processes. Tests find everything in .data/test-env.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import selfsigned from 'selfsigned';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres, recreateDatabase, startApps, waitHealthy } from '../../scripts/lib/infra.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export default async function globalSetup() {
  const prefix = `test-${Date.now().toString(36)}`;
  const kafka = await ensureKafka(root);
  // A database of its own per run, so runs from several checkouts on one machine never share one.
  const postgres = await ensurePostgres(root, `hookstream_${prefix.replace(/-/g, '_')}`);
  await recreateDatabase(postgres.url);
  if (process.env.HOOKSTREAM_SKIP_BUILD !== '1') ensureBuilt(root);
  killLeftovers();
  const tls = makeCertificates(join(root, '.data', prefix, 'tls'));
  const ports = { api: await freePort(), dispatcher: await freePort(), scheduler: await freePort(), projector: await freePort(), operational: await freePort() };
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
    RETRY_MULTIPLIER: '4',
    RETRY_MAX: '3',
    SECRET_ROTATION_GRACE_SECONDS: '3',
    DELIVERY_TIMEOUT_MS: '2000',
    // Circuits open after the default 5 failures but cool down fast, so tests see open → probe → closed quickly.
    CIRCUIT_COOLDOWN_MS: '200',
    CIRCUIT_COOLDOWN_MAX_MS: '1000',
    // Operational events (endpoint.disabled) go to a receiver the endpoint-health spec starts on this port.
    OPERATIONAL_WEBHOOK_URL: `http://127.0.0.1:${ports.operational}/ops`,
    OPERATIONAL_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
    HOOKSTREAM_DATA_DIR: join(root, '.data', prefix),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'info',
    // `npm test` runs the delivery specs a second time with the other client (see package.json).
    ...(process.env.HOOKSTREAM_TEST_DELIVERY_CLIENT ? { DELIVERY_CLIENT: process.env.HOOKSTREAM_TEST_DELIVERY_CLIENT } : {}),
    // The apps trust this one self-signed certificate on top of the system CAs; tests also use an untrusted one.
    NODE_EXTRA_CA_CERTS: tls.trusted.cert,
  };
  const logsDir = join(root, '.data', 'test-logs', prefix);
  const apps = startApps(root, env, logsDir);
  globalThis.__hookstream = { apps, kafka, postgres };
  const pids = Object.fromEntries(apps.map(({ app, child }) => [app, child.pid]));
  mkdirSync(join(root, '.data'), { recursive: true });
  const writeEnv = () =>
    writeFileSync(join(root, '.data', 'test-env.json'), JSON.stringify({ root, prefix, env, logsDir, pids, tls, apiUrl: `http://127.0.0.1:${ports.api}` }, null, 2));
  writeEnv();
  await waitHealthy([
    `http://127.0.0.1:${ports.api}/health`,
    `http://127.0.0.1:${ports.dispatcher}/health`,
    `http://127.0.0.1:${ports.scheduler}/health`,
    `http://127.0.0.1:${ports.projector}/health`,
  ]);

}

/** Two self-signed certificates for 127.0.0.1/localhost: one the apps trust, one they do not. */
function makeCertificates(dir) {
  mkdirSync(dir, { recursive: true });
  const make = (name) => {
    const pems = selfsigned.generate([{ name: 'commonName', value: `hookstream-test-${name}` }], {
      days: 2,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    const files = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.pem`) };
    writeFileSync(files.key, pems.private, { mode: 0o600 });
    writeFileSync(files.cert, pems.cert);
    return files;
  };
  return { trusted: make('trusted'), untrusted: make('untrusted') };
}

/** A port the OS says is free now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Apps of an earlier run that was interrupted before its teardown. */
function killLeftovers() {
  const file = join(root, '.data', 'test-env.json');
  if (!existsSync(file)) return;
  const { pids = {} } = JSON.parse(readFileSync(file, 'utf8'));
  const extra = existsSync(join(root, '.data/test-pids')) ? readdirSync(join(root, '.data/test-pids')).map(Number) : [];
  for (const pid of [...Object.values(pids), ...extra]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(join(root, '.data/test-pids'), { recursive: true, force: true });
}
