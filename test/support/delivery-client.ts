import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './env';

export interface ClientResult {
  statusCode: number | null;
  error: string | null;
  retryAfterMs: number | null;
}

/**
 * One POST through a real delivery client (got or undici) in a separate Node process, as the dispatcher makes it.
 * got is ESM-only and Jest's module loader cannot load it, so the client runs where Node loads it natively.
 */
export type ClientKind = 'got' | 'undici';

export function postWithClient(url: string, options: { allowPrivateTargets: boolean; extraCa?: string; kind?: ClientKind; timeoutMs?: number }): Promise<ClientResult> {
  const lib = join(testEnv().root, 'dist/libs/delivery/src/index.js');
  const script = `
    const lib = require(${JSON.stringify(lib)});
    const Client = ${options.kind === 'undici' ? 'lib.UndiciDeliveryClient' : 'lib.GotDeliveryClient'};
    const client = new Client({ timeoutMs: ${options.timeoutMs ?? 3000}, allowPrivateTargets: ${options.allowPrivateTargets}, maxSockets: 4 });
    client.post({ url: process.argv[1], headers: { 'content-type': 'application/json' }, body: '{}' })
      .then((r) => { process.stdout.write(JSON.stringify(r)); client.close(); });`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: options.extraCa ?? '' };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script, url], { env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ClientResult),
    ),
  );
}
