import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testEnv, uniqueId } from './env';
import { eventually } from './eventually';
import { findRecord } from './kafka';

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** One app of this run's build with settings changed; its pid is left in .data/test-pids for the teardown. */
export async function startApp(app: string, overrides: Record<string, string>, healthUrl: string, logName: string): Promise<Started> {
  const env = testEnv();
  const log = openSync(join(env.logsDir, `${logName}.log`), 'a');
  const child = spawn(process.execPath, [join(env.root, 'dist/apps', app, 'src/main.js')], {
    cwd: env.root,
    env: { ...process.env, ...env.env, ...overrides },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pidFile = join(env.root, '.data/test-pids', String(child.pid));
  mkdirSync(join(env.root, '.data/test-pids'), { recursive: true });
  writeFileSync(pidFile, app);
  const stop = () =>
    new Promise<void>((resolve) => {
      rmSync(pidFile, { force: true });
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  try {
    await eventually(() => fetch(healthUrl).then((r) => (r.ok ? true : undefined)), `${logName} to be healthy`, 60000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, stop };
}

export interface GuardedSystem {
  prefix: string;
  /** An API with the SSRF guard on, resolving through the test DNS server. */
  apiUrl: string;
  /** An API of the same system with the guard off: targets registered before an operator turned it on. */
  unguardedApiUrl: string;
  /** The attempt record the guarded dispatcher wrote for an event. */
  attemptOf(eventId: string): Promise<{ outcome: string; status_code: number | null; error: string | null; url: string }>;
  stop(): Promise<void>;
}

/**
 * A small system of its own (own topic prefix): two APIs (guard on and off) and one dispatcher with the SSRF
 * guard on, all resolving host names through `dnsServers`. No retries (RETRY_MAX=0), so the first attempt
 * is the last; no projector: the attempts are read from the system's attempts topic.
 */
export async function startGuardedSystem(dnsServers: string): Promise<GuardedSystem> {
  const prefix = `${testEnv().prefix}-${uniqueId('ssrf').replace(/_/g, '-')}`;
  const [apiPort, openApiPort, dispatcherPort] = [await freePort(), await freePort(), await freePort()];
  const common = { KAFKA_TOPIC_PREFIX: prefix, DNS_SERVERS: dnsServers, RETRY_MAX: '0', ALLOW_INSECURE_HTTP: 'true' };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const unguardedApiUrl = `http://127.0.0.1:${openApiPort}`;
  const started = await Promise.allSettled([
    startApp('api', { ...common, ALLOW_PRIVATE_TARGETS: 'false', PORT: String(apiPort) }, `${apiUrl}/health`, `${prefix}-api`),
    startApp('api', { ...common, ALLOW_PRIVATE_TARGETS: 'true', PORT: String(openApiPort) }, `${unguardedApiUrl}/health`, `${prefix}-open-api`),
    startApp('dispatcher', { ...common, ALLOW_PRIVATE_TARGETS: 'false', DISPATCHER_PORT: String(dispatcherPort) }, `http://127.0.0.1:${dispatcherPort}/health`, `${prefix}-dispatcher`),
  ]);
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => void (await Promise.all(apps.map((a) => a.stop())));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    prefix,
    apiUrl,
    unguardedApiUrl,
    attemptOf: (eventId) =>
      findRecord(`${prefix}.attempts`, (key, value) => (key === eventId && value ? (JSON.parse(value) as Awaited<ReturnType<GuardedSystem['attemptOf']>>) : undefined)),
    stop,
  };
}
