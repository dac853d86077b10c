import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './env';
import { eventually } from './eventually';

let nextPort = 3150 + (process.pid % 500) * 4;

/** A second API process of this run with some settings changed (another CIDR list, another broker path). */
export async function startExtraApi(overrides: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const env = testEnv();
  const port = nextPort++;
  const child: ChildProcess = spawn(process.execPath, [join(env.root, 'dist/apps/api/src/main.js')], {
    env: { ...process.env, ...env.env, PORT: String(port), ...overrides },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${url}/health`).then(() => true), `extra API on ${port}`, 30000);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
