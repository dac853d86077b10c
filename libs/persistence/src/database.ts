import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConnection } from '@app/config';
import { createDataSource, ensureDatabase, migrate } from './data-source';

export class DatabaseUnavailableError extends Error {}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** Whether an error means Postgres is not reachable (as opposed to a bad query). */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (e instanceof DatabaseUnavailableError) return true;
  const err = e as { code?: string; driverError?: { code?: string }; message?: string } | null;
  const code = err?.code ?? err?.driverError?.code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err?.message ?? '');
}

/**
 * Whether trying the same statement again can succeed: Postgres unreachable, or a conflict between
 * transactions (class 40: serialization failure, deadlock), resources short (53) or an operator stopping
 * the server (57). Anything else (a value Postgres refuses, a broken constraint) fails again the same way.
 */
export function isTransientDatabaseError(e: unknown): boolean {
  if (isDatabaseUnavailable(e)) return true;
  const err = e as { code?: string; driverError?: { code?: string } } | null;
  const code = err?.code ?? err?.driverError?.code ?? '';
  return /^(40|53|57)/.test(code);
}

/**
 * What to change when Postgres refuses the connection's TLS: that fails the same way on every retry, so
 * the retry log says which setting to look at.
 */
export function tlsHint(e: unknown): string | undefined {
  const { code = '', message = '' } = (e ?? {}) as { code?: string; message?: string };
  if (/does not support SSL/i.test(message)) return 'the server does not offer TLS: check DATABASE_SSL';
  if (/no encryption/i.test(message)) return 'the server accepts only TLS connections: set DATABASE_SSL';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'the server certificate is not accepted: check DATABASE_SSL_CA_FILE and DATABASE_SSL';
  return undefined;
}

type Log = { warn: (o: object, m: string) => void; info: (o: object, m: string) => void };

/**
 * The Postgres connection of an app, opened (and migrated) in the background with retries, so an app
 * starts and keeps serving what does not need Postgres while the database is down.
 */
export class Database {
  private ds: DataSource | null = null;
  private readonly opened: Promise<DataSource>;
  private closed = false;

  constructor(private readonly connection: DatabaseConnection, private readonly log: Log) {
    this.opened = this.open();
    this.opened.catch(() => undefined);
  }

  /** The data source, or DatabaseUnavailableError while it is not connected yet. */
  current(): DataSource {
    if (!this.ds) throw new DatabaseUnavailableError('the status database is not reachable yet; try again shortly');
    return this.ds;
  }

  /** Whether Postgres answers right now. */
  async health(): Promise<'up' | 'down'> {
    try {
      await this.current().query('SELECT 1');
      return 'up';
    } catch {
      return 'down';
    }
  }

  /**
   * A connection of its own, outside the pool, for long maintenance (pruning): its session settings and
   * advisory locks cannot leak into the app's queries, and they end with it. The caller ends it.
   */
  async connectAlone(applicationName: string): Promise<Client> {
    const client = new Client({ connectionString: this.connection.url, ssl: this.connection.ssl, connectionTimeoutMillis: 3000, application_name: applicationName });
    // A connection lost while idle must not become an uncaught 'error' event; the next query fails instead.
    client.on('error', (e) => this.log.warn({ 'error.message': e.message }, `${applicationName}: connection lost`));
    await client.connect();
    return client;
  }

  ready(): Promise<DataSource> {
    return this.opened;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ds?.isInitialized) await this.ds.destroy();
  }

  private async open(): Promise<DataSource> {
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureDatabase(this.connection.url, this.connection);
        const ds = createDataSource(this.connection.url, this.connection);
        await ds.initialize();
        await migrate(ds);
        this.ds = ds;
        this.log.info({}, 'database connected and migrated');
        return ds;
      } catch (e) {
        if (this.closed) throw e;
        const hint = tlsHint(e);
        this.log.warn({ 'error.message': (e as Error).message, attempt }, `database not reachable yet${hint ? ` (${hint})` : ''}; retrying`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }
}
