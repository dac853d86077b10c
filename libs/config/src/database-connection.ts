import { checkServerIdentity, PeerCertificate } from 'node:tls';
import { refuse } from './config-error';
import type { RawEnv } from './env.schema';
import { certificateFile, withBuiltInCas } from './pem-files';

/** libpq's sslmode meanings: require encrypts, verify-ca also checks the chain, verify-full also the host name. */
export type DatabaseSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** What pg's `ssl` option gets. */
export interface DatabaseTls {
  rejectUnauthorized: boolean;
  ca?: string[];
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/** How every pg connection of an app is opened: the pool, and the one-off connection that creates the database. */
export interface DatabaseConnection {
  /** DATABASE_URL without its sslmode, which `ssl` stands for (pg would let the URL's setting override it). */
  url: string;
  sslMode: DatabaseSslMode;
  ssl: false | DatabaseTls;
  poolSize: number;
}

const URL_MODES: Record<string, DatabaseSslMode | undefined> = {
  disable: 'disable',
  require: 'require',
  'no-verify': 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
};

function parsed(value: string): URL {
  try {
    return new URL(value);
  } catch {
    return refuse('DATABASE_URL cannot be parsed as a URL such as postgres://user:password@host:5432/database');
  }
}

export function databaseConnection(raw: RawEnv): DatabaseConnection {
  const url = parsed(raw.DATABASE_URL);
  const unsupported = [...url.searchParams.keys()].find((k) => (k.startsWith('ssl') && k !== 'sslmode') || k === 'uselibpqcompat');
  if (unsupported) refuse(`DATABASE_URL parameter ${unsupported} is not read: use DATABASE_SSL and DATABASE_SSL_CA_FILE instead`);
  const inUrl = url.searchParams.get('sslmode');
  url.searchParams.delete('sslmode');
  const fromUrl = inUrl === null ? undefined : urlMode(inUrl);
  const setting = raw.DATABASE_SSL === 'false' ? 'disable' : raw.DATABASE_SSL;
  if (setting && fromUrl && setting !== fromUrl) refuse(`DATABASE_SSL=${raw.DATABASE_SSL} contradicts sslmode=${inUrl} in DATABASE_URL: keep one of them`);
  const sslMode = setting ?? fromUrl ?? 'disable';
  const base = { url: inUrl === null ? raw.DATABASE_URL : url.toString(), sslMode, poolSize: raw.DATABASE_POOL_SIZE };
  if (sslMode === 'disable') {
    if (raw.DATABASE_SSL_CA_FILE) refuse('DATABASE_SSL_CA_FILE is set but TLS to Postgres is off: set DATABASE_SSL=verify-full');
    return { ...base, ssl: false };
  }
  const ca = raw.DATABASE_SSL_CA_FILE ? withBuiltInCas(certificateFile('DATABASE_SSL_CA_FILE', raw.DATABASE_SSL_CA_FILE)) : undefined;
  // As libpq does, require with a CA file checks the chain (verify-ca).
  if (sslMode === 'require' && !ca) return { ...base, ssl: { rejectUnauthorized: false } };
  if (sslMode === 'verify-full') {
    // pg names no server for an IP address, so Node would check the certificate against "localhost": name the URL's host.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { ...base, ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(host ? { checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(host, cert) } : {}) } };
  }
  return { ...base, ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined } };
}

function urlMode(value: string): DatabaseSslMode {
  const mode = URL_MODES[value];
  if (mode) return mode;
  if (value === 'prefer' || value === 'allow') {
    refuse(`sslmode=${value} in DATABASE_URL may fall back to an unencrypted connection, which hookstream does not do: use disable, require, verify-ca or verify-full`);
  }
  return refuse(`sslmode=${value} in DATABASE_URL is not one of disable, require, verify-ca, verify-full`);
}
