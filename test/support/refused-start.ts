import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';

export interface Exit {
  code: number | null;
  /** From spawn to exit. */
  ms: number;
  /** Everything the app wrote, stdout and stderr. */
  output: string;
}

/** Starts one app of this run's build with settings changed and waits for it to exit by itself (killed after `timeoutMs`). */
export function runUntilExit(app: string, overrides: Record<string, string | undefined>, logName: string, timeoutMs = 30000): Promise<Exit> {
  const env = testEnv();
  const logFile = join(env.logsDir, `${logName}.log`);
  const log = openSync(logFile, 'a');
  const started = Date.now();
  const child = spawn(process.execPath, [join(env.root, 'dist/apps', app, 'src/main.js')], {
    cwd: env.root,
    env: { ...process.env, ...env.env, ...overrides },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, ms: Date.now() - started, output: readFileSync(logFile, 'utf8') });
    });
  });
}
