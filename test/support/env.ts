import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestEnv {
  root: string;
  prefix: string;
  apiUrl: string;
  logsDir: string;
  /** Pids of the apps the global setup started (a test that restarts one updates its entry here). */
  pids: Record<string, number>;
  tls: { trusted: { key: string; cert: string }; untrusted: { key: string; cert: string } };
  env: Record<string, string | undefined>;
}

let cached: TestEnv | undefined;

/** What the global setup started for this run. */
export function testEnv(): TestEnv {
  cached ??= JSON.parse(readFileSync(join(__dirname, '../../.data/test-env.json'), 'utf8')) as TestEnv;
  return cached;
}

export function uniqueId(label: string): string {
  return `${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
