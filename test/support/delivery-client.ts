import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './env';

export interface ClientResult {
  statusCode: number | null;
  error: string | null;
  retryAfterMs: number | null;
}

export type ClientKind = 'got' | 'undici';

export interface ChildOptions {
  extraCa?: string;
  /** Node flags of the child process, e.g. `--tls-min-v1.0` to lower the process-wide TLS defaults. */
  nodeFlags?: string[];
}

function runChild(script: string, url: string, options: ChildOptions): Promise<ClientResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: options.extraCa ?? '' };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...(options.nodeFlags ?? []), '-e', script, url], { env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ClientResult),
    ),
  );
}

/**
 * One POST through a real delivery client (got or undici) in a separate Node process, as the dispatcher makes it.
 * got is ESM-only and Jest's module loader cannot load it, so the client runs where Node loads it natively.
 */
export function postWithClient(
  url: string,
  options: ChildOptions & { allowPrivateTargets: boolean; kind?: ClientKind; timeoutMs?: number; dnsServers?: string[] },
): Promise<ClientResult> {
  const lib = join(testEnv().root, 'dist/libs/delivery/src/index.js');
  const script = `
    const lib = require(${JSON.stringify(lib)});
    const Client = ${options.kind === 'undici' ? 'lib.UndiciDeliveryClient' : 'lib.GotDeliveryClient'};
    const client = new Client({ timeoutMs: ${options.timeoutMs ?? 3000}, allowPrivateTargets: ${options.allowPrivateTargets}, dnsServers: ${JSON.stringify(options.dnsServers ?? [])}, maxSockets: 4 });
    client.post({ url: process.argv[1], headers: { 'content-type': 'application/json' }, body: '{}' })
      .then((r) => { process.stdout.write(JSON.stringify(r)); client.close(); });`;
  return runChild(script, url, options);
}

/** The same POST with Node's own https client and nothing but the process defaults: the control for `nodeFlags`. */
export function postWithNodeDefaults(url: string, options: ChildOptions): Promise<ClientResult> {
  const script = `
    const req = require('node:https').request(process.argv[1], { method: 'POST' }, (res) => {
      res.resume();
      process.stdout.write(JSON.stringify({ statusCode: res.statusCode, error: null, retryAfterMs: null }));
    });
    req.on('error', (e) => process.stdout.write(JSON.stringify({ statusCode: null, error: e.message, retryAfterMs: null })));
    req.end('{}');`;
  return runChild(script, url, options);
}
