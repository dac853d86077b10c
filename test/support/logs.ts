import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';

/** The JSON log lines an app of this run wrote, parsed. */
export function logLines(app: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(testEnv().logsDir, `${app}.log`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
