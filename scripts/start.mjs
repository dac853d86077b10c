// `npm start`: installs and builds if needed, brings up Kafka and Postgres when none is configured, runs the
// four apps (restarting one that dies), and stops everything it started on Ctrl-C or SIGTERM.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPS, ensureBuilt, ensureKafka, ensurePostgres, startApp, startApps, stopApps, waitHealthy } from './lib/infra.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const colours = { api: 36, dispatcher: 35, 'retry-scheduler': 33, 'status-projector': 32 };
const echo = (app, data) => {
  for (const line of data.toString().split('\n')) if (line.trim()) process.stdout.write(`\x1b[${colours[app]}m${app.padEnd(16)}\x1b[0m ${line}\n`);
};

ensureBuilt(root);
const kafka = await ensureKafka(root);
const postgres = await ensurePostgres(root, 'hookstream');
const env = { KAFKA_BROKERS: kafka.brokers, DATABASE_URL: postgres.url };
const logsDir = join(root, '.data', 'logs');
let handles = startApps(root, env, logsDir, echo);
let stopping = false;

const watch = (h) =>
  h.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`hookstream: ${h.app} exited (${signal ?? code}); restarting it in 1 s`);
    setTimeout(() => {
      if (stopping) return;
      const fresh = startApp(root, h.app, env, logsDir, echo);
      handles = handles.map((x) => (x.app === h.app ? fresh : x));
      watch(fresh);
    }, 1000);
  });
handles.forEach(watch);

const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nhookstream: ${signal}; stopping the apps, then what npm start brought up`);
  await stopApps(handles);
  await postgres.stop();
  await kafka.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const port = (name, fallback) => process.env[name] ?? fallback;
await waitHealthy([
  `http://127.0.0.1:${port('PORT', 3000)}/health`,
  `http://127.0.0.1:${port('DISPATCHER_PORT', 3001)}/health`,
  `http://127.0.0.1:${port('RETRY_SCHEDULER_PORT', 3002)}/health`,
  `http://127.0.0.1:${port('STATUS_PROJECTOR_PORT', 3003)}/health`,
]);
console.log(`\nhookstream is up (${APPS.join(', ')}).`);
console.log(`  API:  http://127.0.0.1:${port('PORT', 3000)}   (OpenAPI at /docs, health at /health)`);
console.log(`  logs: ${logsDir}\n  Ctrl-C stops everything npm start started.\n`);
