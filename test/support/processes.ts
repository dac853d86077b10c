import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';
import { eventually } from './eventually';

const healthPort: Record<string, string> = {
  dispatcher: 'DISPATCHER_PORT',
  'retry-scheduler': 'RETRY_SCHEDULER_PORT',
  'status-projector': 'STATUS_PROJECTOR_PORT',
  api: 'PORT',
};

/** SIGKILLs one of the run's apps (no shutdown, no commits): a crash. */
export async function crash(app: string): Promise<void> {
  const env = testEnv();
  const pid = env.pids[app]!;
  process.kill(pid, 'SIGKILL');
  rmSync(join(env.root, '.data/test-pids', String(pid)), { force: true });
  await eventually(async () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return true;
    }
  }, `${app} to die`);
}

/** Starts the app again with the run's settings and waits until it is healthy. */
export async function restart(app: string): Promise<void> {
  const env = testEnv();
  const log = openSync(join(env.logsDir, `${app}.log`), 'a');
  const child = spawn(process.execPath, [join(env.root, 'dist/apps', app, 'src/main.js')], {
    cwd: env.root,
    env: { ...process.env, ...env.env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  child.unref();
  env.pids[app] = child.pid!;
  mkdirSync(join(env.root, '.data/test-pids'), { recursive: true });
  writeFileSync(join(env.root, '.data/test-pids', String(child.pid)), app);
  const port = env.env[healthPort[app]!];
  await eventually(() => fetch(`http://127.0.0.1:${port}/health`).then((r) => (r.ok ? true : undefined)), `${app} to be healthy`, 60000);
}

/** The run's apps whose process is gone (the pids of test env, updated by restarts). */
export function deadApps(): string[] {
  return Object.entries(testEnv().pids).flatMap(([app, pid]) => {
    try {
      process.kill(pid, 0);
      return [];
    } catch {
      return [app];
    }
  });
}
